/*
 * legacy.c — the Electron NalamDesk's values read into this server's
 * (legacy.h).  That app stored what its forms sent, unchecked: a gender
 * may be "Male", "m" or "ஆண்", a date of birth "1980-04-01" or
 * "01/04/1980", an age "45 yrs", a time "2024-03-01 18:45:10" (UTC,
 * written without a zone, SQLite's CURRENT_TIMESTAMP) or an ISO string
 * from JavaScript.  Each function here says what it accepts and answers 0
 * (or -1) for the rest, so that the import can report the value and why.
 * Bottom floor: nothing here knows of HTTP or of the database.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <yajl/yajl_tree.h>

#include "nd.h"
#include "legacy.h"

/* Removes leading and trailing white space of S in place. */
void
legacy_trim(char *s)
{
	size_t	 n, i = 0;

	while (isspace((unsigned char)s[i]))
		i++;
	n = strlen(s + i);
	memmove(s, s + i, n + 1);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Copies S trimmed into OUT (SIZE bytes); 0 when it did not fit. */
static int
trimmed(const char *s, char *out, size_t size)
{
	size_t	 n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= size)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

/*
 * A gender as the old app kept it into *SEX ('M', 'F' or 'O').  Returns 1
 * when it was understood; 0 (and 'O') for an empty or unknown one.
 */
int
legacy_sex(const char *g, char *sex)
{
	static const struct { const char *word; char sex; } words[] = {
		{ "m", 'M' }, { "male", 'M' }, { "man", 'M' }, { "boy", 'M' },
		{ "\xe0\xae\x86\xe0\xae\xa3\xe0\xaf\x8d", 'M' },	/* ஆண் */
		{ "f", 'F' }, { "female", 'F' }, { "woman", 'F' },
		{ "girl", 'F' },
		{ "\xe0\xae\xaa\xe0\xaf\x86\xe0\xae\xa3\xe0\xaf\x8d", 'F' },	/* பெண் */
		{ "o", 'O' }, { "other", 'O' }, { "others", 'O' },
		{ "transgender", 'O' }, { "tg", 'O' }, { "third gender", 'O' },
	};
	char	 w[32];
	size_t	 i;

	*sex = 'O';
	if (g == NULL || !trimmed(g, w, sizeof(w)))
		return 0;
	for (i = 0; i < ND_NELEM(words); i++)
		if (strcasecmp(w, words[i].word) == 0) {
			*sex = words[i].sex;
			return 1;
		}
	return 0;
}

/* N digits at S as a number, or -1. */
static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * A date into OUT (11 bytes, YYYY-MM-DD): "YYYY-MM-DD" (anything after it,
 * such as a time, is ignored), or "DD/MM/YYYY", "DD-MM-YYYY", "DD.MM.YYYY"
 * as people in India write it.  Returns 1 for a real calendar date from
 * 1900 (valid_date()), else 0.
 */
int
legacy_date(const char *in, char *out)
{
	char	 s[48];
	int	 d, m, y;

	out[0] = '\0';
	if (in == NULL)
		return 0;
	while (isspace((unsigned char)*in))
		in++;
	snprintf(s, sizeof(s), "%s", in);
	if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-')
		snprintf(out, 11, "%.10s", s);
	else if (strlen(s) >= 10 && (s[2] == '/' || s[2] == '-' ||
	    s[2] == '.') && s[5] == s[2] && (d = digits(s, 2)) >= 0 &&
	    (m = digits(s + 3, 2)) >= 0 && (y = digits(s + 6, 4)) >= 0 &&
	    (s[10] == '\0' || isspace((unsigned char)s[10]))) {
		snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
		if (strlen(s) != 10)
			return 0;
		memcpy(out, s, 11);
	} else
		return 0;
	if (!valid_date(out)) {
		out[0] = '\0';
		return 0;
	}
	return 1;
}

/*
 * A UTC time into OUT (21 bytes, "YYYY-MM-DDTHH:MM:SSZ", as db_now()
 * writes): SQLite's "YYYY-MM-DD HH:MM:SS" (the old app's zoneless UTC), the
 * same with a T, fractions of a second, and a "Z" or "+00:00"; a date
 * alone is its midnight; 10 or 13 digits are Unix seconds or milliseconds
 * (JavaScript's Date.now()).  Returns 1, or 0 for anything else (another
 * zone included: the old app wrote none).
 */
int
legacy_utc(const char *in, char *out)
{
	char		 s[40], day[11];
	const char	*p;
	struct tm	 tm;
	time_t		 t;
	size_t		 n;
	int		 h = 0, mi = 0, se = 0;

	out[0] = '\0';
	if (in == NULL || !trimmed(in, s, sizeof(s)) || s[0] == '\0')
		return 0;
	n = strlen(s);
	if ((n == 10 || n == 13) && strspn(s, "0123456789") == n) {
		t = (time_t)strtoll(s, NULL, 10);
		if (n == 13)
			t /= 1000;
		if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1970 ||
		    tm.tm_year + 1900 > 2199)
			return 0;
		strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return 1;
	}
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return 0;
	snprintf(day, sizeof(day), "%.10s", s);
	if (!valid_date(day))
		return 0;
	p = s + 10;
	if (*p == ' ' || *p == 'T') {
		if ((h = digits(p + 1, 2)) < 0 || p[3] != ':' ||
		    (mi = digits(p + 4, 2)) < 0)
			return 0;
		p += 6;
		if (*p == ':') {
			if ((se = digits(p + 1, 2)) < 0)
				return 0;
			p += 3;
		}
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				continue;
		if (h > 23 || mi > 59 || se > 60)
			return 0;
		if (se == 60)
			se = 59;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (strcmp(p, "+00:00") == 0 || strcmp(p, "+0000") == 0)
		p += strlen(p);
	if (*p != '\0')
		return 0;
	snprintf(out, 21, "%sT%02d:%02d:%02dZ", day, h, mi, se);
	return 1;
}

/*
 * The clinic-local date (11 bytes into DAY) of UTC time UTC (as
 * legacy_utc() writes it), in the zone of the TZ environment variable
 * (db_today() sets it from settings.timezone).  Returns 1 or 0.
 */
int
legacy_local_day(const char *utc, char *day)
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(utc) != 20 || utc[10] != 'T' ||
	    sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1 || localtime_r(&t, &tm) == NULL)
		return 0;
	strftime(day, 11, "%Y-%m-%d", &tm);
	return 1;
}

/*
 * An age as typed: "45", "45 yrs", "45 years", "45Y", "45.5"; months,
 * weeks or days ("6 months", "3 m", "10 days") are under a year: 0.
 * Into *YEARS (0-130).  Returns 1, or 0 when it is no age.
 */
int
legacy_age(const char *in, int *years)
{
	char		 s[40], *end;
	const char	*u;
	double		 v;

	*years = -1;
	if (in == NULL || !trimmed(in, s, sizeof(s)) || s[0] == '\0' ||
	    !isdigit((unsigned char)s[0]))
		return 0;
	v = strtod(s, &end);
	if (!isfinite(v) || v < 0)
		return 0;
	for (u = end; *u == ' ' || *u == '.'; u++)
		continue;
	if (*u == '\0' || strncasecmp(u, "y", 1) == 0)
		;	/* years */
	else if (strncasecmp(u, "m", 1) == 0 || strncasecmp(u, "w", 1) == 0 ||
	    strncasecmp(u, "d", 1) == 0)
		v = 0;	/* months, weeks, days */
	else
		return 0;
	if (v > 130)
		return 0;
	*years = (int)v;
	return 1;
}

/*
 * A phone into OUT (VALID_PHONE_BUF bytes) as this server stores one:
 * valid_phone_clean()'s reading (spaces, dashes, brackets, +91, a trunk
 * 0; landlines with their STD code).  Returns 1, or 0 (OUT "") when it is
 * empty or no phone number this server accepts.
 */
int
legacy_phone(const char *in, char *out)
{
	out[0] = '\0';
	if (in == NULL || strlen(in) > 40 || !valid_phone_clean(in, out) ||
	    out[0] == '\0') {
		out[0] = '\0';
		return 0;
	}
	return 1;
}

/*
 * This server's role for a role of the old app: admin, doctor, nurse
 * (the caller checks that its build has it); reception, receptionist,
 * staff, frontdesk are front desk.  *KNOWN is 0 for any other (front
 * desk, the least privilege).
 */
const char *
legacy_role(const char *in, int *known)
{
	static const struct { const char *old, *role; } roles[] = {
		{ "admin", "admin" }, { "administrator", "admin" },
		{ "doctor", "doctor" }, { "nurse", "nurse" },
		{ "frontdesk", "frontdesk" }, { "front desk", "frontdesk" },
		{ "reception", "frontdesk" }, { "receptionist", "frontdesk" },
		{ "staff", "frontdesk" },
	};
	char	 w[32];
	size_t	 i;

	*known = 0;
	if (in != NULL && trimmed(in, w, sizeof(w)))
		for (i = 0; i < ND_NELEM(roles); i++)
			if (strcasecmp(w, roles[i].old) == 0) {
				*known = 1;
				return roles[i].role;
			}
	return "frontdesk";
}

/*
 * Days of a duration as typed: "5", "5 days", "5d", "1 week", "2 weeks",
 * "1 month" (30 days), "10 day(s)".  Returns 1-3650, or -1.
 */
int
legacy_duration_days(const char *in)
{
	char		 s[40], *end;
	const char	*u;
	long		 v;

	if (in == NULL || !trimmed(in, s, sizeof(s)) ||
	    !isdigit((unsigned char)s[0]))
		return -1;
	v = strtol(s, &end, 10);
	if (v > 3650)
		return -1;	/* before any multiplying: no overflow */
	for (u = end; *u == ' '; u++)
		continue;
	if (*u == '\0' || strncasecmp(u, "d", 1) == 0)
		;
	else if (strncasecmp(u, "w", 1) == 0)
		v *= 7;
	else if (strncasecmp(u, "mo", 2) == 0 || strcasecmp(u, "m") == 0)
		v *= 30;
	else
		return -1;
	return v >= 1 && v <= 3650 ? (int)v : -1;
}

/*
 * A temperature in degrees Celsius: the old app's form took either scale,
 * and 86-113 can only be Fahrenheit for a living patient (sets
 * *CONVERTED).  Rounded to 0.1.
 */
double
legacy_temp_c(double t, int *converted)
{
	*converted = 0;
	if (t >= 86 && t <= 113) {
		*converted = 1;
		t = (t - 32) * 5 / 9;
	}
	return round(t * 10) / 10;
}

/*
 * This server's food timing (visits.c's list) for an instruction that
 * says one ("after food", "before meals", "at bedtime", "empty stomach"),
 * or NULL.
 */
const char *
legacy_timing(const char *in)
{
	static const struct { const char *words, *timing; } t[] = {
		{ "before food", "before_food" },
		{ "before meal", "before_food" },
		{ "after food", "after_food" },
		{ "after meal", "after_food" },
		{ "with food", "with_food" },
		{ "empty stomach", "empty_stomach" },
		{ "bedtime", "bedtime" },
		{ "bed time", "bedtime" },
	};
	size_t	 i;

	for (i = 0; in != NULL && i < ND_NELEM(t); i++)
		if (strcasestr(in, t[i].words) != NULL)
			return t[i].timing;
	return NULL;
}

/* Member KEY of object O as text (a string or a number) into OUT. */
static void
rx_field(yajl_val o, const char *key, char *out, size_t size, int *cut)
{
	const char	*path[2] = { key, NULL };
	yajl_val	 v = yajl_tree_get(o, path, yajl_t_any);
	const char	*s = NULL;

	out[0] = '\0';
	if (v == NULL)
		return;
	if (YAJL_IS_STRING(v))
		s = YAJL_GET_STRING(v);
	else if (YAJL_IS_NUMBER(v))
		s = YAJL_GET_NUMBER(v);
	if (s == NULL)
		return;
	if (strlen(s) >= size) {
		*cut = 1;
		/* Cut at a character's start, never inside one. */
		size--;
		while (size > 0 && ((unsigned char)s[size] & 0xc0) == 0x80)
			size--;
		memcpy(out, s, size);
		out[size] = '\0';
	} else
		memcpy(out, s, strlen(s) + 1);
	legacy_trim(out);
}

/*
 * Reads prescription_json, TEXT of LEN bytes: a JSON array of objects
 * {medicine, form, dosage, route, frequency, duration, instruction}
 * (strings or numbers).  Calls FN(line, ARG) for each object, in order,
 * for at most LEGACY_RX_LINES of them; stops when FN returns nonzero.
 * *SKIPPED counts the items that were no object or past the limit.
 * Returns the number of objects passed to FN, 0 for an empty text or
 * "null", or -1 when the text is not such an array, or an object in it
 * has a key twice (nothing passed).
 */
int
legacy_rx_parse(const char *text, size_t len,
    int (*fn)(const struct legacy_rx *, void *), void *arg, int *skipped)
{
	static const char *const keys[] = { "medicine", "form", "dosage",
	    "route", "frequency", "duration", "instruction" };
	struct legacy_rx	*rx;
	yajl_val		 root, it;
	char			*copy, err[64];
	size_t			 i, k, n;
	int			 count = 0;

	*skipped = 0;
	if (text == NULL || len == 0)
		return 0;
	if (len > 1024 * 1024 || !valid_utf8(text, len) ||
	    strlen(text) != len || !json_depth_ok(text, len, 4))
		return -1;
	if ((copy = strndup(text, len)) == NULL)
		return -1;
	root = yajl_tree_parse(copy, err, sizeof(err));
	free(copy);
	if (root == NULL)
		return -1;
	if (YAJL_IS_NULL(root)) {
		yajl_tree_free(root);
		return 0;
	}
	if (!YAJL_IS_ARRAY(root)) {
		yajl_tree_free(root);
		return -1;
	}
	/* A key given twice: which one the doctor meant is unknown. */
	n = YAJL_GET_ARRAY(root)->len;
	for (i = 0; i < n; i++) {
		it = YAJL_GET_ARRAY(root)->values[i];
		if (YAJL_IS_OBJECT(it) && json_dup_keys(it)) {
			yajl_tree_free(root);
			return -1;
		}
	}
	if ((rx = malloc(sizeof(*rx))) == NULL) {
		yajl_tree_free(root);
		return -1;
	}
	for (i = 0; i < n; i++) {
		it = YAJL_GET_ARRAY(root)->values[i];
		if (!YAJL_IS_OBJECT(it) || count == LEGACY_RX_LINES) {
			(*skipped)++;
			continue;
		}
		memset(rx, 0, sizeof(*rx));
		for (k = 0; k < ND_NELEM(keys); k++) {
			char	*dst[] = { rx->medicine, rx->form, rx->dosage,
			    rx->route, rx->frequency, rx->duration,
			    rx->instruction };
			size_t	 sz[] = { sizeof(rx->medicine),
			    sizeof(rx->form), sizeof(rx->dosage),
			    sizeof(rx->route), sizeof(rx->frequency),
			    sizeof(rx->duration), sizeof(rx->instruction) };

			rx_field(it, keys[k], dst[k], sz[k], &rx->cut);
		}
		count++;
		if (fn(rx, arg) != 0)
			break;
	}
	free(rx);
	yajl_tree_free(root);
	return count;
}

/*
 * IN (the old file's text: any bytes) as this server keeps free text,
 * into OUT of SIZE: valid UTF-8 (a byte that starts no whole character is
 * left out), no control character but tab, newline and carriage return
 * (the others become spaces: valid_plain_text()), cut at a character's
 * end when it does not fit.  Returns 1 when OUT differs from IN.
 */
int
legacy_plain(const char *in, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t		 o = 0, n;
	int		 changed = 0;

	if (size == 0)
		return 1;
	while (*p != '\0') {
		if (*p < 0x80)
			n = 1;
		else if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		else
			n = 0;
		if (n == 0 || strnlen((const char *)p, n) < n ||
		    !valid_utf8((const char *)p, n)) {
			p++;		/* no character starts here */
			changed = 1;
			continue;
		}
		if (o + n >= size) {
			changed = 1;	/* cut */
			break;
		}
		if (n == 1 && ((*p < 0x20 && *p != '\t' && *p != '\n' &&
		    *p != '\r') || *p == 0x7f)) {
			out[o++] = ' ';
			changed = 1;
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	return changed;
}

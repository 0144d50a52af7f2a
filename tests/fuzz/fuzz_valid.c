/*
 * fuzz_valid — every valid_* function of cgi-bin/lib/valid.c on the input
 * (the raw bytes for valid_utf8(), a NUL-cut copy for the others), each
 * against an independent reference written from its comment: a decoder
 * after the Unicode table of well-formed UTF-8, timegm() for dates, and
 * POSIX regular expressions for the identifiers.
 */
#include <regex.h>
#include <time.h>

#include "fuzz.h"

static regex_t	 re_phone, re_abha, re_username;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (regcomp(&re_phone, "^([6-9][0-9]{9}|0[1-9][0-9]{9})?$", REG_EXTENDED | REG_NOSUB) ||
	    regcomp(&re_abha, "^([0-9]{14}|[0-9]{2}-[0-9]{4}-[0-9]{4}-[0-9]{4}|"
	    "[a-z0-9._]{3,32}@(abdm|sbx))?$", REG_EXTENDED | REG_NOSUB) ||
	    regcomp(&re_username, "^[a-z0-9][a-z0-9._-]{2,31}$",
	    REG_EXTENDED | REG_NOSUB))
		abort();
	return 0;
}

/*
 * Decodes one well-formed UTF-8 sequence at P (N bytes left), Unicode
 * Table 3-7.  Returns its length, 0 if ill-formed; the code point in *CP.
 */
static size_t
ref_utf8_one(const unsigned char *p, size_t n, unsigned *cp)
{
	static const struct {
		unsigned char lo, hi, lo2, hi2;
		size_t len;
	} t[] = {
		{ 0x00, 0x7f, 0, 0, 1 },
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 },
		{ 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	size_t	 i, k;

	for (i = 0; i < ND_NELEM(t); i++) {
		if (p[0] < t[i].lo || p[0] > t[i].hi)
			continue;
		if (n < t[i].len)
			return 0;
		if (t[i].len == 1) {
			*cp = p[0];
			return 1;
		}
		if (p[1] < t[i].lo2 || p[1] > t[i].hi2)
			return 0;
		for (k = 2; k < t[i].len; k++)
			if (p[k] < 0x80 || p[k] > 0xbf)
				return 0;
		*cp = p[0] & (0xff >> (t[i].len + 1));
		for (k = 1; k < t[i].len; k++)
			*cp = *cp << 6 | (p[k] & 0x3f);
		return t[i].len;
	}
	return 0;
}

/* Code points of the N bytes at P, or -1 if not well-formed. */
static long
ref_utf8(const unsigned char *p, size_t n)
{
	size_t	 k;
	long	 chars = 0;
	unsigned cp;

	while (n > 0) {
		if ((k = ref_utf8_one(p, n, &cp)) == 0)
			return -1;
		p += k;
		n -= k;
		chars++;
	}
	return chars;
}

static int
ref_date(const char *s)
{
	struct tm	 tm;
	time_t		 t;
	int		 y, m, d, n = 0;

	if (strlen(s) != 10 || strspn(s, "0123456789-") != 10 ||
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-' || strchr(s + 8, '-') ||
	    strchr(s + 5, '-') != s + 7 || strchr(s, '-') != s + 4)
		return 0;
	if (y < 1900 || y > 2199)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm.tm_year == y - 1900 && tm.tm_mon == m - 1 && tm.tm_mday == d;
}

static int
ref_time(const char *s)
{
	return strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' &&
	    s[1] >= '0' && s[1] <= '9' && (s[0] < '2' || s[1] <= '3') &&
	    s[2] == ':' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' &&
	    s[4] <= '9';
}

/* 10 to 128 characters, not all the same character (valid UTF-8 S). */
static int
ref_password(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 n = strlen(s), k, first;
	long	 chars = ref_utf8(p, n);
	unsigned cp, cp0;

	if (chars < 10 || chars > 128)
		return 0;
	first = ref_utf8_one(p, n, &cp0);
	for (k = first; k < n; k += ref_utf8_one(p + k, n - k, &cp))
		if (ref_utf8_one(p + k, n - k, &cp) && cp != cp0)
			return 1;
	return 0;
}

static int
re(regex_t *r, const char *s)
{
	return regexec(r, s, 0, NULL, 0) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fz_cstr(data, size);
	long	 chars = ref_utf8(data, size);
	size_t	 n = strlen(s);
	int	 utf8 = valid_utf8((const char *)data, size);

	FZ_ASSERT(utf8 == (chars >= 0), "valid_utf8 says %d", utf8);
	if (valid_utf8(s, n)) {
		FZ_ASSERT((long)valid_utf8_chars(s) == ref_utf8(
		    (const unsigned char *)s, n), "valid_utf8_chars");
		FZ_ASSERT(valid_password(s) == ref_password(s) ||
		    (fz_known("password-same-char") &&
		    (long)n != ref_utf8((const unsigned char *)s, n)),
		    "valid_password says %d", valid_password(s));
	}
	FZ_ASSERT(valid_date(s) == ref_date(s), "valid_date says %d",
	    valid_date(s));
	FZ_ASSERT(valid_time(s) == ref_time(s), "valid_time says %d",
	    valid_time(s));
	FZ_ASSERT(valid_phone(s) == re(&re_phone, s), "valid_phone says %d",
	    valid_phone(s));
	{
		char out[VALID_PHONE_BUF];

		/* Cleaned: valid as stored, and only the digits given. */
		if (valid_phone_clean(s, out))
			FZ_ASSERT(valid_phone(out) && strspn(out, "0123456789") ==
			    strlen(out), "valid_phone_clean gave \"%s\"", out);
	}
	FZ_ASSERT(valid_abha(s) == re(&re_abha, s), "valid_abha says %d",
	    valid_abha(s));
	FZ_ASSERT(valid_username(s) == re(&re_username, s),
	    "valid_username says %d", valid_username(s));
	(void)valid_plain_text(s);
	{
		const unsigned char *p;
		int ok = 1;
		for (p = (const unsigned char *)s; *p != '\0'; p++)
			if ((*p < 0x20 && *p != '\t' && *p != '\n' &&
			    *p != '\r') || *p == 0x7f)
				ok = 0;
		FZ_ASSERT(valid_plain_text(s) == ok, "valid_plain_text");
	}
	free(s);
	return 0;
}

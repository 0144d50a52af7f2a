/*
 * valid.c — input validators: small pure functions, each with its limit
 * stated above it.  They know nothing of requests; the check of a route's
 * declared field table, which answers 422, is fields.c's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"

/*
 * Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns 1 if the LEN bytes of S are valid.
 */
int
valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	unsigned	 c, need, min;

	while (p < e) {
		c = *p++;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			min = 0x80;
			c &= 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			min = 0x800;
			c &= 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			min = 0x10000;
			c &= 0x07;
		} else
			return 0;
		if ((size_t)(e - p) < need)
			return 0;
		while (need-- > 0) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (*p++ & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

/* Number of code points in valid UTF-8 S. */
size_t
valid_utf8_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
isdigits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* YYYY-MM-DD, a real calendar date from 1900 to 2199. */
int
valid_date(const char *s)
{
	static const int mdays[12] =
	    { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	 y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !isdigits(s, 4) || !isdigits(s + 5, 2) || !isdigits(s + 8, 2))
		return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

/* HH:MM, 00:00 to 23:59. */
int
valid_time(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':' || !isdigits(s, 2) ||
	    !isdigits(s + 3, 2))
		return 0;
	return (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
}

/*
 * An Indian phone number as stored: a mobile (10 digits starting 6-9), or
 * a landline with its STD code and trunk 0 (11 digits: 0, a code of 2-4
 * digits not starting 0, the local number: 04423456789); or empty.
 */
int
valid_phone(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0)
		return 1;
	if (n == 10)
		return isdigits(s, 10) && s[0] >= '6';
	return n == 11 && isdigits(s, 11) && s[0] == '0' && s[1] != '0';
}

/*
 * Normalises a phone number as people write it into OUT (VALID_PHONE_BUF
 * bytes): spaces, dashes, dots and brackets dropped, then a +91 or 91
 * before ten digits.  Eleven digits starting 0 are a landline with its STD
 * code ("044 2345 6789" -> "04423456789", "(0821) 234 5678" -> "08212345678",
 * kept with the 0) when the first group written is the 0 and the code
 * (3-5 digits), or when the digit after the 0 cannot start a mobile (1-5);
 * else a mobile dialled with a trunk 0 ("098765 43210" -> "9876543210").
 * Returns 1 if the result is empty or valid_phone().
 */
int
valid_phone_clean(const char *s, char *out)
{
	char		 d[24];
	const char	*p = s;
	size_t		 n = 0, first = 0;
	int		 grouped = 0;

	out[0] = '\0';
	while (*p == ' ' || *p == '(')
		p++;
	for (; *p != '\0'; p++) {
		if (strchr(" -.()", *p) != NULL) {
			if (first == 0)
				first = n;	/* digits of the first group */
			continue;
		}
		if (n + 1 >= sizeof(d))
			return 0;
		d[n++] = *p;
	}
	d[n] = '\0';
	if (first == 0)
		first = n;
	grouped = d[0] == '0' && first >= 3 && first <= 5;
	s = d;
	if (n == 13 && strncmp(d, "+91", 3) == 0)
		s = d + 3;
	else if (n == 12 && strncmp(d, "91", 2) == 0)
		s = d + 2;
	else if (n == 11 && d[0] == '0' && !grouped && d[1] >= '6')
		s = d + 1;
	if ((n = strlen(s)) > 11)
		return 0;
	memcpy(out, s, n + 1);
	return valid_phone(out);
}

/*
 * An ABHA number (14 digits, optionally as 12-3456-7890-1234) or an ABHA
 * address (3-32 of a-z 0-9 . _ then @abdm or @sbx); or empty.
 */
int
valid_abha(const char *s)
{
	size_t	 n = strlen(s), i;
	const char *at;

	if (n == 0 || (n == 14 && isdigits(s, 14)))
		return 1;
	if (n == 17 && s[2] == '-' && s[7] == '-' && s[12] == '-' &&
	    isdigits(s, 2) && isdigits(s + 3, 4) && isdigits(s + 8, 4) &&
	    isdigits(s + 13, 4))
		return 1;
	if ((at = strchr(s, '@')) == NULL || at - s < 3 || at - s > 32 ||
	    (strcmp(at, "@abdm") != 0 && strcmp(at, "@sbx") != 0))
		return 0;
	for (i = 0; s + i < at; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '.' || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * A UPI virtual payment address as NPCI writes them: 2-64 of a-z A-Z 0-9
 * . _ - (starting with a letter or digit), "@", and the handle of the
 * payment app's bank, 2-32 letters and digits starting with a letter
 * ("clinic.name@okaxis", "9876543210@ybl").
 */
int
valid_upi_vpa(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 i, n;

	if (at == NULL || at - s < 2 || at - s > 64 ||
	    !isalnum((unsigned char)s[0]))
		return 0;
	for (i = 0; s + i < at; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-'))
			return 0;
	n = strlen(at + 1);
	if (n < 2 || n > 32 || !isalpha((unsigned char)at[1]))
		return 0;
	for (i = 1; i <= n; i++)
		if (!isalnum((unsigned char)at[i]))
			return 0;
	return 1;
}

/* 3-32 of a-z 0-9 . _ -, starting with a letter or digit. */
int
valid_username(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n < 3 || n > 32 || !isalnum((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || strchr("._-", s[i]) != NULL))
			return 0;
	return 1;
}

/*
 * 10 to 128 characters, not all the same character (compared as whole
 * UTF-8 characters: "அஅஅ..." is one character repeated).
 */
int
valid_password(const char *s)
{
	size_t	 n = valid_utf8_chars(s), k, i, len = strlen(s);

	if (n < 10 || n > 128)
		return 0;
	for (k = 1; k < len && ((unsigned char)s[k] & 0xc0) == 0x80; k++)
		continue;	/* k: bytes of the first character */
	for (i = k; i < len; i += k)
		if (len - i < k || memcmp(s + i, s, k) != 0)
			return 1;
	return 0;
}

/*
 * The index of S in the N names of an enum's table (role_names,
 * qentry_status_names...), or -1 (also for S NULL): every "parse" of a
 * status or role is this one loop.
 */
int
valid_name(const char *const *names, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/* No control characters but tab, newline and carriage return. */
int
valid_plain_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
		    *s != '\r') || *s == 0x7f)
			return 0;
	return 1;
}

/* S without the spaces, tabs and line ends around it; its length into *LEN. */
const char *
valid_trim(const char *s, size_t *len)
{
	const char	*e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	*len = (size_t)(e - s);
	return s;
}

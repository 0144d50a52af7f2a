/*
 * dose.c — dose_parse(), the classifier and normaliser of the dose of a
 * prescription line.  Pure: no state, no I/O, no allocation; any bytes in,
 * a bounded answer out.  It is a fuzz target; its unit test is
 * tests/unit/visits_dose.c.
 *
 * The grammar (ws is a space or a tab):
 *
 *   dose     = ws* ( pattern | keyword | free ) ws*
 *   pattern  = part ( sep part ){1,3}      two to four times of the day
 *            | cpart{3,4}                  written together: "101", "1½1"
 *   sep      = ws* ( "-" | "–" ) ws*       hyphen or en dash
 *   part     = "0" | "1" | "2" | "½" | "1/2" | "0.5"
 *   cpart    = "0" | "1" | "2" | "½"
 *   keyword  = SOS | STAT | OD | BD | TDS | QID | HS, and BID (= BD),
 *              TID (= TDS), QDS (= QID); any case, dots ignored ("s.o.s.")
 *   free     = 1 to DOSE_FREE_MAX characters
 *
 * Written back as: a pattern's parts joined by "-", halves as "½"
 * ("1 - 0 - 1/2" → "1-0-½"); a keyword in capitals ("b.i.d" → "BD"); free
 * text with runs of white space made one space.  Refused: empty input,
 * invalid UTF-8, control characters (tab aside), a pattern whose every
 * part is 0 ("0-0-0" gives nothing), free text longer than DOSE_FREE_MAX.
 */
#include <string.h>

#include "nd.h"
#include "dose.h"

#define HALF	"\xc2\xbd"	/* ½, U+00BD */
#define ENDASH	"\xe2\x80\x93"	/* –, U+2013 */

static const char *const keywords[][2] = {
	/* as written, as stored */
	{ "SOS", "SOS" },
	{ "STAT", "STAT" },
	{ "OD", "OD" },
	{ "BD", "BD" },
	{ "BID", "BD" },
	{ "TDS", "TDS" },
	{ "TID", "TDS" },
	{ "QID", "QID" },
	{ "QDS", "QID" },
	{ "HS", "HS" },
};

static int
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The part of a pattern at S: its canonical text in *CANON and *ZERO set
 * when it is "0".  COMPACT allows only the one-character parts.
 * Returns the bytes it takes, 0 when S does not start with a part.
 */
static size_t
part_at(const char *s, int compact, const char **canon, int *zero)
{
	*zero = 0;
	if (!compact && (strncmp(s, "1/2", 3) == 0 ||
	    strncmp(s, "0.5", 3) == 0)) {
		*canon = HALF;
		return 3;
	}
	if (strncmp(s, HALF, 2) == 0) {
		*canon = HALF;
		return 2;
	}
	switch (*s) {
	case '0':
		*zero = 1;
		*canon = "0";
		return 1;
	case '1':
		*canon = "1";
		return 1;
	case '2':
		*canon = "2";
		return 1;
	default:
		return 0;
	}
}

/* Appends S to OUT (of SIZE bytes, *LEN used).  Returns 0 if no room. */
static int
put(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > size)
		return 0;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 1;
}

/*
 * S (N bytes, trimmed) as a pattern, written into OUT.
 * Returns DOSE_PATTERN, DOSE_INVALID (all zero, or no room), or
 * DOSE_FREE when S is not a pattern at all.
 */
static enum dose_kind
pattern(const char *s, size_t n, char *out, size_t size)
{
	const char	*p = s, *e = s + n, *canon;
	size_t		 k, len = 0, parts = 0;
	int		 zero, nonzero = 0, compact;

	/* Written together ("101") when the second byte is no separator. */
	k = part_at(p, 1, &canon, &zero);
	compact = k > 0 && p + k < e && part_at(p + k, 1, &canon, &zero) > 0;
	out[0] = '\0';
	while (p < e) {
		if ((k = part_at(p, compact, &canon, &zero)) == 0 ||
		    p + k > e || ++parts > 4)
			return DOSE_FREE;
		nonzero |= !zero;
		if ((len > 0 && !put(out, size, &len, "-", 1)) ||
		    !put(out, size, &len, canon, strlen(canon)))
			return DOSE_INVALID;
		p += k;
		if (compact)
			continue;
		while (p < e && is_ws(*p))
			p++;
		if (p == e)
			break;
		if (*p == '-')
			p++;
		else if ((size_t)(e - p) >= 3 && strncmp(p, ENDASH, 3) == 0)
			p += 3;
		else
			return DOSE_FREE;
		while (p < e && is_ws(*p))
			p++;
		if (p == e)
			return DOSE_FREE;	/* "1-0-" */
	}
	if (parts < (compact ? 3u : 2u))
		return DOSE_FREE;
	return nonzero ? DOSE_PATTERN : DOSE_INVALID;
}

/* S (N bytes, trimmed) as a keyword: its stored form, or NULL. */
static const char *
keyword(const char *s, size_t n)
{
	char	 w[8];
	size_t	 i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			continue;
		if (k + 1 >= sizeof(w))
			return NULL;
		if (s[i] >= 'a' && s[i] <= 'z')
			w[k++] = (char)(s[i] - 'a' + 'A');
		else if (s[i] >= 'A' && s[i] <= 'Z')
			w[k++] = s[i];
		else
			return NULL;
	}
	w[k] = '\0';
	for (i = 0; i < ND_NELEM(keywords); i++)
		if (strcmp(w, keywords[i][0]) == 0)
			return keywords[i][1];
	return NULL;
}

/*
 * Classifies the dose IN (NUL-terminated, any bytes) and writes its
 * normalised form into OUT of SIZE bytes (DOSE_OUT_MAX is always enough);
 * OUT is "" when the answer is DOSE_INVALID.
 * Returns the kind of dose.
 */
enum dose_kind
dose_parse(const char *in, char *out, size_t size)
{
	const char	*s = in, *e;
	const char	*kw;
	size_t		 n, len = 0, chars = 0;
	enum dose_kind	 kind;

	if (size == 0)
		return DOSE_INVALID;
	out[0] = '\0';
	n = strlen(in);
	if (!valid_utf8(in, n))
		return DOSE_INVALID;
	for (e = in; *e != '\0'; e++)
		if (((unsigned char)*e < 0x20 && *e != '\t') || *e == 0x7f)
			return DOSE_INVALID;
	while (is_ws(*s))
		s++;
	e = in + n;
	while (e > s && is_ws(e[-1]))
		e--;
	if ((n = (size_t)(e - s)) == 0)
		return DOSE_INVALID;

	if ((kind = pattern(s, n, out, size)) != DOSE_FREE) {
		if (kind == DOSE_INVALID)
			out[0] = '\0';
		return kind;
	}
	if ((kw = keyword(s, n)) != NULL) {
		if (!put(out, size, &len, kw, strlen(kw))) {
			out[0] = '\0';
			return DOSE_INVALID;
		}
		return DOSE_KEYWORD;
	}
	out[0] = '\0';
	for (; s < e; s++) {
		if (is_ws(*s)) {
			if (is_ws(s[1]))
				continue;
			if (!put(out, size, &len, " ", 1))
				goto toolong;
			chars++;
			continue;
		}
		if (((unsigned char)*s & 0xc0) != 0x80)
			chars++;
		if (chars > DOSE_FREE_MAX || !put(out, size, &len, s, 1))
			goto toolong;
	}
	return DOSE_FREE;
toolong:
	out[0] = '\0';
	return DOSE_INVALID;
}

/*
 * text.c — one-line texts people type (text.h), with ICU.
 *
 * A name is what the screens show and what the duplicate check and the
 * search compare, so it must not look like something it is not:
 *   - it is stored in Unicode NFKC, which is NFC (so "José" typed with a
 *     combining accent and "José" typed precomposed are the same bytes)
 *     with compatibility forms folded as well (fullwidth "Ｒａｖｉ" is
 *     "Ravi", the ligature "ﬁ" is "fi"): nothing a name holds is lost,
 *     and a copy pasted from a Japanese keyboard or a PDF finds its twin;
 *   - white space of any kind (tabs and line breaks included) becomes one
 *     space, and none leads or trails;
 *   - refused: C0 and C1 controls, bidirectional controls (U+202E would
 *     show "ramuK ivaR" as "Ravi Kumar"), line and paragraph separators,
 *     byte-order marks, zero-width and every other default-ignorable
 *     (invisible) character, and noncharacters.  ZWJ and ZWNJ are letters'
 *     business in Tamil, Devanagari and the other Indic scripts (they
 *     choose a conjunct's shape), so there they are kept: between two
 *     characters of one of those scripts.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "text.h"

/* The longest text taken, in UTF-16 units (a name is at most a few hundred). */
#define TEXT_UNITS	2048

/* 1 if C is a character of an Indic script, where ZWJ and ZWNJ are at home. */
static int
indic(UChar32 c)
{
	UErrorCode	 e = U_ZERO_ERROR;

	switch (uscript_getScript(c, &e)) {
	case USCRIPT_DEVANAGARI:
	case USCRIPT_BENGALI:
	case USCRIPT_GURMUKHI:
	case USCRIPT_GUJARATI:
	case USCRIPT_ORIYA:
	case USCRIPT_TAMIL:
	case USCRIPT_TELUGU:
	case USCRIPT_KANNADA:
	case USCRIPT_MALAYALAM:
	case USCRIPT_SINHALA:
		return U_SUCCESS(e);
	default:
		return 0;
	}
}

/* What is wrong with C at I in U (N units), or TEXT_OK. */
static enum text_refusal
refused(const UChar *u, int32_t i, int32_t n, UChar32 c)
{
	UChar32	 prev, next;
	int32_t	 j;

	if (c == '\t' || c == '\n' || c == '\r')
		return TEXT_OK;			/* white space: collapsed */
	if (u_charType(c) == U_CONTROL_CHAR)
		return TEXT_CONTROL;
	if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
		return TEXT_BIDI;
	if (c == 0x2028 || c == 0x2029)
		return TEXT_LINE;
	if (U_IS_UNICODE_NONCHAR(c))
		return TEXT_BAD;
	if (c == 0x200c || c == 0x200d) {	/* ZWNJ, ZWJ */
		j = i;
		prev = -1;
		if (j > 0)
			U16_PREV(u, 0, j, prev);
		j = i;
		U16_FWD_1(u, j, n);
		next = -1;
		if (j < n)
			U16_GET(u, 0, j, n, next);
		return prev >= 0 && next >= 0 && indic(prev) && indic(next) ?
		    TEXT_OK : TEXT_INVISIBLE;
	}
	if (u_charType(c) == U_FORMAT_CHAR ||
	    u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
		return TEXT_INVISIBLE;
	return TEXT_OK;
}

/* 1 if the N units of U hold nothing refused; else 0, *WHY and *AT (may be NULL) set. */
static int
scan(const UChar *u, int32_t n, enum text_refusal *why, unsigned *at)
{
	int32_t	 i, o;
	UChar32	 c;

	for (i = 0; i < n; ) {
		o = i;
		U16_NEXT(u, i, n, c);
		if (U_IS_SURROGATE(c) || (*why = refused(u, o, n, c)) != TEXT_OK) {
			if (*why == TEXT_OK)
				*why = TEXT_BAD;
			if (at != NULL)
				*at = (unsigned)c;
			return 0;
		}
	}
	return 1;
}

/*
 * Writes IN (NUL-terminated UTF-8) in normal form (see the top of this
 * file) into OUT of SIZE bytes.  Returns 1 done; 0 refused, *WHY what,
 * *AT (may be NULL) the refused code point; -1 too long for TEXT_UNITS
 * or OUT, or ICU failed.
 */
int
text_norm(const char *in, char *out, size_t size, enum text_refusal *why,
    unsigned *at)
{
	UChar			 u[TEXT_UNITS], v[TEXT_UNITS];
	const UNormalizer2	*nfkc;
	UErrorCode		 e = U_ZERO_ERROR;
	int32_t			 n, m, i, o, len;
	UChar32			 c;
	int			 space;

	*why = TEXT_OK;
	if (at != NULL)
		*at = 0;
	u_strFromUTF8(u, TEXT_UNITS, &n, in, -1, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR || e == U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	if (U_FAILURE(e)) {
		*why = TEXT_BAD;
		return 0;
	}
	/* As typed (the character named is one the user typed), then in
	 * normal form: canonical reordering can move a mark between a ZWJ
	 * and the letter it stood by. */
	if (!scan(u, n, why, at))
		return 0;
	if ((nfkc = unorm2_getNFKCInstance(&e)) == NULL || U_FAILURE(e))
		return -1;
	m = unorm2_normalize(nfkc, u, n, v, TEXT_UNITS, &e);
	if (U_FAILURE(e) || m >= TEXT_UNITS)
		return -1;
	if (!scan(v, m, why, at))
		return 0;
	/* White space of any kind: one space between words, none around. */
	for (i = 0, o = 0, space = 0; i < m; ) {
		U16_NEXT(v, i, m, c);
		if (u_isUWhiteSpace(c)) {
			space = o > 0;
			continue;
		}
		if (space)
			u[o++] = ' ';
		space = 0;
		U16_APPEND_UNSAFE(u, o, c);
	}
	u_strToUTF8(out, (int32_t)(size > INT32_MAX ? INT32_MAX : size), &len,
	    u, o, &e);
	if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING ||
	    (size_t)len >= size)
		return -1;
	return 1;
}

/* A sentence for the user about refusal W ("" for TEXT_OK). */
const char *
text_why(enum text_refusal w)
{
	static const char *const why[TEXT__MAX] = {
		/* TEXT_OK */
		"",
		/* TEXT_CONTROL */
		"It holds a control character. Type it again rather than "
		"pasting it.",
		/* TEXT_BIDI */
		"It holds an invisible character that changes the direction "
		"of the text. Type it again rather than pasting it.",
		/* TEXT_INVISIBLE */
		"It holds an invisible character (a zero-width space, joiner "
		"or byte-order mark). Type it again rather than pasting it.",
		/* TEXT_LINE */
		"It must be one line of text.",
		/* TEXT_BAD */
		"It is not valid text.",
	};

	return w < TEXT__MAX ? why[w] : why[TEXT_BAD];
}

/* Takes the first UTF-8 encoding of code point C out of S. */
static void
take_out(char *s, unsigned c)
{
	char	 u[5];
	char	*p;
	size_t	 n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	u[n] = '\0';
	if ((p = strstr(s, u)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

/*
 * IN (NUL-terminated UTF-8, e.g. a name stored before names were checked,
 * or brought from another program) in normal form, as text_norm() makes
 * it, with each refused character taken out, into OUT of SIZE.  Returns 1
 * done (OUT may be ""), 0 when it cannot be made (not UTF-8, too long).
 */
int
text_clean(const char *in, char *out, size_t size)
{
	char			 work[2048];
	enum text_refusal	 why;
	unsigned		 at;
	int			 tries, rc = 0;

	if (snprintf(work, sizeof(work), "%s", in) >= (int)sizeof(work))
		return 0;
	for (tries = 0; tries < 512; tries++) {
		if ((rc = text_norm(work, out, size, &why, &at)) != 0 ||
		    at == 0)
			break;	/* done, or nothing to take out (not UTF-8) */
		take_out(work, at);
	}
	return rc == 1;
}

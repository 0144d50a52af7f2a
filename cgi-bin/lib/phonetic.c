/*
 * phonetic.c — a name's sound as a search key (phonetic.h), so that
 * "murugan" typed at the desk finds முருகன் and मुरुगन.
 *
 * Transliteration is ICU's (Any-Latin: ISO 15919 for the Indic scripts,
 * then Latin-ASCII drops the diacritics: முருகன் -> "murukan", सीता ->
 * "sita").  The folding is ours, because no library folds the way Indian
 * names are spelt in Latin letters: Tamil writes one letter for k and g,
 * t and d, p and b, c/s/j (so முருகன் is "murukan" and the desk types
 * "murugan"); Latin spellings mark aspiration and length with an h or a
 * doubled vowel ("karthik", "seetha") where the scripts do not; Hindi
 * drops the inherent a that ICU writes ("rāmakumāra" is said "ramkumar").
 */
#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "phonetic.h"

static UTransliterator	*tr;

/* 1 if C (a folded letter) is a consonant: not a vowel, not h. */
static int
consonant(char c)
{
	return c != 'a' && c != 'i' && c != 'u' && c != 'h';
}

/*
 * Folds the word W (N lower-case letters) into OUT (room for 2 * N
 * bytes).  Returns the key's length.
 */
static size_t
fold_word(const char *w, size_t n, char *out)
{
	char	*t, c;
	size_t	 i, m = 0, k;

	if ((t = malloc(2 * n + 1)) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		switch (w[i]) {
		case 'a':
			c = 'a';
			break;
		case 'e': case 'i': case 'y':
			/* y as i: "shanthy" = சாந்தி, "vijay" = विजय */
			c = 'i';
			break;
		case 'o': case 'u':
			c = 'u';
			break;
		case 'k': case 'g': case 'q':
			c = 'k';
			break;
		case 't': case 'd':
			c = 't';
			break;
		case 'p': case 'b': case 'f':
			c = 'p';
			break;
		case 'c':
			if (i + 1 < n && (w[i + 1] == 'k' || w[i + 1] == 'q'))
				continue;	/* "karthick" */
			c = 's';
			break;
		case 's': case 'j':
			c = 's';
			break;
		case 'z':
			if (i + 1 < n && w[i + 1] == 'h') {
				c = 'l';	/* ழ: "azhagu" = அழகு "alaku" */
				i++;
			} else
				c = 's';
			break;
		case 'v': case 'w':
			c = 'v';
			break;
		case 'x':
			t[m++] = 'k';
			c = 's';
			break;
		default:	/* h l m n r */
			c = w[i];
			break;
		}
		t[m++] = c;
	}
	/* Every a but the first letter; an h after a consonant (aspiration,
	 * or the a before it dropped: then a key is its own key); doubled
	 * letters as one. */
	for (i = 0, k = 0; i < m; i++) {
		if (t[i] == 'a' && i > 0)
			continue;
		if (t[i] == 'h' && k > 0 && consonant(out[k - 1]))
			continue;
		if (k > 0 && out[k - 1] == t[i])
			continue;
		out[k++] = t[i];
	}
	free(t);
	return k;
}

int
phon_fold(const char *in, char *out, size_t size)
{
	char	 w[PHON_IN_MAX], key[2 * PHON_IN_MAX];
	size_t	 n = 0, len = 0, k;
	int	 full = 0;
	char	 c;

	if (size == 0)
		return -1;
	out[0] = '\0';
	for (;; in++) {
		c = *in;
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if (c >= 'a' && c <= 'z') {
			if (n < sizeof(w))
				w[n++] = c;
			continue;
		}
		if (n > 0) {
			k = fold_word(w, n, key);
			n = 0;
			if (k > 0) {
				if (len + (len > 0) + k + 1 > size) {
					full = 1;
					break;
				}
				if (len > 0)
					out[len++] = ' ';
				memcpy(out + len, key, k);
				len += k;
				out[len] = '\0';
			}
		}
		if (c == '\0')
			break;
	}
	return full ? -1 : (int)len;
}

/* Opens the transliterator once.  Returns 1, or 0 if ICU failed. */
static int
phon_open(void)
{
	static const char id[] = "Any-Latin; Latin-ASCII";
	UChar		 uid[sizeof(id)];
	UErrorCode	 e = U_ZERO_ERROR;

	if (tr != NULL)
		return 1;
	u_uastrcpy(uid, id);
	tr = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
	if (U_FAILURE(e)) {
		tr = NULL;
		return 0;
	}
	return 1;
}

int
phon_key(const char *name, char *out, size_t size)
{
	/* A transliteration grows: a Devanagari letter gives up to 3 Latin. */
	enum { CAP = PHON_IN_MAX * 4 };
	UChar		*u = NULL;
	char		*a = NULL;
	int32_t		 len = 0, limit, i;
	UErrorCode	 e = U_ZERO_ERROR;
	size_t		 n = strlen(name);
	int		 rc = -1;

	if (size > 0)
		out[0] = '\0';
	if (n > PHON_IN_MAX || size == 0)
		return -1;
	/* ASCII is Latin already (the transliterators leave it as it is). */
	for (i = 0; (size_t)i < n && (unsigned char)name[i] < 0x80; i++)
		continue;
	if ((size_t)i == n)
		return phon_fold(name, out, size);
	if (!phon_open())
		return -1;
	if ((u = malloc(CAP * sizeof(*u))) == NULL ||
	    (a = malloc(CAP + 1)) == NULL)
		goto out;
	u_strFromUTF8WithSub(u, CAP, &len, name, (int32_t)n, 0xfffd, NULL,
	    &e);
	if (U_FAILURE(e) || len >= CAP)
		goto out;
	limit = len;
	utrans_transUChars(tr, u, &len, CAP, 0, &limit, &e);
	if (U_FAILURE(e) || len > CAP)
		goto out;
	/* What is left outside ASCII (a script ICU cannot write in Latin
	 * letters, a symbol) separates words. */
	for (i = 0; i < len; i++)
		a[i] = u[i] < 0x80 ? (char)u[i] : ' ';
	a[len] = '\0';
	rc = phon_fold(a, out, size);
out:
	free(u);
	free(a);
	return rc;
}

void
phon_fini(void)
{
	if (tr != NULL)
		utrans_close(tr);
	tr = NULL;
}

/*
 * fuzz_phonetic — the sound keys of cgi-bin/lib/phonetic.c on any bytes (a
 * name or a search as typed, ill-formed UTF-8 included): phon_key() never
 * writes past its buffer, and a key is only words of a-z separated by one
 * space, the same twice, a fixed point of phon_fold() (a key's key is
 * itself), and for one word of ASCII letters (without the look-ahead of
 * "ck" and "zh") each prefix of the word folds to a prefix of its key.
 */
#include "fuzz.h"
#include "phonetic.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* 1 if K is words of a-z with one space between, nothing around. */
static int
key_shape(const char *k)
{
	const char	*p;

	if (*k == '\0')
		return 1;
	if (*k == ' ')
		return 0;
	for (p = k; *p != '\0'; p++) {
		if (*p == ' ' && (p[1] == ' ' || p[1] == '\0'))
			return 0;
		if (*p != ' ' && (*p < 'a' || *p > 'z'))
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, k[PHON_KEY_MAX], k2[PHON_KEY_MAX], small[8];
	int	 n, n2, word = 1;
	size_t	 i, len;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	n = phon_key(s, k, sizeof(k));
	FZ_ASSERT(n >= -1 && (n < 0 || (size_t)n == strlen(k)), "length %d", n);
	FZ_ASSERT(key_shape(k), "key shape \"%s\"", k);
	n2 = phon_key(s, k2, sizeof(k2));
	FZ_ASSERT(n2 == n && strcmp(k, k2) == 0, "not the same twice");
	if (n > 0) {
		FZ_ASSERT(phon_fold(k, k2, sizeof(k2)) == n && strcmp(k, k2) == 0,
		    "a key's key \"%s\" is \"%s\"", k, k2);
	}
	/* A buffer too small: cut at a word, never overrun (ASan). */
	n2 = phon_key(s, small, sizeof(small));
	FZ_ASSERT(key_shape(small) && strlen(small) < sizeof(small),
	    "small key \"%s\"", small);

	/* One ASCII word: its prefixes' keys are prefixes of its key. */
	for (i = 0; i < len && word; i++)
		if (!((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
		    (s[i] | 0x20) == 'c' || (s[i] | 0x20) == 'z')
			word = 0;
	if (word && len > 0 && len < 200) {
		phon_fold(s, k, sizeof(k));
		for (i = 1; i < len; i++) {
			char	 pre[200];

			memcpy(pre, s, i);
			pre[i] = '\0';
			phon_fold(pre, k2, sizeof(k2));
			FZ_ASSERT(strncmp(k, k2, strlen(k2)) == 0,
			    "\"%s\" (%s) is no prefix of \"%s\" (%s)", pre, k2,
			    s, k);
		}
	}
	free(s);
	return 0;
}

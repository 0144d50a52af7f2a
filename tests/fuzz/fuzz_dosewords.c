/*
 * fuzz_dosewords — dose_words() of cgi-bin/visits/dosewords.c (included as
 * is, with dose.c) on the input: its first byte picks the language (one of
 * the three, or an unknown one), its second the timing (one of visits.c's,
 * an unknown word, or none), its third and fourth the days; the rest is
 * the dose, any bytes.
 *
 * Properties: the output fits its buffer (DOSE_WORDS_MAX and smaller ones),
 * is strict UTF-8 with no control character; it is "" (length 0) exactly
 * when the language is unknown or dose_parse() refuses the dose, or the
 * buffer is too small; a smaller buffer only ever writes the same line or
 * nothing; the same line comes from the dose's stored (normalised) form.
 */
#include "fuzz.h"
#include "visits/dose.c"
#include "visits/dosewords.c"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const timings[] = { NULL, "before_food",
	    "after_food", "with_food", "empty_stomach", "bedtime", "soon", "" };
	char		*in, out[DOSE_WORDS_MAX + 8], first[DOSE_WORDS_MAX];
	char		 norm[DOSE_OUT_MAX], again[DOSE_WORDS_MAX];
	size_t		 sizes[] = { DOSE_WORDS_MAX, 1, 3, 16, 40, 120 }, i, n;
	const char	*timing;
	const char	*p;
	long long	 days;
	int		 lang, valid;

	if (size < 4)
		return 0;
	lang = data[0] % (DOSE_LANG__MAX + 1);
	timing = timings[data[1] % ND_NELEM(timings)];
	days = (long long)(int8_t)data[2] * 4 + data[3] % 4;
	in = fz_cstr(data + 4, size - 4);
	valid = lang < DOSE_LANG__MAX &&
	    dose_parse(in, norm, sizeof(norm)) != DOSE_INVALID;
	first[0] = '\0';
	for (i = 0; i < ND_NELEM(sizes); i++) {
		memset(out, 'Z', sizeof(out));
		n = dose_words((enum dose_lang)lang, in, timing, days, out,
		    sizes[i]);
		FZ_ASSERT(out[sizes[i]] == 'Z' && memchr(out, '\0', sizes[i]),
		    "output overflows its %zu bytes", sizes[i]);
		FZ_ASSERT(n == strlen(out), "length %zu for \"%s\"", n, out);
		FZ_ASSERT(valid_utf8(out, n), "output not UTF-8");
		for (p = out; *p != '\0'; p++)
			FZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f,
			    "control character in \"%s\"", out);
		if (i == 0) {
			FZ_ASSERT(valid == (n > 0), "valid %d, wrote \"%s\"",
			    valid, out);
			memcpy(first, out, n + 1);
		} else
			FZ_ASSERT(n == 0 || strcmp(out, first) == 0,
			    "\"%s\" with %zu bytes, \"%s\" with enough", out,
			    sizes[i], first);
	}
	if (valid) {
		dose_words((enum dose_lang)lang, norm, timing, days, again,
		    sizeof(again));
		FZ_ASSERT(strcmp(again, first) == 0, "stored \"%s\" reads "
		    "\"%s\", sent \"%s\" reads \"%s\"", norm, again, in, first);
	}
	free(in);
	return 0;
}

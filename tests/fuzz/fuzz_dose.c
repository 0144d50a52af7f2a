/*
 * fuzz_dose — dose_parse() of cgi-bin/visits/dose.c (included as is) on the
 * input, with the output buffer visits.c uses (DOSE_OUT_MAX) and smaller
 * ones.
 *
 * Properties: the kind is one of the four; the output fits its buffer, is
 * strict UTF-8 and "" exactly for DOSE_INVALID; a pattern is 2-4 parts of
 * 0/1/2/½ joined by "-", not all 0; a keyword is a stored form; free text
 * has no control character, no leading/trailing/doubled space and at most
 * DOSE_FREE_MAX characters; and the normal form parses back to itself with
 * the same kind (what visits.c stores reads the same when sent again).
 */
#include "fuzz.h"
#include "visits/dose.c"

static void
check_form(enum dose_kind k, const char *out)
{
	static const char *const kw[] = { "SOS", "STAT", "OD", "BD", "TDS",
	    "QID", "HS" };
	const char	*p;
	size_t		 i, parts = 0;
	int		 nonzero = 0;

	switch (k) {
	case DOSE_PATTERN:
		for (p = out; *p != '\0'; ) {
			if (strncmp(p, HALF, 2) == 0) {
				p += 2;
				nonzero = 1;
			} else if (*p == '1' || *p == '2') {
				p++;
				nonzero = 1;
			} else if (*p == '0')
				p++;
			else
				fz_fail("pattern part in \"%s\"", out);
			parts++;
			if (*p == '-' && p[1] != '\0')
				p++;
			else
				FZ_ASSERT(*p == '\0', "pattern \"%s\"", out);
		}
		FZ_ASSERT(parts >= 2 && parts <= 4 && nonzero,
		    "pattern \"%s\"", out);
		break;
	case DOSE_KEYWORD:
		for (i = 0; i < ND_NELEM(kw); i++)
			if (strcmp(out, kw[i]) == 0)
				break;
		FZ_ASSERT(i < ND_NELEM(kw), "keyword \"%s\"", out);
		break;
	case DOSE_FREE:
		FZ_ASSERT(out[0] != '\0' && out[0] != ' ' &&
		    out[strlen(out) - 1] != ' ' && strstr(out, "  ") == NULL &&
		    strchr(out, '\t') == NULL, "free text \"%s\"", out);
		FZ_ASSERT(valid_utf8_chars(out) <= DOSE_FREE_MAX,
		    "free text of %zu characters", valid_utf8_chars(out));
		for (p = out; *p != '\0'; p++)
			FZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f,
			    "control character in free text");
		break;
	default:
		fz_fail("kind %d", (int)k);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*in = fz_cstr(data, size), out[DOSE_OUT_MAX + 8];
	char		 again[DOSE_OUT_MAX];
	size_t		 sizes[] = { DOSE_OUT_MAX, 1, 2, 4, 12, 64 }, i;
	enum dose_kind	 k, k0 = DOSE__MAX, k2;

	for (i = 0; i < ND_NELEM(sizes); i++) {
		memset(out, 'Z', sizeof(out));
		k = dose_parse(in, out, sizes[i]);
		FZ_ASSERT(k >= DOSE_INVALID && k < DOSE__MAX, "kind %d", (int)k);
		FZ_ASSERT(memchr(out, '\0', sizes[i]) != NULL &&
		    out[sizes[i]] == 'Z', "output overflows its %zu bytes",
		    sizes[i]);
		FZ_ASSERT((k == DOSE_INVALID) == (out[0] == '\0'),
		    "kind %d with output \"%s\"", (int)k, out);
		FZ_ASSERT(valid_utf8(out, strlen(out)), "output not UTF-8");
		if (i == 0)
			k0 = k;
		else	/* A smaller buffer only ever refuses. */
			FZ_ASSERT(k == k0 || k == DOSE_INVALID,
			    "kind %d with %zu bytes, %d with enough", (int)k,
			    sizes[i], (int)k0);
		if (k == DOSE_INVALID)
			continue;
		check_form(k, out);
		k2 = dose_parse(out, again, sizeof(again));
		FZ_ASSERT(k2 == k && strcmp(again, out) == 0,
		    "\"%s\" (kind %d) parses again as \"%s\" (kind %d)", out,
		    (int)k, again, (int)k2);
	}
	FZ_ASSERT(dose_parse(in, out, 0) == DOSE_INVALID, "size 0");
	free(in);
	return 0;
}

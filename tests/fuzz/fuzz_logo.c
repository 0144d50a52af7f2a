/*
 * fuzz_logo — the type check of PUT /api/settings/logo: logo_data_url()
 * and logo_decode() of cgi-bin/admin/logo.c (included as is) on the input
 * as the data_url, and logo_decode() on the input as bare base64 too;
 * each decoded into a buffer of exactly its limit (LOGO_MAX, and a small
 * one so that "too big" is reached) so that a write past it is an ASan
 * report.
 *
 * Properties: a claimed type is image/png, image/jpeg or image/webp and
 * the URL starts "data:<type>;base64," with the base64 right after it;
 * no claim only when the URL starts with none of them; accepted bytes
 * start with that type's magic, are at most the limit and exactly as long
 * as the base64 says (3 per 4 characters less the padding); "too big"
 * only past the limit; a refusal of the base64 leaves no length, one of
 * the magic leaves a length within the limit.
 */
#include "fuzz.h"
#include "admin/logo.c"

static const char *const types[] = { "image/png", "image/jpeg",
    "image/webp" };

/* 1 if the N bytes of P start with the magic of TYPE (written apart). */
static int
magic(const char *type, const unsigned char *p, long n)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', 0x0d,
	    0x0a, 0x1a, 0x0a };

	if (strcmp(type, "image/png") == 0)
		return n >= 8 && memcmp(p, png, 8) == 0;
	if (strcmp(type, "image/jpeg") == 0)
		return n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff;
	if (strcmp(type, "image/webp") == 0)
		return n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
		    memcmp(p + 8, "WEBP", 4) == 0;
	return 0;
}

/* Buffers of exactly LOGO_MAX, 16 and 0 (1) bytes, made once: 256 KiB a
 * run would be most of the time. */
static unsigned char	*buf[3];

static void
check_decode(const char *b64, const char *type, size_t max, int which)
{
	unsigned char	*img;
	size_t		 len = strlen(b64), pad = 0;
	long		 n = -2;
	enum logo_check	 rc;

	if (buf[which] == NULL && (buf[which] = malloc(max > 0 ? max : 1)) ==
	    NULL)
		abort();
	img = buf[which];
	rc = logo_decode(b64, type, img, max, &n);
	switch (rc) {
	case LOGO_OK:
		FZ_ASSERT(n >= 0 && (size_t)n <= max, "length %ld of %zu", n,
		    max);
		FZ_ASSERT(magic(type, img, n), "accepted as %s without its "
		    "magic", type);
		FZ_ASSERT(len > 0 && len % 4 == 0, "accepted base64 of %zu "
		    "characters", len);
		pad = (b64[len - 1] == '=') + (b64[len - 2] == '=');
		FZ_ASSERT((size_t)n == len / 4 * 3 - pad, "%ld bytes from %zu "
		    "characters", n, len);
		FZ_ASSERT(strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
		    "pqrstuvwxyz0123456789+/") == len - pad, "accepted base64 "
		    "with other characters");
		break;
	case LOGO_TOO_BIG:
		FZ_ASSERT(n < 0, "too big with a length");
		FZ_ASSERT(len / 4 * 3 > max + 2, "too big at %zu characters "
		    "for %zu bytes", len, max);
		break;
	case LOGO_BAD_BASE64:
		FZ_ASSERT(n < 0, "bad base64 with a length");
		break;
	case LOGO_WRONG_TYPE:
		FZ_ASSERT(n >= 0 && (size_t)n <= max, "length %ld of %zu", n,
		    max);
		FZ_ASSERT(!magic(type, img, n), "refused with %s's magic", type);
		break;
	default:
		fz_fail("answer %d", (int)rc);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*url = fz_cstr(data, size), prefix[40];
	const char	*b64 = NULL, *type;
	size_t		 i, starts = 0;

	type = logo_data_url(url, &b64);
	for (i = 0; i < ND_NELEM(types); i++) {
		snprintf(prefix, sizeof(prefix), "data:%s;base64,", types[i]);
		if (strncmp(url, prefix, strlen(prefix)) == 0) {
			starts++;
			FZ_ASSERT(type == types[i] &&
			    b64 == url + strlen(prefix), "%s not claimed",
			    types[i]);
		}
	}
	FZ_ASSERT(starts <= 1, "two prefixes");
	if (type == NULL) {
		FZ_ASSERT(starts == 0 && b64 == NULL, "no claim but a prefix");
		/* The decoder on the input itself. */
		b64 = url;
		type = types[size % 3];
	}
	check_decode(b64, type, LOGO_MAX, 0);
	check_decode(b64, type, 16, 1);
	check_decode(b64, type, 0, 2);
	free(url);
	return 0;
}

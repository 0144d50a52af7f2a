/*
 * logo.c — the type check of an uploaded logo (logo.h): the data: URL's
 * claimed type, its base64, and the magic bytes of what it decodes to.
 * Pure functions of their bytes: no request, no database
 * (tests/fuzz/fuzz_logo includes this file).
 */
#include <stdio.h>
#include <string.h>

#include "logo.h"

/* Shaped like req.c's hexval(): another alphabet (RFC 4648 base64). */
static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes standard base64 IN (length a multiple of 4, '=' padding only at
 * the end, no white space) into OUT of at most MAX bytes.
 * Returns the decoded length, or -1 if IN is not such base64 or too long.
 */
static long
b64_decode(const char *in, unsigned char *out, size_t max)
{
	size_t	 n = strlen(in), i, o = 0, pad = 0;
	int	 v[4], k;

	if (n == 0 || n % 4 != 0)
		return -1;
	if (in[n - 1] == '=')
		pad++;
	if (in[n - 2] == '=')
		pad++;
	if (n / 4 * 3 - pad > max)
		return -1;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + 4 == n && k >= 4 - (int)pad)
				v[k] = 0;
			else if ((v[k] = b64val((unsigned char)in[i + k])) < 0)
				return -1;
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (i + 4 < n || pad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (i + 4 < n || pad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return (long)o;
}

/* The image type of the N bytes of P by their magic, or NULL. */
static const char *
image_type(const unsigned char *p, size_t n)
{
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

/*
 * The type ("image/png", "image/jpeg" or "image/webp") that URL claims by
 * starting "data:<type>;base64,", with *B64 set past that prefix; or NULL
 * (*B64 untouched).
 */
const char *
logo_data_url(const char *url, const char **b64)
{
	static const char *const types[] = { "image/png", "image/jpeg",
	    "image/webp" };
	const char	*type = NULL;
	char		 prefix[40];
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(prefix, sizeof(prefix), "data:%s;base64,", types[i]);
		if (strncmp(url, prefix, strlen(prefix)) == 0) {
			type = types[i];
			*b64 = url + strlen(prefix);
		}
	}
	return type;
}

/*
 * Decodes the base64 B64 into IMG (MAX bytes), *N its length, and checks
 * that its magic bytes are TYPE's.  LOGO_TOO_BIG when it would decode to
 * more than MAX bytes (by its length), LOGO_BAD_BASE64 when it is not
 * base64, LOGO_WRONG_TYPE when the bytes are not a TYPE image.
 */
enum logo_check
logo_decode(const char *b64, const char *type, unsigned char *img,
    size_t max, long *n)
{
	const char	*t;

	if ((*n = b64_decode(b64, img, max)) < 0)
		return strlen(b64) / 4 * 3 > max + 2 ? LOGO_TOO_BIG :
		    LOGO_BAD_BASE64;
	if ((t = image_type(img, (size_t)*n)) == NULL || strcmp(t, type) != 0)
		return LOGO_WRONG_TYPE;
	return LOGO_OK;
}

/*
 * url.c — url_encode(): a value for the query of a link the clinic's
 * screens open or show (a UPI payment's QR code, a WhatsApp message),
 * percent-encoded as RFC 3986 says.  Bottom floor: pure, no HTTP.
 */
#include <string.h>

#include "nd.h"

/*
 * Writes IN percent-encoded into OUT of SIZE bytes: the unreserved
 * characters (A-Z a-z 0-9 - . _ ~) and those of KEEP (may be NULL; e.g. "@",
 * which a query may hold as it is) stay, every other byte (UTF-8 too)
 * becomes %XX in capitals; a space is %20, never "+".
 * Returns the length written, or -1 (OUT "") when SIZE is too small.
 */
long
url_encode(const char *in, char *out, size_t size, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t		 n = 0;
	int		 plain;

	if (size == 0)
		return -1;
	for (p = (const unsigned char *)in; *p != '\0'; p++) {
		plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL ||
		    (keep != NULL && strchr(keep, *p) != NULL);
		if (n + (plain ? 1 : 3) + 1 > size) {
			out[0] = '\0';
			return -1;
		}
		if (plain)
			out[n++] = (char)*p;
		else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
	return (long)n;
}

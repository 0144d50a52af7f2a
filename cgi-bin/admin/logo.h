/*
 * logo.h — the type check of an uploaded logo (logo.c): a
 * "data:image/png|jpeg|webp;base64,..." URL whose decoded bytes carry the
 * magic of the type it names.  Pure functions of their bytes: no
 * database, no HTTP.
 */
#ifndef LOGO_H
#define LOGO_H

#include <stddef.h>

/* The largest logo accepted, decoded. */
#define LOGO_MAX	(256 * 1024)

enum logo_check {
	LOGO_OK,
	LOGO_TOO_BIG,		/* the base64 is longer than the most */
	LOGO_BAD_BASE64,
	LOGO_WRONG_TYPE		/* the bytes are not the type claimed */
};

const char	*logo_data_url(const char *, const char **);
enum logo_check	 logo_decode(const char *, const char *, unsigned char *,
		    size_t, long *);

#endif

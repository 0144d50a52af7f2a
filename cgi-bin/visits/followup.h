/*
 * followup.h — the links of a patient due for review: a phone link and a
 * WhatsApp click-to-chat link with a reminder in their language.
 * followup.c holds no state and does no I/O (tests/unit/visits_followup.c).
 */
#ifndef VISITS_FOLLOWUP_H
#define VISITS_FOLLOWUP_H

#include <stddef.h>

#include "dose.h"

#define FOLLOWUP_TEXT_MAX	2048	/* bytes of a reminder and NUL */
#define FOLLOWUP_LINK_MAX	(3 * FOLLOWUP_TEXT_MAX + 64)	/* encoded */
#define FOLLOWUP_TEL_MAX	32

int	followup_date(enum dose_lang, const char *, char *, size_t);
int	followup_links(enum dose_lang, const char *, const char *, const char *,
	    const char *, char *, size_t, char *, size_t);

#endif /* VISITS_FOLLOWUP_H */

/*
 * text.h — one-line texts people type (a patient's or a staff member's
 * name): Unicode normal form, and the characters refused in them (text.c,
 * ICU).  Bottom floor: it knows nothing of HTTP or of the database.  Only
 * the programs that call it link ICU.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

/* What text_norm() refused, for the caller's sentence. */
enum text_refusal {
	TEXT_OK,
	TEXT_CONTROL,		/* a C0 or C1 control (other than white space) */
	TEXT_BIDI,		/* a bidirectional control: it reorders what is shown */
	TEXT_INVISIBLE,		/* BOM, zero-width or other invisible character */
	TEXT_LINE,		/* a line or paragraph separator */
	TEXT_BAD,		/* not UTF-8, or a noncharacter */
	TEXT__MAX
};

int		 text_norm(const char *, char *, size_t, enum text_refusal *,
		    unsigned *);
const char	*text_why(enum text_refusal);
int		 text_clean(const char *, char *, size_t);

#endif /* TEXT_H */

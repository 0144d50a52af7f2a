/*
 * allergy.h — does a prescription line meet one of the patient's recorded
 * allergies, and do two lines share an active ingredient (allergy.c).  Pure
 * functions of their strings: no database, no HTTP.
 */
#ifndef ALLERGY_H
#define ALLERGY_H

#include <stddef.h>

#define ALLERGY_NAMES_MAX	8	/* ingredients (or classes) of one line */
#define ALLERGY_TEXT_MAX	2000	/* bytes of the allergies looked at */

/* A prescription line as the check sees it; strings are never NULL. */
struct allergy_line {
	const char	*medicine;	/* as written, e.g. "Amoxicillin" */
	const char	*brand;		/* "" when none */
	const char	*ingredients[ALLERGY_NAMES_MAX];
	size_t		 ningredients;
	const char	*classes[ALLERGY_NAMES_MAX];	/* e.g. "penicillin" */
	size_t		 nclasses;
};

int	 allergy_match(const char *, const struct allergy_line *, char *,
	    size_t, char *, size_t);
int	 allergy_shared(const struct allergy_line *,
	    const struct allergy_line *, char *, size_t);

#endif

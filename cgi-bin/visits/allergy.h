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

/*
 * An allergy class of an active ingredient (the drug_classes table), its
 * ingredient in the form allergy_class_key() gives it.
 */
struct allergy_class {
	const char	*key;		/* e.g. " benzathine penicillin " */
	const char	*class;		/* e.g. "penicillin" */
};

#define ALLERGY_KEY_MAX	256	/* bytes of a key, its end included */

size_t	 allergy_class_key(const char *, char *, size_t);
size_t	 allergy_classes(const char *, int, const struct allergy_class *,
	    size_t, const char **, size_t);
int	 allergy_match(const char *, const struct allergy_line *, char *,
	    size_t, char *, size_t);
int	 allergy_shared(const struct allergy_line *,
	    const struct allergy_line *, char *, size_t);

#endif

/*
 * dose.h — the dose of a prescription line: how it is classified and
 * written.  dose.c holds no state and does no I/O, so that a unit test
 * (tests/unit/visits_dose.c) and a fuzz driver can include it as is.
 */
#ifndef VISITS_DOSE_H
#define VISITS_DOSE_H

#include <stddef.h>

enum dose_kind {
	DOSE_INVALID,	/* empty, too long, control characters, all zero */
	DOSE_PATTERN,	/* 1-0-1, 1-1-1-1, ½-0-½: 2 to 4 times of the day */
	DOSE_KEYWORD,	/* SOS, STAT, OD, BD, TDS, QID, HS */
	DOSE_FREE,	/* anything else a doctor writes, up to DOSE_FREE_MAX */
	DOSE__MAX
};

#define DOSE_FREE_MAX	60	/* characters (code points) of free text */
#define DOSE_OUT_MAX	(DOSE_FREE_MAX * 4 + 1)	/* bytes: UTF-8 and NUL */

enum dose_kind	dose_parse(const char *, char *, size_t);

/*
 * The languages a patient reads (patients.language): the dosing of their
 * printout is written in it by dose_words() (dosewords.c).
 */
enum dose_lang {
	DOSE_LANG_EN,
	DOSE_LANG_TA,
	DOSE_LANG_HI,
	DOSE_LANG__MAX
};

#define DOSE_WORDS_MAX	640	/* bytes: the longest dosing line and NUL */

int	dose_lang(const char *);
size_t	dose_words(enum dose_lang, const char *, const char *, long long,
	    char *, size_t);

#endif /* VISITS_DOSE_H */

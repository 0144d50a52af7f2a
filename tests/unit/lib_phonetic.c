/*
 * lib_phonetic.c — the sound keys of cgi-bin/lib/phonetic.c: every example
 * of the contract in each script it names gives one key, a name typed
 * partly gives a prefix of it, and names that differ stay apart.
 */
/* ldlibs: icu */
#include <stdio.h>
#include <string.h>

#include "nd.h"
#include "phonetic.h"
#include "unit.h"

/* Names that must give the same key, and that key. */
static const struct {
	const char	*key;
	const char	*names[5];
} same[] = {
	{ "murukn", { "Murugan", "முருகன்", "मुरुगन", "MURUGAN", NULL } },
	{ "silvm", { "Selvam", "செல்வம்", "सेल्वम", "SELVAM", NULL } },
	{ "krtik", { "Karthik", "கார்த்திக்", "कार्तिक", "Kartik", "Kaarthick" } },
	{ "sit", { "Sita", "சீதா", "सीता", "Seetha", "Seeta" } },
	{ "rmis", { "Ramesh", "ரமேஷ்", "रमेश", "Ramesh ", NULL } },
	{ "ant", { "Anand", "ஆனந்த்", "आनंद", "Aanand", NULL } },
	{ "lksmi", { "Lakshmi", "लक्ष्मी", "Laxmi", NULL, NULL } },
	{ "visi", { "Vijay", "விஜய்", "विजय", "Wijay", NULL } },
	{ "alku", { "Azhagu", "அழகு", NULL, NULL, NULL } },
	{ "rvi kumr", { "Ravi Kumar", "ரவி குமார்", "रवि कुमार", " ravi   KUMAR ", NULL } },
	{ "u prin", { "O'Brien", NULL, NULL, NULL, NULL } },
};

/* A typed prefix and the name it must be a prefix of (as keys). */
static const struct {
	const char	*typed, *name;
} prefix[] = {
	{ "murug", "முருகன்" }, { "muru", "Murugan" }, { "முரு", "Murugan" },
	{ "sel", "செல்வம்" }, { "karth", "கார்த்திக்" }, { "kart", "कार्तिक" },
	{ "see", "सीता" }, { "si", "சீதா" }, { "rame", "ரமேஷ்" }, { "रमे", "Ramesh" },
	{ "ravi ku", "ரவி குமார்" },
};

/* Names whose keys differ. */
static const struct {
	const char	*a, *b;
} apart[] = {
	{ "Murugan", "Mohan" }, { "Selvam", "Sita" }, { "Karthik", "Kavitha" },
	{ "Ramesh", "Rajesh" }, { "Ravi", "Ravindra" },
};

int
main(void)
{
	char	 k[PHON_KEY_MAX], k2[PHON_KEY_MAX], name[3 * PHON_KEY_MAX], big[PHON_IN_MAX + 2];
	size_t	 i, j;
	int	 n;

	for (i = 0; i < ND_NELEM(same); i++)
		for (j = 0; j < 5 && same[i].names[j] != NULL; j++) {
			n = phon_key(same[i].names[j], k, sizeof(k));
			snprintf(name, sizeof(name), "key of \"%s\" is %s (got %s)",
			    same[i].names[j], same[i].key, k);
			CHECK(name, n == (int)strlen(same[i].key) &&
			    strcmp(k, same[i].key) == 0);
		}
	for (i = 0; i < ND_NELEM(prefix); i++) {
		phon_key(prefix[i].typed, k, sizeof(k));
		phon_key(prefix[i].name, k2, sizeof(k2));
		snprintf(name, sizeof(name), "\"%s\" (%s) starts the key of \"%s\" (%s)",
		    prefix[i].typed, k, prefix[i].name, k2);
		CHECK(name, k[0] != '\0' && strncmp(k, k2, strlen(k)) == 0);
	}
	for (i = 0; i < ND_NELEM(apart); i++) {
		phon_key(apart[i].a, k, sizeof(k));
		phon_key(apart[i].b, k2, sizeof(k2));
		snprintf(name, sizeof(name), "\"%s\" (%s) and \"%s\" (%s) stay apart",
		    apart[i].a, k, apart[i].b, k2);
		CHECK(name, strcmp(k, k2) != 0);
	}
	CHECK("digits and punctuation have no key", phon_key("12345 - ()", k, sizeof(k)) == 0 &&
	    k[0] == '\0');
	CHECK("ill-formed UTF-8 is read, not refused", phon_key("Ra\xff\xfemu", k, sizeof(k)) >= 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK("a name over PHON_IN_MAX is refused with an empty key",
	    phon_key(big, k, sizeof(k)) == -1 && k[0] == '\0');
	CHECK("a key too long for its buffer keeps whole words",
	    phon_fold("murugan selvam karthik", k, 13) == -1 && strcmp(k, "murukn silvm") == 0);
	CHECK("fold: aspiration, voicing, length, doubled letters",
	    phon_fold("bhaggya dhoodh", k, sizeof(k)) == 7 && strcmp(k, "pki tut") == 0);
	phon_fini();
	UNIT_END();
}

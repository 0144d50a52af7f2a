/*
 * fuzz_allergy — allergy_match() and allergy_shared() of
 * cgi-bin/visits/allergy.c (included as is).  The input is cut at the
 * first two NUL bytes into the patient's allergies, a medicine and a brand;
 * the medicine's words are its ingredients, and "penicillin" or "nsaid" its
 * classes.
 *
 * Properties: the outputs fit their buffers and are terminated, for every
 * size; a match names a non-empty allergy that is a part of the input and a
 * name the line has (the medicine or brand without the blanks around it); the answer is the same every time and for every
 * buffer size; a line always shares its ingredients with itself.
 * allergy_classes() of the medicine (its '+' the separator) against a
 * table of a few classes and the brand's key: each class once, in byte
 * order, at most the count asked, and a class of the table.
 */
#include "fuzz.h"
#include "visits/allergy.c"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*in = fz_cstr(data, size), *med, *brand, *p;
	char		 words[512], allergy[160], what[160], ing[64];
	size_t		 sizes[] = { 160, 1, 2, 8 }, i, k;
	struct allergy_line l;
	int		 first = -1, got;

	med = in + strlen(in);
	if ((size_t)(med - in) < size)
		med++;
	brand = med + strlen(med);
	if ((size_t)(brand - in) < size)
		brand++;
	memset(&l, 0, sizeof(l));
	l.medicine = med;
	l.brand = brand;
	snprintf(words, sizeof(words), "%s", med);
	for (p = strtok(words, " +"); p != NULL &&
	    l.ningredients < ALLERGY_NAMES_MAX; p = strtok(NULL, " +"))
		l.ingredients[l.ningredients++] = p;
	l.classes[l.nclasses++] = "penicillin";
	l.classes[l.nclasses++] = "nsaid";

	for (i = 0; i < ND_NELEM(sizes); i++) {
		memset(allergy, 'Z', sizeof(allergy));
		memset(what, 'Z', sizeof(what));
		got = allergy_match(in, &l, allergy, sizes[i], what, sizes[i]);
		FZ_ASSERT(got == 0 || got == 1, "answer %d", got);
		FZ_ASSERT(memchr(allergy, '\0', sizes[i]) != NULL &&
		    memchr(what, '\0', sizes[i]) != NULL, "not terminated");
		if (first < 0)
			first = got;
		FZ_ASSERT(got == first, "answer changes with the buffer");
		if (!got)
			FZ_ASSERT(allergy[0] == '\0' && what[0] == '\0',
			    "no match, yet a name");
		if (got && i == 0) {
			FZ_ASSERT(allergy[0] != '\0' && strstr(in, allergy) !=
			    NULL, "allergy \"%s\" not in the input", allergy);
			k = 0;
			if (strcmp(what, "penicillin") == 0 ||
			    strcmp(what, "nsaid") == 0 ||
			    strstr(med, what) != NULL ||
			    strstr(brand, what) != NULL)
				k = 1;
			for (size_t j = 0; j < l.ningredients; j++)
				if (strcmp(what, l.ingredients[j]) == 0)
					k = 1;
			FZ_ASSERT(k || strlen(what) >= 159,
			    "\"%s\" is no name of the line", what);
		}
	}
	{
		static char bkey[ALLERGY_KEY_MAX];
		struct allergy_class tab[] = {
			{ " amoxicillin ", "penicillin" },
			{ " mefenamic acid ", "nsaid" },
			{ " ofloxacin ", "fluoroquinolone" },
			{ bkey, "brand" },
		};
		const char	*cls[ALLERGY_NAMES_MAX];
		size_t		 nc, j, max;

		allergy_class_key(brand, bkey, sizeof(bkey));
		for (max = 0; max <= ALLERGY_NAMES_MAX; max += 4) {
			nc = allergy_classes(med, '+', tab, ND_NELEM(tab), cls,
			    max);
			FZ_ASSERT(nc <= max, "classes: %zu of %zu", nc, max);
			for (j = 0; j < nc; j++) {
				FZ_ASSERT(cls[j] == tab[0].class ||
				    cls[j] == tab[1].class ||
				    cls[j] == tab[2].class ||
				    cls[j] == tab[3].class, "classes: not "
				    "of the table");
				FZ_ASSERT(j == 0 || strcmp(cls[j - 1], cls[j]) <
				    0, "classes: not in order or twice");
			}
		}
	}
	got = allergy_shared(&l, &l, ing, sizeof(ing));
	FZ_ASSERT(memchr(ing, '\0', sizeof(ing)) != NULL, "shared: not "
	    "terminated");
	(void)got;
	free(in);
	return 0;
}

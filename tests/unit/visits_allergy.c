/* visits_allergy.c — allergy_match() and allergy_shared() of
 * cgi-bin/visits/allergy.c: a table of recorded allergies and prescription
 * lines, what must meet and what must not. */
#include <string.h>

#include "nd.h"
#include "unit.h"
#include "visits/allergy.c"

/* A line: medicine, brand, ingredients and classes ("" ends a list). */
struct row {
	const char	*allergies;
	const char	*medicine, *brand;
	const char	*ing[3], *cls[2];
	int		 want;		/* 1: a match */
	const char	*allergy;	/* the item named, when a match */
	const char	*what;		/* the name of the line it met */
};

static const struct row rows[] = {
	{ "Penicillin", "Amoxicillin", "", { "Amoxicillin" },
	    { "penicillin" }, 1, "Penicillin", "penicillin" },
	{ "penicillins (rash)", "Amoxicillin + Clavulanic acid",
	    "Augmentin 625 Duo", { "Amoxicillin", "Clavulanic acid" },
	    { "penicillin" }, 1, "penicillins", "penicillin" },
	{ "PCN", "Amoxicillin", "", { "Amoxicillin" }, { "penicillin" }, 1,
	    "PCN", "penicillin" },
	{ "sulpha", "Cotrimoxazole (Sulfamethoxazole + Trimethoprim)",
	    "Septran DS", { "Sulfamethoxazole", "Trimethoprim" },
	    { "sulfonamide" }, 1, "sulpha", "sulfonamide" },
	{ "Allergic to sulfa drugs", "Silver sulfadiazine", "",
	    { "Silver sulfadiazine" }, { "sulfonamide" }, 1,
	    "Allergic to sulfa drugs", "sulfonamide" },
	{ "aspirin", "Ibuprofen", "Brufen 400", { "Ibuprofen" }, { "nsaid" },
	    1, "aspirin", "nsaid" },
	{ "NSAIDs", "Aspirin", "Ecosprin 75", { "Aspirin" }, { "nsaid" }, 1,
	    "NSAIDs", "nsaid" },
	{ "amoxycillin", "Amoxicillin", "", { "Amoxicillin" },
	    { "penicillin" }, 1, "amoxycillin", "Amoxicillin" },
	{ "dust, Crocin and eggs", "Paracetamol", "", { "Paracetamol" }, { "" },
	    1, "Crocin", "Paracetamol" },
	{ "Dolo", "Paracetamol", "Dolo 650", { "Paracetamol" }, { "" }, 1,
	    "Dolo", "Dolo 650" },
	{ "beta-lactams", "Cefixime", "Taxim-O 200", { "Cefixime" },
	    { "cephalosporin" }, 1, "beta-lactams", "cephalosporin" },
	{ "quinolones", "Ofloxacin + Ornidazole", "O2",
	    { "Ofloxacin", "Ornidazole" }, { "fluoroquinolone",
	    "nitroimidazole" }, 1, "quinolones", "fluoroquinolone" },
	{ "h/o anaphylaxis to co-trimoxazole", "Sulfamethoxazole", "",
	    { "Sulfamethoxazole" }, { "sulfonamide" }, 1,
	    "o anaphylaxis to co-trimoxazole", "Sulfamethoxazole" },
	/* what must not meet */
	{ "Penicillin", "Paracetamol", "Dolo 650", { "Paracetamol" }, { "" },
	    0, NULL, NULL },
	{ "sulpha", "Amoxicillin", "Mox 500", { "Amoxicillin" },
	    { "penicillin" }, 0, NULL, NULL },
	{ "aspirin", "Paracetamol", "", { "Paracetamol" }, { "" }, 0, NULL,
	    NULL },
	{ "NKDA", "Amoxicillin", "", { "Amoxicillin" }, { "penicillin" }, 0,
	    NULL, NULL },
	{ "nil", "Amoxicillin", "", { "Amoxicillin" }, { "penicillin" }, 0,
	    NULL, NULL },
	{ "No known drug allergies", "Ibuprofen", "", { "Ibuprofen" },
	    { "nsaid" }, 0, NULL, NULL },
	{ "", "Ibuprofen", "", { "Ibuprofen" }, { "nsaid" }, 0, NULL, NULL },
	{ "Amox", "Amoxicillin", "", { "Amoxicillin" }, { "penicillin" }, 0,
	    NULL, NULL },	/* a word's start is not the word */
	{ "பென்சிலின்", "Amoxicillin", "", { "Amoxicillin" },
	    { "penicillin" }, 0, NULL, NULL },
	{ "cephalosporins", "Amoxicillin", "", { "Amoxicillin" },
	    { "penicillin" }, 0, NULL, NULL },
};

static void
fill(const struct row *w, struct allergy_line *l)
{
	size_t	 i;

	memset(l, 0, sizeof(*l));
	l->medicine = w->medicine;
	l->brand = w->brand;
	for (i = 0; i < 3 && w->ing[i] != NULL && *w->ing[i] != '\0'; i++)
		l->ingredients[l->ningredients++] = w->ing[i];
	for (i = 0; i < 2 && w->cls[i] != NULL && *w->cls[i] != '\0'; i++)
		l->classes[l->nclasses++] = w->cls[i];
}

int
main(void)
{
	struct allergy_line a, b;
	char		 name[160], allergy[64], what[64], small[4];
	size_t		 i;
	int		 got;

	for (i = 0; i < ND_NELEM(rows); i++) {
		fill(&rows[i], &a);
		got = allergy_match(rows[i].allergies, &a, allergy,
		    sizeof(allergy), what, sizeof(what));
		snprintf(name, sizeof(name), "allergy \"%s\" / %s: %s",
		    rows[i].allergies, rows[i].medicine,
		    rows[i].want ? "meets" : "does not meet");
		if (got != rows[i].want)
			printf("  got %d (\"%s\", \"%s\")\n", got, allergy,
			    what);
		else if (got && (strcmp(allergy, rows[i].allergy) != 0 ||
		    strcmp(what, rows[i].what) != 0)) {
			printf("  named \"%s\" / \"%s\", want \"%s\" / \"%s\"\n",
			    allergy, what, rows[i].allergy, rows[i].what);
			got = !got;
		}
		CHECK(name, got == rows[i].want);
	}

	/* Small buffers: cut, terminated, never overrun. */
	fill(&rows[0], &a);
	memset(small, 'x', sizeof(small));
	CHECK("allergy: a small buffer is cut and terminated",
	    allergy_match("Penicillin", &a, small, sizeof(small), what,
	    sizeof(what)) == 1 && strcmp(small, "Pen") == 0);
	CHECK("allergy: no line, no match",
	    allergy_match("Penicillin", NULL, allergy, sizeof(allergy), what,
	    sizeof(what)) == 0 && allergy[0] == '\0');

	/* Duplicate ingredients. */
	fill(&rows[8], &a);	/* Paracetamol */
	fill(&rows[1], &b);	/* Amoxicillin + Clavulanic acid */
	CHECK("shared: paracetamol and amoxicillin share nothing",
	    allergy_shared(&a, &b, what, sizeof(what)) == 0);
	b.medicine = "Aceclofenac + Paracetamol";
	b.ningredients = 2;
	b.ingredients[0] = "Aceclofenac";
	b.ingredients[1] = "PARACETAMOL";
	CHECK("shared: paracetamol in both, any case",
	    allergy_shared(&a, &b, what, sizeof(what)) == 1 &&
	    strcmp(what, "Paracetamol") == 0);
	a.ningredients = 0;	/* unknown: its medicine stands for it */
	CHECK("shared: a line without ingredients counts as its medicine",
	    allergy_shared(&a, &b, what, sizeof(what)) == 1);
	/* The classes of a line's ingredients (the drug_classes table). */
	{
		static const char *const tab[][2] = {
			{ "Amoxicillin", "penicillin" },
			{ "Penicillin", "penicillin" },
			{ "Benzathine penicillin", "penicillin" },
			{ "Sulfamethoxazole", "sulfonamide" },
			{ "Ofloxacin", "fluoroquinolone" },
			{ "Ornidazole", "nitroimidazole" },
		};
		static char keys[ND_NELEM(tab)][ALLERGY_KEY_MAX];
		struct allergy_class t[ND_NELEM(tab)];
		const char	*cls[ALLERGY_NAMES_MAX];
		size_t		 k, nc;

		for (k = 0; k < ND_NELEM(tab); k++) {
			allergy_class_key(tab[k][0], keys[k], sizeof(keys[k]));
			t[k].key = keys[k];
			t[k].class = tab[k][1];
		}
		CHECK("classes: the key is lower case, spaced, - and / as spaces",
		    allergy_class_key("Co-Trimoxazole/X", keys[0], 64) == 18 &&
		    strcmp(keys[0], " co trimoxazole x ") == 0);
		allergy_class_key(tab[0][0], keys[0], sizeof(keys[0]));
		nc = allergy_classes("Ornidazole\x1fOFLOXACIN", '\x1f', t,
		    ND_NELEM(t), cls, ALLERGY_NAMES_MAX);
		CHECK("classes: of each ingredient, any case, in byte order",
		    nc == 2 && strcmp(cls[0], "fluoroquinolone") == 0 &&
		    strcmp(cls[1], "nitroimidazole") == 0);
		nc = allergy_classes("Amoxicillin\x1f" "Benzathine penicillin",
		    '\x1f', t, ND_NELEM(t), cls, ALLERGY_NAMES_MAX);
		CHECK("classes: a class once, multi-word ingredients",
		    nc == 1 && strcmp(cls[0], "penicillin") == 0);
		CHECK("classes: whole words only (no penicillin in "
		    "Benzylpenicillin)", allergy_classes("Benzylpenicillin",
		    '\x1f', t, ND_NELEM(t), cls, ALLERGY_NAMES_MAX) == 0);
		CHECK("classes: a word of a longer name, '-' a space",
		    allergy_classes("Co-Sulfamethoxazole-DS", '\x1f', t,
		    ND_NELEM(t), cls, ALLERGY_NAMES_MAX) == 1 &&
		    strcmp(cls[0], "sulfonamide") == 0);
		CHECK("classes: none for no ingredients",
		    allergy_classes("", '\x1f', t, ND_NELEM(t), cls,
		    ALLERGY_NAMES_MAX) == 0 && allergy_classes(NULL, '\x1f',
		    t, ND_NELEM(t), cls, ALLERGY_NAMES_MAX) == 0);
		CHECK("classes: at most MAX",
		    allergy_classes("Ofloxacin\x1fOrnidazole", '\x1f', t,
		    ND_NELEM(t), cls, 1) == 1 &&
		    strcmp(cls[0], "fluoroquinolone") == 0);
	}
	UNIT_END();
}

/*
 * allergy.c — the allergy check of the prescription pad: the patient's
 * allergies are free text ("Penicillin, sulpha drugs (rash)", "allergic to
 * aspirin and NSAIDs"); a prescription line is its medicine as written, the
 * brand the doctor chose, its active ingredients and their allergy classes
 * (from the catalogue: the pad-safety migration in schema/).
 *
 * The text is cut into items at , ; / | & + ( ) and new lines and at the
 * words "and" and "or".  Each item and each name of the line are brought to
 * one form: ASCII letters in lower case, every other ASCII character a
 * space, spaces single, British spellings made one ("sulph" → "sulf",
 * "amoxy" → "amoxi"), a plural's s dropped; other bytes (Tamil, Devanagari)
 * stay as they are.  An item loses the words that only say it is an allergy
 * ("allergic to", "drugs", "rash", ...); what is left is its term, and a
 * term a clinician writes for a family or a brand brings that family's or
 * generic's name too (synonyms[] below: "sulpha" → sulfonamide, "aspirin"
 * → the NSAIDs, "septran" → sulfamethoxazole).  A term meets a name when it
 * is the name or a run of whole words of it ("amoxicillin" meets
 * "Amoxicillin + Clavulanic acid", "dolo" meets "Dolo 650").
 *
 * Pure: no allocation, no database; every buffer is bounded.  Fuzzed by
 * tests/fuzz/fuzz_allergy.c, tested by tests/unit/visits_allergy.c.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "allergy.h"

#define ITEM_MAX	160	/* bytes of one item or name in its one form */
#define TERMS_MAX	8	/* terms of one item: itself and its synonyms */

/*
 * What a clinician writes for a family of drugs or a brand (in the one
 * form), and the names it stands for; the item's own term is always kept.
 */
static const struct {
	const char	*term;
	const char	*means[4];
} synonyms[] = {
	{ "sulfa", { "sulfonamide", NULL } },
	{ "sulfur", { "sulfonamide", NULL } },
	{ "sulfonamide", { "sulfonamide", NULL } },
	{ "sulfa antibiotic", { "sulfonamide", NULL } },
	{ "pcn", { "penicillin", NULL } },
	{ "penicillin g", { "penicillin", NULL } },
	{ "penicillin v", { "penicillin", NULL } },
	{ "aspirin", { "nsaid", NULL } },
	{ "asa", { "aspirin", "nsaid", NULL } },
	{ "acetylsalicylic acid", { "aspirin", "nsaid", NULL } },
	{ "acetyl salicylic acid", { "aspirin", "nsaid", NULL } },
	{ "salicylate", { "aspirin", "nsaid", NULL } },
	{ "ecosprin", { "aspirin", "nsaid", NULL } },
	{ "disprin", { "aspirin", "nsaid", NULL } },
	{ "non steroidal anti inflammatory", { "nsaid", NULL } },
	{ "nonsteroidal anti inflammatory", { "nsaid", NULL } },
	{ "painkiller", { "nsaid", NULL } },
	{ "pain killer", { "nsaid", NULL } },
	{ "cefalosporin", { "cephalosporin", NULL } },
	{ "beta lactam", { "penicillin", "cephalosporin", "carbapenem",
	    "penem" } },
	{ "betalactam", { "penicillin", "cephalosporin", "carbapenem",
	    "penem" } },
	{ "carbapenem", { "penem", NULL } },
	{ "quinolone", { "fluoroquinolone", NULL } },
	{ "floxacin", { "fluoroquinolone", NULL } },
	{ "acetaminophen", { "paracetamol", NULL } },
	{ "pcm", { "paracetamol", NULL } },
	{ "crocin", { "paracetamol", NULL } },
	{ "dolo", { "paracetamol", NULL } },
	{ "calpol", { "paracetamol", NULL } },
	{ "cotrimoxazole", { "sulfamethoxazole", "trimethoprim", NULL } },
	{ "co trimoxazole", { "sulfamethoxazole", "trimethoprim", NULL } },
	{ "septran", { "sulfamethoxazole", "trimethoprim", NULL } },
	{ "bactrim", { "sulfamethoxazole", "trimethoprim", NULL } },
	{ "augmentin", { "amoxicillin", NULL } },
	{ "brufen", { "ibuprofen", NULL } },
	{ "combiflam", { "ibuprofen", "paracetamol", NULL } },
	{ "voveran", { "diclofenac", NULL } },
	{ "flagyl", { "metronidazole", NULL } },
	{ "opiate", { "opioid", NULL } },
	{ "narcotic", { "opioid", NULL } },
	{ "betadine", { "povidone iodine", NULL } },
};

/* Words that only say that an item is an allergy (in the one form). */
static const char *const filler[] = {
	"allergy", "allergie", "allergic", "to", "drug", "medicine",
	"medication", "group", "class", "family", "tablet", "injection",
	"reaction", "sensitivity", "sensitive", "intolerance", "intolerant",
	"h", "o", "history", "hx", "of", "known", "severe", "mild", "rash",
	"hive", "urticaria", "anaphylaxi", "anaphylaxis", "swelling",
	"itching", "the", "any", "all", "antibiotic", "derivative", "agent",
	"with", "on", "after", "taking", "patient", "pt", "is", "a", "an",
	"some", "type", "like",
};

/* Items that say there is no allergy. */
static const char *const none[] = {
	"nil", "none", "no", "nkda", "nka", "nkma", "not", "unknown", "na",
};

static int
in_list(const char *w, size_t n, const char *const *list, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return 1;
	return 0;
}

/*
 * Appends word W of N bytes to OUT (of SIZE, holding *LEN bytes) in the one
 * form: spellings made one, a plural's s dropped.  Drops the word when
 * FILLER and it is a filler word.  Returns 0 when OUT is full.
 */
static int
put_word(char *out, size_t size, size_t *len, const char *w, size_t n,
    int drop_filler)
{
	char	 buf[ITEM_MAX];
	size_t	 i, o = 0;

	if (n >= sizeof(buf))
		return 0;
	for (i = 0; i < n; i++) {
		/* "sulph" → "sulf" (sulpha, sulphamethoxazole); "amoxy" →
		 * "amoxi" (amoxycillin): the British and Indian spellings. */
		if (n - i >= 5 && memcmp(w + i, "sulph", 5) == 0) {
			memcpy(buf + o, "sulf", 4);
			o += 4;
			i += 4;
		} else if (n - i >= 5 && memcmp(w + i, "amoxy", 5) == 0) {
			memcpy(buf + o, "amoxi", 5);
			o += 5;
			i += 4;
		} else
			buf[o++] = w[i];
	}
	/* A plural: penicillins, NSAIDs, sulfas; not "ss", "us", "is". */
	if (o > 3 && buf[o - 1] == 's' && buf[o - 2] != 's' &&
	    buf[o - 2] != 'u' && buf[o - 2] != 'i')
		o--;
	if (drop_filler && in_list(buf, o, filler,
	    sizeof(filler) / sizeof(filler[0])))
		return 1;
	if (*len + (*len > 0) + o + 1 > size)
		return 0;
	if (*len > 0)
		out[(*len)++] = ' ';
	memcpy(out + *len, buf, o);
	*len += o;
	out[*len] = '\0';
	return 1;
}

/*
 * Writes the N bytes of S in the one form into OUT of SIZE bytes, without
 * the filler words when DROP_FILLER.  Returns its length, or -1 when it
 * does not fit.
 */
static long
oneform(const char *s, size_t n, char *out, size_t size, int drop_filler)
{
	char	 w[ITEM_MAX];
	size_t	 i, wn = 0, len = 0;
	int	 c;

	out[0] = '\0';
	for (i = 0; i <= n; i++) {
		c = i < n ? (unsigned char)s[i] : ' ';
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (wn + 1 >= sizeof(w))
				return -1;
			w[wn++] = (char)c;
			continue;
		}
		if (wn > 0 && !put_word(out, size, &len, w, wn, drop_filler))
			return -1;
		wn = 0;
	}
	return (long)len;
}

/* 1 if TERM is NAME or a run of whole words of it (both in the one form). */
static int
meets(const char *term, const char *name)
{
	size_t		 tn = strlen(term), nn = strlen(name);
	const char	*p;

	if (tn == 0 || tn > nn)
		return 0;
	for (p = name; (p = strstr(p, term)) != NULL; p++)
		if ((p == name || p[-1] == ' ') &&
		    (p[tn] == '\0' || p[tn] == ' '))
			return 1;
	return 0;
}

/*
 * 1 if the one-form TERM meets one of the line's names; *WHAT gets that
 * name as the line has it.
 */
static int
meets_line(const char *term, const struct allergy_line *l, const char **what)
{
	char		 name[ITEM_MAX];
	const char	*names[2 + 2 * ALLERGY_NAMES_MAX];
	size_t		 i, k = 0;

	/* The families first: the message then says "a penicillin". */
	for (i = 0; i < l->nclasses && i < ALLERGY_NAMES_MAX; i++)
		names[k++] = l->classes[i];
	for (i = 0; i < l->ningredients && i < ALLERGY_NAMES_MAX; i++)
		names[k++] = l->ingredients[i];
	names[k++] = l->brand;
	names[k++] = l->medicine;
	for (i = 0; i < k; i++) {
		if (names[i] == NULL ||
		    oneform(names[i], strlen(names[i]), name, sizeof(name), 0) <= 0)
			continue;
		if (meets(term, name)) {
			*what = names[i];
			return 1;
		}
	}
	return 0;
}

/* 1 if C ends an item of the allergies. */
static int
is_cut(int c)
{
	return c == ',' || c == ';' || c == '/' || c == '|' || c == '&' ||
	    c == '+' || c == '(' || c == ')' || c == '\n' || c == '\r' ||
	    c == '.' || c == ':';
}

/* Length of the word "and" or "or" (any case) standing alone at P, or 0. */
static size_t
cut_word(const char *s, const char *p)
{
	size_t	 n;

	if (p > s && p[-1] != ' ' && p[-1] != '\t')
		return 0;
	if (strncasecmp(p, "and", 3) == 0)
		n = 3;
	else if (strncasecmp(p, "or", 2) == 0)
		n = 2;
	else
		return 0;
	return p[n] == ' ' || p[n] == '\t' || p[n] == '\0' ? n : 0;
}

/* Copies the N bytes of S without the blanks around them into OUT (SIZE). */
static void
copy_trim(char *out, size_t size, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	/* Never end inside a UTF-8 sequence. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, s, n);
	out[n] = '\0';
}

/*
 * Checks the item of N bytes at S against LINE.  Returns 1 (a match: the
 * item trimmed goes to ALLERGY, the name of the line it met to WHAT) or 0.
 */
static int
item_check(const char *s, size_t n, const struct allergy_line *line,
    char *allergy, size_t asz, char *what, size_t wsz)
{
	char		 term[ITEM_MAX];
	const char	*terms[TERMS_MAX], *met = NULL;
	size_t		 i, k, nt = 0;
	long		 len;

	if ((len = oneform(s, n, term, sizeof(term), 1)) < 3 ||
	    in_list(term, (size_t)len, none, sizeof(none) / sizeof(none[0])))
		return 0;
	terms[nt++] = term;
	for (i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++) {
		if (strcmp(synonyms[i].term, term) != 0)
			continue;
		for (k = 0; k < 4 && synonyms[i].means[k] != NULL &&
		    nt < TERMS_MAX; k++)
			terms[nt++] = synonyms[i].means[k];
	}
	for (i = 0; i < nt; i++)
		if (meets_line(terms[i], line, &met)) {
			copy_trim(allergy, asz, s, n);
			copy_trim(what, wsz, met, strlen(met));
			return 1;
		}
	return 0;
}

/*
 * Does LINE meet one of the allergies of the free text ALLERGIES (its first
 * ALLERGY_TEXT_MAX bytes)?  Returns 1 and writes the allergy as the record
 * words it (e.g. "sulpha drugs") into ALLERGY of ASZ bytes and the name of
 * the line it met (a class such as "penicillin", an ingredient, the brand
 * or the medicine) into WHAT of WSZ bytes, both NUL-terminated and cut at a
 * character's end when long; returns 0 when none is met.
 */
int
allergy_match(const char *allergies, const struct allergy_line *line,
    char *allergy, size_t asz, char *what, size_t wsz)
{
	const char	*s = allergies, *p, *start;
	size_t		 n, w;

	if (asz > 0)
		allergy[0] = '\0';
	if (wsz > 0)
		what[0] = '\0';
	if (s == NULL || line == NULL || line->medicine == NULL)
		return 0;
	n = strnlen(s, ALLERGY_TEXT_MAX);
	for (p = start = s; ; p++) {
		w = p < s + n ? cut_word(s, p) : 0;
		if (p >= s + n || is_cut((unsigned char)*p) || w > 0) {
			if (p > start && (size_t)(p - start) < ITEM_MAX &&
			    item_check(start, (size_t)(p - start), line,
			    allergy, asz, what, wsz))
				return 1;
			if (p >= s + n)
				return 0;
			if (w > 0)
				p += w - 1;
			start = p + 1;
		}
	}
}

/*
 * Do lines A and B share an active ingredient (compared in the one form)?
 * Returns 1 and writes A's name of it into ING of N bytes, or 0.  A line
 * without known ingredients counts as its medicine alone.
 */
int
allergy_shared(const struct allergy_line *a, const struct allergy_line *b,
    char *ing, size_t n)
{
	char		 x[ITEM_MAX], y[ITEM_MAX];
	const char	*const *ai, *const *bi;
	size_t		 na, nb, i, j;

	if (n > 0)
		ing[0] = '\0';
	ai = a->ningredients > 0 ? a->ingredients : &a->medicine;
	na = a->ningredients > 0 ? a->ningredients : 1;
	bi = b->ningredients > 0 ? b->ingredients : &b->medicine;
	nb = b->ningredients > 0 ? b->ningredients : 1;
	if (na > ALLERGY_NAMES_MAX)
		na = ALLERGY_NAMES_MAX;
	if (nb > ALLERGY_NAMES_MAX)
		nb = ALLERGY_NAMES_MAX;
	for (i = 0; i < na; i++) {
		if (ai[i] == NULL ||
		    oneform(ai[i], strlen(ai[i]), x, sizeof(x), 0) <= 0)
			continue;
		for (j = 0; j < nb; j++) {
			if (bi[j] == NULL ||
			    oneform(bi[j], strlen(bi[j]), y, sizeof(y), 0) <= 0)
				continue;
			if (strcmp(x, y) == 0) {
				copy_trim(ing, n, ai[i], strlen(ai[i]));
				return 1;
			}
		}
	}
	return 0;
}

/*
 * Writes NAME into KEY of SIZE bytes as the class table matches it: ASCII
 * letters in lower case, '-' and '/' as spaces, one space before and one
 * after ("Co-trimoxazole" → " co trimoxazole ").  A NAME too long is cut
 * (the cut keeps the key's closing space).  Returns the key's length, 0
 * when SIZE is below 3.
 */
size_t
allergy_class_key(const char *name, char *key, size_t size)
{
	size_t		 o = 0;
	unsigned char	 c;

	if (size < 3) {
		if (size > 0)
			key[0] = '\0';
		return 0;
	}
	key[o++] = ' ';
	for (; (c = (unsigned char)*name) != '\0' && o < size - 2; name++) {
		if (c == '-' || c == '/')
			c = ' ';
		else if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		key[o++] = (char)c;
	}
	key[o++] = ' ';
	key[o] = '\0';
	return o;
}

static int
class_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The allergy classes of the ingredients LIST (names joined by the byte
 * SEP, e.g. char(31)): each class of the N entries of TABLE whose ingredient is a
 * run of whole words of one of the names (ASCII case ignored; '-' and '/'
 * count as spaces: "Amoxicillin" is in "Amoxicillin + Clavulanic acid",
 * "Penicillin" is not in "Benzylpenicillin"), each class once, in byte
 * order.  Writes at most MAX (≤ ALLERGY_NAMES_MAX) of TABLE's class
 * strings into OUT.  Returns how many.
 */
size_t
allergy_classes(const char *list, int sep, const struct allergy_class *table,
    size_t n, const char **out, size_t max)
{
	char		 name[ALLERGY_KEY_MAX], key[ALLERGY_KEY_MAX];
	const char	*found[4 * ALLERGY_NAMES_MAX], *end;
	size_t		 nfound = 0, len, i, j;

	if (list == NULL)
		return 0;
	for (;;) {
		end = strchr(list, sep);
		len = end != NULL ? (size_t)(end - list) : strlen(list);
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, list, len);
		name[len] = '\0';
		allergy_class_key(name, key, sizeof(key));
		for (i = 0; i < n && nfound < sizeof(found) / sizeof(found[0]); i++) {
			if (strstr(key, table[i].key) == NULL)
				continue;
			for (j = 0; j < nfound; j++)
				if (strcmp(found[j], table[i].class) == 0)
					break;
			if (j == nfound)
				found[nfound++] = table[i].class;
		}
		if (end == NULL)
			break;
		list = end + 1;
	}
	qsort(found, nfound, sizeof(found[0]), class_cmp);
	if (max > ALLERGY_NAMES_MAX)
		max = ALLERGY_NAMES_MAX;
	if (nfound > max)
		nfound = max;
	for (i = 0; i < nfound; i++)
		out[i] = found[i];
	return nfound;
}

/*
 * dosewords.c — dose_words(), a prescription line's dosing written out in
 * words in English, Tamil or Hindi, from its structured dose, timing and
 * duration, for the printout a patient reads:
 *
 *   1-0-1, after_food, 5  →  Morning 1, night 1 — after food — 5 days
 *                            காலை 1, இரவு 1 — உணவுக்குப் பின் — 5 நாட்கள்
 *                            सुबह 1, रात 1 — खाने के बाद — 5 दिन
 *
 * Pure: no state, no I/O, no allocation; any bytes in, a bounded answer
 * out.  It is a fuzz target (tests/fuzz/fuzz_dosewords.c); its table test
 * is tests/unit/visits_dosewords.c.
 *
 * The dose goes through dose_parse() first, so what is read is what the
 * pad stores: a pattern of 2 to 4 times of the day (2: morning and night;
 * 3: morning, afternoon, night; 4: morning, afternoon, evening, night;
 * the times with 0 are left out), a keyword (SOS, STAT, OD, BD, TDS, QID,
 * HS), an amount and how often ("5 ml TDS", "2.5 ml thrice a day": the
 * keyword's words, then the amount: "தினமும் மூன்று வேளை, 5 ml"), or the
 * doctor's own words, written as they are.  A timing that is
 * not one of visits.c's and a duration outside 1..365 days are left out.
 *
 * The words are those a pharmacist or a receptionist of the language
 * would write on a cover: "தினமும் இரண்டு வேளை", "दिन में दो बार".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nd.h"
#include "dose.h"

#define SEP	" \xe2\x80\x94 "	/* " — ": U+2014 between the parts */

static const char *const lang_codes[DOSE_LANG__MAX] = {
	/* DOSE_LANG_EN */ "en",
	/* DOSE_LANG_TA */ "ta",
	/* DOSE_LANG_HI */ "hi",
};

/* The times of the day, first word capitalised in English. */
enum slot {
	SLOT_MORNING,
	SLOT_AFTERNOON,
	SLOT_EVENING,
	SLOT_NIGHT,
	SLOT__MAX
};
static const char *const slot_words[DOSE_LANG__MAX][SLOT__MAX][2] = {
	/* DOSE_LANG_EN: { first, later } */
	{ { "Morning", "morning" }, { "Afternoon", "afternoon" },
	  { "Evening", "evening" }, { "Night", "night" } },
	/* DOSE_LANG_TA */
	{ { "காலை", "காலை" }, { "மதியம்", "மதியம்" },
	  { "மாலை", "மாலை" }, { "இரவு", "இரவு" } },
	/* DOSE_LANG_HI */
	{ { "सुबह", "सुबह" }, { "दोपहर", "दोपहर" },
	  { "शाम", "शाम" }, { "रात", "रात" } },
};

/* Which times of the day a pattern of 2, 3 or 4 parts names. */
static const enum slot slots_of[5][4] = {
	/* 0, 1 parts: never a pattern */
	{ SLOT__MAX }, { SLOT__MAX },
	/* 2 */ { SLOT_MORNING, SLOT_NIGHT },
	/* 3 */ { SLOT_MORNING, SLOT_AFTERNOON, SLOT_NIGHT },
	/* 4 */ { SLOT_MORNING, SLOT_AFTERNOON, SLOT_EVENING, SLOT_NIGHT },
};

/* The keywords as dose_parse() stores them, and their words. */
static const char *const keyword_words[][1 + DOSE_LANG__MAX] = {
	/* stored, en, ta, hi */
	{ "SOS", "Only when needed", "தேவைப்படும்போது மட்டும்",
	  "ज़रूरत पड़ने पर ही" },
	{ "STAT", "One dose at once", "உடனே ஒரு வேளை",
	  "तुरंत एक खुराक" },
	{ "OD", "Once a day", "தினமும் ஒரு வேளை", "दिन में एक बार" },
	{ "BD", "Twice a day", "தினமும் இரண்டு வேளை", "दिन में दो बार" },
	{ "TDS", "Three times a day", "தினமும் மூன்று வேளை",
	  "दिन में तीन बार" },
	{ "QID", "Four times a day", "தினமும் நான்கு வேளை",
	  "दिन में चार बार" },
	{ "HS", "At bedtime", "இரவு படுக்கும் முன்", "रात को सोते समय" },
};

/* The timings visits.c accepts, and their words. */
static const char *const timing_words[][1 + DOSE_LANG__MAX] = {
	/* stored, en, ta, hi */
	{ "before_food", "before food", "உணவுக்கு முன்", "खाने से पहले" },
	{ "after_food", "after food", "உணவுக்குப் பின்", "खाने के बाद" },
	{ "with_food", "with food", "உணவுடன்", "खाने के साथ" },
	{ "empty_stomach", "on an empty stomach", "வெறும் வயிற்றில்",
	  "खाली पेट" },
	{ "bedtime", "at bedtime", "படுக்கும் முன்", "सोते समय" },
};

/* "N days": { one day, more days } */
static const char *const day_words[DOSE_LANG__MAX][2] = {
	/* DOSE_LANG_EN */ { "day", "days" },
	/* DOSE_LANG_TA */ { "நாள்", "நாட்கள்" },
	/* DOSE_LANG_HI */ { "दिन", "दिन" },
};

/* The language of CODE ("en", "ta", "hi"), or -1. */
int
dose_lang(const char *code)
{
	size_t	 i;

	if (code == NULL)
		return -1;
	for (i = 0; i < DOSE_LANG__MAX; i++)
		if (strcmp(code, lang_codes[i]) == 0)
			return (int)i;
	return -1;
}

struct out {
	char	*buf;
	size_t	 size, len;
	int	 full;
};

static void
add(struct out *o, const char *s)
{
	size_t	 n = strlen(s);

	if (o->full || o->len + n + 1 > o->size) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* The normalised pattern PAT ("1-0-½") in words: "Morning 1, night ½". */
static void
pattern_words(struct out *o, enum dose_lang lang, const char *pat)
{
	char		 part[4][4];
	const char	*p = pat, *e;
	size_t		 n = 0, k, i;
	int		 first = 1;

	while (n < 4) {
		e = strchr(p, '-');
		k = e != NULL ? (size_t)(e - p) : strlen(p);
		if (k >= sizeof(part[0]))
			return;		/* not dose_parse()'s: cannot be */
		memcpy(part[n], p, k);
		part[n++][k] = '\0';
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (n < 2)
		return;
	for (i = 0; i < n; i++) {
		if (strcmp(part[i], "0") == 0)
			continue;
		if (!first)
			add(o, ", ");
		add(o, slot_words[lang][slots_of[n][i]][first ? 0 : 1]);
		add(o, " ");
		add(o, part[i]);
		first = 0;
	}
}

/* How often, as doctors write it after an amount, and its keyword. */
static const char *const often_words[][2] = {
	{ "once a day", "OD" }, { "once daily", "OD" }, { "daily", "OD" },
	{ "twice a day", "BD" }, { "twice daily", "BD" },
	{ "thrice a day", "TDS" }, { "thrice daily", "TDS" },
	{ "three times a day", "TDS" }, { "three times daily", "TDS" },
	{ "four times a day", "QID" }, { "four times daily", "QID" },
	{ "at bedtime", "HS" }, { "when needed", "SOS" },
	{ "as needed", "SOS" },
};

#define AMOUNT_MAX	24	/* bytes of "2.5 ml", "10 drops", "½ tab" */

/*
 * 1 if the N bytes at S are an amount: a number (digits with "." or "/",
 * or "½") and at most one word of ASCII letters after a space.
 */
static int
is_amount(const char *s, size_t n)
{
	size_t	 i = 0, digits = 0;

	if (n == 0 || n > AMOUNT_MAX)
		return 0;
	if (n >= 2 && memcmp(s, "\xc2\xbd", 2) == 0) {	/* ½ */
		i = 2;
		digits = 1;
	}
	for (; i < n && ((s[i] >= '0' && s[i] <= '9') || (digits > 0 &&
	    (s[i] == '.' || s[i] == '/'))); i++)
		digits += s[i] >= '0' && s[i] <= '9';
	if (digits == 0 || (i > 0 && (s[i - 1] == '.' || s[i - 1] == '/')))
		return 0;
	if (i == n)
		return 1;
	if (s[i++] != ' ' || i == n)
		return 0;
	for (; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z')))
			return 0;
	return 1;
}

/*
 * TEXT (dose_parse()'s free text: one space between words) as an amount
 * and how often, in LANG: "5 ml TDS", "5 ml, thrice a day" → "Three times
 * a day, 5 ml".  Returns 0 (nothing written) when it is not of that shape.
 */
static int
amount_often(struct out *o, enum dose_lang lang, const char *text)
{
	char		 kw[DOSE_OUT_MAX];
	const char	*key = NULL, *last;
	size_t		 n = strlen(text), amount = n, k, i;

	for (i = 0; i < ND_NELEM(often_words); i++) {	/* the longest */
		k = strlen(often_words[i][0]);
		if (n > k + 1 && n - k - 1 < amount && text[n - k - 1] == ' ' &&
		    strcasecmp(text + n - k, often_words[i][0]) == 0) {
			key = often_words[i][1];
			amount = n - k - 1;
		}
	}
	if (key == NULL && (last = strrchr(text, ' ')) != NULL &&
	    dose_parse(last + 1, kw, sizeof(kw)) == DOSE_KEYWORD &&
	    strcmp(kw, "STAT") != 0) {
		key = kw;
		amount = (size_t)(last - text);
	}
	if (key == NULL)
		return 0;
	if (text[amount - 1] == ',')
		amount--;
	if (!is_amount(text, amount))
		return 0;
	for (i = 0; i < ND_NELEM(keyword_words); i++)
		if (strcmp(key, keyword_words[i][0]) == 0) {
			add(o, keyword_words[i][1 + lang]);
			add(o, ", ");
			if (!o->full && o->len + amount + 1 <= o->size) {
				memcpy(o->buf + o->len, text, amount);
				o->len += amount;
				o->buf[o->len] = '\0';
			} else
				o->full = 1;
			return 1;
		}
	return 0;
}

/*
 * Writes the dosing of a prescription line in LANG into OUT of SIZE bytes
 * (DOSE_WORDS_MAX is always enough): DOSE (any bytes; as the pad sends it
 * or as stored), TIMING (NULL, or one of visits.c's timings) and DAYS
 * (0 or less: not given), their words joined by " — ".
 * Returns the length written; 0 and OUT "" when the dose is not one
 * dose_parse() accepts, LANG is unknown, or SIZE is too small.
 */
size_t
dose_words(enum dose_lang lang, const char *dose, const char *timing,
    long long days, char *out, size_t size)
{
	char		 norm[DOSE_OUT_MAX], num[24];
	struct out	 o = { out, size, 0, 0 };
	enum dose_kind	 kind;
	size_t		 i;

	if (size == 0)
		return 0;
	out[0] = '\0';
	if ((int)lang < 0 || lang >= DOSE_LANG__MAX || dose == NULL)
		return 0;
	kind = dose_parse(dose, norm, sizeof(norm));
	switch (kind) {
	case DOSE_PATTERN:
		pattern_words(&o, lang, norm);
		break;
	case DOSE_KEYWORD:
		for (i = 0; i < ND_NELEM(keyword_words); i++)
			if (strcmp(norm, keyword_words[i][0]) == 0)
				add(&o, keyword_words[i][1 + lang]);
		break;
	case DOSE_FREE:
		if (!amount_often(&o, lang, norm))
			add(&o, norm);
		break;
	case DOSE_INVALID:
		return 0;
	default:
		abort();
	}
	if (timing != NULL)
		for (i = 0; i < ND_NELEM(timing_words); i++)
			if (strcmp(timing, timing_words[i][0]) == 0) {
				add(&o, SEP);
				add(&o, timing_words[i][1 + lang]);
			}
	if (days >= 1 && days <= 365) {
		snprintf(num, sizeof(num), "%lld ", days);
		add(&o, SEP);
		add(&o, num);
		add(&o, day_words[lang][days == 1 ? 0 : 1]);
	}
	if (o.full || o.len == 0) {
		out[0] = '\0';
		return 0;
	}
	return o.len;
}

/* visits_dosewords.c — dose_words() of cgi-bin/visits/dosewords.c: every
 * dose pattern, keyword, timing and duration in English, Tamil and Hindi. */
#include <string.h>

#include "nd.h"
#include "unit.h"
#include "visits/dose.c"
#include "visits/dosewords.c"

/* 1 if dose_words(LANG, DOSE, TIMING, DAYS) writes WANT. */
static int
is(enum dose_lang lang, const char *dose, const char *timing, long long days,
    const char *want)
{
	char	 out[DOSE_WORDS_MAX];
	size_t	 n;

	memset(out, 'x', sizeof(out));
	n = dose_words(lang, dose, timing, days, out, sizeof(out));
	if (strcmp(out, want) != 0 || n != strlen(want)) {
		printf("  dose_words(%s, \"%s\", %s, %lld) = \"%s\" (%zu), "
		    "want \"%s\"\n", lang_codes[lang], dose,
		    timing ? timing : "NULL", days, out, n, want);
		return 0;
	}
	return 1;
}

struct row {
	const char	*dose, *timing;
	long long	 days;
	const char	*want[DOSE_LANG__MAX];	/* en, ta, hi */
};

/* Every keyword, every timing, durations, and patterns of each length. */
static const struct row rows[] = {
	/* the issue's own example */
	{ "1-0-1", "after_food", 5, {
	  "Morning 1, night 1 — after food — 5 days",
	  "காலை 1, இரவு 1 — உணவுக்குப் பின் — 5 நாட்கள்",
	  "सुबह 1, रात 1 — खाने के बाद — 5 दिन" } },
	/* patterns of 3 */
	{ "1-1-1", NULL, 0, {
	  "Morning 1, afternoon 1, night 1",
	  "காலை 1, மதியம் 1, இரவு 1",
	  "सुबह 1, दोपहर 1, रात 1" } },
	{ "1-0-0", NULL, 0, { "Morning 1", "காலை 1", "सुबह 1" } },
	{ "0-1-0", NULL, 0, { "Afternoon 1", "மதியம் 1", "दोपहर 1" } },
	{ "0-0-1", NULL, 0, { "Night 1", "இரவு 1", "रात 1" } },
	{ "1-1-0", NULL, 0, { "Morning 1, afternoon 1", "காலை 1, மதியம் 1",
	  "सुबह 1, दोपहर 1" } },
	{ "0-1-1", NULL, 0, { "Afternoon 1, night 1", "மதியம் 1, இரவு 1",
	  "दोपहर 1, रात 1" } },
	{ "2-0-2", NULL, 0, { "Morning 2, night 2", "காலை 2, இரவு 2",
	  "सुबह 2, रात 2" } },
	{ "2-1-1", NULL, 0, { "Morning 2, afternoon 1, night 1",
	  "காலை 2, மதியம் 1, இரவு 1", "सुबह 2, दोपहर 1, रात 1" } },
	{ "½-0-½", NULL, 0, { "Morning ½, night ½", "காலை ½, இரவு ½",
	  "सुबह ½, रात ½" } },
	{ "1/2-1-0", NULL, 0, { "Morning ½, afternoon 1",
	  "காலை ½, மதியம் 1", "सुबह ½, दोपहर 1" } },
	/* as the pad may send them before they are stored */
	{ "101", NULL, 0, { "Morning 1, night 1", "காலை 1, இரவு 1",
	  "सुबह 1, रात 1" } },
	{ " 1 - 0 - 1 ", NULL, 0, { "Morning 1, night 1", "காலை 1, இரவு 1",
	  "सुबह 1, रात 1" } },
	/* patterns of 4 */
	{ "1-1-1-1", NULL, 0, {
	  "Morning 1, afternoon 1, evening 1, night 1",
	  "காலை 1, மதியம் 1, மாலை 1, இரவு 1",
	  "सुबह 1, दोपहर 1, शाम 1, रात 1" } },
	{ "0-0-1-0", NULL, 0, { "Evening 1", "மாலை 1", "शाम 1" } },
	{ "1-0-1-1", NULL, 0, { "Morning 1, evening 1, night 1",
	  "காலை 1, மாலை 1, இரவு 1", "सुबह 1, शाम 1, रात 1" } },
	/* patterns of 2 */
	{ "1-1", NULL, 0, { "Morning 1, night 1", "காலை 1, இரவு 1",
	  "सुबह 1, रात 1" } },
	{ "0-½", NULL, 0, { "Night ½", "இரவு ½", "रात ½" } },
	/* keywords */
	{ "SOS", NULL, 0, { "Only when needed", "தேவைப்படும்போது மட்டும்",
	  "ज़रूरत पड़ने पर ही" } },
	{ "stat", NULL, 0, { "One dose at once", "உடனே ஒரு வேளை",
	  "तुरंत एक खुराक" } },
	{ "OD", NULL, 0, { "Once a day", "தினமும் ஒரு வேளை",
	  "दिन में एक बार" } },
	{ "b.i.d.", NULL, 0, { "Twice a day", "தினமும் இரண்டு வேளை",
	  "दिन में दो बार" } },
	{ "TDS", NULL, 0, { "Three times a day", "தினமும் மூன்று வேளை",
	  "दिन में तीन बार" } },
	{ "QID", NULL, 0, { "Four times a day", "தினமும் நான்கு வேளை",
	  "दिन में चार बार" } },
	{ "HS", NULL, 0, { "At bedtime", "இரவு படுக்கும் முன்",
	  "रात को सोते समय" } },
	/* every timing */
	{ "OD", "before_food", 0, { "Once a day — before food",
	  "தினமும் ஒரு வேளை — உணவுக்கு முன்",
	  "दिन में एक बार — खाने से पहले" } },
	{ "OD", "after_food", 0, { "Once a day — after food",
	  "தினமும் ஒரு வேளை — உணவுக்குப் பின்",
	  "दिन में एक बार — खाने के बाद" } },
	{ "OD", "with_food", 0, { "Once a day — with food",
	  "தினமும் ஒரு வேளை — உணவுடன்",
	  "दिन में एक बार — खाने के साथ" } },
	{ "1-0-0", "empty_stomach", 0, { "Morning 1 — on an empty stomach",
	  "காலை 1 — வெறும் வயிற்றில்", "सुबह 1 — खाली पेट" } },
	{ "0-0-1", "bedtime", 0, { "Night 1 — at bedtime",
	  "இரவு 1 — படுக்கும் முன்", "रात 1 — सोते समय" } },
	{ "0-0-1", "sideways", 0, { "Night 1", "இரவு 1", "रात 1" } },
	/* durations */
	{ "OD", NULL, 1, { "Once a day — 1 day", "தினமும் ஒரு வேளை — 1 நாள்",
	  "दिन में एक बार — 1 दिन" } },
	{ "OD", NULL, 2, { "Once a day — 2 days",
	  "தினமும் ஒரு வேளை — 2 நாட்கள்", "दिन में एक बार — 2 दिन" } },
	{ "BD", "after_food", 365, { "Twice a day — after food — 365 days",
	  "தினமும் இரண்டு வேளை — உணவுக்குப் பின் — 365 நாட்கள்",
	  "दिन में दो बार — खाने के बाद — 365 दिन" } },
	{ "OD", NULL, 366, { "Once a day", "தினமும் ஒரு வேளை",
	  "दिन में एक बार" } },
	{ "OD", NULL, -3, { "Once a day", "தினமும் ஒரு வேளை",
	  "दिन में एक बार" } },
	/* the doctor's own words stay as written */
	{ "10 ml  thrice", "after_food", 3, { "10 ml thrice — after food — 3 days",
	  "10 ml thrice — உணவுக்குப் பின் — 3 நாட்கள்",
	  "10 ml thrice — खाने के बाद — 3 दिन" } },
	/* an amount and how often: the keyword's words, then the amount */
	{ "5 ml thrice a day", "after_food", 5, {
	  "Three times a day, 5 ml — after food — 5 days",
	  "தினமும் மூன்று வேளை, 5 ml — உணவுக்குப் பின் — 5 நாட்கள்",
	  "दिन में तीन बार, 5 ml — खाने के बाद — 5 दिन" } },
	{ "2.5 ml  TDS", NULL, 0, { "Three times a day, 2.5 ml",
	  "தினமும் மூன்று வேளை, 2.5 ml", "दिन में तीन बार, 2.5 ml" } },
	{ "10 drops, Twice Daily", NULL, 0, { "Twice a day, 10 drops",
	  "தினமும் இரண்டு வேளை, 10 drops", "दिन में दो बार, 10 drops" } },
	{ "½ tab b.i.d.", NULL, 0, { "Twice a day, ½ tab",
	  "தினமும் இரண்டு வேளை, ½ tab", "दिन में दो बार, ½ tab" } },
	{ "2 puffs sos", NULL, 0, { "Only when needed, 2 puffs",
	  "தேவைப்படும்போது மட்டும், 2 puffs",
	  "ज़रूरत पड़ने पर ही, 2 puffs" } },
	{ "1 daily", NULL, 0, { "Once a day, 1", "தினமும் ஒரு வேளை, 1",
	  "दिन में एक बार, 1" } },
	/* not an amount, or no "how often": as written */
	{ "5 ml stat", NULL, 0, { "5 ml stat", "5 ml stat", "5 ml stat" } },
	{ "apply thin layer twice a day", NULL, 0, {
	  "apply thin layer twice a day", "apply thin layer twice a day",
	  "apply thin layer twice a day" } },
	{ "5. ml BD", NULL, 0, { "5. ml BD", "5. ml BD", "5. ml BD" } },
	{ "thrice a day", NULL, 0, { "thrice a day", "thrice a day",
	  "thrice a day" } },
	{ "இரவு ஒன்று", NULL, 0, { "இரவு ஒன்று", "இரவு ஒன்று",
	  "இரவு ஒன்று" } },
	/* nothing to say */
	{ "0-0-0", "after_food", 5, { "", "", "" } },
	{ "", NULL, 5, { "", "", "" } },
	{ "   ", NULL, 0, { "", "", "" } },
};

/*
 * Every pattern of 2, 3 and 4 parts of 0, 1, 2, ½ (not all 0), in every
 * language: each nonzero part is written once, in order, after the word
 * of its time of the day, and the zero parts' times are absent.
 */
static int
all_patterns(void)
{
	static const char *const v[] = { "0", "1", "2", "½" };
	char		 dose[32], out[DOSE_WORDS_MAX], want[DOSE_WORDS_MAX];
	size_t		 n, i, code, k, lang, bad = 0, seen = 0;

	for (n = 2; n <= 4; n++) {
		for (code = 1; code < (size_t)(1 << (2 * n)); code++) {
			dose[0] = '\0';
			for (i = 0; i < n; i++) {
				k = (code >> (2 * i)) & 3;
				if (i > 0)
					strcat(dose, "-");
				strcat(dose, v[k]);
			}
			for (lang = 0; lang < DOSE_LANG__MAX; lang++) {
				want[0] = '\0';
				for (i = 0; i < n; i++) {
					k = (code >> (2 * i)) & 3;
					if (k == 0)
						continue;
					if (want[0] != '\0')
						strcat(want, ", ");
					strcat(want, slot_words[lang]
					    [slots_of[n][i]][want[0] == '\0' ?
					    0 : 1]);
					strcat(want, " ");
					strcat(want, v[k]);
				}
				dose_words(lang, dose, NULL, 0, out,
				    sizeof(out));
				seen++;
				if (strcmp(out, want) != 0 && bad++ < 5)
					printf("  %s %s: \"%s\", want \"%s\"\n",
					    lang_codes[lang], dose, out, want);
			}
		}
	}
	/* (15 + 63 + 255) patterns in 3 languages */
	return bad == 0 && seen == 333 * 3;
}

int
main(void)
{
	char	 name[160], small[8];
	size_t	 i, lang;
	int	 ok;

	for (i = 0; i < ND_NELEM(rows); i++) {
		for (lang = 0; lang < DOSE_LANG__MAX; lang++) {
			ok = is(lang, rows[i].dose, rows[i].timing, rows[i].days,
			    rows[i].want[lang]);
			snprintf(name, sizeof(name), "dosing %s \"%s\" %s %lld",
			    lang_codes[lang], rows[i].dose,
			    rows[i].timing ? rows[i].timing : "-",
			    rows[i].days);
			CHECK(name, ok);
		}
	}
	CHECK("dosing: every pattern of 2 to 4 parts in en, ta, hi",
	    all_patterns());
	/* The slot tables name each time of the day in every language. */
	for (lang = 0; lang < DOSE_LANG__MAX; lang++)
		for (i = 0; i < SLOT__MAX; i++)
			CHECK("dosing slot words are set",
			    slot_words[lang][i][0] != NULL &&
			    slot_words[lang][i][1] != NULL);
	CHECK("dosing language codes", dose_lang("en") == DOSE_LANG_EN &&
	    dose_lang("ta") == DOSE_LANG_TA && dose_lang("hi") == DOSE_LANG_HI &&
	    dose_lang("fr") == -1 && dose_lang("") == -1 &&
	    dose_lang(NULL) == -1);
	CHECK("dosing unknown language writes nothing",
	    dose_words((enum dose_lang)7, "1-0-1", NULL, 5, name,
	    sizeof(name)) == 0 && name[0] == '\0');
	CHECK("dosing too small a buffer writes nothing",
	    dose_words(DOSE_LANG_TA, "1-0-1", "after_food", 5, small,
	    sizeof(small)) == 0 && small[0] == '\0');
	CHECK("dosing size 0", dose_words(DOSE_LANG_EN, "OD", NULL, 0, small,
	    0) == 0);
	UNIT_END();
}

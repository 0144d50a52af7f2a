/*
 * followup.c — the links of a patient due for review (GET /api/followups):
 * a phone link, and a WhatsApp click-to-chat link whose message, in the
 * language the patient reads, reminds them of the day:
 *
 *   https://wa.me/919876543210?text=Vanakkam%20...
 *
 * The screen only opens the link; the server calls no outside service and
 * WhatsApp sends nothing until the receptionist presses send.
 * Pure: no state, no I/O; its unit test is tests/unit/visits_followup.c.
 */
#include <stdio.h>
#include <string.h>

#include "nd.h"
#include "dose.h"
#include "followup.h"

static const char *const months[DOSE_LANG__MAX][12] = {
	/* DOSE_LANG_EN */
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
	/* DOSE_LANG_TA */
	{ "ஜனவரி", "பிப்ரவரி", "மார்ச்", "ஏப்ரல்", "மே", "ஜூன்", "ஜூலை",
	  "ஆகஸ்ட்", "செப்டம்பர்", "அக்டோபர்", "நவம்பர்", "டிசம்பர்" },
	/* DOSE_LANG_HI */
	{ "जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई",
	  "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर" },
};

/*
 * The reminder: %1$s the patient's name, %2$s the clinic's, %3$s the day
 * ("9 டிசம்பர் 2026").  As a receptionist would send it.
 */
static const char *const messages[DOSE_LANG__MAX] = {
	/* DOSE_LANG_EN */
	"Hello %1$s, this is %2$s. Your review visit is due on %3$s. "
	"Please come in, or call us if you need another day.",
	/* DOSE_LANG_TA */
	"வணக்கம் %1$s, %2$s-இலிருந்து பேசுகிறோம். உங்கள் மறுபரிசோதனை நாள் "
	"%3$s. தயவுசெய்து வாருங்கள்; வேறு நாள் வேண்டுமென்றால் எங்களை "
	"அழையுங்கள்.",
	/* DOSE_LANG_HI */
	"नमस्ते %1$s, हम %2$s से बोल रहे हैं। आपकी दोबारा जाँच की तारीख "
	"%3$s है। कृपया आइए; कोई और दिन चाहिए तो हमें फ़ोन करें।",
};

/*
 * DATE (YYYY-MM-DD) as a reader of LANG writes it, day first with the
 * month's name ("9 December 2026", "9 டிசம்பர் 2026"), into OUT of SIZE.
 * Returns 1, or 0 when DATE is not such a date or OUT is too small.
 */
int
followup_date(enum dose_lang lang, const char *date, char *out, size_t size)
{
	int	 y, m, d, n;

	if ((int)lang < 0 || lang >= DOSE_LANG__MAX || date == NULL ||
	    !valid_date(date) || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	n = snprintf(out, size, "%d %s %d", d, months[lang][m - 1], y);
	return n > 0 && (size_t)n < size;
}

/*
 * The phone link of PHONE (digits as patients.phone stores them: a
 * 10-digit mobile, or a landline with its STD code from 0) into TEL, and,
 * for a mobile, the WhatsApp link with the reminder to NAME from CLINIC
 * for review on DATE in LANG into WA ("" for a landline: it has no
 * WhatsApp).  Returns 1, or 0 (both "") when PHONE is not such a number,
 * DATE is not a date, or a buffer is too small.
 */
int
followup_links(enum dose_lang lang, const char *phone, const char *name,
    const char *clinic, const char *date, char *tel, size_t tsize, char *wa,
    size_t wsize)
{
	char	 day[64], text[FOLLOWUP_TEXT_MAX], enc[FOLLOWUP_LINK_MAX];
	size_t	 n;
	int	 k, mobile;

	if (tsize > 0)
		tel[0] = '\0';
	if (wsize > 0)
		wa[0] = '\0';
	if (phone == NULL || name == NULL || clinic == NULL)
		return 0;
	n = strlen(phone);
	if (strspn(phone, "0123456789") != n)
		return 0;
	mobile = n == 10 && phone[0] >= '6';
	if (!mobile && !(n >= 10 && n <= 12 && phone[0] == '0'))
		return 0;
	if (!followup_date(lang, date, day, sizeof(day)))
		return 0;
	k = snprintf(tel, tsize, mobile ? "tel:+91%s" : "tel:%s", phone);
	if (k < 0 || (size_t)k >= tsize)
		goto fail;
	if (!mobile)
		return 1;
	k = snprintf(text, sizeof(text), messages[lang], name, clinic, day);
	if (k < 0 || (size_t)k >= sizeof(text) ||
	    url_encode(text, enc, sizeof(enc), NULL) < 0)
		goto fail;
	k = snprintf(wa, wsize, "https://wa.me/91%s?text=%s", phone, enc);
	if (k < 0 || (size_t)k >= wsize)
		goto fail;
	return 1;
fail:
	if (tsize > 0)
		tel[0] = '\0';
	if (wsize > 0)
		wa[0] = '\0';
	return 0;
}

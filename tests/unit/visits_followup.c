/* visits_followup.c — url_encode() (lib/url.c) and the follow-up links of
 * cgi-bin/visits/followup.c: the day in each language, the phone link, the
 * WhatsApp link and its reminder. */
#include <string.h>

#include "nd.h"
#include "unit.h"
#include "visits/followup.c"

static int
enc(const char *in, const char *keep, const char *want)
{
	char	 out[256];
	long	 n = url_encode(in, out, sizeof(out), keep);

	if (n < 0 || strcmp(out, want) != 0 || (size_t)n != strlen(want)) {
		printf("  url_encode(\"%s\") = \"%s\", want \"%s\"\n", in, out,
		    want);
		return 0;
	}
	return 1;
}

int
main(void)
{
	char	 tel[FOLLOWUP_TEL_MAX], wa[FOLLOWUP_LINK_MAX], day[64], small[4];

	CHECK("url: unreserved stay", enc("Az09-._~", NULL, "Az09-._~"));
	CHECK("url: space is %20", enc("Nalam Clinic", NULL, "Nalam%20Clinic"));
	CHECK("url: & = + ? # / encoded", enc("a&b=c+d?e#f/g", NULL,
	    "a%26b%3Dc%2Bd%3Fe%23f%2Fg"));
	CHECK("url: @ kept when asked", enc("x@okaxis", "@", "x@okaxis") &&
	    enc("x@okaxis", NULL, "x%40okaxis"));
	CHECK("url: UTF-8 bytes in capitals", enc("நலம்", NULL,
	    "%E0%AE%A8%E0%AE%B2%E0%AE%AE%E0%AF%8D"));
	CHECK("url: too small a buffer", url_encode("abc", small, 3, NULL) ==
	    -1 && small[0] == '\0' && url_encode("abc", small, 4, NULL) == 3);

	CHECK("followup day en", followup_date(DOSE_LANG_EN, "2026-12-09", day,
	    sizeof(day)) && strcmp(day, "9 December 2026") == 0);
	CHECK("followup day ta", followup_date(DOSE_LANG_TA, "2026-01-31", day,
	    sizeof(day)) && strcmp(day, "31 ஜனவரி 2026") == 0);
	CHECK("followup day hi", followup_date(DOSE_LANG_HI, "2027-02-01", day,
	    sizeof(day)) && strcmp(day, "1 फ़रवरी 2027") == 0);
	CHECK("followup day refuses a bad date",
	    !followup_date(DOSE_LANG_EN, "2026-02-30", day, sizeof(day)) &&
	    !followup_date(DOSE_LANG_EN, "9/12/2026", day, sizeof(day)));

	CHECK("followup mobile: tel and WhatsApp in Tamil",
	    followup_links(DOSE_LANG_TA, "9840012345", "செல்வம்",
	    "Nalam Clinic", "2026-12-09", tel, sizeof(tel), wa, sizeof(wa)) &&
	    strcmp(tel, "tel:+919840012345") == 0 &&
	    strncmp(wa, "https://wa.me/919840012345?text=", 32) == 0 &&
	    strstr(wa, "%E0%AE%B5%E0%AE%A3%E0%AE%95%E0%AF%8D%E0%AE%95%E0%AE%AE"
	    "%E0%AF%8D%20") == wa + 32 &&	/* "வணக்கம் " */
	    strstr(wa, "Nalam%20Clinic") != NULL &&
	    strstr(wa, "%E0%AE%9F%E0%AE%BF%E0%AE%9A%E0%AE%AE%E0%AF%8D") !=
	    NULL &&	/* டிசம் */
	    strchr(wa, ' ') == NULL && strchr(wa, '+') == NULL);
	CHECK("followup mobile: English reminder",
	    followup_links(DOSE_LANG_EN, "9123456780", "Sita", "A & B",
	    "2026-12-10", tel, sizeof(tel), wa, sizeof(wa)) &&
	    strcmp(wa, "https://wa.me/919123456780?text=Hello%20Sita%2C%20this"
	    "%20is%20A%20%26%20B.%20Your%20review%20visit%20is%20due%20on%2010"
	    "%20December%202026.%20Please%20come%20in%2C%20or%20call%20us%20if"
	    "%20you%20need%20another%20day.") == 0);
	CHECK("followup landline: tel only", followup_links(DOSE_LANG_HI,
	    "04423456789", "Ramesh", "C", "2026-12-10", tel, sizeof(tel), wa,
	    sizeof(wa)) && strcmp(tel, "tel:04423456789") == 0 && wa[0] == '\0');
	CHECK("followup refuses what is not a phone number",
	    !followup_links(DOSE_LANG_EN, "98400 12345", "A", "C", "2026-12-10",
	    tel, sizeof(tel), wa, sizeof(wa)) && tel[0] == '\0' &&
	    !followup_links(DOSE_LANG_EN, "12345", "A", "C", "2026-12-10", tel,
	    sizeof(tel), wa, sizeof(wa)) &&
	    !followup_links(DOSE_LANG_EN, NULL, "A", "C", "2026-12-10", tel,
	    sizeof(tel), wa, sizeof(wa)));
	CHECK("followup too small a link buffer writes nothing",
	    !followup_links(DOSE_LANG_TA, "9840012345", "A", "C", "2026-12-10",
	    tel, sizeof(tel), wa, 40) && tel[0] == '\0' && wa[0] == '\0');
	UNIT_END();
}

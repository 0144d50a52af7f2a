/* lib_legacy.c — the import's readings of the Electron NalamDesk's values (lib/legacy.c) and
 * the FHIR builder's pure parts (lib/fhir.c): genders, dates, zoneless UTC times and their
 * clinic-local day around midnight in India, ages as text, phones, roles, durations,
 * temperatures, food timings, prescription_json (good, odd and broken), a dose read as a FHIR
 * Timing, ICD-10 codes and the stable uuids. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd.h"
#include "unit.h"
#include "legacy.h"
#include "fhir.h"

/* 1 if legacy_plain() makes IN into WANT in SIZE bytes, saying CHANGED. */
static int
plain_is(const char *in, size_t size, const char *want, int changed)
{
	char	 out[64];

	return legacy_plain(in, out, size) == changed && strcmp(out, want) == 0;
}

static int
sex_is(const char *in, int known, char want)
{
	char	 s = 'x';

	return legacy_sex(in, &s) == known && s == want;
}

static int
date_is(const char *in, const char *want)
{
	char	 out[11] = "junk";

	if (want == NULL)
		return legacy_date(in, out) == 0 && out[0] == '\0';
	return legacy_date(in, out) == 1 && strcmp(out, want) == 0;
}

static int
utc_is(const char *in, const char *want)
{
	char	 out[21] = "junk";

	if (want == NULL)
		return legacy_utc(in, out) == 0 && out[0] == '\0';
	return legacy_utc(in, out) == 1 && strcmp(out, want) == 0;
}

static int
day_is(const char *utc, const char *want)
{
	char	 day[11] = "";

	return legacy_local_day(utc, day) == 1 && strcmp(day, want) == 0;
}

static int
age_is(const char *in, int want)
{
	int	 y = 99;

	if (want < 0)
		return legacy_age(in, &y) == 0;
	return legacy_age(in, &y) == 1 && y == want;
}

static int
phone_is(const char *in, const char *want)
{
	char	 out[16];

	if (want == NULL)
		return legacy_phone(in, out) == 0 && out[0] == '\0';
	return legacy_phone(in, out) == 1 && strcmp(out, want) == 0;
}

struct seen {
	int	 n;
	char	 med[4][256], dose[4][256], dur[4][256];
	int	 cut;
};

static int
collect(const struct legacy_rx *rx, void *arg)
{
	struct seen	*s = arg;

	if (s->n < 4) {
		snprintf(s->med[s->n], 256, "%s", rx->medicine);
		snprintf(s->dose[s->n], 256, "%s", rx->frequency);
		snprintf(s->dur[s->n], 256, "%s", rx->duration);
	}
	s->cut |= rx->cut;
	s->n++;
	return 0;
}

static int
rx_count(const char *json, int want, int want_skipped)
{
	struct seen	 s;
	int		 skipped = -1, n;

	memset(&s, 0, sizeof(s));
	n = legacy_rx_parse(json, strlen(json), collect, &s, &skipped);
	return n == want && (n < 0 || s.n == n) &&
	    (n < 0 || skipped == want_skipped);
}

static int
timing_is(const char *dose, int freq, int sos, int once, int hs, double q)
{
	struct fhir_timing	 t;

	fhir_dose_timing(dose, &t);
	return t.frequency == freq && t.as_needed == sos && t.once == once &&
	    t.bedtime == hs && t.quantity == q;
}

int
main(void)
{
	struct seen	 s;
	char		 big[4000], u1[37], u2[37], u3[37];
	int		 known, skipped, conv;
	double		 c;

	/* genders */
	CHECK("sex Male", sex_is("Male", 1, 'M'));
	CHECK("sex ' f '", sex_is(" f ", 1, 'F'));
	CHECK("sex FEMALE", sex_is("FEMALE", 1, 'F'));
	CHECK("sex Tamil aan", sex_is("\xe0\xae\x86\xe0\xae\xa3\xe0\xaf\x8d", 1, 'M'));
	CHECK("sex Tamil penn", sex_is("\xe0\xae\xaa\xe0\xaf\x86\xe0\xae\xa3\xe0\xaf\x8d", 1, 'F'));
	CHECK("sex Other", sex_is("Other", 1, 'O'));
	CHECK("sex unknown is other, not known", sex_is("unknown", 0, 'O'));
	CHECK("sex empty", sex_is("", 0, 'O'));
	CHECK("sex NULL", sex_is(NULL, 0, 'O'));

	/* dates of birth */
	CHECK("date ISO", date_is("1980-04-01", "1980-04-01"));
	CHECK("date ISO with a time", date_is("1980-04-01T00:00:00.000Z", "1980-04-01"));
	CHECK("date DD/MM/YYYY", date_is("01/04/1980", "1980-04-01"));
	CHECK("date DD-MM-YYYY", date_is("15-08-1947", "1947-08-15"));
	CHECK("date DD.MM.YYYY", date_is("29.02.2000", "2000-02-29"));
	CHECK("date 31/02 is none", date_is("31/02/1990", NULL));
	CHECK("date 29.02.1900 is none", date_is("29.02.1900", NULL));
	CHECK("date 1899 is none", date_is("1899-12-31", NULL));
	CHECK("date words are none", date_is("April 1980", NULL));
	CHECK("date empty", date_is("", NULL));

	/* zoneless UTC times */
	CHECK("utc SQLite's CURRENT_TIMESTAMP", utc_is("2025-03-01 18:45:10", "2025-03-01T18:45:10Z"));
	CHECK("utc ISO with ms and Z", utc_is("2025-03-01T18:45:10.123Z", "2025-03-01T18:45:10Z"));
	CHECK("utc +00:00", utc_is("2025-03-01T18:45:10+00:00", "2025-03-01T18:45:10Z"));
	CHECK("utc no seconds", utc_is("2025-03-01 18:45", "2025-03-01T18:45:00Z"));
	CHECK("utc a date alone", utc_is("2025-03-01", "2025-03-01T00:00:00Z"));
	CHECK("utc Unix ms", utc_is("1740854710000", "2025-03-01T18:45:10Z"));
	CHECK("utc Unix s", utc_is("1740854710", "2025-03-01T18:45:10Z"));
	CHECK("utc another zone is refused", utc_is("2025-03-01T18:45:10+05:30", NULL));
	CHECK("utc 24:00 refused", utc_is("2025-03-01 24:00:00", NULL));
	CHECK("utc 30 Feb refused", utc_is("2025-02-30 10:00:00", NULL));
	CHECK("utc words refused", utc_is("sometime", NULL));
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	CHECK("day 18:15 UTC is 23:45 IST the same day", day_is("2025-03-01T18:15:00Z", "2025-03-01"));
	CHECK("day 18:30 UTC is midnight IST the next day", day_is("2025-03-01T18:30:00Z", "2025-03-02"));
	CHECK("day 18:45 UTC on 31 Dec is 1 Jan IST", day_is("2025-12-31T18:45:10Z", "2026-01-01"));

	/* ages */
	CHECK("age 45", age_is("45", 45));
	CHECK("age 45 yrs", age_is("45 yrs", 45));
	CHECK("age 45Y", age_is("45Y", 45));
	CHECK("age 45.5", age_is("45.5", 45));
	CHECK("age 6 months is 0", age_is("6 months", 0));
	CHECK("age 10 days is 0", age_is("10 days", 0));
	CHECK("age forty is none", age_is("forty", -1));
	CHECK("age 200 is none", age_is("200", -1));
	CHECK("age -3 is none", age_is("-3", -1));
	CHECK("age empty", age_is("", -1));

	/* phones */
	CHECK("phone +91 98765 43210", phone_is("+91 98765 43210", "9876543210"));
	CHECK("phone 098765-43210", phone_is("098765-43210", "9876543210"));
	CHECK("phone 919876543210", phone_is("919876543210", "9876543210"));
	CHECK("phone (98765) 43210", phone_is("(98765) 43210", "9876543210"));
	CHECK("phone 12345 is none", phone_is("12345", NULL));
	CHECK("phone letters are none", phone_is("call me", NULL));
	CHECK("phone empty", phone_is("", NULL));

	/* roles */
	CHECK("role admin", strcmp(legacy_role("Admin", &known), "admin") == 0 && known);
	CHECK("role doctor", strcmp(legacy_role("doctor", &known), "doctor") == 0 && known);
	CHECK("role receptionist", strcmp(legacy_role("receptionist", &known), "frontdesk") == 0 && known);
	CHECK("role nurse", strcmp(legacy_role("nurse", &known), "nurse") == 0 && known);
	CHECK("role superuser is front desk, not known", strcmp(legacy_role("superuser", &known), "frontdesk") == 0 && !known);

	/* durations, temperatures, timings */
	CHECK("duration 5", legacy_duration_days("5") == 5);
	CHECK("duration 5 days", legacy_duration_days("5 days") == 5);
	CHECK("duration 1 week", legacy_duration_days("1 week") == 7);
	CHECK("duration 2 weeks", legacy_duration_days("2 weeks") == 14);
	CHECK("duration 1 month", legacy_duration_days("1 month") == 30);
	CHECK("duration ten days is none", legacy_duration_days("ten days") == -1);
	CHECK("duration 0 is none", legacy_duration_days("0") == -1);
	CHECK("duration 5 years is none", legacy_duration_days("5 years") == -1);
	CHECK("duration of 18 digits in months is none, no overflow",
	    legacy_duration_days("740174085471000845 months") == -1);
	c = legacy_temp_c(98.6, &conv);
	CHECK("temp 98.6 F is 37.0 C", c == 37.0 && conv);
	c = legacy_temp_c(37.2, &conv);
	CHECK("temp 37.2 stays", c == 37.2 && !conv);
	c = legacy_temp_c(102, &conv);
	CHECK("temp 102 F is 38.9 C", c == 38.9 && conv);
	CHECK("timing after food", strcmp(legacy_timing("Take After Food"), "after_food") == 0);
	CHECK("timing before meals", strcmp(legacy_timing("before meals"), "before_food") == 0);
	CHECK("timing bedtime", strcmp(legacy_timing("at bedtime"), "bedtime") == 0);
	CHECK("timing none", legacy_timing("with water") == NULL);

	/* prescription_json */
	CHECK("rx one line", rx_count("[{\"medicine\":\"Paracetamol\",\"frequency\":\"1-0-1\",\"duration\":\"5 days\"}]", 1, 0));
	memset(&s, 0, sizeof(s));
	legacy_rx_parse("[{\"medicine\":\"  Dolo \",\"frequency\":\"1-0-1\",\"duration\":5}]", 57, collect, &s, &skipped);
	CHECK("rx fields trimmed, numbers as text", s.n == 1 && strcmp(s.med[0], "Dolo") == 0 && strcmp(s.dur[0], "5") == 0);
	CHECK("rx empty array", rx_count("[]", 0, 0));
	CHECK("rx empty text", rx_count("", 0, 0));
	CHECK("rx null", rx_count("null", 0, 0));
	CHECK("rx items that are no object are skipped", rx_count("[\"Ibuprofen\", 3, {\"medicine\":\"A\"}, null]", 1, 3));
	CHECK("rx an object is no array", rx_count("{\"medicine\":\"A\"}", -1, 0));
	CHECK("rx cut JSON", rx_count("[{\"medicine\": \"A\"", -1, 0));
	CHECK("rx a repeated key", rx_count("[{\"medicine\":\"A\",\"medicine\":\"B\"}]", -1, 0));
	CHECK("rx invalid UTF-8", rx_count("[{\"medicine\":\"\xc3\x28\"}]", -1, 0));
	CHECK("rx nested too deep", rx_count("[[[[[[{}]]]]]]", -1, 0));
	memset(big, 'a', sizeof(big));
	memcpy(big, "[{\"medicine\":\"", 14);
	memcpy(big + sizeof(big) - 4, "\"}]", 4);
	memset(&s, 0, sizeof(s));
	CHECK("rx a long medicine is cut, said",
	    legacy_rx_parse(big, strlen(big), collect, &s, &skipped) == 1 && s.cut &&
	    strlen(s.med[0]) == LEGACY_RX_MEDICINE);

	/* the FHIR builder's pure parts */
	CHECK("timing 1-0-1: twice, one each", timing_is("1-0-1", 2, 0, 0, 0, 1));
	CHECK("timing 2-0-2: twice, two each", timing_is("2-0-2", 2, 0, 0, 0, 2));
	CHECK("timing 1-1-1-1: four times", timing_is("1-1-1-1", 4, 0, 0, 0, 1));
	CHECK("timing 1-0-\xc2\xbd: twice, unalike", timing_is("1-0-\xc2\xbd", 2, 0, 0, 0, 0));
	CHECK("timing 0-0-\xc2\xbd: once, a half", timing_is("0-0-\xc2\xbd", 1, 0, 0, 0, 0.5));
	CHECK("timing BD", timing_is("BD", 2, 0, 0, 0, 0));
	CHECK("timing TDS", timing_is("TDS", 3, 0, 0, 0, 0));
	CHECK("timing HS at bedtime", timing_is("HS", 1, 0, 0, 1, 0));
	CHECK("timing SOS as needed", timing_is("SOS", 0, 1, 0, 0, 0));
	CHECK("timing STAT once", timing_is("STAT", 0, 0, 1, 0, 0));
	CHECK("timing free text: nothing", timing_is("as directed", 0, 0, 0, 0, 0));
	CHECK("timing 1-0-1-0-1 (five): nothing", timing_is("1-0-1-0-1", 0, 0, 0, 0, 0));
	CHECK("timing NULL", timing_is(NULL, 0, 0, 0, 0, 0));
	CHECK("icd10 J06.9", fhir_icd10("J06.9"));
	CHECK("icd10 E11", fhir_icd10("E11"));
	CHECK("icd10 U07.1", fhir_icd10("U07.1"));
	CHECK("icd10 lower case is not", !fhir_icd10("j06.9"));
	CHECK("icd10 J06. is not", !fhir_icd10("J06."));
	CHECK("icd10 free text is not", !fhir_icd10("fever"));
	CHECK("icd10 NULL is not", !fhir_icd10(NULL));
	fhir_uuid(u1, "patient", 7, "2026-01-01T00:00:00Z");
	fhir_uuid(u2, "patient", 7, "2026-01-01T00:00:00Z");
	fhir_uuid(u3, "patient", 8, "2026-01-01T00:00:00Z");
	CHECK("uuid stable", strcmp(u1, u2) == 0);
	CHECK("uuid differs by id", strcmp(u1, u3) != 0);
	CHECK("uuid shape: version 8, RFC variant", strlen(u1) == 36 && u1[8] == '-' &&
	    u1[14] == '8' && strchr("89ab", u1[19]) != NULL);
	/* free text of the old file as this server keeps it */
	CHECK("plain: text as it is", plain_is("cough, cold\n2 days", 64,
	    "cough, cold\n2 days", 0));
	CHECK("plain: Tamil as it is", plain_is("\xe0\xae\xae\xe0\xaf\x81", 64,
	    "\xe0\xae\xae\xe0\xaf\x81", 0));
	CHECK("plain: controls become spaces", plain_is("a\x1b[31mb\x07" "c\x7f", 64,
	    "a [31mb c ", 1));
	CHECK("plain: bytes that start no character left out",
	    plain_is("Sel\xffvi\xc3", 64, "Selvi", 1));
	CHECK("plain: an overlong form left out", plain_is("a\xc0\xaf" "b", 64, "ab", 1));
	CHECK("plain: a surrogate left out", plain_is("a\xed\xa0\x80" "b", 64, "ab", 1));
	CHECK("plain: cut at a character's end",
	    plain_is("ab\xe0\xae\xae", 5, "ab", 1));
	UNIT_END();
}

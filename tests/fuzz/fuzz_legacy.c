/*
 * fuzz_legacy — the readers of the Electron NalamDesk's values (lib/legacy.c), which take
 * whatever that app stored, on the input: prescription_json (legacy_rx_parse), and the input
 * as a gender, a date, a zoneless UTC time (and its clinic-local day), an age, a phone, a
 * duration, a role, a food timing, as free text kept (legacy_plain), and as a dose read as a
 * FHIR Timing (lib/fhir.c).
 *
 * Properties: legacy_rx_parse() answers -1 or the number of lines it passed (at most
 * LEGACY_RX_LINES), each field NUL-terminated within its limit and valid UTF-8 when the input
 * was; every other reader answers "" / -1 or a value of its stated form (a real calendar date,
 * "YYYY-MM-DDTHH:MM:SSZ" whose day is a real date, an age of 0-130, a phone valid_phone()
 * takes, 1-3650 days, one of the four roles), and a Timing of 0-4 a day; free text comes out
 * within its buffer, valid UTF-8 and without control characters (valid_plain_text), and as it
 * went in (answer 0) when it was already so and fitted.
 */
#include "fuzz.h"
#include "legacy.h"
#include "fhir.h"

struct seen {
	int	 n;
	int	 utf8;
};

static void
field_ok(const char *f, size_t max, int utf8)
{
	FZ_ASSERT(memchr(f, '\0', max + 1) != NULL, "field not ended");
	FZ_ASSERT(!utf8 || valid_utf8(f, strlen(f)), "field not UTF-8");
	FZ_ASSERT(f[0] != ' ' && (f[0] == '\0' || f[strlen(f) - 1] != ' '),
	    "field not trimmed: \"%s\"", f);
}

static int
line(const struct legacy_rx *rx, void *arg)
{
	struct seen	*s = arg;

	s->n++;
	field_ok(rx->medicine, LEGACY_RX_MEDICINE, s->utf8);
	field_ok(rx->form, LEGACY_RX_FIELD, s->utf8);
	field_ok(rx->dosage, LEGACY_RX_FIELD, s->utf8);
	field_ok(rx->route, LEGACY_RX_FIELD, s->utf8);
	field_ok(rx->frequency, LEGACY_RX_FIELD, s->utf8);
	field_ok(rx->duration, LEGACY_RX_FIELD, s->utf8);
	field_ok(rx->instruction, LEGACY_RX_INSTRUCTION, s->utf8);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			*in = fz_cstr(data, size), out[32], day[11];
	struct seen		 s = { 0, 0 };
	struct fhir_timing	 t;
	const char		*role;
	char			 sex;
	int			 n, skipped, v, known;

	s.utf8 = valid_utf8(in, strlen(in));
	n = legacy_rx_parse(in, strlen(in), line, &s, &skipped);
	FZ_ASSERT(n >= -1 && n <= LEGACY_RX_LINES, "rx count %d", n);
	FZ_ASSERT(n < 0 ? s.n == 0 : s.n == n, "rx %d lines, %d seen", n, s.n);
	FZ_ASSERT(n < 0 || skipped >= 0, "rx skipped %d", skipped);

	v = legacy_sex(in, &sex);
	FZ_ASSERT(strchr("MFO", sex) != NULL && sex != '\0' && (v || sex == 'O'),
	    "sex %c", sex);
	if (legacy_date(in, out))
		FZ_ASSERT(valid_date(out), "date \"%s\"", out);
	else
		FZ_ASSERT(out[0] == '\0', "refused date wrote \"%s\"", out);
	if (legacy_utc(in, out)) {
		FZ_ASSERT(strlen(out) == 20 && out[10] == 'T' && out[19] == 'Z',
		    "utc \"%s\"", out);
		memcpy(day, out, 10);
		day[10] = '\0';
		FZ_ASSERT(valid_date(day), "utc day \"%s\"", out);
		FZ_ASSERT(legacy_local_day(out, day) && strlen(day) == 10,
		    "no local day of \"%s\"", out);
	} else
		FZ_ASSERT(out[0] == '\0', "refused utc wrote \"%s\"", out);
	if (legacy_age(in, &v))
		FZ_ASSERT(v >= 0 && v <= 130, "age %d", v);
	if (legacy_phone(in, out))
		FZ_ASSERT(out[0] != '\0' && valid_phone(out), "phone \"%s\"", out);
	v = legacy_duration_days(in);
	FZ_ASSERT(v == -1 || (v >= 1 && v <= 3650), "duration %d", v);
	role = legacy_role(in, &known);
	FZ_ASSERT(strcmp(role, "admin") == 0 || strcmp(role, "doctor") == 0 ||
	    strcmp(role, "nurse") == 0 || strcmp(role, "frontdesk") == 0,
	    "role \"%s\"", role);
	(void)legacy_timing(in);
	{
		char	 text[256];
		size_t	 cap = 1 + size % sizeof(text), len;
		int	 changed = legacy_plain(in, text, cap);

		len = strlen(text);
		FZ_ASSERT(len < cap && valid_utf8(text, len) &&
		    valid_plain_text(text), "plain text \"%s\"", text);
		if (s.utf8 && valid_plain_text(in) && strlen(in) < cap)
			FZ_ASSERT(!changed && strcmp(text, in) == 0,
			    "plain text changed what was plain");
		else
			FZ_ASSERT(changed, "a change not said");
	}
	fhir_dose_timing(in, &t);
	FZ_ASSERT(t.frequency >= 0 && t.frequency <= 4 && t.quantity >= 0 &&
	    t.quantity <= 2, "timing %d x %g", t.frequency, t.quantity);
	free(in);
	return 0;
}

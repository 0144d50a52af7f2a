/* visits_dose.c — dose_parse() of cgi-bin/visits/dose.c: its grammar, its
 * normal forms and what it refuses. */
#include <string.h>

#include "nd.h"
#include "unit.h"
#include "visits/dose.c"

/* 1 if IN parses as KIND and (for a valid dose) is written as WANT. */
static int
is(const char *in, enum dose_kind kind, const char *want)
{
	char	 out[DOSE_OUT_MAX], again[DOSE_OUT_MAX];
	enum dose_kind got;

	memset(out, 'x', sizeof(out));
	got = dose_parse(in, out, sizeof(out));
	if (got != kind) {
		printf("  dose_parse(\"%s\") = %d, want %d (\"%s\")\n", in,
		    (int)got, (int)kind, out);
		return 0;
	}
	if (strcmp(out, want) != 0) {
		printf("  dose_parse(\"%s\") wrote \"%s\", want \"%s\"\n", in,
		    out, want);
		return 0;
	}
	/* A normal form is its own normal form: what is stored parses again. */
	if (kind != DOSE_INVALID && (dose_parse(want, again, sizeof(again)) !=
	    kind || strcmp(again, want) != 0)) {
		printf("  dose_parse(\"%s\") is not stable: \"%s\"\n", want,
		    again);
		return 0;
	}
	return 1;
}

int
main(void)
{
	char	 big[400], small[4];
	size_t	 i;

	/* patterns */
	CHECK("dose 1-0-1", is("1-0-1", DOSE_PATTERN, "1-0-1"));
	CHECK("dose 1-1-1-1", is("1-1-1-1", DOSE_PATTERN, "1-1-1-1"));
	CHECK("dose 0-0-1", is("0-0-1", DOSE_PATTERN, "0-0-1"));
	CHECK("dose 2-0-2", is("2-0-2", DOSE_PATTERN, "2-0-2"));
	CHECK("dose of two parts 1-1", is("1-1", DOSE_PATTERN, "1-1"));
	CHECK("dose spaces around dashes", is(" 1 - 0 -  1 ", DOSE_PATTERN,
	    "1-0-1"));
	CHECK("dose en dash", is("1\xe2\x80\x93" "0\xe2\x80\x93" "1",
	    DOSE_PATTERN, "1-0-1"));
	CHECK("dose ½ kept", is("½-0-½", DOSE_PATTERN, "½-0-½"));
	CHECK("dose 1/2 becomes ½", is("1/2-0-1/2", DOSE_PATTERN, "½-0-½"));
	CHECK("dose 0.5 becomes ½", is("0.5-1-0.5", DOSE_PATTERN, "½-1-½"));
	CHECK("dose written together 101", is("101", DOSE_PATTERN, "1-0-1"));
	CHECK("dose written together 1111", is("1111", DOSE_PATTERN,
	    "1-1-1-1"));
	CHECK("dose written together 1½1", is("1½1", DOSE_PATTERN, "1-½-1"));
	CHECK("dose all zero refused", is("0-0-0", DOSE_INVALID, ""));
	CHECK("dose all zero together refused", is("000", DOSE_INVALID, ""));
	CHECK("dose five parts is free text", is("1-0-1-0-1", DOSE_FREE,
	    "1-0-1-0-1"));
	CHECK("dose 3-0-3 is free text", is("3-0-3", DOSE_FREE, "3-0-3"));
	CHECK("dose trailing dash is free text", is("1-0-", DOSE_FREE,
	    "1-0-"));
	CHECK("dose 10 ml is free text", is("10 ml", DOSE_FREE, "10 ml"));
	CHECK("dose 11 together is free text", is("11", DOSE_FREE, "11"));
	CHECK("dose 1 alone is free text", is("1", DOSE_FREE, "1"));

	/* keywords */
	CHECK("dose SOS", is("SOS", DOSE_KEYWORD, "SOS"));
	CHECK("dose sos in lower case", is("sos", DOSE_KEYWORD, "SOS"));
	CHECK("dose s.o.s. with dots", is(" s.o.s. ", DOSE_KEYWORD, "SOS"));
	CHECK("dose STAT", is("stat", DOSE_KEYWORD, "STAT"));
	CHECK("dose OD", is("Od", DOSE_KEYWORD, "OD"));
	CHECK("dose BD", is("b.d.", DOSE_KEYWORD, "BD"));
	CHECK("dose BID is BD", is("BID", DOSE_KEYWORD, "BD"));
	CHECK("dose TDS", is("tds", DOSE_KEYWORD, "TDS"));
	CHECK("dose TID is TDS", is("tid", DOSE_KEYWORD, "TDS"));
	CHECK("dose QID", is("QID", DOSE_KEYWORD, "QID"));
	CHECK("dose QDS is QID", is("qds", DOSE_KEYWORD, "QID"));
	CHECK("dose HS", is("H.S", DOSE_KEYWORD, "HS"));
	CHECK("dose SOSS is free text", is("SOSS", DOSE_FREE, "SOSS"));

	/* free text */
	CHECK("dose free text trimmed and spaces joined",
	    is("  one  tablet\t at night ", DOSE_FREE, "one tablet at night"));
	CHECK("dose Tamil free text", is("இரவு ஒன்று", DOSE_FREE,
	    "இரவு ஒன்று"));
	for (i = 0; i < 60; i++)
		big[i] = 'a';
	big[60] = '\0';
	CHECK("dose 60 characters accepted", is(big, DOSE_FREE, big));
	big[60] = 'a';
	big[61] = '\0';
	CHECK("dose 61 characters refused", is(big, DOSE_INVALID, ""));
	/* 60 Tamil letters: 180 bytes, still 60 characters */
	big[0] = '\0';
	for (i = 0; i < 60; i++)
		strcat(big, "அ");
	CHECK("dose 60 Tamil characters accepted", is(big, DOSE_FREE, big));
	strcat(big, "அ");
	CHECK("dose 61 Tamil characters refused", is(big, DOSE_INVALID, ""));
	for (i = 0; i < 59; i++)
		big[i] = i % 2 ? ' ' : 'a';
	big[59] = '\0';
	CHECK("dose spaces count once joined", is(big, DOSE_FREE, big));

	/* refused */
	CHECK("dose empty refused", is("", DOSE_INVALID, ""));
	CHECK("dose blank refused", is(" \t ", DOSE_INVALID, ""));
	CHECK("dose newline refused", is("1-0-1\n", DOSE_INVALID, ""));
	CHECK("dose control character refused", is("a\x01" "b", DOSE_INVALID,
	    ""));
	CHECK("dose DEL refused", is("a\x7f", DOSE_INVALID, ""));
	CHECK("dose invalid UTF-8 refused", is("1-0-\xff", DOSE_INVALID, ""));
	CHECK("dose truncated UTF-8 refused", is("\xc2", DOSE_INVALID, ""));
	CHECK("dose lone half byte refused", is("1-\xbd-1", DOSE_INVALID,
	    ""));

	/* the output buffer */
	CHECK("dose too small a buffer refuses",
	    dose_parse("1-1-1-1", small, sizeof(small)) == DOSE_INVALID &&
	    small[0] == '\0');
	CHECK("dose no buffer at all refuses",
	    dose_parse("1-0-1", small, 0) == DOSE_INVALID);
	UNIT_END();
}

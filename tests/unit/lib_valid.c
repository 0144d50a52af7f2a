/* lib_valid.c — the pure validators of cgi-bin/lib/valid.c. */
#include <string.h>

#include "nd.h"
#include "unit.h"

int
main(void)
{
	CHECK("utf8 accepts Tamil", valid_utf8("முருகன்", strlen("முருகன்")));
	CHECK("utf8 accepts Devanagari", valid_utf8("राजेश", strlen("राजेश")));
	CHECK("utf8 refuses a lone continuation byte", !valid_utf8("a\x80", 2));
	CHECK("utf8 refuses an overlong slash", !valid_utf8("\xc0\xaf", 2));
	CHECK("utf8 refuses a surrogate", !valid_utf8("\xed\xa0\x80", 3));
	CHECK("utf8 refuses a truncated sequence", !valid_utf8("\xe0\xae", 2));
	CHECK("utf8 refuses above U+10FFFF", !valid_utf8("\xf4\x90\x80\x80", 4));
	/* ம ு ர ு க ன ் : vowel signs and the virama are code points too */
	CHECK("utf8 counts code points", valid_utf8_chars("முருகன்") == 7);
	CHECK("date accepts 2024-02-29", valid_date("2024-02-29"));
	CHECK("date refuses 2023-02-29", !valid_date("2023-02-29"));
	CHECK("date refuses 1900-02-29", !valid_date("1900-02-29"));
	CHECK("date refuses 2026-13-01", !valid_date("2026-13-01"));
	CHECK("date refuses 2026-1-01", !valid_date("2026-1-01"));
	CHECK("date refuses trailing text", !valid_date("2026-01-011"));
	CHECK("time accepts 23:59", valid_time("23:59"));
	CHECK("time refuses 24:00", !valid_time("24:00"));
	CHECK("time refuses 12:60", !valid_time("12:60"));
	CHECK("phone accepts 9876543210", valid_phone("9876543210"));
	CHECK("phone accepts empty", valid_phone(""));
	CHECK("phone refuses a landline start", !valid_phone("1234567890"));
	CHECK("phone refuses 9 digits", !valid_phone("987654321"));
	CHECK("phone refuses letters", !valid_phone("98765432a0"));
	CHECK("phone accepts a landline with STD code", valid_phone("04423456789"));
	CHECK("phone refuses a landline without its trunk 0", !valid_phone("4423456789"));
	CHECK("phone refuses 00 (international)", !valid_phone("00423456789"));
	CHECK("phone refuses 12 digits", !valid_phone("044234567890"));
	{
		static const struct { const char *in, *out; int ok; } t[] = {
			{ "044 2345 6789", "04423456789", 1 },
			{ "(044) 2345-6789", "04423456789", 1 },
			{ "080 2345 6789", "08023456789", 1 },	/* grouped: Bengaluru */
			{ "0821-2345678", "08212345678", 1 },
			{ "04423456789", "04423456789", 1 },	/* 1-5 after the 0 */
			{ "098765 43210", "9876543210", 1 },	/* a mobile's trunk 0 */
			{ "09876543210", "9876543210", 1 },
			{ "+91 98765 43210", "9876543210", 1 },
			{ "91 7012345678", "7012345678", 1 },
			{ "(98765) 43210", "9876543210", 1 },
			{ "", "", 1 },
			{ "12345", "12345", 0 },
			{ "5876543210", "5876543210", 0 },
			{ "00 2345 678901", "002345678901", 0 },
			{ "+1 555 123 4567", "+15551234567", 0 },
			{ "1234567890123456789012345", "", 0 },
		};
		char	 out[VALID_PHONE_BUF], name[128];
		size_t	 i;

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			int ok = valid_phone_clean(t[i].in, out);

			snprintf(name, sizeof(name), "phone_clean \"%s\"", t[i].in);
			CHECK(name, ok == t[i].ok && (!ok || strcmp(out, t[i].out) == 0));
		}
	}
	CHECK("abha accepts 14 digits", valid_abha("12345678901234"));
	CHECK("abha accepts 12-3456-7890-1234", valid_abha("12-3456-7890-1234"));
	CHECK("abha accepts an address", valid_abha("ravi.k@abdm"));
	CHECK("abha refuses other domains", !valid_abha("ravi@gmail.com"));
	CHECK("abha refuses 13 digits", !valid_abha("1234567890123"));
	CHECK("username accepts front.desk-1", valid_username("front.desk-1"));
	CHECK("username refuses upper case", !valid_username("Admin"));
	CHECK("username refuses 2 characters", !valid_username("ab"));
	CHECK("username refuses a quote", !valid_username("ab'cd"));
	CHECK("password refuses 9 characters", !valid_password("abcdefghi"));
	CHECK("password refuses one repeated character", !valid_password("aaaaaaaaaaaa"));
	CHECK("password accepts a passphrase", valid_password("correct horse battery"));
	CHECK("password refuses one Tamil letter repeated",
	    !valid_password("அஅஅஅஅஅஅஅஅஅ"));
	CHECK("password accepts two Tamil letters", valid_password("அஅஅஅஅஅஅஅஅஆ"));
	CHECK("password accepts an ASCII letter after Tamil ones", valid_password("அஅஅஅஅஅஅஅஅa"));
	CHECK("plain text refuses a NUL-less control", !valid_plain_text("a\x01" "b"));
	CHECK("plain text accepts newlines", valid_plain_text("line 1\nline 2\t."));
	UNIT_END();
}

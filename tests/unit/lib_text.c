/* lib_text.c — names in normal form and the characters refused in them (lib/text.c),
 * and duplicate keys at any depth of a JSON body (lib/json.c). */
/* ldlibs: icu */
#include <string.h>

#include "nd.h"
#include "text.h"
#include "unit.h"

/* 1 if text_clean() makes IN into WANT (NULL: it cannot). */
static int
clean_is(const char *in, const char *want)
{
	char	 out[512] = "junk";

	if (want == NULL)
		return text_clean(in, out, sizeof(out)) == 0;
	return text_clean(in, out, sizeof(out)) == 1 && strcmp(out, want) == 0;
}

/* 1 if IN normalises to WANT. */
static int
norm_is(const char *in, const char *want)
{
	char			 out[512];
	enum text_refusal	 why;

	return text_norm(in, out, sizeof(out), &why, NULL) == 1 &&
	    strcmp(out, want) == 0;
}

/* 1 if IN is refused as W, at code point AT. */
static int
refused_as(const char *in, enum text_refusal w, unsigned at)
{
	char			 out[512];
	enum text_refusal	 why;
	unsigned		 c;

	return text_norm(in, out, sizeof(out), &why, &c) == 0 && why == w &&
	    c == at && text_why(why)[0] != '\0';
}

/* 1 if the JSON text S has a duplicate key somewhere (-1: not JSON). */
static int
has_dup(const char *s)
{
	char		 err[64];
	yajl_val	 v = yajl_tree_parse(s, err, sizeof(err));
	int		 d;

	if (v == NULL)
		return -1;
	d = json_dup_keys(v);
	yajl_tree_free(v);
	return d;
}

int
main(void)
{
	char			 out[8], big[600];
	enum text_refusal	 why;
	int			 i;

	CHECK("ASCII name unchanged", norm_is("Ravi Kumar", "Ravi Kumar"));
	CHECK("white space collapsed and trimmed", norm_is(" \tRavi \n\r Kumar  ", "Ravi Kumar"));
	CHECK("no-break and ideographic spaces are spaces", norm_is("Ravi\xc2\xa0\u3000Kumar", "Ravi Kumar"));
	CHECK("decomposed accent composed (NFC)", norm_is("Jose\u0301", "Jos\u00e9"));
	CHECK("fullwidth letters folded", norm_is("\uff32\uff41\uff56\uff49", "Ravi"));
	CHECK("ligature folded", norm_is("\ufb01sh", "fish"));
	CHECK("Tamil unchanged", norm_is("முருகன்", "முருகன்"));
	CHECK("Devanagari unchanged", norm_is("सीता राम", "सीता राम"));
	CHECK("ZWNJ inside a Tamil word kept", norm_is("லக்\u200cஷ்மி", "லக்\u200cஷ்மி"));
	CHECK("ZWJ inside a Devanagari word kept", norm_is("क्\u200dष", "क्\u200dष"));
	CHECK("ZWJ inside a Malayalam word kept", norm_is("ന്\u200dറ", "ന്\u200dറ"));
	CHECK("empty stays empty", norm_is("   ", ""));

	CHECK("right-to-left override refused", refused_as("\u202eramuK ivaR", TEXT_BIDI, 0x202e));
	CHECK("isolate refused", refused_as("a\u2066b", TEXT_BIDI, 0x2066));
	CHECK("left-to-right mark refused", refused_as("Ravi\u200e", TEXT_BIDI, 0x200e));
	CHECK("Arabic letter mark refused", refused_as("Ravi\u061c", TEXT_BIDI, 0x61c));
	CHECK("BOM refused", refused_as("\ufeffRavi", TEXT_INVISIBLE, 0xfeff));
	CHECK("zero-width space refused", refused_as("Ra\u200bvi", TEXT_INVISIBLE, 0x200b));
	CHECK("word joiner refused", refused_as("Ra\u2060vi", TEXT_INVISIBLE, 0x2060));
	CHECK("soft hyphen refused", refused_as("Ra\xc2\xadvi", TEXT_INVISIBLE, 0xad));
	CHECK("Hangul filler refused", refused_as("Ra\u3164vi", TEXT_INVISIBLE, 0x3164));
	CHECK("ZWJ between Latin letters refused", refused_as("Ra\u200dvi", TEXT_INVISIBLE, 0x200d));
	CHECK("ZWNJ at the end of a Tamil word refused", refused_as("லக்\u200c", TEXT_INVISIBLE, 0x200c));
	CHECK("ZWJ between Tamil and Latin refused", refused_as("க்\u200dx", TEXT_INVISIBLE, 0x200d));
	CHECK("C0 control refused", refused_as("Ravi\007", TEXT_CONTROL, 7));
	CHECK("DEL refused", refused_as("Ravi\177", TEXT_CONTROL, 0x7f));
	CHECK("C1 control refused", refused_as("Ravi\xc2\x85Kumar", TEXT_CONTROL, 0x85));
	CHECK("line separator refused", refused_as("Ravi\u2028Kumar", TEXT_LINE, 0x2028));
	CHECK("noncharacter refused", refused_as("Ravi\ufffe", TEXT_BAD, 0xfffe));
	CHECK("bad UTF-8 refused", text_norm("Ra\xffvi", big, sizeof(big), &why, NULL) == 0 &&
	    why == TEXT_BAD);
	CHECK("too small an output is -1", text_norm("Ravi Kumar", out, sizeof(out), &why, NULL) == -1);
	for (i = 0; i < 599; i++)
		big[i] = 'a';
	big[599] = '\0';
	{
		char	 o[700];
		CHECK("600 letters fit", text_norm(big, o, sizeof(o), &why, NULL) == 1 &&
		    strlen(o) == 599);
	}

	CHECK("json: no duplicate", has_dup("{\"a\":1,\"b\":{\"a\":2}}") == 0);
	CHECK("json: duplicate at the top", has_dup("{\"a\":1,\"a\":2}") == 1);
	CHECK("json: duplicate nested in an object", has_dup("{\"a\":{\"k\":1,\"k\":2}}") == 1);
	CHECK("json: duplicate nested in an array", has_dup("{\"a\":[1,{\"x\":{\"k\":1,\"k\":2}}]}") == 1);
	CHECK("json: same key in sibling objects is fine", has_dup("{\"a\":[{\"k\":1},{\"k\":2}]}") == 0);
	{
		/* Many keys in one object: sorted, not compared in pairs. */
		static char	 s[40000];
		size_t		 n = 0;
		n += (size_t)snprintf(s + n, sizeof(s) - n, "{\"o\":{");
		for (i = 0; i < 2000; i++)
			n += (size_t)snprintf(s + n, sizeof(s) - n, "%s\"k%d\":1", i ? "," : "", i);
		snprintf(s + n, sizeof(s) - n, "}}");
		CHECK("json: 2000 distinct nested keys", has_dup(s) == 0);
		n -= 0;
		snprintf(s + n, sizeof(s) - n, ",\"k1999\":2}}");
		CHECK("json: the 2001st repeats one", has_dup(s) == 1);
	}
	/* text_clean(): a stored or imported name, refused characters out */
	CHECK("clean: a clean name as it is", clean_is("Ravi Kumar", "Ravi Kumar"));
	CHECK("clean: bidi, zero-width and BOM taken out",
	    clean_is("\xe2\x80\xaeRa\xe2\x80\x8bvi \xef\xbb\xbfKumar", "Ravi Kumar"));
	CHECK("clean: a control taken out, spaces collapsed",
	    clean_is(" Ravi\x1b  Kumar ", "Ravi Kumar"));
	CHECK("clean: decomposed made NFC", clean_is("Jose\xcc\x81", "Jos\xc3\xa9"));
	CHECK("clean: ZWJ inside a Tamil word kept",
	    clean_is("\xe0\xae\x95\xe0\xaf\x8d\xe2\x80\x8d\xe0\xae\xb7",
	    "\xe0\xae\x95\xe0\xaf\x8d\xe2\x80\x8d\xe0\xae\xb7"));
	CHECK("clean: nothing but refused characters is empty",
	    clean_is("\xe2\x80\x8b\xe2\x80\xae", ""));
	/* Not UTF-8: refused whole, never cut byte by byte from the front. */
	CHECK("clean: not UTF-8 cannot be made", clean_is("Sel\xffvi", NULL));
	UNIT_END();
}

/* lib_jout.c — JSON out: separators, escapes, UTF-8, numbers, misuse. */
#include <math.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "nd.h"
#include "unit.h"

/* The text written so far equals WANT (and is a whole document). */
static int
is(const struct req *r, const char *want)
{
	const char	*t;
	size_t		 n;

	return jo_text(r, &t, &n) && n == strlen(want) && memcmp(t, want, n) == 0;
}

/* jo_text() refuses what was written: the answer would be a 500. */
static int
refused(const struct req *r)
{
	const char	*t;
	size_t		 n;

	return !jo_text(r, &t, &n);
}

/* The text written parses as JSON (yajl, the library that reads bodies). */
static int
parses(const struct req *r)
{
	const char	*t;
	size_t		 n;
	char		 copy[4096], err[128];
	yajl_val	 v;

	if (!jo_text(r, &t, &n) || n >= sizeof(copy))
		return 0;
	memcpy(copy, t, n);
	copy[n] = '\0';
	if ((v = yajl_tree_parse(copy, err, sizeof(err))) == NULL)
		return 0;
	yajl_tree_free(v);
	return 1;
}

int
main(void)
{
	struct req	 r;
	int		 i;

	req_init(&r);
	jo_open(&r);
	jo_int(&r, "id", -42);
	jo_str(&r, "name", "Ravi \"R\" K\\");
	jo_null(&r, "phone");
	jo_bool(&r, "ok", 1);
	jo_arr(&r, "list");
	jo_val_int(&r, 1);
	jo_val_str(&r, NULL);
	jo_obj(&r, NULL);
	jo_obj_close(&r);
	jo_arr_close(&r);
	jo_obj(&r, "empty");
	jo_obj_close(&r);
	jo_close(&r);
	CHECK("commas, colons, nesting",
	    is(&r, "{\"id\":-42,\"name\":\"Ravi \\\"R\\\" K\\\\\",\"phone\":null,"
	    "\"ok\":true,\"list\":[1,null,{}],\"empty\":{}}"));
	CHECK("it parses", parses(&r));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_str(&r, "c", "a\x01\x1f\n\r\t\b\f\x7f/");
	jo_close(&r);
	CHECK("control characters escaped, DEL and / as they are",
	    is(&r, "{\"c\":\"a\\u0001\\u001F\\n\\r\\t\\b\\f\x7f/\"}"));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_str(&r, "ta", "\xe0\xae\xb0\xe0\xae\xbe\xe0\xae\xae\xe0\xaf\x8d");	/* ராம் */
	jo_str(&r, "e", "caf\xc3\xa9 \xf0\x9f\x99\x82");
	jo_close(&r);
	CHECK("UTF-8 passes as it is",
	    is(&r, "{\"ta\":\"\xe0\xae\xb0\xe0\xae\xbe\xe0\xae\xae\xe0\xaf\x8d\","
	    "\"e\":\"caf\xc3\xa9 \xf0\x9f\x99\x82\"}"));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_str(&r, "bad", "a\xff" "b\xc0\x80" "c\xed\xa0\x80" "d\xe0\xae" "e\xf4\x90\x80\x80");
	jo_close(&r);
	CHECK("bytes that are not UTF-8 become U+FFFD (stray, overlong, surrogate, cut, too high)",
	    is(&r, "{\"bad\":\"a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd"
	    "e\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}"));
	CHECK("and it parses", parses(&r));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_num(&r, "a", 38.2);
	jo_num(&r, "b", 64.0);
	jo_num(&r, "c", 0.1 + 0.2);
	jo_num(&r, "d", -1e300);
	jo_num(&r, "e", NAN);
	jo_num(&r, "f", INFINITY);
	jo_close(&r);
	CHECK("numbers: fewest digits that read back, .0 on whole ones, null for NaN and infinity",
	    is(&r, "{\"a\":38.2,\"b\":64.0,\"c\":0.30000000000000004,\"d\":-1e+300,"
	    "\"e\":null,\"f\":null}"));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_val_int(&r, 7);		/* a member's name must be a string */
	jo_close(&r);
	CHECK("a number where a name belongs is refused", refused(&r));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_key(&r, "dangling");
	jo_close(&r);
	CHECK("a name without its value is refused", refused(&r));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_arr_close(&r);
	CHECK("closing the wrong kind is refused", refused(&r));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	CHECK("an unclosed document is not sent", refused(&r));
	jo_reset(&r);
	jo_open(&r);
	jo_close(&r);
	CHECK("jo_reset starts again", is(&r, "{}"));
	req_free(&r);

	req_init(&r);
	for (i = 0; i < ND_JOUT_DEPTH + 1; i++)
		jo_arr(&r, NULL);
	for (i = 0; i < ND_JOUT_DEPTH + 1; i++)
		jo_arr_close(&r);
	CHECK("nesting past ND_JOUT_DEPTH is refused", refused(&r));
	req_free(&r);

	req_init(&r);
	jo_open(&r);
	jo_arr(&r, "rows");
	for (i = 0; i < 2000; i++) {
		jo_open(&r);
		jo_int(&r, "i", i);
		jo_str(&r, "s", "0123456789abcdef");
		jo_close(&r);
	}
	jo_arr_close(&r);
	jo_close(&r);
	{
		const char	*t;
		size_t		 n;

		CHECK("a long answer grows its buffer", jo_text(&r, &t, &n) && n > 50000 &&
		    memcmp(t, "{\"rows\":[{\"i\":0,", 16) == 0 &&
		    memcmp(t + n - 35, "{\"i\":1999,\"s\":\"0123456789abcdef\"}]}", 35) == 0);
	}
	req_free(&r);
	UNIT_END();
}

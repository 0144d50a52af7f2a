/*
 * fuzz_text — names in normal form (cgi-bin/lib/text.c) and duplicate JSON
 * keys at any depth (json_dup_keys(), cgi-bin/lib/json.c).
 *
 * 1. text_norm() on the input (cut at its first NUL).  Properties: it
 *    answers 1, 0 or -1; a refusal names a reason and a code point the
 *    input holds (its UTF-8 bytes are in the input); a result is valid
 *    UTF-8 with no leading, trailing or doubled space, no tab or line
 *    break, and is its own normal form (text_norm() of it is itself); what
 *    text_clean() makes of it is a normal form text_norm() takes as it is.
 * 2. The input as JSON: when yajl parses it, json_dup_keys() agrees with a
 *    reference that compares every pair of keys of every object.
 */
#include <yajl/yajl_tree.h>

#include "fuzz.h"
#include "text.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The UTF-8 bytes of code point C into U (5 bytes).  Returns their number. */
static size_t
utf8(unsigned c, char *u)
{
	if (c < 0x80) {
		u[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | c >> 18);
	u[1] = (char)(0x80 | (c >> 12 & 0x3f));
	u[2] = (char)(0x80 | (c >> 6 & 0x3f));
	u[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static void
check_text(const uint8_t *data, size_t size)
{
	char			*in = fz_cstr(data, size), out[4096], again[4096], u[5];
	enum text_refusal	 why, why2;
	unsigned		 at;
	size_t			 n, len;
	int			 rc;

	rc = text_norm(in, out, sizeof(out), &why, &at);
	FZ_ASSERT(rc == 1 || rc == 0 || rc == -1, "answer %d", rc);
	if (rc == 0) {
		FZ_ASSERT(why > TEXT_OK && why < TEXT__MAX, "reason %d", why);
		FZ_ASSERT(text_why(why)[0] != '\0', "a sentence");
		/* Ill-formed UTF-8 is refused before any code point is named. */
		if (valid_utf8(in, strlen(in))) {
			n = utf8(at, u);
			FZ_ASSERT(memmem(in, strlen(in), u, n) != NULL,
			    "refused U+%04X is not in the input", at);
		}
	}
	if (rc == 1) {
		len = strlen(out);
		FZ_ASSERT(valid_utf8(out, len), "result is UTF-8");
		FZ_ASSERT(len == 0 || (out[0] != ' ' && out[len - 1] != ' '),
		    "leading or trailing space");
		FZ_ASSERT(strstr(out, "  ") == NULL, "doubled space");
		FZ_ASSERT(strpbrk(out, "\t\r\n") == NULL, "tab or line break");
		rc = text_norm(out, again, sizeof(again), &why2, NULL);
		FZ_ASSERT(rc == 1 && strcmp(out, again) == 0,
		    "not its own normal form (%d)", rc);
	}
	if (text_clean(in, out, sizeof(out)) == 1) {
		rc = text_norm(out, again, sizeof(again), &why2, NULL);
		FZ_ASSERT(rc == 1 && strcmp(out, again) == 0,
		    "clean text is not a normal form (%d)", rc);
	}
	free(in);
}

/* The reference: every pair of keys of every object, at every depth. */
static int
ref_dup(yajl_val v)
{
	size_t	 i, j;

	if (YAJL_IS_OBJECT(v)) {
		for (i = 0; i < v->u.object.len; i++)
			for (j = i + 1; j < v->u.object.len; j++)
				if (strcmp(v->u.object.keys[i],
				    v->u.object.keys[j]) == 0)
					return 1;
		for (i = 0; i < v->u.object.len; i++)
			if (ref_dup(v->u.object.values[i]))
				return 1;
	} else if (YAJL_IS_ARRAY(v)) {
		for (i = 0; i < v->u.array.len; i++)
			if (ref_dup(v->u.array.values[i]))
				return 1;
	}
	return 0;
}

static void
check_json(const uint8_t *data, size_t size)
{
	char		*in = fz_cstr(data, size), err[64];
	yajl_val	 v;

	if (json_depth_ok(in, strlen(in), ND_JSON_DEPTH) &&
	    (v = yajl_tree_parse(in, err, sizeof(err))) != NULL) {
		FZ_ASSERT(json_dup_keys(v) == ref_dup(v), "json_dup_keys");
		yajl_tree_free(v);
	}
	free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_text(data, size);
	check_json(data, size);
	return 0;
}

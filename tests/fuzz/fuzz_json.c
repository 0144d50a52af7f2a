/*
 * fuzz_json — a request body through json_parse_body() with the production
 * limits (ND_BODY_MAX, ND_JSON_DEPTH), then valid_fields() against field
 * tables that use every FT_ type and flag (and valid_object() on the items
 * of its array and its object member), then the json_* getters, the
 * jo_* writers and req_render(); req_free() releases everything, so
 * LeakSanitizer sees any leak of the parse or error paths.
 *
 * Properties: the status is one of 0/400/413/422; a body with an unpaired
 * surrogate escape is refused (yajl would change it silently); a value that passed
 * valid_fields() is what its field says (strict UTF-8 text of the right
 * length once trimmed, a real date, ...); a nested 422 names its path; what
 * the server writes back is valid JSON.  And the input's bytes as one string
 * through the writer: valid JSON and strict UTF-8 whatever they are, and
 * read back unchanged when they are strict UTF-8 without a NUL.
 */
#include "fuzz.h"

/* Open bug json-lone-surrogate known and this input has such an escape. */
static int	 relax_utf8;

static int
plain(const char *s)
{
	return s[0] != ' ';
}

/* Every type and flag, nothing required: most bodies reach each check. */
static const struct field optional[] = {
	{ "name", FT_STRING, 0, 1, 40, NULL, NULL, NULL },
	{ "note", FT_STRING, F_NULLABLE, 0, 200, NULL, plain, "No leading space." },
	{ "username", FT_STRING, 0, 3, 32, NULL, valid_username, NULL },
	{ "password", FT_STRING, 0, 10, 128, NULL, valid_password, NULL },
	{ "abha_id", FT_STRING, F_NULLABLE, 0, 40, NULL, valid_abha, NULL },
	{ "n", FT_INT, 0, -5, 1000, NULL, NULL, NULL },
	{ "big", FT_INT, F_NULLABLE, INT64_MIN, INT64_MAX, NULL, NULL, NULL },
	{ "ok", FT_BOOL, 0, 0, 0, NULL, NULL, NULL },
	{ "day", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL, NULL },
	{ "at", FT_TIME, 0, 0, 0, NULL, NULL, NULL },
	{ "sex", FT_ENUM, 0, 0, 0, "M,F,O", NULL, NULL },
	{ "status", FT_ENUM, F_NULLABLE, 0, 0, "waiting,with_doctor,done,,x", NULL, NULL },
	{ "items", FT_ARRAY, 0, 0, 3, NULL, NULL, NULL },
	{ "vitals", FT_OBJECT, F_NULLABLE, 0, 0, NULL, NULL, NULL },
	{ "temp", FT_NUMBER, 0, 30, 45, NULL, NULL, NULL },
	{ "amount", FT_NUMBER, F_NULLABLE, 0, 10000000, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* A PATCH-like table: a required version first. */
static const struct field required[] = {
	{ "version", FT_INT, F_REQUIRED, 1, INT64_MAX, NULL, NULL, NULL },
	{ "name", FT_STRING, F_REQUIRED, 1, 5, NULL, NULL, NULL },
	{ "sex", FT_ENUM, F_REQUIRED | F_NULLABLE, 0, 0, "M,F,O", NULL, NULL },
	{ "dob", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/*
 * 1 if the N bytes of JSON text at S hold a \\u escape of a surrogate
 * that is not a high one (D800-DBFF) followed at once by an escaped low
 * one (DC00-DFFF).  yajl decodes such an escape without an error: a lone
 * low one into bytes that are not UTF-8, a lone high one into "?", a high
 * one before another escape into some other character.
 */
static int
unpaired_surrogate(const char *s, size_t n)
{
	size_t	 i;
	int	 instr = 0;
	long	 u, lo;

	for (i = 0; i < n; i++) {
		if (!instr) {
			instr = s[i] == '"';
			continue;
		}
		if (s[i] == '"') {
			instr = 0;
			continue;
		}
		if (s[i] != '\\')
			continue;
		if (i + 5 >= n || s[i + 1] != 'u') {
			i++;
			continue;
		}
		u = strtol((char[]){ s[i + 2], s[i + 3], s[i + 4], s[i + 5],
		    '\0' }, NULL, 16);
		i += 5;
		if (u >= 0xdc00 && u <= 0xdfff)
			return 1;
		if (u < 0xd800 || u > 0xdbff)
			continue;
		if (i + 6 >= n || s[i + 1] != '\\' || s[i + 2] != 'u')
			return 1;
		lo = strtol((char[]){ s[i + 3], s[i + 4], s[i + 5], s[i + 6],
		    '\0' }, NULL, 16);
		if (lo < 0xdc00 || lo > 0xdfff)
			return 1;
		i += 6;
	}
	return 0;
}

/* The body of a rendered answer: past the blank line. */
static void
check_render(struct req *r, int status)
{
	char		*out = NULL, err[128];
	const char	*body;
	size_t		 len = 0;
	yajl_val	 v;

	if (!req_render(r, status, &out, &len))
		fz_fail("req_render failed for status %d", status);
	FZ_ASSERT(len > 8 && memcmp(out, "Status: ", 8) == 0,
	    "the answer does not start with a Status line");
	body = memmem(out, len, "\r\n\r\n", 4);
	FZ_ASSERT(body != NULL, "the answer has no blank line");
	body += 4;
	FZ_ASSERT(relax_utf8 || valid_utf8(body, len - (size_t)(body - out)),
	    "the answer's body is not strict UTF-8");
	{
		char *copy = fz_cstr((const uint8_t *)body,
		    len - (size_t)(body - out));
		if (strlen(copy) != len - (size_t)(body - out))
			fz_fail("the answer's body holds a NUL");
		v = yajl_tree_parse(copy, err, sizeof(err));
		FZ_ASSERT(v != NULL, "the answer's body is not JSON: %s", err);
		yajl_tree_free(v);
		free(copy);
	}
	free(out);
}

/* Members of "vitals" and of each item of "items" (valid_object). */
static const struct field sub[] = {
	{ "bp", FT_STRING, 0, 3, 7, NULL, NULL, NULL },
	{ "pulse", FT_INT, F_NULLABLE, 20, 250, NULL, NULL, NULL },
	{ "temp", FT_NUMBER, 0, 30, 45, NULL, NULL, NULL },
	{ "dose", FT_STRING, F_REQUIRED, 1, 60, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/*
 * valid_object() on a nested object V at PREFIX: 0, or a 422 whose
 * "field" starts with PREFIX; the error renders (checked by the caller).
 */
static void
check_object(struct req *r, yajl_val v, const char *prefix)
{
	struct req	 e;
	const char	*buf;
	size_t		 len;
	int		 rc;
	char		 want[80];

	req_init(&e);
	rc = valid_object(&e, v, sub, prefix);
	FZ_ASSERT(rc == 0 || rc == 422, "valid_object: %d", rc);
	if (rc == 422) {
		snprintf(want, sizeof(want), "\"field\":\"%s", prefix);
		FZ_ASSERT(jo_text(&e, &buf, &len) &&
		    memmem(buf, len, want, strlen(want)) != NULL,
		    "a 422 of %s that does not name it", prefix);
	}
	req_free(&e);
	(void)r;
}

/* What valid_fields() let through is what the field declares. */
static void
check_accepted(struct req *r, const struct field *fields)
{
	const struct field *f;
	yajl_val	 v;
	const char	*s;
	long long	 i;
	double		 d;
	int		 b;

	for (f = fields; f->name != NULL; f++) {
		v = json_get(r->json, f->name);
		FZ_ASSERT(json_has(r->json, f->name) == (v != NULL), "json_has");
		if (v == NULL || YAJL_IS_NULL(v)) {
			FZ_ASSERT(!(f->flags & F_REQUIRED), "%s missing", f->name);
			FZ_ASSERT(v == NULL || (f->flags & F_NULLABLE),
			    "%s null", f->name);
			FZ_ASSERT(json_is_null(r->json, f->name) == (v != NULL),
			    "json_is_null");
			continue;
		}
		switch (f->type) {
		case FT_STRING:
			s = json_str(r->json, f->name);
			FZ_ASSERT(s != NULL, "%s: json_str", f->name);
			/* The raw body was strict UTF-8; its \u escapes must
			 * not make the decoded text otherwise. */
			FZ_ASSERT(relax_utf8 || valid_utf8(s, strlen(s)),
			    "%s: accepted text is not strict UTF-8", f->name);
			FZ_ASSERT(fz_trimmed_chars(s) >= f->min &&
			    fz_trimmed_chars(s) <= f->max, "%s: length",
			    f->name);
			FZ_ASSERT(valid_plain_text(s), "%s: control", f->name);
			FZ_ASSERT(f->check == NULL || f->check(s), "%s: check",
			    f->name);
			jo_str(r, f->name, s);
			break;
		case FT_INT:
			FZ_ASSERT(json_int(r->json, f->name, &i) && i >= f->min &&
			    i <= f->max, "%s: int", f->name);
			jo_int(r, f->name, i);
			break;
		case FT_NUMBER:
			FZ_ASSERT(json_num(r->json, f->name, &d) &&
			    d >= (double)f->min && d <= (double)f->max,
			    "%s: number", f->name);
			jo_num(r, f->name, d);
			break;
		case FT_BOOL:
			FZ_ASSERT(json_bool(r->json, f->name, &b), "%s: bool",
			    f->name);
			jo_bool(r, f->name, b);
			break;
		case FT_DATE:
			FZ_ASSERT(YAJL_IS_STRING(v) && valid_date(v->u.string),
			    "%s: date", f->name);
			jo_str(r, f->name, v->u.string);
			break;
		case FT_TIME:
			FZ_ASSERT(YAJL_IS_STRING(v) && valid_time(v->u.string),
			    "%s: time", f->name);
			jo_str(r, f->name, v->u.string);
			break;
		case FT_ENUM:
			FZ_ASSERT(YAJL_IS_STRING(v) && v->u.string[0] != '\0' &&
			    strstr(f->choices, v->u.string) != NULL &&
			    strchr(v->u.string, ',') == NULL, "%s: enum", f->name);
			jo_str(r, f->name, v->u.string);
			break;
		case FT_ARRAY:
			for (i = 0; YAJL_IS_ARRAY(v) && i < (long long)
			    v->u.array.len; i++) {
				char	 at[32];
				snprintf(at, sizeof(at), "%s[%lld]", f->name, i);
				check_object(r, v->u.array.values[i], at);
			}
			FZ_ASSERT(YAJL_IS_ARRAY(v) &&
			    (long long)v->u.array.len >= f->min &&
			    (long long)v->u.array.len <= f->max, "%s: array",
			    f->name);
			jo_arr(r, f->name);
			jo_val_int(r, (long long)v->u.array.len);
			jo_arr_close(r);
			break;
		case FT_OBJECT:
			FZ_ASSERT(YAJL_IS_OBJECT(v), "%s: object", f->name);
			check_object(r, v, f->name);
			jo_obj(r, f->name);
			jo_int(r, "members", (long long)v->u.object.len);
			jo_obj_close(r);
			break;
		default:
			fz_fail("unknown field type");
		}
	}
}

static void
one(const uint8_t *data, size_t size, const struct field *fields)
{
	struct req	 r;
	int		 rc;

	req_init(&r);
	r.method = METHOD_POST;
	r.body = fz_cstr(data, size);
	r.body_len = size;
	rc = json_parse_body(&r, ND_BODY_MAX);
	FZ_ASSERT(rc == 0 || rc == 400 || rc == 413, "json_parse_body: %d", rc);
	FZ_ASSERT(rc != 0 || size == 0 || (r.json != NULL &&
	    YAJL_IS_OBJECT(r.json)), "a parsed body that is no object");
	FZ_ASSERT(rc != 0 || size == 0 || !unpaired_surrogate(r.body, size) ||
	    fz_known("json-unpaired-surrogate"),
	    "a body with an unpaired surrogate escape was accepted");
	if (rc == 0 && r.json != NULL) {
		rc = valid_fields(&r, fields);
		FZ_ASSERT(rc == 0 || rc == 422, "valid_fields: %d", rc);
		if (rc == 0) {
			jo_open(&r);
			check_accepted(&r, fields);
			jo_close(&r);
			rc = 200;
		}
	} else if (rc == 0) {
		jo_open(&r);
		jo_close(&r);
		rc = 200;
	}
	check_render(&r, rc);
	req_free(&r);
}

/* DATA as one string value through jo_str(); see the properties above. */
static void
check_writer(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*in = fz_cstr(data, size), err[128];
	yajl_val	 v;
	const char	*out, *got;
	size_t		 len;

	req_init(&r);
	jo_open(&r);
	jo_str(&r, "s", in);
	jo_close(&r);
	FZ_ASSERT(jo_text(&r, &out, &len), "the writer refused a string");
	FZ_ASSERT(valid_utf8(out, len), "the writer wrote bytes that are not UTF-8");
	{
		char *copy = fz_cstr((const uint8_t *)out, len);
		FZ_ASSERT(strlen(copy) == len, "the writer wrote a NUL");
		v = yajl_tree_parse(copy, err, sizeof(err));
		FZ_ASSERT(v != NULL, "the writer's string is not JSON: %s", err);
		got = YAJL_GET_STRING(json_get(v, "s"));
		FZ_ASSERT(got != NULL, "the writer's string is not read back");
		FZ_ASSERT(strlen(in) != size || !valid_utf8(in, size) ||
		    strcmp(got, in) == 0, "a UTF-8 string changed on its way out");
		yajl_tree_free(v);
		free(copy);
	}
	req_free(&r);
	free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	relax_utf8 = fz_known("json-lone-surrogate") &&
	    fz_has_surrogate_escape(data, size);
	one(data, size, optional);
	one(data, size, required);
	check_writer(data, size);
	return 0;
}

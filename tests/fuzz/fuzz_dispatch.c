/*
 * fuzz_dispatch — a whole request through req_from_env(), route_dispatch()
 * and req_render(), on a small route table over an in-memory database with
 * the whole schema and signed-in staff (fuzz.h).
 *
 * Framing of an input, one field a line, the last taking the rest:
 *   METHOD \n PATH[?QUERY] \n CONTENT-TYPE \n ORIGIN \n COOKIE \n BODY
 * An empty line leaves that variable unset.  A cookie line "@0" to "@4"
 * stands for the session cookie of fixture token 0-4 (admin, doctor,
 * frontdesk, deactivated, expired), so that the fuzzer gets past 401.
 *
 * Properties: the status is one the library documents; the answer starts
 * with its Status line, has one blank line, and a JSON body that parses
 * and is strict UTF-8; a handler runs only for a signed-in user of one of
 * its roles, after the body passed its field table; no transaction is
 * left open; nothing leaks (req_free).
 */
#define FZ_WITH_DB
#include "fuzz.h"

static int	 handled;
/* Open bug json-lone-surrogate known and this input has such an escape. */
static int	 relax_utf8;

enum stmt { STMT_LIST, STMT__MAX };
static const char *const sql[STMT__MAX] = {
	/* STMT_LIST */
	"SELECT id, username AS \"user.name\", role AS \"user.role\","
	" json_object('q', ?1, 'n', ?2) AS \"@extra\", 1.5 AS x, NULL AS y"
	" FROM users ORDER BY id LIMIT ?2 OFFSET ?3",
};
static sqlite3_stmt *st[STMT__MAX];

/* GET /api/things?q=&limit=&offset=&date=: rows as jo_row writes them. */
static int
things_list(struct req *r)
{
	char		 q[101], day[11];
	long long	 limit, offset;
	int		 rc;

	if ((rc = req_paging(r, &limit, &offset)) != 0 ||
	    (rc = req_query_date(r, "date", day)) != 0)
		return rc;
	if (req_query(r, "q", q, sizeof(q)) < 0)
		return http_error(r, 422, "invalid_parameter", "q", "q");
	db_bind_text(st[STMT_LIST], 1, q);
	db_bind_int(st[STMT_LIST], 2, limit);
	db_bind_int(st[STMT_LIST], 3, offset);
	jo_open(r);
	jo_str(r, "date", day);
	jo_arr(r, "items");
	while (db_step(st[STMT_LIST]) == SQLITE_ROW)
		jo_row(r, st[STMT_LIST]);
	db_reset(st[STMT_LIST]);
	jo_arr_close(r);
	jo_close(r);
	return 200;
}

/* GET /api/things/{id}: audited in a transaction that is rolled back. */
static int
things_get(struct req *r)
{
	int	 rc;

	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = audit(r, "thing.read", "thing", r->param[0], 0)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	db_rollback();
	if (r->param[0] == 404)
		return http_error(r, 404, "not_found", "No such thing.", NULL);
	jo_open(r);
	jo_int(r, "id", r->param[0]);
	jo_str(r, "by", r->user.username);
	jo_close(r);
	return 200;
}

/* Writes back every member of the body (validated by then). */
static int
echo(struct req *r)
{
	size_t	 i;
	yajl_val v;

	handled++;
	FZ_ASSERT(r->route != NULL && (r->route->roles & R_ANYONE ||
	    (r->user.id > 0 && (r->route->roles & (1u << r->user.role)))),
	    "a handler ran for user %lld", r->user.id);
	jo_open(r);
	jo_int(r, "params", (long long)r->nparam);
	for (i = 0; r->json != NULL && i < r->json->u.object.len; i++) {
		v = r->json->u.object.values[i];
		if (YAJL_IS_STRING(v))
			jo_str(r, r->json->u.object.keys[i], v->u.string);
		else if (YAJL_IS_INTEGER(v))
			jo_int(r, r->json->u.object.keys[i], YAJL_GET_INTEGER(v));
		else if (YAJL_IS_NUMBER(v))
			jo_num(r, r->json->u.object.keys[i], YAJL_GET_DOUBLE(v));
		else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
			jo_bool(r, r->json->u.object.keys[i], YAJL_IS_TRUE(v));
		else
			jo_null(r, r->json->u.object.keys[i]);
	}
	jo_close(r);
	return r->method == METHOD_POST ? 201 : 200;
}

/* PUT /api/raw?name=: a CSV-like raw answer with a header from the query. */
static int
raw(struct req *r)
{
	char	 name[64];

	if (req_query(r, "name", name, sizeof(name)) == 1)
		req_header(r, "Content-Disposition", name);
	req_header(r, "X-Count", "1");
	if ((r->out = strdup("a,b\r\n1,2\r\n")) == NULL)
		abort();
	r->out_len = strlen(r->out);
	r->out_type = "text/csv; charset=utf-8";
	r->raw = 1;
	return 200;
}

static int
empty(struct req *r)
{
	(void)r;
	return 204;
}

static const struct field thing_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, 1, 40, NULL, valid_plain_text, NULL },
	{ "phone", FT_STRING, F_NULLABLE, 0, 10, NULL, valid_phone, "Phone." },
	{ "n", FT_INT, 0, 0, 99, NULL, NULL, NULL },
	{ "ok", FT_BOOL, 0, 0, 0, NULL, NULL, NULL },
	{ "day", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL, NULL },
	{ "at", FT_TIME, 0, 0, 0, NULL, NULL, NULL },
	{ "sex", FT_ENUM, 0, 0, 0, "M,F,O", NULL, NULL },
	{ "tags", FT_ARRAY, 0, 0, 4, NULL, NULL, NULL },
	{ "more", FT_OBJECT, 0, 0, 0, NULL, NULL, NULL },
	{ "fee", FT_NUMBER, 0, 0, 100000, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field patch_fields[] = {
	{ "version", FT_INT, F_REQUIRED, 1, INT64_MAX, NULL, NULL, NULL },
	{ "name", FT_STRING, 0, 1, 40, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct route routes[] = {
	{ METHOD_GET, "/api/things", R_STAFF, NULL, things_list, 0 },
	{ METHOD_POST, "/api/things", R_CLINIC, thing_fields, echo, 0 },
	{ METHOD_GET, "/api/things/{id}", R_CLINIC, NULL, things_get, 0 },
	{ METHOD_PATCH, "/api/things/{id}", R_DOCTOR, patch_fields, echo, 96 },
	{ METHOD_DELETE, "/api/things/{id}/parts/{part}", R_ADMIN, NULL,
	    empty, 0 },
	{ METHOD_POST, "/api/things/{id}/close", R_FRONTDESK, NULL, echo, 0 },
	{ METHOD_POST, "/api/open", R_ANYONE, NULL, echo, 0 },
	{ METHOD_PUT, "/api/raw", R_STAFF, NULL, raw, 0 },
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_db_init();
	if (!db_prepare_all(sql, STMT__MAX, st))
		fz_fail("statements do not prepare");
	return 0;
}

static void
check_answer(struct req *r, int status)
{
	static const int known[] = { 200, 201, 204, 304, 400, 401, 403, 404,
	    405, 409, 413, 414, 415, 422, 500, 503, 507 };
	char		*out = NULL, err[128], *copy;
	const char	*body, *p;
	size_t		 len = 0, i, blen;
	yajl_val	 v;

	for (i = 0; i < ND_NELEM(known); i++)
		if (known[i] == status)
			break;
	FZ_ASSERT(i < ND_NELEM(known), "status %d", status);
	FZ_ASSERT(req_render(r, status, &out, &len), "req_render");
	FZ_ASSERT(len > 12 && memcmp(out, "Status: ", 8) == 0, "Status line");
	body = memmem(out, len, "\r\n\r\n", 4);
	FZ_ASSERT(body != NULL, "no blank line");
	for (p = out; p < body; p++)	/* no bare CR or LF in the head */
		FZ_ASSERT((*p != '\r' || p[1] == '\n') &&
		    (*p != '\n' || p[-1] == '\r'), "bare CR/LF in a header");
	FZ_ASSERT(memmem(out, (size_t)(body - out) + 2, "Cache-Control:", 14),
	    "no Cache-Control");
	body += 4;
	blen = len - (size_t)(body - out);
	FZ_ASSERT((blen == 0) == (status == 204 || status == 304),
	    "body of %zu bytes with %d", blen, status);
	if (blen > 0 && !r->raw) {
		FZ_ASSERT(relax_utf8 || valid_utf8(body, blen),
		    "body is not strict UTF-8");
		copy = fz_cstr((const uint8_t *)body, blen);
		FZ_ASSERT(strlen(copy) == blen, "NUL in the body");
		v = yajl_tree_parse(copy, err, sizeof(err));
		FZ_ASSERT(v != NULL && YAJL_IS_OBJECT(v),
		    "the body is not a JSON object: %s", err);
		FZ_ASSERT(status < 400 || json_get(v, "error") != NULL,
		    "error %d without an error member", status);
		yajl_tree_free(v);
		free(copy);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*s = fz_cstr(data, size), *line[6], *q, cookie[80];
	char		*env[12], vars[7][4200];
	const uint8_t	*body = NULL;
	size_t		 blen = 0, ne = 0, k;
	int		 status, before = handled;

	relax_utf8 = fz_known("json-lone-surrogate") &&
	    fz_has_surrogate_escape(data, size);
	fz_lines(s, line, 6);
	/* The body keeps its bytes, NULs included. */
	if (line[5] != NULL) {
		body = data + (line[5] - s);
		blen = size - (size_t)(line[5] - s);
	}
#define SETENV(name, val) do {						\
	if ((val) != NULL && (val)[0] != '\0' && ne < 7) {		\
		snprintf(vars[ne], sizeof(vars[ne]), "%s=%s", (name), (val)); \
		env[ne] = vars[ne];					\
		ne++;							\
	}								\
} while (0)
	q = line[1] != NULL ? strchr(line[1], '?') : NULL;
	if (q != NULL)
		*q++ = '\0';
	if (line[4] != NULL && line[4][0] == '@' && line[4][1] >= '0' &&
	    line[4][1] <= '4' && line[4][2] == '\0') {
		snprintf(cookie, sizeof(cookie), "nd_session=%s",
		    fz_token[line[4][1] - '0']);
		line[4] = cookie;
	}
	SETENV("REQUEST_METHOD", line[0]);
	SETENV("DOCUMENT_URI", line[1]);
	SETENV("QUERY_STRING", q);
	SETENV("CONTENT_TYPE", line[2]);
	SETENV("HTTP_ORIGIN", line[3]);
	SETENV("HTTP_COOKIE", line[4]);
	env[ne++] = "HTTP_HOST=127.0.0.1:8443";
	env[ne++] = "REMOTE_ADDR=127.0.0.1";
	env[ne] = NULL;

	req_init(&r);
	if ((status = req_from_env(&r, env)) == 0) {
		r.body = malloc(blen + 1);
		if (r.body == NULL)
			abort();
		if (blen > 0)
			memcpy(r.body, body, blen);
		r.body[blen] = '\0';
		r.body_len = blen;
		status = route_dispatch(&r, routes, ND_NELEM(routes));
	}
	FZ_ASSERT(sqlite3_get_autocommit(db), "a transaction is left open");
	if (handled != before) {
		FZ_ASSERT(r.user.id > 0 || (r.route->roles & R_ANYONE),
		    "handled without a session");
		FZ_ASSERT(r.route->method == METHOD_GET || r.route->fields ==
		    NULL || r.json != NULL, "handled without a body");
	}
	for (k = 0; k < r.nparam; k++)
		FZ_ASSERT(r.param[k] > 0, "parameter %lld", r.param[k]);
	check_answer(&r, status);
	req_free(&r);
	free(s);
	return 0;
}

/*
 * lib_dispatch.c — the library's order of checks on a real database:
 * 404, 405, 415, foreign Origin 403, 401, role 403, 400, 413, 422, handler.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "unit.h"

static int handled;

static int
handler(struct req *r)
{
	handled++;
	jo_open(r);
	jo_int(r, "id", r->nparam ? r->param[0] : 0);
	jo_close(r);
	return 200;
}

static const struct field fields[] = {
	{ "name", FT_STRING, F_REQUIRED, 1, 5, NULL, NULL, NULL },
	{ "n", FT_INT, 0, 1, 9, NULL, NULL, NULL },
	{ "sex", FT_ENUM, 0, 0, 0, "M,F,O", NULL, NULL },
	{ "day", FT_DATE, F_NULLABLE, 0, 0, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct route routes[] = {
	{ METHOD_GET, "/api/things/{id}", R_FRONTDESK, NULL, handler, 0 },
	{ METHOD_POST, "/api/things", R_FRONTDESK | R_DOCTOR, fields, handler, 0 },
	{ METHOD_GET, "/api/open", R_ANYONE, NULL, handler, 0 },
};

static int
call(enum method m, const char *path, const char *ctype, const char *origin,
    const char *cookie, const char *body)
{
	struct req	 r;
	int		 st;

	req_init(&r);
	r.method = m;
	r.path = path;
	r.host = "127.0.0.1:8443";
	r.content_type = ctype;
	r.origin = origin;
	r.cookie = cookie;
	r.remote_addr = "127.0.0.1";
	if (body != NULL) {
		r.body = strdup(body);
		r.body_len = strlen(body);
	}
	st = route_dispatch(&r, routes, ND_NELEM(routes));
	req_free(&r);
	return st;
}

int
main(void)
{
	char	 path[] = "dispatchXXXXXX", token[] =
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", hash[65], sql[512];
	char	 cookie[80];
	int	 fd = mkstemp(path);

	close(fd);
	CHECK("database opens", db_open(path, 1));
	CHECK("schema applies", unit_schema_apply("001_init.sql"));
	/* The audit journal's import record: audit_init() prepares for it. */
	CHECK("audit journal schema applies",
	    unit_schema_apply("006_audit_journal.sql"));
	/* The audit row's detail column (a listing's ids). */
	CHECK("sign-in schema applies", unit_schema_apply_topic("signin.sql"));
	CHECK("library statements prepare", db_prepare_all(NULL, 0, NULL) &&
	    auth_init() && audit_init());
	auth_token_hash(token, hash);
	snprintf(sql, sizeof(sql),
	    "INSERT INTO users VALUES (1, 'desk', 'Desk', 'frontdesk', 'x', 1, 1, 'a', 'a');"
	    "INSERT INTO users VALUES (2, 'doc', 'Doc', 'doctor', 'x', 1, 1, 'a', 'a');"
	    "INSERT INTO users VALUES (3, 'adm', 'Adm', 'admin', 'x', 1, 1, 'a', 'a');"
	    "INSERT INTO sessions VALUES (1, '%s', 1, %lld, %lld, NULL);",
	    hash, (long long)time(NULL), (long long)time(NULL));
	CHECK("fixtures load", db_exec(sql) == SQLITE_OK);
	snprintf(cookie, sizeof(cookie), "nd_session=%s", token);

	CHECK("unknown path is 404", call(METHOD_GET, "/api/nothing", NULL, NULL, cookie, NULL) == 404);
	CHECK("known path, wrong method is 405", call(METHOD_DELETE, "/api/things/1",
	    "application/json", NULL, cookie, NULL) == 405);
	CHECK("write without JSON type is 415", call(METHOD_POST, "/api/things", "text/plain",
	    NULL, cookie, "{\"name\":\"a\"}") == 415);
	CHECK("write from a foreign origin is 403", call(METHOD_POST, "/api/things",
	    "application/json", "https://evil.example", cookie, "{\"name\":\"a\"}") == 403);
	CHECK("same origin passes", call(METHOD_POST, "/api/things",
	    "application/json; charset=utf-8", "https://127.0.0.1:8443", cookie,
	    "{\"name\":\"a\"}") == 200);
	CHECK("no session is 401", call(METHOD_GET, "/api/things/1", NULL, NULL, NULL, NULL) == 401);
	CHECK("unknown token is 401", call(METHOD_GET, "/api/things/1", NULL, NULL,
	    "nd_session=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", NULL) == 401);
	CHECK("public route needs no session", call(METHOD_GET, "/api/open", NULL, NULL, NULL, NULL) == 200);
	CHECK("malformed JSON is 400", call(METHOD_POST, "/api/things", "application/json", NULL,
	    cookie, "{\"name\":") == 400);
	CHECK("an array body is 400", call(METHOD_POST, "/api/things", "application/json", NULL,
	    cookie, "[1]") == 400);
	CHECK("a lone surrogate escape is 400", call(METHOD_POST, "/api/things",
	    "application/json", NULL, cookie, "{\"name\":\"a\\udc00\"}") == 400);
	CHECK("a lone high surrogate escape is 400", call(METHOD_POST, "/api/things",
	    "application/json", NULL, cookie, "{\"name\":\"a\\ud800\"}") == 400);
	CHECK("a high surrogate before a non-surrogate is 400", call(METHOD_POST, "/api/things",
	    "application/json", NULL, cookie, "{\"name\":\"\\ud800\\u0041\"}") == 400);
	CHECK("a surrogate pair escape is a character", call(METHOD_POST, "/api/things",
	    "application/json", NULL, cookie, "{\"name\":\"\\ud83d\\ude00\"}") == 200);
	{
		char	 many[2048];
		size_t	 o = 0;
		int	 k;

		o += (size_t)snprintf(many + o, sizeof(many) - o, "{\"name\":\"a\"");
		for (k = 0; k < 70; k++)
			o += (size_t)snprintf(many + o, sizeof(many) - o, ",\"k%d\":1", k);
		snprintf(many + o, sizeof(many) - o, "}");
		CHECK("more than 64 fields is 400", call(METHOD_POST, "/api/things",
		    "application/json", NULL, cookie, many) == 400);
	}
	CHECK("a duplicate key is 400", call(METHOD_POST, "/api/things", "application/json", NULL,
	    cookie, "{\"name\":\"a\",\"name\":\"b\"}") == 400);
	CHECK("invalid UTF-8 is 400", call(METHOD_POST, "/api/things", "application/json", NULL,
	    cookie, "{\"name\":\"\xff\"}") == 400);
	CHECK("missing required field is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"n\":2}") == 422);
	CHECK("a name of spaces is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"   \"}") == 422);
	CHECK("surrounding spaces do not count", call(METHOD_POST, "/api/things",
	    "application/json", NULL, cookie, "{\"name\":\"  abcde  \"}") == 200);
	CHECK("too long a string is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"abcdef\"}") == 422);
	CHECK("Tamil length counts characters", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"முருகன்\"}") == 422 &&
	    call(METHOD_POST, "/api/things", "application/json", NULL, cookie,
	    "{\"name\":\"முருக\"}") == 200);
	CHECK("string for an int is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\",\"n\":\"2\"}") == 422);
	CHECK("decimal for an int is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\",\"n\":2.5}") == 422);
	CHECK("out of range int is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\",\"n\":10}") == 422);
	CHECK("bad enum is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\",\"sex\":\"X\"}") == 422);
	CHECK("bad date is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\",\"day\":\"2026-02-30\"}") == 422);
	CHECK("null for a nullable date passes", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\",\"day\":null}") == 200);
	CHECK("null for a non-nullable field is 422", call(METHOD_POST, "/api/things",
	    "application/json", NULL, cookie, "{\"name\":\"a\",\"n\":null}") == 422);
	CHECK("unknown field is 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\",\"admin\":true}") == 422);
	CHECK("control characters are 422", call(METHOD_POST, "/api/things", "application/json",
	    NULL, cookie, "{\"name\":\"a\\u0007\"}") == 422);
	CHECK("path parameter reaches the handler", call(METHOD_GET, "/api/things/77", NULL, NULL,
	    cookie, NULL) == 200);
	db_exec("UPDATE sessions SET last_seen = last_seen - 5 * 3600");
	CHECK("idle session is 401", call(METHOD_GET, "/api/things/1", NULL, NULL, cookie, NULL) == 401);
	CHECK("idle session was deleted",
	    db_int_sql("SELECT count(*) FROM sessions", -1) == 0);
	snprintf(sql, sizeof(sql), "INSERT INTO sessions VALUES (2, '%s', 2, %lld, %lld, NULL);",
	    hash, (long long)time(NULL), (long long)time(NULL));
	db_exec(sql);
	CHECK("doctor may post", call(METHOD_POST, "/api/things", "application/json", NULL, cookie,
	    "{\"name\":\"a\"}") == 200);
	CHECK("doctor may not read a front-desk route", call(METHOD_GET, "/api/things/1", NULL, NULL,
	    cookie, NULL) == 403);
	db_exec("UPDATE sessions SET created_at = created_at - 15 * 3600");
	CHECK("session past its absolute expiry is 401", call(METHOD_POST, "/api/things",
	    "application/json", NULL, cookie, "{\"name\":\"a\"}") == 401);
	CHECK("handler ran only for accepted requests", handled == 8);
	audit_fini();
	auth_fini();
	db_close();
	unlink(path);
	UNIT_END();
}

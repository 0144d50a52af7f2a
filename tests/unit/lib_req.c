/* lib_req.c — query strings, cookies, path matching, JSON limits. */
#include <string.h>

#include "nd.h"
#include "unit.h"

int
main(void)
{
	struct req	 r;
	char		 buf[64];
	long long	 p[ND_PARAMS_MAX], v;
	size_t		 n;

	req_init(&r);
	r.query = "q=ra+ma&x=%E0%AE%AE&bad=%zz&nul=%00&limit=20&neg=-1&big=999999999999999999999";
	CHECK("query decodes +", req_query(&r, "q", buf, sizeof(buf)) == 1 &&
	    strcmp(buf, "ra ma") == 0);
	CHECK("query decodes UTF-8 escapes", req_query(&r, "x", buf, sizeof(buf)) == 1 &&
	    strcmp(buf, "ம") == 0);
	CHECK("query refuses a bad escape", req_query(&r, "bad", buf, sizeof(buf)) == -1);
	CHECK("query refuses NUL", req_query(&r, "nul", buf, sizeof(buf)) == -1);
	CHECK("query says absent", req_query(&r, "missing", buf, sizeof(buf)) == 0);
	CHECK("query refuses values longer than the buffer",
	    req_query(&r, "q", buf, 3) == -1);
	CHECK("query_int reads limit", req_query_int(&r, "limit", 50, 1, 200, &v) == 0 && v == 20);
	CHECK("query_int default when absent", req_query_int(&r, "nope", 7, 1, 200, &v) == 0 && v == 7);
	CHECK("query_int refuses below min", req_query_int(&r, "neg", 1, 0, 9, &v) == 422);
	CHECK("query_int refuses overflow", req_query_int(&r, "big", 1, 0, 9, &v) == 422);
	req_free(&r);

	req_init(&r);
	r.cookie = "a=1; nd_session=abc; other=2";
	CHECK("cookie found among others", req_cookie(&r, "nd_session", buf, sizeof(buf)) == 1 &&
	    strcmp(buf, "abc") == 0);
	r.cookie = "xnd_session=evil";
	CHECK("cookie name must match whole", req_cookie(&r, "nd_session", buf, sizeof(buf)) == 0);
	req_free(&r);

	CHECK("route matches an id", route_match("/api/patients/{id}", "/api/patients/42", p, &n) &&
	    n == 1 && p[0] == 42);
	CHECK("route matches two ids", route_match("/api/a/{x}/b/{y}", "/api/a/1/b/2", p, &n) &&
	    n == 2 && p[1] == 2);
	CHECK("route refuses id 0", !route_match("/api/patients/{id}", "/api/patients/0", p, &n));
	CHECK("route refuses a leading zero", !route_match("/api/patients/{id}", "/api/patients/01", p, &n));
	CHECK("route refuses a sign", !route_match("/api/patients/{id}", "/api/patients/-1", p, &n));
	CHECK("route refuses a huge id", !route_match("/api/patients/{id}",
	    "/api/patients/99999999999999999999", p, &n));
	CHECK("route refuses a trailing slash", !route_match("/api/patients", "/api/patients/", p, &n));
	CHECK("route refuses a longer path", !route_match("/api/patients/{id}", "/api/patients/4/x", p, &n));

	CHECK("json depth 8 accepted", json_depth_ok("[[[[[[[[1]]]]]]]]", 17, 8));
	CHECK("json depth 9 refused", !json_depth_ok("[[[[[[[[[1]]]]]]]]]", 19, 8));
	CHECK("json brackets in strings ignored", json_depth_ok("{\"a\":\"[[[[[[[[[[\"}", 17, 2));
	CHECK("json comments refused", !json_depth_ok("{/*x*/}", 7, 8));
	{
		const char *nul = "{\"a\":\"x\\u0000\"}";
		const char *lit = "{\"a\":\"\\\\u0000\"}";
		CHECK("json NUL escape refused", !json_depth_ok(nul, strlen(nul), 8));
		CHECK("json escaped backslash before u0000 accepted",
		    json_depth_ok(lit, strlen(lit), 8));
	}

	req_init(&r);
	{
		char *out = NULL;
		size_t len = 0;
		int st = http_error(&r, 422, "invalid", "Name is required.", "name");
		CHECK("error keeps its status", st == 422);
		CHECK("error renders", req_render(&r, st, &out, &len) == 1);
		CHECK("error has the one shape", out != NULL && strstr(out,
		    "{\"error\":{\"code\":\"invalid\",\"message\":\"Name is required.\","
		    "\"field\":\"name\"}}") != NULL);
		CHECK("error says Status: 422", out != NULL && strncmp(out, "Status: 422", 11) == 0);
		CHECK("answers are not cached", out != NULL && strstr(out, "Cache-Control: no-store") != NULL);
		free(out);
	}
	req_header(&r, "X-Test", "a\r\nSet-Cookie: evil=1");
	CHECK("header injection refused", strstr(r.headers, "evil") == NULL);
	req_free(&r);
	UNIT_END();
}

/*
 * route.c — dispatch.  For every request, in this order: match the path
 * (404) and method (405); for writes, the JSON content type (415) and
 * same-origin Origin (403); the session (401) and the route's declared
 * roles (403); the body against the route's field table (400/413/422);
 * then the handler.  No handler checks its own role.  How requests arrive
 * (the FastCGI loop, group commit, the CGI test mode) is serve.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "nd.h"
#include "idem.h"

/*
 * Matches PATH against PATTERN, where "{name}" stands for a positive
 * integer that is stored in PARAM (at most ND_PARAMS_MAX).
 * Returns 1 on a match.
 */
int
route_match(const char *pattern, const char *path, long long *param,
    size_t *nparam)
{
	const char	*p = pattern, *s = path;
	long long	 v;

	*nparam = 0;
	while (*p != '\0') {
		if (*p == '{') {
			if ((p = strchr(p, '}')) == NULL)
				return 0;
			p++;
			if (*s < '1' || *s > '9' || *nparam >= ND_PARAMS_MAX)
				return 0;
			for (v = 0; *s >= '0' && *s <= '9'; s++) {
				if (v > 900719925474099LL)	/* 2^53 / 10 */
					return 0;
				v = v * 10 + (*s - '0');
			}
			param[(*nparam)++] = v;
			continue;
		}
		if (*p++ != *s++)
			return 0;
	}
	return *s == '\0';
}

static int
is_write(enum method m)
{
	return m != METHOD_GET;
}

/* "application/json", optionally followed by parameters. */
static int
json_type(const char *ct)
{
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return 0;
	ct += 16;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * An Origin header, when sent, must be this server's own: nginx passes it
 * as NALAMDESK_ORIGIN (https:// and the Host the browser asked for, port
 * included); without it, https:// and HTTP_HOST.
 */
static int
same_origin(const struct req *r)
{
	char	 own[300];

	if (r->origin == NULL)
		return 1;
	if (r->own_origin != NULL)
		return strcasecmp(r->own_origin, r->origin) == 0;
	if (r->host == NULL)
		return 0;
	snprintf(own, sizeof(own), "https://%s", r->host);
	return strcasecmp(own, r->origin) == 0;
}

/*
 * The body of a write against RT's field table (400/413/422), then RT's
 * handler.  Returns the HTTP status.
 */
static int
route_handle(struct req *r, const struct route *rt)
{
	int	 rc;

	if (is_write(r->method)) {
		if ((rc = json_parse_body(r, rt->body_max ? rt->body_max :
		    ND_BODY_MAX)) != 0)
			return rc;
		if (rt->fields == NULL) {
			if (r->json != NULL && r->json->u.object.len > 0)
				return http_error(r, 422, "unknown_field",
				    "This request takes no fields.",
				    r->json->u.object.keys[0]);
		} else {
			if (r->json == NULL)
				return http_error(r, 400, "malformed_json",
				    "This request needs a JSON object body.",
				    NULL);
			if ((rc = valid_fields(r, rt->fields)) != 0)
				return rc;
		}
	}
	return rt->handler(r);
}

/*
 * Answers the kept answer H of the same request again, with the header
 * Idempotent-Replay: true.  Returns its status (or 500 without memory).
 */
static int
idem_replay(struct req *r, const struct idem_hit *h)
{
	jo_reset(r);
	free(r->out);
	if ((r->out = malloc(h->response_len + 1)) == NULL)
		return http_error(r, 500, "internal", "Something went wrong on "
		    "the server. Please try again.", NULL);
	memcpy(r->out, h->response, h->response_len + 1);
	r->out_len = h->response_len;
	r->out_type = NULL;	/* JSON */
	r->raw = 1;
	req_header(r, "Idempotent-Replay", "true");
	audit(r, "request.replay", "request", 0, 0);
	return h->status;
}

/*
 * A write sent with an Idempotency-Key (docs/api.md, "Idempotency keys"):
 * the answer kept for the user's key is answered again when the method,
 * path and body are the same (nothing is written), 422
 * idempotency_key_reused when they differ; else the request runs and its
 * answer (any status below 500) is kept.  In a program that groups its
 * commits the look-up, the request's write and the kept answer are all in
 * the batch's one transaction, under the write lock from the look-up on:
 * a kept answer is never that of a write that was lost, and two requests
 * with one key cannot both write.  Elsewhere the answer is kept in a
 * transaction of its own just after the write.  Returns the HTTP status.
 */
static int
route_idem(struct req *r, const struct route *rt)
{
	struct idem_hit	 h;
	const char	*text = "";
	char		 sha[65];
	size_t		 len = 0;
	time_t		 now = time(NULL);
	int		 rc, found, status, same;

	if (!idem_key_ok(r->idem_key))
		return http_error(r, 400, "invalid_idempotency_key",
		    "An Idempotency-Key is 1 to 64 letters, digits, _ or -.",
		    NULL);
	auth_sha256_hex(r->body != NULL ? r->body : "", r->body_len, sha);
	if (db_batching() && (rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	found = idem_find(r->user.id, r->idem_key, now, &h);
	if (db_batching() && (rc = db_commit()) != SQLITE_OK) {
		if (found > 0)
			idem_hit_free(&h);
		return db_fail(r, rc);
	}
	if (found < 0)
		return db_fail(r, -found);
	if (found > 0) {
		same = strcmp(h.method, method_names[r->method]) == 0 &&
		    strcmp(h.path, r->path) == 0 &&
		    strcmp(h.body_sha256, sha) == 0;
		status = same ? idem_replay(r, &h) : http_error(r, 422,
		    "idempotency_key_reused", "This Idempotency-Key was "
		    "already used for another request.", NULL);
		idem_hit_free(&h);
		return status;
	}
	status = route_handle(r, rt);
	db_rollback();	/* a handler that returned inside its transaction */
	if (status >= 500)
		return status;	/* not kept: the client may try again */
	if (r->raw || (status != 204 && !jo_text(r, &text, &len)))
		return status;	/* only JSON answers are kept */
	if (status == 204)
		len = 0;
	if ((rc = db_begin()) != SQLITE_OK ||
	    (rc = idem_save(r->user.id, r->idem_key, method_names[r->method],
	    r->path, sha, status, text, len, now)) != SQLITE_OK ||
	    (rc = db_commit()) != SQLITE_OK) {
		db_abort(rc);
		nd_log("the answer of an idempotent request was not kept: %s",
		    sqlite3_errstr(rc));
	}
	return status;
}

/*
 * Whether RT's body carries a secret (a field named like a password or a
 * passphrase).  Its Idempotency-Key is then not kept: the kept row holds
 * the body's plain SHA-256, a fast hash of the password that argon2id
 * guards everywhere else.  The request runs as if it had no key.
 */
static int
carries_secret(const struct route *rt)
{
	const struct field *f;

	for (f = rt->fields; f != NULL && f->name != NULL; f++)
		if (strstr(f->name, "password") != NULL ||
		    strstr(f->name, "passphrase") != NULL)
			return 1;
	return 0;
}

/*
 * The part of route_dispatch() after the CSRF checks: session, role, then
 * (route_idem() for a write with an Idempotency-Key) route_handle().
 * Returns the HTTP status.
 */
static int
route_run(struct req *r, const struct route *rt)
{
	auth_session_lookup(r);
	if (!(rt->roles & R_ANYONE)) {
		if (r->user.id == 0)
			return http_error(r, 401, "unauthenticated",
			    "Please sign in.", NULL);
		if (!(rt->roles & (1u << r->user.role)))
			return http_error(r, 403, "forbidden",
			    "Your role may not do this.", NULL);
	}
	/* Keys are a user's: without a session (sign-in) there is none. */
	if (is_write(r->method) && r->idem_key != NULL && r->user.id != 0 &&
	    !carries_secret(rt))
		return route_idem(r, rt);
	return route_handle(r, rt);
}

/*
 * Runs the request through the checks above and the handler of its route
 * in ROUTES.  Returns the HTTP status; the answer is in r->g (or r->out).
 */
int
route_dispatch(struct req *r, const struct route *routes, size_t n)
{
	const struct route *rt = NULL;
	size_t		 i, alen = 0;
	int		 rc;
	char		 allow[64] = "";

	for (i = 0; i < n; i++) {
		if (!route_match(routes[i].pattern, r->path, r->param,
		    &r->nparam))
			continue;
		if (routes[i].method == r->method) {
			rt = &routes[i];
			break;
		}
		alen += (size_t)snprintf(allow + alen, sizeof(allow) - alen,
		    "%s%s", alen ? ", " : "", method_names[routes[i].method]);
		if (alen >= sizeof(allow))
			alen = sizeof(allow) - 1;
	}
	if (rt == NULL) {
		if (alen > 0) {
			req_header(r, "Allow", allow);
			return http_error(r, 405, "method_not_allowed",
			    "This method is not allowed here.", NULL);
		}
		return http_error(r, 404, "not_found",
		    "There is no such API path.", NULL);
	}
	/* route_match of other rows may have clobbered the parameters. */
	route_match(rt->pattern, r->path, r->param, &r->nparam);
	r->route = rt;
	if (is_write(r->method)) {
		if (!json_type(r->content_type))
			return http_error(r, 415, "unsupported_media_type",
			    "Send the request as Content-Type: "
			    "application/json.", NULL);
		if (!same_origin(r))
			return http_error(r, 403, "bad_origin",
			    "This request came from another site and was "
			    "refused.", NULL);
	}
	/* A GET reads in one snapshot, session included (db_read_begin). */
	if (!is_write(r->method))
		db_read_begin();
	rc = route_run(r, rt);
	db_read_end();
	db_rollback();	/* a handler that returned inside a transaction */
	return rc;
}

/* Prints the route table: method, pattern, roles (TSV), for --routes. */
void
route_print(const struct route *routes, size_t n)
{
	size_t	 i;
	int	 k, first;

	for (i = 0; i < n; i++) {
		printf("%s\t%s\t", method_names[routes[i].method],
		    routes[i].pattern);
		if (routes[i].roles & R_ANYONE)
			printf("anyone");
		for (k = 0, first = 1; k < ROLE__MAX; k++)
			if (!(routes[i].roles & R_ANYONE) &&
			    (routes[i].roles & (1u << k))) {
				printf("%s%s", first ? "" : ",", role_names[k]);
				first = 0;
			}
		putchar('\n');
	}
}

/*
 * Route tables are checked before the first request: deny by default.
 * Returns 1 when every route declares roles and a handler.
 */
int
route_check(const struct route *routes, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (routes[i].roles == 0 || routes[i].handler == NULL ||
		    strncmp(routes[i].pattern, "/api/", 5) != 0 ||
		    routes[i].method >= METHOD__MAX) {
			nd_log("route %s %s declares no roles or handler",
			    method_names[routes[i].method % METHOD__MAX],
			    routes[i].pattern);
			return 0;
		}
	}
	return 1;
}


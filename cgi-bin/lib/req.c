/*
 * req.c — one request: its environment, query string, cookies, JSON body,
 * extra headers, its errors (http_error(), and db_fail() for a database
 * failure) and the rendering of the answer.  One struct owns a request and
 * req_free() releases everything it holds, once per loop turn.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "csv.h"

const char *const method_names[METHOD__MAX] = {
	"GET",		/* METHOD_GET */
	"POST",		/* METHOD_POST */
	"PUT",		/* METHOD_PUT */
	"PATCH",	/* METHOD_PATCH */
	"DELETE",	/* METHOD_DELETE */
};
_Static_assert(ND_NELEM(method_names) == METHOD__MAX, "method_names");

/* Sets every member to its empty value (no allocation: cannot fail). */
void
req_init(struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->path = "";
	r->query = "";
}

/* Releases what the request owns; safe to call twice. */
void
req_free(struct req *r)
{
	if (r->json != NULL)
		yajl_tree_free(r->json);
	free(r->body);
	free(r->out);
	free(r->g.buf);
	memset(r, 0, sizeof(*r));
}

/* The value of NAME in an environment array, or NULL. */
const char *
req_env(char *const *envp, const char *name)
{
	size_t	 n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/*
 * Fills the request from FastCGI/CGI variables (not the body).
 * Returns 0, or an HTTP status after writing the error.
 */
int
req_from_env(struct req *r, char *const *envp)
{
	const char	*m, *v;
	size_t		 i;

	m = req_env(envp, "REQUEST_METHOD");
	r->method = METHOD__MAX;
	for (i = 0; m != NULL && i < METHOD__MAX; i++)
		if (strcmp(m, method_names[i]) == 0)
			r->method = (enum method)i;
	if ((v = req_env(envp, "DOCUMENT_URI")) != NULL ||
	    (v = req_env(envp, "PATH_INFO")) != NULL)
		r->path = v;
	if ((v = req_env(envp, "QUERY_STRING")) != NULL)
		r->query = v;
	r->remote_addr = req_env(envp, "REMOTE_ADDR");
	r->host = req_env(envp, "HTTP_HOST");
	r->own_origin = req_env(envp, "NALAMDESK_ORIGIN");
	r->origin = req_env(envp, "HTTP_ORIGIN");
	r->content_type = req_env(envp, "CONTENT_TYPE");
	r->cookie = req_env(envp, "HTTP_COOKIE");
	r->if_none_match = req_env(envp, "HTTP_IF_NONE_MATCH");
	r->idem_key = req_env(envp, "HTTP_IDEMPOTENCY_KEY");
	if (r->remote_addr == NULL)
		r->remote_addr = "";
	if (r->method == METHOD__MAX)
		return http_error(r, 405, "method_not_allowed",
		    "This method is not supported.", NULL);
	if (strlen(r->query) > ND_QUERY_MAX)
		return http_error(r, 414, "query_too_long",
		    "The query string is too long.", NULL);
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Finds NAME in the query string and writes its percent-decoded value
 * (NUL-terminated) into BUF of SIZE bytes.
 * Returns 1 found, 0 absent, -1 malformed (bad escape, NUL, too long for
 * BUF, or not UTF-8).
 */
int
req_query(const struct req *r, const char *name, char *buf, size_t size)
{
	const char	*p = r->query, *end, *eq;
	size_t		 n = strlen(name), o;
	int		 hi, lo;

	while (*p != '\0') {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && (size_t)(eq - p) == n &&
		    memcmp(p, name, n) == 0) {
			for (o = 0, p = eq + 1; p < end; p++) {
				int c = (unsigned char)*p;
				if (c == '+')
					c = ' ';
				else if (c == '%') {
					if (end - p < 3 ||
					    (hi = hexval(p[1])) < 0 ||
					    (lo = hexval(p[2])) < 0)
						return -1;
					c = hi * 16 + lo;
					p += 2;
				}
				if (c == 0 || o + 1 >= size)
					return -1;
				buf[o++] = (char)c;
			}
			buf[o] = '\0';
			return valid_utf8(buf, o) ? 1 : -1;
		}
		p = *end == '&' ? end + 1 : end;
	}
	return 0;
}

/*
 * Reads integer parameter NAME into *OUT: DEF when absent, else it must
 * be a decimal integer in [MIN, MAX].  Returns 0, or 422 after writing
 * the error.
 */
int
req_query_int(struct req *r, const char *name, long long def, long long min,
    long long max, long long *out)
{
	char		 buf[32], *ep;
	long long	 v;
	int		 rc;

	*out = def;
	rc = req_query(r, name, buf, sizeof(buf));
	if (rc == 0 || (rc == 1 && buf[0] == '\0'))
		return 0;
	if (rc < 0)
		goto bad;
	errno = 0;
	v = strtoll(buf, &ep, 10);
	if (errno != 0 || *ep != '\0' || ep == buf || v < min || v > max ||
	    !(isdigit((unsigned char)buf[0]) || buf[0] == '-'))
		goto bad;
	*out = v;
	return 0;
bad:
	{
		char	 msg[160];
		snprintf(msg, sizeof(msg),
		    "%s must be a whole number from %lld to %lld.", name,
		    min, max);
		return http_error(r, 422, "invalid_parameter", msg, name);
	}
}

/*
 * Reads date parameter NAME (YYYY-MM-DD) into OUT (11 bytes); when absent,
 * today's date in the clinic's time zone.  Returns 0, or 422.
 */
int
req_query_date(struct req *r, const char *name, char *out)
{
	char	 buf[16];
	int	 rc;

	if ((rc = req_query(r, name, buf, sizeof(buf))) == 0 ||
	    (rc == 1 && buf[0] == '\0')) {
		db_today(out);
		return 0;
	}
	if (rc < 0 || !valid_date(buf))
		return http_error(r, 422, "invalid_parameter",
		    "Dates are written YYYY-MM-DD.", name);
	memcpy(out, buf, 11);
	return 0;
}

/* ?limit= (default 50, at most 200) and ?offset=.  Returns 0 or 422. */
int
req_paging(struct req *r, long long *limit, long long *offset)
{
	int	 rc;

	if ((rc = req_query_int(r, "limit", ND_LIST_DEFAULT, 1, ND_LIST_MAX,
	    limit)) != 0)
		return rc;
	return req_query_int(r, "offset", 0, 0, 1000000000, offset);
}

/*
 * Copies the value of cookie NAME into BUF.
 * Returns 1 found, 0 absent or too long for BUF.
 */
int
req_cookie(const struct req *r, const char *name, char *buf, size_t size)
{
	const char	*p = r->cookie, *end;
	size_t		 n = strlen(name), len;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == '=') {
			len = (size_t)(end - p) - n - 1;
			if (len + 1 > size)
				return 0;
			memcpy(buf, p + n + 1, len);
			buf[len] = '\0';
			return 1;
		}
		p = *end == ';' ? end + 1 : end;
	}
	return 0;
}

/*
 * Returns 1 if the If-None-Match header INM (a list of entity tags, each
 * perhaps weak "W/", or "*") names ETAG (quoted).  Weak comparison, as
 * RFC 9110 asks for If-None-Match.
 */
int
req_etag_match(const char *inm, const char *etag)
{
	const char	*p = inm, *q;
	size_t		 n = strlen(etag);

	if (p == NULL)
		return 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0;	/* malformed: no match, answer 200 */
		if ((q = strchr(p + 1, '"')) == NULL)
			return 0;
		if ((size_t)(q + 1 - p) == n && strncmp(p, etag, n) == 0)
			return 1;
		p = q + 1;
	}
}

/*
 * Answers the CSV document C (csv.h), whose rows ended with the step code
 * RC, as the attachment FILENAME: 200, C's buffer handed to R (req_free
 * frees it).  503 "busy" with MSG if C ran short of memory, db_fail() if
 * RC is not SQLITE_DONE; C is freed then.
 */
int
req_csv(struct req *r, struct csv *c, int rc, const char *filename,
    const char *msg)
{
	char	 disp[160];

	if (r->streamed) {
		if (c->ok && rc == SQLITE_DONE)
			csv_flush(c);
		else
			r->streamed = 2;	/* headers gone: cut it short */
		csv_free(c);
		return 200;
	}
	if (!c->ok) {
		csv_free(c);
		return http_error(r, 503, "busy", msg, NULL);
	}
	if (rc != SQLITE_DONE) {
		csv_free(c);
		return db_fail(r, rc);
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	req_header(r, "Content-Disposition", disp);
	r->out = c->p;
	r->out_len = c->len;
	r->out_type = "text/csv; charset=utf-8";
	r->raw = 1;
	return 200;
}

/* A CSV document's chunk, out through R's sink (csv.h flush). */
static void
req_sink_csv(void *ctx, const char *p, size_t n)
{
	struct req	*r = ctx;

	r->sink(r->sink_ctx, p, n);
}

/*
 * Starts answering the CSV document C as the attachment FILENAME while it
 * is written, when R's connection allows it (serve.c gave it a sink): the
 * status 200 and the headers go out now, and C then sends every CSV_CHUNK
 * bytes, so that an export of a whole table never sits in memory.  Call
 * it once every check that could refuse the request has passed; end with
 * req_csv() as usual.  Returns 1 when streaming, 0 when C is buffered (no
 * sink: req_csv() then answers it whole).
 */
int
req_csv_stream(struct req *r, struct csv *c, const char *filename)
{
	char	 disp[160], *head = NULL;
	size_t	 len = 0;

	if (r->sink == NULL || r->streamed)
		return 0;
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	req_header(r, "Content-Disposition", disp);
	jo_reset(r);
	free(r->out);
	r->out = NULL;
	r->out_len = 0;
	r->out_type = "text/csv; charset=utf-8";
	r->raw = 1;
	r->streamed = 1;	/* req_render() writes the head alone */
	if (!req_render(r, 200, &head, &len)) {
		free(head);
		r->streamed = 0;
		return 0;
	}
	r->sink(r->sink_ctx, head, len);
	free(head);
	c->flush = req_sink_csv;
	c->ctx = r;
	return 1;
}

/* Adds one response header; header injection is refused. */
void
req_header(struct req *r, const char *name, const char *value)
{
	int	 n;

	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n:") != NULL)
		return;
	n = snprintf(r->headers + r->headers_len,
	    sizeof(r->headers) - r->headers_len, "%s: %s\r\n", name, value);
	if (n < 0 || (size_t)n >= sizeof(r->headers) - r->headers_len) {
		r->headers[r->headers_len] = '\0';
		nd_log("response header %s dropped: no room", name);
		return;
	}
	r->headers_len += (size_t)n;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 507: return "Insufficient Storage";
	default:  return "Status";
	}
}

/*
 * The one function that writes errors: replaces whatever the handler
 * generated with {"error":{"code","message","field"?}}.  MESSAGE is a
 * human sentence and never holds internals.  Returns STATUS.
 */
int
http_error(struct req *r, int status, const char *code, const char *message,
    const char *field)
{
	http_error_begin(r, code, message, field);
	return http_error_end(r, status);
}

/*
 * The start of http_error(): the answer so far is dropped and the "error"
 * object is left open, so that the caller may add members of its own
 * (e.g. the conflicts of a refused prescription) before http_error_end().
 */
void
http_error_begin(struct req *r, const char *code, const char *message,
    const char *field)
{
	jo_reset(r);
	free(r->out);
	r->out = NULL;
	r->out_len = 0;
	r->raw = 0;
	jo_open(r);
	jo_obj(r, "error");
	jo_str(r, "code", code);
	jo_str(r, "message", message);
	if (field != NULL)
		jo_str(r, "field", field);
}

/* Closes the error http_error_begin() opened.  Returns STATUS. */
int
http_error_end(struct req *r, int status)
{
	jo_obj_close(r);
	jo_close(r);
	return status;
}

static const char fallback500[] =
    "{\"error\":{\"code\":\"internal\",\"message\":"
    "\"Something went wrong on the server. Please try again.\"}}";

/*
 * Renders the whole FastCGI answer (CGI header block and body) for STATUS
 * into a new buffer *OUT of *LEN bytes, which the caller frees.
 * Returns 1, or 0 if memory ran out (the caller then writes a fixed 500).
 */
int
req_render(struct req *r, int status, char **out, size_t *len)
{
	const char		*body = NULL;
	size_t			 blen = 0, hlen;
	const char		*type = "application/json; charset=utf-8";
	char			 head[1400];
	int			 n, own_cache, typed;

	if (status == 204 || status == 304) {
		body = NULL;
		blen = 0;
	} else if (r->raw) {
		body = r->out;
		blen = r->out_len;
		if (r->out_type != NULL)
			type = r->out_type;
	} else if (!jo_text(r, &body, &blen)) {
		status = 500;
		body = fallback500;
		blen = sizeof(fallback500) - 1;
	} else if (r->out_type != NULL && status < 300)
		type = r->out_type;	/* JSON of a media type of its own */
	/* A streamed body (req_csv_stream()) follows this head later. */
	typed = blen > 0 || (r->raw && r->streamed);
	n = snprintf(head, sizeof(head),
	    "Status: %d %s\r\n%s%s%s\r\n", status, http_reason(status),
	    typed ? "Content-Type: " : "", typed ? type : "",
	    typed ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return 0;
	/* Insert the extra headers before the blank line. */
	hlen = (size_t)n - 2;
	own_cache = strncmp(r->headers, "Cache-Control:", 14) == 0 ||
	    strstr(r->headers, "\r\nCache-Control:") != NULL;
	if ((*out = malloc(hlen + r->headers_len + 2 + blen +
	    (own_cache ? 0 : 26))) == NULL)
		return 0;
	memcpy(*out, head, hlen);
	memcpy(*out + hlen, r->headers, r->headers_len);
	hlen += r->headers_len;
	if (!own_cache) {
		memcpy(*out + hlen, "Cache-Control: no-store\r\n", 25);
		hlen += 25;
	}
	memcpy(*out + hlen, "\r\n", 2);
	hlen += 2;
	if (blen > 0)
		memcpy(*out + hlen, body, blen);
	*len = hlen + blen;
	return 1;
}

/*
 * http_error() with a message made from FMT, for the errors that name a
 * field's limit.  Returns STATUS.
 */
int
http_errorf(struct req *r, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return http_error(r, status, code, msg, field);
}

/*
 * Parses the request body into r->json, which must be an object.  An empty
 * body leaves r->json NULL.  Returns 0, or 400/413 after writing the error.
 */
int
json_parse_body(struct req *r, size_t max)
{
	char	 err[128];

	if (r->body_len == 0)
		return 0;
	if (r->body_len > max)
		return http_error(r, 413, "payload_too_large",
		    "The request body is too large.", NULL);
	if (strlen(r->body) != r->body_len ||
	    !valid_utf8(r->body, r->body_len))
		return http_error(r, 400, "malformed_json",
		    "The request body is not valid UTF-8 JSON.", NULL);
	if (!json_depth_ok(r->body, r->body_len, ND_JSON_DEPTH))
		return http_error(r, 400, "malformed_json",
		    "The request body is nested too deeply, is not strict "
		    "JSON, or escapes something that is not a character.",
		    NULL);
	r->json = yajl_tree_parse(r->body, err, sizeof(err));
	if (r->json == NULL)
		return http_error(r, 400, "malformed_json",
		    "The request body is not valid JSON.", NULL);
	if (!YAJL_IS_OBJECT(r->json))
		return http_error(r, 400, "malformed_json",
		    "The request body must be a JSON object.", NULL);
	/* No route takes more top-level fields. */
	if (r->json->u.object.len > ND_JSON_MEMBERS)
		return http_error(r, 400, "malformed_json",
		    "The request body has too many fields.", NULL);
	if (json_dup_keys(r->json))
		return http_error(r, 400, "malformed_json",
		    "The request body names a field twice (at some depth).",
		    NULL);
	return 0;
}

/*
 * Answers a database failure RC: rolls back, then 503 when the database
 * stayed locked, 507 when the disk is full, 500 otherwise.  The message
 * never holds internals.  Returns the status.
 */
int
db_fail(struct req *r, int rc)
{
	db_abort(rc);	/* first: so a lost batch fails with RC */
	return db_error(r, rc);
}

/* The answer of db_fail() for RC, without the rollback.  The status. */
int
db_error(struct req *r, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		req_header(r, "Retry-After", "1");
		return http_error(r, 503, "busy",
		    "The server is busy. Please try again.", NULL);
	case SQLITE_FULL:
		return http_error(r, 507, "storage_full",
		    "The server's disk is full. Nothing was saved; tell the "
		    "administrator.", NULL);
	default:
		return http_error(r, 500, "internal",
		    "Something went wrong on the server. Please try again.",
		    NULL);
	}
}

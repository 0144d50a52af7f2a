/*
 * fuzz_etag — req_etag_match() of cgi-bin/lib/req.c (the If-None-Match
 * check of GET /api/queue and the display) on "HEADER\nETAG" inputs, each
 * part in a buffer of its exact size so that a read past either string is
 * an ASan report.
 *
 * Properties: the result is 0 or 1 and the same twice; no header (NULL)
 * never matches; a match is "*" or holds the etag's bytes; for a
 * well-formed etag E ("..." with no inner quote): E, "*", W/E (the weak
 * prefix is looked past, as RFC 9110's weak comparison asks) and E after
 * separators and another tag all match; and a W/ before a quoted header
 * does not change the answer.
 */
#include "fuzz.h"

/* S with PRE before it and POST after it, in a buffer of its exact size. */
static char *
cat3(const char *pre, const char *s, const char *post)
{
	size_t	 a = strlen(pre), b = strlen(s), c = strlen(post);
	char	*o = malloc(a + b + c + 1);

	if (o == NULL)
		abort();
	memcpy(o, pre, a);
	memcpy(o + a, s, b);
	memcpy(o + a + b, post, c + 1);
	return o;
}

static int
match(const char *inm, const char *etag)
{
	int	 m = req_etag_match(inm, etag);

	FZ_ASSERT(m == 0 || m == 1, "result %d is not 0 or 1", m);
	FZ_ASSERT(req_etag_match(inm, etag) == m, "not deterministic");
	return m;
}

/* 1 if E is "..." with no quote inside. */
static int
well_formed(const char *e)
{
	size_t	 n = strlen(e);

	return n >= 2 && e[0] == '"' && e[n - 1] == '"' &&
	    strchr(e + 1, '"') == e + n - 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fz_cstr(data, size), *line[2], *inm, *etag, *t;
	int	 m;

	fz_lines(s, line, 2);
	/* Exact-size copies: the split leaves room after the header. */
	inm = cat3("", line[0], "");
	etag = cat3("", line[1] != NULL ? line[1] : "\"x\"", "");

	FZ_ASSERT(match(NULL, etag) == 0, "no header matched");
	m = match(inm, etag);
	if (m == 1)
		FZ_ASSERT(strchr(inm, '*') != NULL || strstr(inm, etag) != NULL,
		    "matched without \"*\" or the etag in the header");
	if (inm[0] == '"') {
		t = cat3("W/", inm, "");
		FZ_ASSERT(match(t, etag) == m, "W/ changed the answer");
		free(t);
	}
	FZ_ASSERT(match("*", etag) == 1, "\"*\" did not match");
	if (well_formed(etag)) {
		FZ_ASSERT(match(etag, etag) == 1, "the etag itself did not match");
		t = cat3("W/", etag, "");
		FZ_ASSERT(match(t, etag) == 1, "W/etag did not match");
		free(t);
		t = cat3(" \t,\"other\", W/\"x\" ,", etag, ", junk");
		FZ_ASSERT(match(t, etag) == 1, "etag in a list did not match");
		free(t);
		if (well_formed(inm) && strcmp(inm, etag) != 0)
			FZ_ASSERT(m == 0, "another tag matched");
	}
	free(inm);
	free(etag);
	free(s);
	return 0;
}

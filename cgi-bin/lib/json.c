/*
 * json.c — JSON values: the checks a text passes before yajl's tree parser
 * sees it (strict JSON, depth), and reading members of a parsed tree.  It
 * knows nothing of HTTP: the request's body is parsed by req.c, and JSON
 * out is written by jout.c.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"

/* The value of 4 hex digits at P (AVAIL bytes there), or -1. */
static long
hex4(const char *p, size_t avail)
{
	long	 v = 0;
	size_t	 i;

	if (avail < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Checks that the LEN bytes of S nest no deeper than MAX, hold nothing
 * outside strings that strict JSON forbids but yajl's tree parser allows
 * (comments), and no \u escape that yajl would turn into something other
 * than the character written: \u0000 (its tree keeps C strings, so a NUL
 * would cut a value short) and surrogates that are not a high one followed
 * by a low one (yajl would store '?' or bytes that are not UTF-8).
 * Returns 1 if acceptable.
 */
int
json_depth_ok(const char *s, size_t len, int max)
{
	size_t	 i;
	int	 depth = 0, instr = 0;
	long	 u, lo;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (instr) {
			if (c == '"')
				instr = 0;
			else if (c == '\\' && i + 1 < len && s[i + 1] == 'u') {
				u = hex4(s + i + 2, len - i - 2);
				if (u == 0 || (u >= 0xdc00 && u <= 0xdfff))
					return 0;
				if (u >= 0xd800 && u <= 0xdbff) {
					lo = i + 7 < len && s[i + 6] == '\\' &&
					    s[i + 7] == 'u' ?
					    hex4(s + i + 8, len - i - 8) : -1;
					if (lo < 0xdc00 || lo > 0xdfff)
						return 0;
					i += 6;		/* the low half too */
				}
				i += 5;
			} else if (c == '\\')
				i++;
			continue;
		}
		switch (c) {
		case '"':
			instr = 1;
			break;
		case '{':
		case '[':
			if (++depth > max)
				return 0;
			break;
		case '}':
		case ']':
			depth--;
			break;
		case '/':
			return 0;
		default:
			break;
		}
	}
	return 1;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if the N keys K hold one twice: pairs when few, sorted when many. */
static int
dup_in(const char **k, size_t n)
{
	const char	**sorted;
	size_t		 i, j;
	int		 dup = 0;

	if (n <= 16) {
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (strcmp(k[i], k[j]) == 0)
					return 1;
		return 0;
	}
	if ((sorted = malloc(n * sizeof(*sorted))) == NULL)
		return 1;	/* refused, as the body could not be checked */
	memcpy(sorted, k, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), key_cmp);
	for (i = 1; i < n && !dup; i++)
		dup = strcmp(sorted[i - 1], sorted[i]) == 0;
	free(sorted);
	return dup;
}

/*
 * Returns 1 if V, or any object at any depth inside it (in objects and
 * arrays), has a key twice.  Depth is bounded by json_depth_ok(), the
 * work by the body's size (n log n in the keys of an object).
 */
int
json_dup_keys(yajl_val v)
{
	size_t	 i;

	if (v == NULL)
		return 0;
	if (YAJL_IS_OBJECT(v)) {
		if (dup_in(v->u.object.keys, v->u.object.len))
			return 1;
		for (i = 0; i < v->u.object.len; i++)
			if (json_dup_keys(v->u.object.values[i]))
				return 1;
	} else if (YAJL_IS_ARRAY(v)) {
		for (i = 0; i < v->u.array.len; i++)
			if (json_dup_keys(v->u.array.values[i]))
				return 1;
	}
	return 0;
}

/* The member KEY of object V, or NULL (also when V is not an object). */
yajl_val
json_get(yajl_val v, const char *key)
{
	size_t	 i;

	if (v == NULL || !YAJL_IS_OBJECT(v))
		return NULL;
	for (i = 0; i < v->u.object.len; i++)
		if (strcmp(v->u.object.keys[i], key) == 0)
			return v->u.object.values[i];
	return NULL;
}

/* String member KEY, or NULL if absent, null or not a string. */
const char *
json_str(yajl_val v, const char *key)
{
	yajl_val m = json_get(v, key);

	return m != NULL && YAJL_IS_STRING(m) ? m->u.string : NULL;
}

/* Integer member KEY into *OUT.  Returns 1 if present and an integer. */
int
json_int(yajl_val v, const char *key, long long *out)
{
	yajl_val m = json_get(v, key);

	if (m == NULL || !YAJL_IS_INTEGER(m))
		return 0;
	*out = YAJL_GET_INTEGER(m);
	return 1;
}

/* Number member KEY (integer or decimal).  Returns 1 if present. */
int
json_num(yajl_val v, const char *key, double *out)
{
	yajl_val m = json_get(v, key);

	if (m == NULL || !YAJL_IS_NUMBER(m))
		return 0;
	*out = YAJL_IS_INTEGER(m) ? (double)YAJL_GET_INTEGER(m) :
	    YAJL_GET_DOUBLE(m);
	return 1;
}

/* Boolean member KEY.  Returns 1 if present and a boolean. */
int
json_bool(yajl_val v, const char *key, int *out)
{
	yajl_val m = json_get(v, key);

	if (m == NULL || !(YAJL_IS_TRUE(m) || YAJL_IS_FALSE(m)))
		return 0;
	*out = YAJL_IS_TRUE(m);
	return 1;
}

/* 1 if KEY is present (null included). */
int
json_has(yajl_val v, const char *key)
{
	return json_get(v, key) != NULL;
}

/* 1 if KEY is present and null. */
int
json_is_null(yajl_val v, const char *key)
{
	yajl_val m = json_get(v, key);

	return m != NULL && YAJL_IS_NULL(m);
}

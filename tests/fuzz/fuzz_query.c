/*
 * fuzz_query — the input as QUERY_STRING (cut at a NUL, as the environment
 * is; longer than ND_QUERY_MAX is answered 414 before any of this runs)
 * through req_query() with names and buffer sizes that production uses and
 * edge ones, req_query_int(), req_query_date() and req_paging().
 *
 * Properties: a found value fits its buffer, is strict UTF-8 and holds no
 * NUL; an integer answer is the default or within its range; a date answer
 * is a real date; an error is a 422 that renders.
 */
#include "fuzz.h"

static const char *const names[] = {
	"q", "limit", "offset", "date", "from", "to", "status", "", "a=b",
	"patient_id", "%71",
};

static void
check_error(struct req *r, int rc)
{
	char	*out = NULL;
	size_t	 len = 0;

	FZ_ASSERT(rc == 0 || rc == 422, "status %d", rc);
	if (rc == 0)
		return;
	FZ_ASSERT(req_render(r, rc, &out, &len) && len > 0, "render");
	free(out);
	jo_reset(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*q = fz_cstr(data, size), buf[300], date[11];
	size_t		 i, sizes[] = { 1, 11, 32, sizeof(buf) };
	size_t		 k;
	long long	 v, lim, off;
	int		 rc;

	if (strlen(q) > ND_QUERY_MAX) {
		free(q);
		return 0;
	}
	req_init(&r);
	r.method = METHOD_GET;
	r.query = q;
	for (i = 0; i < ND_NELEM(names); i++)
		for (k = 0; k < ND_NELEM(sizes); k++) {
			memset(buf, 'Z', sizeof(buf));
			rc = req_query(&r, names[i], buf, sizes[k]);
			FZ_ASSERT(rc >= -1 && rc <= 1, "req_query: %d", rc);
			if (rc == 1) {
				FZ_ASSERT(memchr(buf, '\0', sizes[k]) != NULL,
				    "value not terminated in its buffer");
				FZ_ASSERT(valid_utf8(buf, strlen(buf)),
				    "value not UTF-8");
			}
			FZ_ASSERT(sizes[k] == sizeof(buf) ||
			    buf[sizes[k]] == 'Z', "req_query wrote past SIZE");
		}
	rc = req_query_int(&r, "patient_id", -1, 1, INT64_MAX, &v);
	check_error(&r, rc);
	FZ_ASSERT(rc != 0 || v == -1 || v >= 1, "patient_id %lld", v);
	rc = req_query_int(&r, "q", 7, -1000, 1000, &v);
	check_error(&r, rc);
	FZ_ASSERT(rc != 0 || (v >= -1000 && v <= 1000), "q %lld", v);
	rc = req_query_int(&r, "status", 0, INT64_MIN, INT64_MAX, &v);
	check_error(&r, rc);
	rc = req_paging(&r, &lim, &off);
	check_error(&r, rc);
	FZ_ASSERT(rc != 0 || (lim >= 1 && lim <= ND_LIST_MAX && off >= 0 &&
	    off <= 1000000000), "paging %lld %lld", lim, off);
	memset(date, 'Z', sizeof(date));
	rc = req_query_date(&r, "date", date);
	check_error(&r, rc);
	FZ_ASSERT(rc != 0 || valid_date(date), "date %.11s", date);
	rc = req_query_date(&r, "from", date);
	check_error(&r, rc);
	FZ_ASSERT(rc != 0 || valid_date(date), "from %.11s", date);
	req_free(&r);
	free(q);
	return 0;
}

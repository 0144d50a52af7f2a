/*
 * fuzz_items — payment_items_check() of cgi-bin/lib/payment.c (the lines
 * of a bill, POST /api/payments "items") on "AMOUNT\nITEMS": ITEMS read as
 * a JSON value by yajl, as the body's "items" member arrives; AMOUNT the
 * payment's amount_paise (an empty first line: the sum of the lines'
 * amounts, so that the accepting path is reached).  As in billing.c the
 * field table has already bounded the list to PAYMENT_ITEMS_MAX lines.
 *
 * Properties: the answer is 0 or 422; accepted with lines means every line
 * is an object with a description of 1 to 100 characters once trimmed and
 * an amount_paise in 1..PAYMENT_AMOUNT_MAX, and the amounts add up to
 * AMOUNT; a 422 names "items" or "items[i]." in the one error shape
 * (req_render: a Status line, a blank line, a JSON object with "error"),
 * and an "items_total" refusal is only for lines that do not add up.
 */
#include "fuzz.h"
#include "payment.h"

/* The rendered answer of R for STATUS: the one error shape. */
static void
check_error(struct req *r, int status)
{
	char		*out = NULL, *copy, err[128];
	const char	*body;
	size_t		 len = 0, blen;
	yajl_val	 v;

	if (!req_render(r, status, &out, &len))
		fz_fail("req_render failed for status %d", status);
	FZ_ASSERT(len > 12 && memcmp(out, "Status: 422", 11) == 0,
	    "the answer does not start with Status: 422");
	body = memmem(out, len, "\r\n\r\n", 4);
	FZ_ASSERT(body != NULL, "the answer has no blank line");
	body += 4;
	blen = len - (size_t)(body - out);
	FZ_ASSERT(valid_utf8(body, blen), "the answer is not strict UTF-8");
	copy = fz_cstr((const uint8_t *)body, blen);
	FZ_ASSERT(strlen(copy) == blen, "the answer holds a NUL");
	v = yajl_tree_parse(copy, err, sizeof(err));
	FZ_ASSERT(v != NULL && YAJL_IS_OBJECT(v), "the answer is not a JSON "
	    "object: %s", err);
	FZ_ASSERT(json_get(v, "error") != NULL, "the answer has no \"error\"");
	yajl_tree_free(v);
	free(copy);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*s = fz_cstr(data, size), *line[2], err[128], *end;
	const char	*buf, *d;
	yajl_val	 items, it;
	long long	 amount, sum = 0, v;
	size_t		 i, len;
	int		 rc, lines_ok = 1;

	fz_lines(s, line, 2);
	if (line[1] == NULL ||
	    (items = yajl_tree_parse(line[1], err, sizeof(err))) == NULL) {
		free(s);
		return 0;
	}
	if (YAJL_IS_ARRAY(items) && items->u.array.len > PAYMENT_ITEMS_MAX) {
		yajl_tree_free(items);
		free(s);
		return 0;
	}
	/* What the lines add up to where each has a whole amount in range. */
	for (i = 0; YAJL_IS_ARRAY(items) && i < items->u.array.len; i++) {
		it = items->u.array.values[i];
		if (YAJL_IS_OBJECT(it) && json_int(it, "amount_paise", &v) &&
		    v >= 1 && v <= PAYMENT_AMOUNT_MAX)
			sum += v;
		else
			lines_ok = 0;
	}
	if (line[0][0] == '\0')
		amount = sum;
	else {
		amount = strtoll(line[0], &end, 10);
		if (amount < 1 || amount > PAYMENT_AMOUNT_MAX)
			amount = 1;	/* the field table's range */
	}

	req_init(&r);
	rc = payment_items_check(&r, items, amount);
	FZ_ASSERT(rc == 0 || rc == 422, "status %d", rc);
	if (rc == 0 && YAJL_IS_ARRAY(items) && items->u.array.len > 0) {
		FZ_ASSERT(lines_ok, "a line without a whole amount in range was "
		    "accepted");
		FZ_ASSERT(sum == amount, "accepted lines of %lld for %lld", sum,
		    amount);
		for (i = 0; i < items->u.array.len; i++) {
			it = items->u.array.values[i];
			d = json_str(it, "description");
			FZ_ASSERT(d != NULL && fz_trimmed_chars(d) >= 1 &&
			    fz_trimmed_chars(d) <= 100, "line %zu's description "
			    "accepted", i);
		}
	}
	if (rc == 422) {
		FZ_ASSERT(jo_text(&r, &buf, &len), "a 422 without a body");
		FZ_ASSERT(memmem(buf, len, "\"field\":\"items", 14) != NULL,
		    "a 422 that does not name items");
		if (memmem(buf, len, "\"code\":\"items_total\"", 20) != NULL)
			FZ_ASSERT(lines_ok && sum != amount, "items_total for "
			    "lines of %lld that add up to %lld", sum, amount);
		check_error(&r, rc);
	}
	req_free(&r);
	yajl_tree_free(items);
	free(s);
	return 0;
}

/*
 * payment.c — the check of a bill's lines (payment.h): POST /api/payments
 * "items", each line's description and amount_paise by its field table,
 * and their sum against the payment's amount.  Needs a request only to
 * render its refusal; tests/fuzz/fuzz_items drives it.
 */
#include <stdio.h>

#include "nd.h"
#include "payment.h"

/* One line of a bill (POST /api/payments "items"). */
static const struct field item_fields[] = {
	{ "description", FT_STRING, F_REQUIRED, 1, 100, NULL, NULL, NULL },
	{ "amount_paise", FT_INT, F_REQUIRED, 1, PAYMENT_AMOUNT_MAX, NULL, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/*
 * Checks the lines of a bill ITEMS (NULL, or a list the field table has
 * bounded) against item_fields and that they add up to AMOUNT.
 * Returns 0, or 422 naming the line's field or "items".
 */
int
payment_items_check(struct req *r, yajl_val items, long long amount)
{
	char		 path[32], want[32], got[32];
	long long	 sum = 0, v;
	size_t		 i;
	int		 rc;

	if (items == NULL || !YAJL_IS_ARRAY(items) || items->u.array.len == 0)
		return 0;
	for (i = 0; i < items->u.array.len; i++) {
		snprintf(path, sizeof(path), "items[%zu]", i);
		if ((rc = valid_object(r, items->u.array.values[i],
		    item_fields, path)) != 0)
			return rc;
		json_int(items->u.array.values[i], "amount_paise", &v);
		sum += v;	/* at most 20 lines of 10^7: no overflow */
	}
	if (sum != amount) {
		snprintf(want, sizeof(want), "%lld.%02lld", amount / 100,
		    amount % 100);
		snprintf(got, sizeof(got), "%lld.%02lld", sum / 100, sum % 100);
		return http_errorf(r, 422, "items_total", "items",
		    "The lines add up to Rs %s, not the amount Rs %s.", got,
		    want);
	}
	return 0;
}

/*
 * payment.h — a payment (receipt): the rules that more than one program
 * relies on.
 *
 * The billing program takes, lists, reprints and voids payments and
 * writes the reports (cgi-bin/billing.c holds the statements that write
 * one, but for the admin tool's import of the old NalamDesk's payments,
 * cgi-bin/tool/import.c).  Other programs read them: the queue's paid
 * marker, exports.  A
 * payment is never changed or deleted (triggers refuse it); a mistake is
 * voided by the admin with a reason.  A voided payment keeps its receipt
 * number and stays listed, but it is not money taken: every sum or count
 * of payments, in any program, counts only the rows where PAYMENT_COUNTS
 * holds, e.g.
 *	"SELECT sum(amount_paise) FROM payments WHERE day = ?1 AND "
 *	    PAYMENT_COUNTS
 * (PAYMENT_COUNTS_Y when the table is aliased y).
 */
#ifndef PAYMENT_H
#define PAYMENT_H

/* The payments that count as money taken: those not voided. */
#define PAYMENT_COUNTS		"(voided_at IS NULL)"
#define PAYMENT_COUNTS_Y	"(y.voided_at IS NULL)"

/*
 * The receipt number of a new payment: the next after the highest, as
 * "INSERT INTO payments (receipt_no, ...) SELECT " PAYMENT_NEXT_RECEIPT
 * ", ... FROM payments", under the write lock (db_begin), so that two
 * payments never get one number.
 */
#define PAYMENT_NEXT_RECEIPT	"coalesce(max(receipt_no), 0) + 1"

/* The most one payment, or one line of a bill, may be: 1,00,000 rupees. */
#define PAYMENT_AMOUNT_MAX	10000000LL	/* paise */
/* The most lines one bill has. */
#define PAYMENT_ITEMS_MAX	20
/* The ways a payment is made (FT_ENUM). */
#define PAYMENT_MODES		"cash,upi,card"

#include <yajl/yajl_tree.h>

struct req;

/* payment.c */
int	 payment_items_check(struct req *, yajl_val, long long);

#endif /* PAYMENT_H */

/*
 * lib_listed.c — a listing's audit ids (audit_listing(), jo_listed()):
 * the patient of each row written, found by the column "patient.id",
 * else "patient_id", else column 0; each patient once, in the order first
 * written; NULL none; past ND_AUDIT_IDS only counted; nothing noted
 * outside a listing.
 */
#include <string.h>

#include "nd.h"
#include "unit.h"

static sqlite3_stmt *
prep(const char *sql)
{
	sqlite3_stmt	*s = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	return s;
}

/* R's noted ids are the N of WANT. */
static int
noted(const struct req *r, const long long *want, size_t n)
{
	size_t	 i;

	if (r->nlisted != n)
		return 0;
	for (i = 0; i < n; i++)
		if (r->listed[i] != want[i])
			return 0;
	return 1;
}

int
main(void)
{
	static struct req	 r;
	sqlite3_stmt		*nested, *flat, *own, *many;
	long long		 n;
	static const long long	 w1[] = { 7, 3, 9 }, w2[] = { 7, 3, 9, 12 },
				 w3[] = { 5, 6 };

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 1;
	/* A queue's rows: the entry's id first, its patient nested. */
	nested = prep("SELECT 100 AS id, 7 AS \"patient.id\", 'A' AS"
	    " \"patient.name\" UNION ALL SELECT 101, 3, 'B' UNION ALL"
	    " SELECT 102, 7, 'A' UNION ALL SELECT 103, NULL, NULL"
	    " UNION ALL SELECT 104, 9, 'C'");
	/* A payment's: its patient_id beside its own id. */
	flat = prep("SELECT 200 AS id, 3 AS patient_id UNION ALL"
	    " SELECT 201, 12");
	/* A patient's own rows. */
	own = prep("SELECT 5 AS id, 'x' AS name UNION ALL SELECT 6, 'y'");
	many = prep("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
	    " FROM n WHERE i < 1010) SELECT i AS id FROM n");
	CHECK("statements", nested != NULL && flat != NULL && own != NULL &&
	    many != NULL);

	req_init(&r);
	jo_open(&r);
	CHECK("outside a listing nothing is noted",
	    jo_rows(&r, "x", nested) == SQLITE_OK && r.nlisted == 0);
	audit_listing(&r);
	CHECK("rows with a nested patient: patient.id, each once, no NULL",
	    jo_rows(&r, "q", nested) == SQLITE_OK && noted(&r, w1, 3));
	CHECK("then patient_id, in the same listing",
	    jo_rows_max(&r, flat, 1000, &n) == SQLITE_OK && noted(&r, w2, 4));
	req_free(&r);

	req_init(&r);
	audit_listing(&r);
	jo_open(&r);
	CHECK("a patient's own row: column 0",
	    jo_rows(&r, "p", own) == SQLITE_OK && noted(&r, w3, 2));
	audit_listed(&r, 6);
	audit_listed(&r, 0);
	audit_listed(&r, -1);
	CHECK("audit_listed: once, and only an id", noted(&r, w3, 2));
	req_free(&r);

	req_init(&r);
	audit_listing(&r);
	jo_open(&r);
	CHECK("past ND_AUDIT_IDS: counted, not named",
	    jo_rows(&r, "p", many) == SQLITE_OK && r.nlisted == ND_AUDIT_IDS &&
	    r.listed[ND_AUDIT_IDS - 1] == ND_AUDIT_IDS &&
	    r.nunlisted == 1010 - ND_AUDIT_IDS);
	req_free(&r);

	sqlite3_finalize(nested);
	sqlite3_finalize(flat);
	sqlite3_finalize(own);
	sqlite3_finalize(many);
	sqlite3_close(db);
	UNIT_END();
}

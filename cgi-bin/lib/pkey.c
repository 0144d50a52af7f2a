/*
 * pkey.c — patients' sound keys, filled in bulk (pkey.h).
 */
#include <string.h>

#include "nd.h"
#include "phonetic.h"
#include "pkey.h"

#define PKEY_BATCH	10000	/* patients a transaction (a commit is an fsync) */

enum stmt {
	STMT_NEXT,
	STMT_SET,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_NEXT: ?1 every patient (1) or the keyless only; after id ?2 */
	"SELECT id, name FROM patients WHERE id > ?2"
	" AND (?1 OR name_key IS NULL) ORDER BY id LIMIT ?3",
	/* STMT_SET */
	"UPDATE patients SET name_key = ?2 WHERE id = ?1",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "pkey sql");
static sqlite3_stmt *st[STMT__MAX];

/*
 * One batch after id *LAST: keys of up to PKEY_BATCH patients, in one
 * transaction.  Returns the keys written (0: none left), or -1.
 */
static long long
pkey_batch(int all, long long *last)
{
	char		 key[PHON_KEY_MAX];
	const char	*name;
	long long	 n = 0, id;
	int		 rc;

	if (db_begin() != SQLITE_OK)
		return -1;
	db_bind_int(st[STMT_NEXT], 1, all);
	db_bind_int(st[STMT_NEXT], 2, *last);
	db_bind_int(st[STMT_NEXT], 3, PKEY_BATCH);
	while ((rc = db_step(st[STMT_NEXT])) == SQLITE_ROW) {
		id = sqlite3_column_int64(st[STMT_NEXT], 0);
		name = (const char *)sqlite3_column_text(st[STMT_NEXT], 1);
		*last = id;
		/* A name phon_key() cannot read keeps what it could (or an
		 * empty key): it is still found as written, and not read
		 * again. */
		key[0] = '\0';
		if (name != NULL)
			(void)phon_key(name, key, sizeof(key));
		db_bind_int(st[STMT_SET], 1, id);
		db_bind_text(st[STMT_SET], 2, key);
		if (db_run(st[STMT_SET]) != SQLITE_OK) {
			rc = SQLITE_ERROR;
			break;
		}
		n++;
	}
	db_reset(st[STMT_NEXT]);
	if (rc != SQLITE_DONE) {
		db_rollback();
		return -1;
	}
	if (db_commit() != SQLITE_OK)
		return -1;
	return n;
}

long long
pkey_fill(int all)
{
	long long	 total = 0, n, last = 0;

	if (!db_prepare_all(sql, STMT__MAX, st))
		return -1;
	while ((n = pkey_batch(all, &last)) > 0)
		total += n;
	db_finalize_all(st, STMT__MAX);
	return n < 0 ? -1 : total;
}

/*
 * changes.c — the change log's epoch (changes.h): its statements.
 *
 * The epoch is 16 random hex digits made by SQLite (randomblob), stored
 * in the one row of sync_epoch.  changes_new_epoch() runs in the caller's
 * transaction: the restore's, so that the restored database and its new
 * epoch appear together.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "changes.h"

enum stmt {
	STMT_EPOCH,
	STMT_NEW_EPOCH,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_EPOCH */
	"SELECT epoch FROM sync_epoch WHERE id = 1",
	/* STMT_NEW_EPOCH */
	"UPDATE sync_epoch SET epoch = lower(hex(randomblob(8))) WHERE id = 1",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "changes sql");
static sqlite3_stmt *st[STMT__MAX];

int
changes_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
changes_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

/*
 * Reads the cursor TEXT (untrusted: a query parameter): "<epoch>.<seq>",
 * the epoch 16 lower-case hex digits, the seq a decimal integer 0 to
 * 2^53-1 without sign or leading zero (but "0").  Returns CURSOR_OK with
 * the seq in *SEQ when the epoch is EPOCH, CURSOR_OTHER_EPOCH when it is
 * another, CURSOR_BAD for anything else.
 */
enum cursor_parse
changes_cursor(const char *text, const char *epoch, long long *seq)
{
	const char	*s = text + CHANGES_EPOCH_LEN + 1;
	char		*ep;
	long long	 v;

	*seq = 0;
	if (strlen(text) < CHANGES_EPOCH_LEN + 2 ||
	    strspn(text, "0123456789abcdef") != CHANGES_EPOCH_LEN ||
	    text[CHANGES_EPOCH_LEN] != '.' ||
	    strspn(s, "0123456789") != strlen(s) || strlen(s) > 16 ||
	    (s[0] == '0' && s[1] != '\0'))
		return CURSOR_BAD;
	errno = 0;
	v = strtoll(s, &ep, 10);
	if (errno != 0 || *ep != '\0' || v > ID_MAX)
		return CURSOR_BAD;
	if (strncmp(text, epoch, CHANGES_EPOCH_LEN) != 0)
		return CURSOR_OTHER_EPOCH;
	*seq = v;
	return CURSOR_OK;
}

/*
 * The database's epoch into OUT (CHANGES_EPOCH_LEN + 1 bytes).
 * Returns SQLITE_OK or the error.
 */
int
changes_epoch(char *out)
{
	sqlite3_stmt	*s = st[STMT_EPOCH];
	const unsigned char *v;
	int		 rc;

	if ((rc = db_step(s)) == SQLITE_ROW) {
		v = sqlite3_column_text(s, 0);
		snprintf(out, CHANGES_EPOCH_LEN + 1, "%s",
		    v != NULL ? (const char *)v : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_CORRUPT;	/* the migration made the row */
	db_reset(s);
	return rc;
}

/*
 * Gives the database a new epoch, inside the caller's transaction: after
 * a restore.  Prepares its statement itself when changes_init() was not
 * called (the admin tool).  Returns SQLITE_OK or the error.
 */
int
changes_new_epoch(void)
{
	sqlite3_stmt	*s = st[STMT_NEW_EPOCH];
	int		 rc;

	if (s != NULL)
		return db_run(s);
	if ((rc = sqlite3_prepare_v2(db, sql[STMT_NEW_EPOCH], -1, &s,
	    NULL)) != SQLITE_OK)
		return rc;
	rc = db_run(s);
	sqlite3_finalize(s);
	return rc;
}

/*
 * names.c — the tool's one-time steps after the migrations (the table
 * pending_steps), and the one it knows: 'normalise_names', which brings
 * every patient's and staff member's name stored before names were
 * checked into the form new ones are stored in (lib/text.c: NFKC, white
 * space collapsed, refused characters taken out).  A name that would be
 * left empty keeps what it had, and is counted.  Run in one transaction
 * with the removal of the step, so it runs once, whole or not at all.
 * A patient whose name changes gets a new version, like any edit, and
 * loses its sound key, which the tool makes anew right after (pkey.c).
 */
#include <stdio.h>
#include <string.h>

#include "nd.h"
#include "text.h"
#include "users.h"
#include "tool.h"

enum stmt {
	STMT_PENDING,
	STMT_PATIENTS,
	STMT_PATIENT_SET,
	STMT_DONE,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_PENDING */
	"SELECT 1 FROM pending_steps WHERE name = 'normalise_names'",
	/* STMT_PATIENTS */
	"SELECT id, name FROM patients ORDER BY id",
	/* STMT_PATIENT_SET: the sound key is made anew from the new name
	 * (pkey_fill(), right after) */
	"UPDATE patients SET name = ?2, name_key = NULL, version = version + 1,"
	" updated_at = ?3 WHERE id = ?1",
	/* STMT_DONE */
	"DELETE FROM pending_steps WHERE name = 'normalise_names'",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "names sql");

/*
 * NAME in the form of lib/text.c into OUT of SIZE, refused characters
 * taken out one by one.  Returns 1 when OUT differs from NAME, 0 when it
 * is the same or cannot be made (it keeps NAME).
 */
static int
renamed(const char *name, char *out, size_t size)
{
	return text_clean(name, out, size) == 1 && out[0] != '\0' &&
	    strcmp(out, name) != 0;
}

/*
 * Normalises the patients' names: rows of LIST, written by SET, each
 * audited "patient.name_normalised" with the patient (the staff's names:
 * users_rename_all(), the accounts module's).
 */
static int
patient_names(sqlite3_stmt *list, sqlite3_stmt *set, const char *now,
    long long *changed)
{
	char		 out[2048];
	const char	*name;
	int		 rc;

	while ((rc = db_step(list)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(list, 1);
		if (name == NULL || !renamed(name, out, sizeof(out)))
			continue;
		db_bind_int(set, 1, sqlite3_column_int64(list, 0));
		db_bind_text(set, 2, out);
		db_bind_text(set, 3, now);
		if ((rc = db_run(set)) != SQLITE_OK ||
		    (rc = audit_operator(TOOL_NAME, "patient.name_normalised",
		    "patient", sqlite3_column_int64(list, 0),
		    sqlite3_column_int64(list, 0))) != SQLITE_OK)
			break;
		(*changed)++;
	}
	db_reset(list);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Runs the pending steps of the open database (after tool_migrate()).
 * Returns EXIT_OK or EXIT_FAIL; QUIET: says nothing when all went well.
 */
int
tool_pending_steps(int quiet)
{
	sqlite3_stmt	*st[STMT__MAX] = { NULL };
	char		 now[21];
	long long	 changed = 0;
	int		 rc = SQLITE_ERROR, ok = EXIT_FAIL;

	if (db_int_sql("SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'table' AND name = 'pending_steps'", 0) != 1)
		return EXIT_OK;		/* a database older than the steps */
	if (!db_prepare_all(sql, STMT__MAX, st))
		goto out;
	if (db_int1(st[STMT_PENDING], 0) != 1) {
		ok = EXIT_OK;
		goto out;
	}
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		goto out;
	if ((rc = patient_names(st[STMT_PATIENTS], st[STMT_PATIENT_SET], now,
	    &changed)) != SQLITE_OK ||
	    (rc = users_rename_all(renamed, now, &changed)) != SQLITE_OK ||
	    (rc = db_run(st[STMT_DONE])) != SQLITE_OK ||
	    (rc = db_commit()) != SQLITE_OK) {
		db_rollback();
		goto out;
	}
	ok = EXIT_OK;
	if (!quiet || changed > 0)
		printf("names in normal form: %lld changed\n", changed);
out:
	if (ok != EXIT_OK)
		fprintf(stderr, "nalamdesk-admin: the names could not be put "
		    "in normal form (%s); run migrate again\n",
		    db != NULL ? sqlite3_errmsg(db) : "no database");
	db_finalize_all(st, STMT__MAX);
	return ok;
}

/*
 * audit.c — the append-only audit trail: who (user, role, client IP) did
 * what (action) to which record (entity, id, patient) and when.
 *
 * A write is audited inside its own transaction, so both land or neither.
 * A read has no transaction of its own; its audit row is written in a
 * short one with synchronous=NORMAL: it survives a crash of the process
 * (it is in the WAL), and the next synchronous=FULL commit makes it durable
 * against power loss too, without an fsync on every read.
 */
#include "nd.h"

enum stmt {
	STMT_AUDIT_ADD,
	STMT_SYNC_NORMAL,
	STMT_SYNC_FULL,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_AUDIT_ADD */
	"INSERT INTO audit (ts, user_id, username, role, ip, action, entity,"
	" entity_id, patient_id) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ'),"
	" ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* STMT_SYNC_NORMAL */
	"PRAGMA synchronous = NORMAL",
	/* STMT_SYNC_FULL */
	"PRAGMA synchronous = FULL",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "audit sql");
static sqlite3_stmt *st[STMT__MAX];

int
audit_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
audit_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

static int
audit_insert(struct req *r, const char *action, const char *entity,
    long long entity_id, long long patient_id)
{
	sqlite3_stmt	*s = st[STMT_AUDIT_ADD];
	int		 rc;

	if (r->user.id > 0) {
		db_bind_int(s, 1, r->user.id);
		db_bind_text(s, 2, r->user.username);
		db_bind_text(s, 3, role_names[r->user.role]);
	}
	db_bind_text(s, 4, r->remote_addr);
	db_bind_text(s, 5, action);
	db_bind_text(s, 6, entity);
	if (entity_id > 0)
		db_bind_int(s, 7, entity_id);
	if (patient_id > 0)
		db_bind_int(s, 8, patient_id);
	rc = db_step(s);
	db_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Appends one audit row for ACTION (e.g. "patient.read") on ENTITY with
 * ENTITY_ID and PATIENT_ID (0: none).  Inside an open transaction the row
 * joins it; otherwise it is written as described above.
 * Returns SQLITE_OK or the error.
 */
int
audit(struct req *r, const char *action, const char *entity,
    long long entity_id, long long patient_id)
{
	int	 rc;

	if (!sqlite3_get_autocommit(db))
		return audit_insert(r, action, entity, entity_id, patient_id);
	db_step(st[STMT_SYNC_NORMAL]);
	sqlite3_reset(st[STMT_SYNC_NORMAL]);
	if ((rc = db_begin()) == SQLITE_OK) {
		if ((rc = audit_insert(r, action, entity, entity_id,
		    patient_id)) == SQLITE_OK)
			rc = db_commit();
		else
			db_rollback();
	}
	db_step(st[STMT_SYNC_FULL]);
	sqlite3_reset(st[STMT_SYNC_FULL]);
	return rc;
}

/*
 * users.c — staff accounts (users.h): their statements and their rules.
 *
 * Every new password, whoever sets it (an admin creating or resetting an
 * account, a user changing their own, the operator's `nalamdesk-admin
 * user add/passwd`), passes through users_new_password() (userspw.c, so
 * that only the programs that set passwords link libpwquality) before it
 * is stored: that is where a rule on passwords goes.  Hashing (argon2id,
 * ~0.2 s) happens there, before the caller's write transaction, so the
 * write lock is never held for it.
 *
 * Wrong passwords (at sign-in, and the current password of a password
 * change) are counted and locked per (username, client address) here:
 * see users_locked() below.
 *
 * Invariants kept inside the caller's write transaction, so that two
 * admins cannot break them together: the clinic always has an active
 * admin, and an admin cannot deactivate themselves.  A new password and a
 * deactivation end the user's sessions.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nd.h"
#include "users.h"

/* The columns of a user as every user route answers it (never the hash). */
#define USER_COLS \
	"u.id, u.username, u.name, u.role," \
	" CASE u.active WHEN 1 THEN 'true' ELSE 'false' END AS \"@active\"," \
	" u.version, u.created_at, u.updated_at, u.language," \
	" (SELECT a.ts FROM audit a WHERE a.user_id = u.id" \
	" AND a.action = 'auth.login' ORDER BY a.ts DESC LIMIT 1) AS last_login_at," \
	" (SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(f.locked_until), 'unixepoch')" \
	" FROM login_failures f WHERE f.username = u.username" \
	" AND f.locked_until > CAST(strftime('%s', 'now') AS INTEGER))" \
	" AS locked_until," \
	" CASE WHEN EXISTS (SELECT 1 FROM login_failures f" \
	" WHERE f.username = u.username" \
	" AND f.locked_until > CAST(strftime('%s', 'now') AS INTEGER))" \
	" THEN 'true' ELSE 'false' END AS \"@locked\""

enum stmt {
	STMT_LIST,
	STMT_GET,
	STMT_STATE,
	STMT_ADD,
	STMT_UPDATE,
	STMT_SET_PASSWORD,
	STMT_ADMINS_ACTIVE,
	STMT_ID,
	STMT_NAME,
	STMT_COUNT,
	STMT_LOCKED,
	STMT_FAILED,
	STMT_FAILED_PRUNE,
	STMT_CLEAR,
	STMT_UNLOCK,
	STMT_IMPORT,
	STMT_IMPORTED,
	STMT_LANGUAGE,
	STMT_SET_LANGUAGE,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_LIST */
	"SELECT " USER_COLS " FROM users u ORDER BY u.username"
	" LIMIT ?1 OFFSET ?2",
	/* STMT_GET */
	"SELECT " USER_COLS " FROM users u WHERE u.id = ?1",
	/* STMT_STATE: what a change checks before it writes */
	"SELECT role, active, version FROM users WHERE id = ?1",
	/* STMT_ADD */
	"INSERT INTO users (username, name, role, password_hash, created_at,"
	" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
	/* STMT_UPDATE: NULL leaves a column as it is */
	"UPDATE users SET name = coalesce(?3, name), role = coalesce(?4, role),"
	" active = coalesce(?5, active),"
	" password_hash = coalesce(?6, password_hash),"
	" version = version + 1, updated_at = ?7"
	" WHERE id = ?1 AND version = ?2",
	/* STMT_SET_PASSWORD: ?4 = 1 also makes the account active again */
	"UPDATE users SET password_hash = ?2, version = version + 1,"
	" updated_at = ?3, active = CASE WHEN ?4 THEN 1 ELSE active END"
	" WHERE id = ?1",
	/* STMT_ADMINS_ACTIVE */
	"SELECT count(*) FROM users WHERE role = 'admin' AND active = 1",
	/* STMT_ID */
	"SELECT id FROM users WHERE username = ?1",
	/* STMT_NAME */
	"SELECT username FROM users WHERE id = ?1",
	/* STMT_COUNT */
	"SELECT count(*) FROM users",
	/* STMT_LOCKED: ?3 now; the pair's lock, else the old per-username one */
	"SELECT max(locked_until) FROM login_failures WHERE username = ?1"
	" AND ip IN (?2, '*') AND locked_until > ?3",
	/* STMT_FAILED: ?3 now, ?4 failures that lock, ?5 the window and the
	 * lock (seconds).  A window that has passed starts again; the
	 * ?4-th failure inside one locks the pair and starts the count anew. */
	"INSERT INTO login_failures (username, ip, failures, window_start,"
	" locked_until) VALUES (?1, ?2, 1, ?3, CASE WHEN ?4 <= 1 THEN ?3 + ?5"
	" ELSE 0 END) ON CONFLICT (username, ip) DO UPDATE SET"
	" failures = CASE WHEN window_start + ?5 <= ?3 THEN 1"
	" WHEN failures + 1 >= ?4 THEN 0 ELSE failures + 1 END,"
	" locked_until = CASE WHEN window_start + ?5 > ?3 AND failures + 1 >= ?4"
	" THEN ?3 + ?5 ELSE locked_until END,"
	" window_start = CASE WHEN window_start + ?5 <= ?3 OR failures + 1 >= ?4"
	" THEN ?3 ELSE window_start END",
	/* STMT_FAILED_PRUNE: ?1 now, ?2 the window and the lock (seconds),
	 * ?3 rows at most: pairs neither locked nor in a window count for
	 * nothing (STMT_FAILED starts them anew), so they go */
	"DELETE FROM login_failures WHERE (username, ip) IN (SELECT username, ip"
	" FROM login_failures WHERE locked_until <= ?1 AND window_start + ?2 <= ?1"
	" LIMIT ?3)",
	/* STMT_CLEAR: a success from that address */
	"DELETE FROM login_failures WHERE username = ?1 AND ip = ?2",
	/* STMT_UNLOCK: every address */
	"DELETE FROM login_failures WHERE username = ?1",
	/*
	 * STMT_IMPORT: an account brought from another program, inactive and
	 * with a password hash no password matches ("!" is no argon2 encoding):
	 * an admin gives it a password (users_set_password()) to open it.
	 */
	"INSERT INTO users (username, name, role, password_hash, active,"
	" created_at, updated_at, import_id, old_id)"
	" VALUES (?1, ?2, ?3, '!', 0, ?4, ?4, ?5, ?6) RETURNING id",
	/* STMT_IMPORTED: the account import ?1 made of old id ?2 */
	"SELECT id FROM users WHERE import_id = ?1 AND old_id = ?2",
	/* STMT_LANGUAGE */
	"SELECT language FROM users WHERE id = ?1",
	/* STMT_SET_LANGUAGE: the screens' language; no version of its own */
	"UPDATE users SET language = ?2, updated_at = ?3 WHERE id = ?1",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "users sql");
static sqlite3_stmt *st[STMT__MAX];

int
users_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
users_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

/*
 * Steps insert S (bound; it returns the new row's id), its id into *ID.
 * Returns SQLITE_OK, SQLITE_CONSTRAINT when the username is taken, or the
 * error.
 */
static int
insert_id(sqlite3_stmt *s, long long *id)
{
	int	 rc;

	if ((rc = db_step(s)) == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	db_reset(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return SQLITE_CONSTRAINT;
	return rc == SQLITE_ROW ? SQLITE_OK : rc == SQLITE_DONE ?
	    SQLITE_ERROR : rc;
}

/*
 * Adds user USERNAME (NAME, ROLE, password HASH from users_new_password())
 * inside the caller's write transaction; its id into *ID.  Returns
 * SQLITE_OK, SQLITE_CONSTRAINT when the username is taken, or the error.
 */
int
users_create(const char *username, const char *name, const char *role,
    const char *hash, long long *id)
{
	sqlite3_stmt	*s = st[STMT_ADD];
	char		 now[21];

	db_now(now);
	db_bind_text(s, 1, username);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, role);
	db_bind_text(s, 4, hash);
	db_bind_text(s, 5, now);
	return insert_id(s, id);
}

/*
 * Adds the account that import IMPORT_ID found as OLD_ID in the other
 * program's database: USERNAME, NAME, ROLE, created at CREATED (UTC), but
 * inactive and without a password (STMT_IMPORT says why), inside the
 * caller's write transaction; its id into *ID.  Returns SQLITE_OK,
 * SQLITE_CONSTRAINT when the username is taken, or the error.
 */
int
users_import(const char *username, const char *name, const char *role,
    const char *created, long long import_id, long long old_id,
    long long *id)
{
	sqlite3_stmt	*s = st[STMT_IMPORT];

	db_bind_text(s, 1, username);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, role);
	db_bind_text(s, 4, created);
	db_bind_int(s, 5, import_id);
	db_bind_int(s, 6, old_id);
	return insert_id(s, id);
}

/* The id of the account import IMPORT_ID made of OLD_ID, or 0. */
long long
users_imported(long long import_id, long long old_id)
{
	sqlite3_stmt	*s = st[STMT_IMPORTED];

	db_bind_int(s, 1, import_id);
	db_bind_int(s, 2, old_id);
	return db_int1(s, 0);
}

/*
 * Sets user ID's password HASH (from users_new_password()) inside the
 * caller's write transaction and ends every session of the user but
 * KEEP (0: none); REACTIVATE makes the account active again (the
 * operator's recovery).  Returns SQLITE_OK, SQLITE_NOTFOUND, or the error.
 */
/* Binds and steps its own statement like users_create(): one function a
 * statement, as everywhere (style.md 5). */
int
users_set_password(long long id, const char *hash, int reactivate,
    long long keep)
{
	sqlite3_stmt	*s = st[STMT_SET_PASSWORD];
	char		 now[21];
	int		 rc;

	db_now(now);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, hash);
	db_bind_text(s, 3, now);
	db_bind_int(s, 4, reactivate != 0);
	if ((rc = db_run(s)) != SQLITE_OK)
		return rc;
	if (sqlite3_changes(db) != 1)
		return SQLITE_NOTFOUND;
	return auth_sessions_end_user(id, keep);
}

/* The id of USERNAME: >0, 0 no such user, or -rc. */
long long
users_id(const char *username)
{
	sqlite3_stmt	*s = st[STMT_ID];
	long long	 id = 0;
	int		 rc;

	db_bind_text(s, 1, username);
	if ((rc = db_step(s)) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	db_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? id : -(long long)rc;
}

/*
 * The username of user ID into BUF of SIZE.  Returns 1, 0 no such user,
 * or -rc.
 */
int
users_name(long long id, char *buf, size_t size)
{
	sqlite3_stmt	*s = st[STMT_NAME];
	int		 rc;

	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) == SQLITE_ROW)
		snprintf(buf, size, "%s",
		    (const char *)sqlite3_column_text(s, 0));
	db_reset(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -rc;
}

/* The number of accounts, or -1. */
long long
users_count(void)
{
	return db_int1(st[STMT_COUNT], -1);
}

/* Writes {"user": {...}} for user ID into R.  Returns 200, or 404. */
int
users_reply(struct req *r, long long id)
{
	sqlite3_stmt	*s = st[STMT_GET];
	int		 rc;

	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		jo_open(r);
		jo_key(r, "user");
		jo_row(r, s);
		jo_close(r);
	}
	db_reset(s);
	if (rc == SQLITE_ROW)
		return 200;
	if (rc == SQLITE_DONE)
		return http_error(r, 404, "not_found", "There is no such user.",
		    NULL);
	return db_fail(r, rc);
}

/*
 * Writes a page of users by username (LIMIT, OFFSET) as array KEY into
 * R's open object.  Returns SQLITE_OK or the error.
 */
int
users_list(struct req *r, const char *key, long long limit, long long offset)
{
	sqlite3_stmt	*s = st[STMT_LIST];

	db_bind_int(s, 1, limit);
	db_bind_int(s, 2, offset);
	return jo_rows(r, key, s);
}

/*
 * Changes user ID at VERSION inside the caller's write transaction: NAME,
 * ROLE, HASH (from users_new_password()) when not NULL, ACTIVE when
 * HAS_ACTIVE; R's user is the one asking.  Deactivating or a new password
 * ends the user's sessions (but the asker's own).  Audited "user.update",
 * and "user.password_reset", "user.deactivate".  Returns 0 done; 404,
 * 409 "stale_version", "cannot_deactivate_self" or "last_admin" written
 * into R (the caller rolls back and answers it); or -rc.
 */
int
users_change(struct req *r, long long id, long long version, const char *name,
    const char *role, int has_active, int active, const char *hash)
{
	long long	 cur_version = 0;
	char		 now[21], cur_role[16] = "";
	sqlite3_stmt	*s;
	int		 cur_active = 0, new_active, demoted, rc;

	db_now(now);
	s = st[STMT_STATE];
	db_bind_int(s, 1, id);
	if ((rc = db_step(s)) == SQLITE_ROW) {
		snprintf(cur_role, sizeof(cur_role), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		cur_active = sqlite3_column_int(s, 1);
		cur_version = sqlite3_column_int64(s, 2);
	}
	db_reset(s);
	if (rc == SQLITE_DONE)
		return http_error(r, 404, "not_found", "There is no such user.",
		    NULL);
	if (rc != SQLITE_ROW)
		return -rc;
	if (cur_version != version)
		return http_error(r, 409, "stale_version", "Someone else "
		    "changed this user since you read it. Reload and try "
		    "again.", "version");
	new_active = has_active ? active : cur_active;
	if (id == r->user.id && cur_active && !new_active)
		return http_error(r, 409, "cannot_deactivate_self",
		    "You cannot deactivate your own account.", "active");
	demoted = role != NULL && strcmp(role, "admin") != 0;
	if (strcmp(cur_role, "admin") == 0 && cur_active &&
	    (demoted || !new_active) &&
	    db_int1(st[STMT_ADMINS_ACTIVE], 0) <= 1)
		return http_error(r, 409, "last_admin", "This is the only "
		    "active admin. Make another user an admin first.",
		    demoted ? "role" : "active");

	s = st[STMT_UPDATE];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, version);
	db_bind_text(s, 3, name);
	db_bind_text(s, 4, role);
	if (has_active)
		db_bind_int(s, 5, active);
	db_bind_text(s, 6, hash);
	db_bind_text(s, 7, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return -rc;
	/* Cannot be 0 under the write lock after the check above. */
	if (sqlite3_changes(db) != 1)
		return -SQLITE_ERROR;
	if ((cur_active && !new_active) || hash != NULL) {
		if ((rc = auth_sessions_end_user(id, id == r->user.id ?
		    r->user.session_id : 0)) != SQLITE_OK)
			return -rc;
	}
	if ((rc = audit(r, "user.update", "user", id, 0)) != SQLITE_OK ||
	    (hash != NULL && (rc = audit(r, "user.password_reset", "user", id,
	    0)) != SQLITE_OK) ||
	    (cur_active && !new_active && (rc = audit(r, "user.deactivate",
	    "user", id, 0)) != SQLITE_OK))
		return -rc;
	return 0;
}

/*
 * Signing in and changing one's password: wrong passwords are counted per
 * (KEY, IP), KEY the username as typed, lower-cased (known or not, so the
 * answer does not tell which usernames exist), IP the client's address.
 * USERS_LOCK_FAILURES of them within USERS_LOCK_SECONDS lock that pair
 * (never the account as a whole: the right password from another machine
 * still works) for USERS_LOCK_SECONDS; a success from that address, or an
 * admin's unlock (users_unlock()), clears them.
 */

/* Seconds the pair (KEY, IP) stays locked: 0 not locked, or -rc. */
long long
users_locked(const char *key, const char *ip)
{
	sqlite3_stmt	*s = st[STMT_LOCKED];
	long long	 now = (long long)time(NULL), until = 0;
	int		 rc;

	db_bind_text(s, 1, key);
	db_bind_text(s, 2, ip != NULL ? ip : "");
	db_bind_int(s, 3, now);
	if ((rc = db_step(s)) == SQLITE_ROW)
		until = sqlite3_column_int64(s, 0);
	db_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -(long long)rc;
	return until > now ? until - now : 0;
}

/*
 * Counts a wrong password for (KEY, IP) inside the caller's write
 * transaction, after forgetting up to USERS_PRUNE_BATCH pairs that count
 * for nothing any more: guesses at made-up usernames, each its own pair,
 * do not pile up.  Returns SQLITE_OK or the error.
 */
int
users_failed(const char *key, const char *ip)
{
	sqlite3_stmt	*s = st[STMT_FAILED_PRUNE];
	int		 rc;

	db_bind_int(s, 1, (long long)time(NULL));
	db_bind_int(s, 2, USERS_LOCK_SECONDS);
	db_bind_int(s, 3, USERS_PRUNE_BATCH);
	if ((rc = db_run(s)) != SQLITE_OK)
		return rc;
	s = st[STMT_FAILED];
	db_bind_text(s, 1, key);
	db_bind_text(s, 2, ip != NULL ? ip : "");
	db_bind_int(s, 3, (long long)time(NULL));
	db_bind_int(s, 4, USERS_LOCK_FAILURES);
	db_bind_int(s, 5, USERS_LOCK_SECONDS);
	return db_run(s);
}

/*
 * Forgets the wrong passwords of (KEY, IP) after a right one, inside the
 * caller's write transaction.  Returns SQLITE_OK or the error.
 */
int
users_succeeded(const char *key, const char *ip)
{
	sqlite3_stmt	*s = st[STMT_CLEAR];

	db_bind_text(s, 1, key);
	db_bind_text(s, 2, ip != NULL ? ip : "");
	return db_run(s);
}

/*
 * Clears every lock and count of USERNAME, from every address, inside the
 * caller's write transaction (the admin's unlock; the caller audits it).
 * Returns SQLITE_OK or the error; *CLEARED (may be NULL) says whether
 * there was anything to clear.
 */
int
users_unlock(const char *username, int *cleared)
{
	sqlite3_stmt	*s = st[STMT_UNLOCK];
	int		 rc;

	db_bind_text(s, 1, username);
	rc = db_run(s);
	if (cleared != NULL)
		*cleared = rc == SQLITE_OK && sqlite3_changes(db) > 0;
	return rc;
}

/*
 * The screens' language of user ID ("en", "ta" or "hi") into OUT of SIZE
 * bytes; "en" when there is no such user.
 */
void
users_language(long long id, char *out, size_t size)
{
	sqlite3_stmt	*s = st[STMT_LANGUAGE];

	snprintf(out, size, "en");
	db_bind_int(s, 1, id);
	if (db_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
		snprintf(out, size, "%s",
		    (const char *)sqlite3_column_text(s, 0));
	db_reset(s);
}

/*
 * Sets the screens' language of user ID to LANG (one of en, ta, hi: the
 * caller's field table checked it) inside the caller's write transaction,
 * and audits it as "user.language".  A choice of one's own screens: it
 * needs no version and ends no session.  Returns SQLITE_OK, SQLITE_NOTFOUND
 * when there is no such user, or the error.
 */
int
users_set_language(struct req *r, long long id, const char *lang)
{
	sqlite3_stmt	*s = st[STMT_SET_LANGUAGE];
	char		 now[21];
	int		 rc;

	db_now(now);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, lang);
	db_bind_text(s, 3, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return rc;
	if (sqlite3_changes(db) != 1)
		return SQLITE_NOTFOUND;
	return audit(r, "user.language", "user", id, 0);
}

/*
 * The admin tool's one-time step that brings every staff member's name
 * into normal form: each name that FIX changes (FIX(name, out, size)
 * returns 1 with the new name in OUT) is written with a new version at
 * NOW, inside the caller's transaction; *CHANGED counts them.  Prepares
 * its statements itself (the tool need not have called users_init()).
 * Returns SQLITE_OK or the error.
 */
int
users_rename_all(int (*fix)(const char *, char *, size_t), const char *now,
    long long *changed)
{
	static const char *const q[2] = {
		"SELECT id, name FROM users ORDER BY id",
		"UPDATE users SET name = ?2, version = version + 1,"
		" updated_at = ?3 WHERE id = ?1",
	};
	sqlite3_stmt	*s[2] = { NULL, NULL };
	char		 out[2048];
	const char	*name;
	int		 rc;

	if (!db_in_tx())
		return SQLITE_MISUSE;
	if (!db_prepare_all(q, 2, s))
		return SQLITE_ERROR;
	while ((rc = db_step(s[0])) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s[0], 1);
		if (name == NULL || !fix(name, out, sizeof(out)))
			continue;
		db_bind_int(s[1], 1, sqlite3_column_int64(s[0], 0));
		db_bind_text(s[1], 2, out);
		db_bind_text(s[1], 3, now);
		if ((rc = db_run(s[1])) != SQLITE_OK)
			break;
		(*changed)++;
	}
	db_reset(s[0]);
	db_finalize_all(s, 2);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

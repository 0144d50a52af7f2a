/*
 * users.c — staff accounts: list, read, create, and change (name, role,
 * active, password) with optimistic concurrency.
 *
 * Invariants kept here, inside the write transaction so that two admins
 * cannot break them together: the clinic always has an active admin, and
 * an admin cannot deactivate themselves.  Deactivation and a password
 * reset end the user's sessions.  Password hashing (argon2id, ~0.2 s)
 * happens before BEGIN IMMEDIATE so the write lock is never held for it.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

/* Writes {"user": {...}} for user ID.  Returns 200, or 404. */
static int
user_answer(struct req *r, long long id)
{
	sqlite3_stmt	*s = st[STMT_USER_GET];
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

/* GET /api/users?limit=&offset=: 200 {users:[...]} by username. */
int
user_list(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_USER_LIST];
	long long	 limit, offset;
	int		 rc;

	if ((rc = req_paging(r, &limit, &offset)) != 0)
		return rc;
	db_bind_int(s, 1, limit);
	db_bind_int(s, 2, offset);
	jo_open(r);
	if ((rc = jo_rows(r, "users", s)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	return 200;
}

/* GET /api/users/{id}: 200 {user}; 404. */
int
user_get(struct req *r)
{
	return user_answer(r, r->param[0]);
}

/*
 * POST /api/users {username, name, role, password}: 201 {user};
 * 409 "username_taken".
 */
int
user_create(struct req *r)
{
	const char	*username = json_str(r->json, "username");
	sqlite3_stmt	*s = st[STMT_USER_ADD];
	char		 hash[256], now[21];
	long long	 id;
	int		 rc;

	if (!auth_hash_password(json_str(r->json, "password"), hash,
	    sizeof(hash)))
		return http_error(r, 500, "internal",
		    "The user could not be added. Please try again.", NULL);
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	db_bind_text(s, 1, username);
	db_bind_text(s, 2, json_str(r->json, "name"));
	db_bind_text(s, 3, json_str(r->json, "role"));
	db_bind_text(s, 4, hash);
	db_bind_text(s, 5, now);
	rc = db_step(s);
	db_reset(s);
	explicit_bzero(hash, sizeof(hash));
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		db_rollback();
		return http_error(r, 409, "username_taken",
		    "That username is taken. Choose another.", "username");
	}
	if (rc != SQLITE_DONE)
		return db_fail(r, rc);
	id = sqlite3_last_insert_rowid(db);
	if ((rc = audit(r, "user.create", "user", id, 0)) != SQLITE_OK ||
	    (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	rc = user_answer(r, id);
	return rc == 200 ? 201 : rc;
}

/*
 * The transaction of PATCH /api/users/{id}: HASH is the new password's
 * hash or NULL.  Returns the HTTP status (see user_update).
 */
static int
user_update_tx(struct req *r, long long id, const char *hash)
{
	long long	 version = 0, cur_version = 0;
	const char	*role = json_str(r->json, "role");
	char		 now[21], cur_role[16] = "";
	sqlite3_stmt	*s;
	int		 active = 1, has_active, cur_active = 0, new_active;
	int		 demoted, rc;

	json_int(r->json, "version", &version);
	has_active = json_bool(r->json, "active", &active);
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);

	s = st[STMT_USER_STATE];
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
		return db_fail(r, rc);
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

	s = st[STMT_USER_UPDATE];
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, version);
	db_bind_text(s, 3, json_str(r->json, "name"));
	db_bind_text(s, 4, role);
	if (has_active)
		db_bind_int(s, 5, active);
	db_bind_text(s, 6, hash);
	db_bind_text(s, 7, now);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	/* Cannot be 0 under the write lock after the check above. */
	if (sqlite3_changes(db) != 1)
		return db_fail(r, SQLITE_ERROR);
	if ((cur_active && !new_active) || hash != NULL) {
		if ((rc = auth_sessions_end_user(id, id == r->user.id ?
		    r->user.session_id : 0)) != SQLITE_OK)
			return db_fail(r, rc);
	}
	if ((rc = audit(r, "user.update", "user", id, 0)) != SQLITE_OK ||
	    (hash != NULL && (rc = audit(r, "user.password_reset", "user", id,
	    0)) != SQLITE_OK) ||
	    (cur_active && !new_active && (rc = audit(r, "user.deactivate",
	    "user", id, 0)) != SQLITE_OK) ||
	    (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return user_answer(r, id);
}

/*
 * PATCH /api/users/{id} {version, name?, role?, active?, password?}:
 * 200 {user}; 404; 409 "stale_version", "last_admin" (the last active
 * admin may not be deactivated or given another role) or
 * "cannot_deactivate_self".  Deactivating a user or setting their password
 * ends all their sessions (but the caller's own, when they reset their own
 * password), and is audited as well as "user.deactivate" or
 * "user.password_reset".  Every 4xx rolls back: nothing is written.
 */
int
user_update(struct req *r)
{
	const char	*pw = json_str(r->json, "password");
	char		 hash[256];
	int		 status;

	if (pw != NULL && !auth_hash_password(pw, hash, sizeof(hash)))
		return http_error(r, 500, "internal",
		    "The password could not be set. Please try again.", NULL);
	status = user_update_tx(r, r->param[0], pw != NULL ? hash : NULL);
	db_rollback();	/* after any early return; a no-op after COMMIT */
	explicit_bzero(hash, sizeof(hash));
	return status;
}

/*
 * users.c — the staff account routes: list, read, create, and change
 * (name, role, active, password) with optimistic concurrency.  The
 * accounts' statements and rules (every new password, the last active
 * admin, no deactivating oneself, sessions ended) are the library's
 * (lib/users.c); password hashing happens before the write transaction so
 * the write lock is never held for it.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "text.h"

/* GET /api/users?limit=&offset=: 200 {users:[...]} by username. */
int
user_list(struct req *r)
{
	long long	 limit, offset;
	int		 rc;

	if ((rc = req_paging(r, &limit, &offset)) != 0)
		return rc;
	jo_open(r);
	if ((rc = users_list(r, "users", limit, offset)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_close(r);
	return 200;
}

/* GET /api/users/{id}: 200 {user}; 404. */
int
user_get(struct req *r)
{
	return users_reply(r, r->param[0]);
}

/*
 * Hashes the new password PW of USERNAME into HASH (users_new_password()).
 * Returns 0, or the status of the error written into R (422 naming FIELD,
 * 500).
 */
static int
new_password(struct req *r, const char *username, const char *pw,
    char *hash, size_t size, const char *field)
{
	const char	*why;
	int		 ok;

	if ((ok = users_new_password(username, pw, hash, size, &why)) == 1)
		return 0;
	if (ok == 0)
		return http_error(r, 422, "weak_password", why, field);
	return http_error(r, 500, "internal",
	    "The password could not be set. Please try again.", NULL);
}

/*
 * The display name NAME (NULL: not given) in normal form (lib/text.c) into
 * OUT of SIZE.  Returns 0, or 422 naming "name" after writing the error.
 */
static int
staff_name(struct req *r, const char *name, char *out, size_t size)
{
	enum text_refusal	 why;
	int			 rc;

	if (name == NULL)
		return 0;
	if ((rc = text_norm(name, out, size, &why, NULL)) == 1 && *out != '\0')
		return 0;
	return http_errorf(r, 422, "invalid", "name", "%s", rc == 0 ?
	    text_why(why) : "Enter the name, at most 100 characters.");
}

/*
 * POST /api/users {username, name, role, password}: 201 {user};
 * 409 "username_taken".
 */
int
user_create(struct req *r)
{
	const char	*username = json_str(r->json, "username");
	char		 hash[256], name[512];
	long long	 id = 0;
	int		 rc;

	if ((rc = staff_name(r, json_str(r->json, "name"), name,
	    sizeof(name))) != 0)
		return rc;
	if ((rc = new_password(r, username, json_str(r->json, "password"),
	    hash, sizeof(hash), "password")) != 0)
		return rc;
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	rc = users_create(username, name, json_str(r->json, "role"), hash,
	    &id);
	explicit_bzero(hash, sizeof(hash));
	if (rc == SQLITE_CONSTRAINT) {
		db_rollback();
		return http_error(r, 409, "username_taken",
		    "That username is taken. Choose another.", "username");
	}
	if (rc != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = audit(r, "user.create", "user", id, 0)) != SQLITE_OK ||
	    (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	rc = users_reply(r, id);
	return rc == 200 ? 201 : rc;
}

/*
 * PATCH /api/users/{id} {version, name?, role?, active?, password?,
 * language?}:
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
	const char	*nm = json_str(r->json, "name");
	char		 hash[256], username[64], name[512];
	long long	 version = 0;
	int		 active = 1, has_active, rc;

	if ((rc = staff_name(r, nm, name, sizeof(name))) != 0)
		return rc;
	if (pw != NULL) {
		if ((rc = users_name(r->param[0], username,
		    sizeof(username))) <= 0)
			return rc < 0 ? db_fail(r, -rc) : http_error(r, 404,
			    "not_found", "There is no such user.", NULL);
		if ((rc = new_password(r, username, pw, hash, sizeof(hash),
		    "password")) != 0)
			return rc;
	}
	json_int(r->json, "version", &version);
	has_active = json_bool(r->json, "active", &active);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	rc = users_change(r, r->param[0], version, nm != NULL ? name : NULL,
	    json_str(r->json, "role"), has_active, active,
	    pw != NULL ? hash : NULL);
	explicit_bzero(hash, sizeof(hash));
	if (rc < 0)
		return db_fail(r, -rc);
	if (rc > 0) {
		db_rollback();
		return rc;
	}
	if (json_has(r->json, "language") && (rc = users_set_language(r,
	    r->param[0], json_str(r->json, "language"))) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return users_reply(r, r->param[0]);
}

/*
 * POST /api/users/{id}/unlock (no body): 200 {user}, the user's wrong
 * passwords forgotten and every lock cleared, from every address; 404.
 * Audited "user.unlock" (also when there was no lock: the admin asked).
 */
int
user_unlock(struct req *r)
{
	char	 username[64];
	int	 rc;

	if ((rc = users_name(r->param[0], username, sizeof(username))) <= 0)
		return rc < 0 ? db_fail(r, -rc) : http_error(r, 404,
		    "not_found", "There is no such user.", NULL);
	if ((rc = db_begin()) != SQLITE_OK ||
	    (rc = users_unlock(username, NULL)) != SQLITE_OK ||
	    (rc = audit(r, "user.unlock", "user", r->param[0], 0)) !=
	    SQLITE_OK || (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return users_reply(r, r->param[0]);
}

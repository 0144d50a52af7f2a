/*
 * auth.c — the `auth` program: sign-in, sign-out, who am I, password
 * change, and the health check.
 *
 * Wrong passwords, at sign-in and as the current password of a password
 * change, are counted per (username, client address) by the accounts
 * module (lib/users.c): USERS_LOCK_FAILURES within USERS_LOCK_SECONDS lock
 * that pair, never the account on another machine.  nginx limits the rate
 * of both per client address as well, and sends them to a pool of their
 * own (the `signin` pool runs this same program), so that a burst of
 * argon2 work never delays /api/auth/me or /api/health.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nd.h"
#include "users.h"

enum stmt {
	STMT_HEALTH,
	STMT_USER_BY_NAME,
	STMT_USER_HASH,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_HEALTH */
	"SELECT n FROM rev WHERE id = 1",
	/* STMT_USER_BY_NAME */
	"SELECT id, password_hash, active, username, name, role FROM users"
	" WHERE username = ?1",
	/* STMT_USER_HASH */
	"SELECT password_hash FROM users WHERE id = ?1",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "auth sql");
static sqlite3_stmt *st[STMT__MAX];

/* GET /api/health: 200 when the database answers, else 503. */
static int
health(struct req *r)
{
	if (db_int1(st[STMT_HEALTH], -1) < 0)
		return http_error(r, 503, "unavailable",
		    "The database is not answering.", NULL);
	jo_open(r);
	jo_str(r, "status", "ok");
	jo_close(r);
	return 200;
}

/* The user as sign-in and "who am I" answer it, with their screens' language. */
static void
user_json(struct req *r, long long id, const char *username,
    const char *name, const char *role)
{
	char	 lang[4];

	users_language(id, lang, sizeof(lang));
	jo_open(r);
	jo_obj(r, "user");
	jo_int(r, "id", id);
	jo_str(r, "username", username);
	jo_str(r, "name", name);
	jo_str(r, "role", role);
	jo_str(r, "language", lang);
	jo_obj_close(r);
	jo_close(r);
}

/*
 * Records a wrong password for (KEY, R's client address), audited ACTION
 * for user UID (0: unknown).  Returns SQLITE_OK or rc.
 */
static int
password_failed(struct req *r, const char *key, long long uid,
    const char *action)
{
	int	 rc;

	if ((rc = db_begin()) != SQLITE_OK)
		return rc;
	if ((rc = users_failed(key, r->remote_addr)) != SQLITE_OK ||
	    (rc = audit(r, action, "user", uid, 0)) != SQLITE_OK) {
		db_rollback();
		return rc;
	}
	return db_commit();
}

/*
 * 429 with Retry-After while (KEY, R's address) is locked; 0 when it is
 * not; or the status of the database error written into R.
 */
static int
locked(struct req *r, const char *key)
{
	char		 ra[24];
	long long	 left = users_locked(key, r->remote_addr);

	if (left < 0)
		return db_fail(r, (int)-left);
	if (left == 0)
		return 0;
	snprintf(ra, sizeof(ra), "%lld", left);
	req_header(r, "Retry-After", ra);
	return http_error(r, 429, "too_many_attempts",
	    "Too many wrong passwords from this computer. Wait a few minutes, "
	    "or ask the administrator to unlock the account.", NULL);
}

/*
 * POST /api/auth/login {username, password}: 200 {user} and a new session
 * cookie; 401 with one message for an unknown user and a wrong password;
 * 429 while the username is locked for this client address.
 */
static int
login(struct req *r)
{
	char		 key[72], token[64], pwhash[256] = "";
	char		 username[64] = "", name[128] = "", role[16] = "";
	const char	*u = json_str(r->json, "username");
	const char	*pw = json_str(r->json, "password");
	sqlite3_stmt	*s;
	long long	 uid = 0;
	int		 active = 0, rc;
	size_t		 i;

	for (i = 0; u[i] != '\0' && i + 1 < sizeof(key); i++)
		key[i] = (char)tolower((unsigned char)u[i]);
	key[i] = '\0';

	if ((rc = locked(r, key)) != 0)
		return rc;

	s = st[STMT_USER_BY_NAME];
	db_bind_text(s, 1, key);
	if (db_step(s) == SQLITE_ROW) {
		uid = sqlite3_column_int64(s, 0);
		snprintf(pwhash, sizeof(pwhash), "%s",
		    (const char *)sqlite3_column_text(s, 1));
		active = sqlite3_column_int(s, 2);
		snprintf(username, sizeof(username), "%s",
		    (const char *)sqlite3_column_text(s, 3));
		snprintf(name, sizeof(name), "%s",
		    (const char *)sqlite3_column_text(s, 4));
		snprintf(role, sizeof(role), "%s",
		    (const char *)sqlite3_column_text(s, 5));
	}
	db_reset(s);

	if (!auth_verify_password(uid > 0 ? pwhash : NULL, pw) || !active) {
		if ((rc = password_failed(r, key, uid, "auth.login_failed")) !=
		    SQLITE_OK)
			return db_fail(r, rc);
		return http_error(r, 401, "bad_credentials",
		    "Wrong username or password.", NULL);
	}

	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	/* A session presented at sign-in is ended: no fixation. */
	if (r->user.session_id > 0 &&
	    (rc = auth_session_end(r->user.session_id)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = users_succeeded(key, r->remote_addr)) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = auth_session_create(r, uid, token, sizeof(token))) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	r->user.id = uid;
	snprintf(r->user.username, sizeof(r->user.username), "%s", username);
	r->user.role = (enum role)role_parse(role);
	if ((rc = audit(r, "auth.login", "user", uid, 0)) != SQLITE_OK ||
	    (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	auth_cookie_set(r, token);
	user_json(r, uid, username, name, role);
	return 200;
}

/* POST /api/auth/logout: 204; the session is deleted server-side. */
static int
logout(struct req *r)
{
	int	 rc;

	if ((rc = db_begin()) != SQLITE_OK ||
	    (rc = auth_session_end(r->user.session_id)) != SQLITE_OK ||
	    (rc = audit(r, "auth.logout", "user", r->user.id, 0)) !=
	    SQLITE_OK || (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	auth_cookie_clear(r);
	return 204;
}

/* GET /api/auth/me: 200 {user}. */
static int
me(struct req *r)
{
	user_json(r, r->user.id, r->user.username, r->user.name,
	    role_names[r->user.role]);
	return 200;
}

/*
 * PATCH /api/auth/me {language}: 200 {user}; the user's own screens'
 * language (en, ta, hi; 422 otherwise).  Audited "user.language".
 */
static int
me_update(struct req *r)
{
	int	 rc;

	if ((rc = db_begin()) != SQLITE_OK ||
	    (rc = users_set_language(r, r->user.id,
	    json_str(r->json, "language"))) != SQLITE_OK ||
	    (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return me(r);
}

/*
 * POST /api/auth/password {current_password, new_password}: 204; every
 * other session of the user ends.  403 when the current password is wrong
 * (counted like a failed sign-in and audited auth.password_failed); 429
 * while the user is locked for this client address; 422 weak_password.
 */
static int
password(struct req *r)
{
	const char	*cur = json_str(r->json, "current_password");
	const char	*new = json_str(r->json, "new_password");
	char		 hash[256] = "";
	const char	*why;
	sqlite3_stmt	*s = st[STMT_USER_HASH];
	int		 rc, ok = 0;

	if ((rc = locked(r, r->user.username)) != 0)
		return rc;
	db_bind_int(s, 1, r->user.id);
	if (db_step(s) == SQLITE_ROW) {
		snprintf(hash, sizeof(hash), "%s",
		    (const char *)sqlite3_column_text(s, 0));
		ok = 1;
	}
	db_reset(s);
	if (!ok || !auth_verify_password(hash, cur)) {
		if ((rc = password_failed(r, r->user.username, r->user.id,
		    "auth.password_failed")) != SQLITE_OK)
			return db_fail(r, rc);
		return http_error(r, 403, "wrong_password",
		    "The current password is not right.", "current_password");
	}
	/* Every new password passes through the accounts module. */
	if ((ok = users_new_password(r->user.username, new, hash,
	    sizeof(hash), &why)) == 0)
		return http_error(r, 422, "weak_password", why, "new_password");
	if (ok < 0)
		return http_error(r, 500, "internal",
		    "The password could not be changed. Please try again.",
		    NULL);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = users_set_password(r->user.id, hash, 0,
	    r->user.session_id)) != SQLITE_OK ||
	    (rc = users_succeeded(r->user.username, r->remote_addr)) !=
	    SQLITE_OK ||
	    (rc = audit(r, "auth.password", "user", r->user.id, 0)) !=
	    SQLITE_OK || (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 204;
}

/* Field tables are declarations (style.md 10): alike in every program, by design. */
static const struct field login_fields[] = {
	{ "username", FT_STRING, F_REQUIRED, 1, 64, NULL, NULL, NULL },
	{ "password", FT_STRING, F_REQUIRED, 1, 256, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field me_fields[] = {
	{ "language", FT_ENUM, F_REQUIRED, 0, 0, "en,ta,hi", NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field password_fields[] = {
	{ "current_password", FT_STRING, F_REQUIRED, 1, 256, NULL, NULL, NULL },
	{ "new_password", FT_STRING, F_REQUIRED, 10, 128, NULL, valid_password,
	    "The new password must be 10 to 128 characters, not all the same." },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL },
};

/* Each program its own route table and main() (style.md 2): the same shape on purpose. */
static const struct route routes[] = {
	{ METHOD_GET, "/api/health", R_ANYONE, NULL, health, 0 },
	{ METHOD_POST, "/api/auth/login", R_ANYONE, login_fields, login, 0 },
	{ METHOD_POST, "/api/auth/logout", R_STAFF, NULL, logout, 0 },
	{ METHOD_GET, "/api/auth/me", R_STAFF, NULL, me, 0 },
	{ METHOD_PATCH, "/api/auth/me", R_STAFF, me_fields, me_update, 0 },
	{ METHOD_POST, "/api/auth/password", R_STAFF, password_fields,
	    password, 0 },
};

int
main(int argc, char **argv)
{
	return nd_main(argc, argv, "auth", routes, ND_NELEM(routes), sql,
	    STMT__MAX, st);
}

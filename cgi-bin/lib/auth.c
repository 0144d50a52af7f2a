/*
 * auth.c — passwords and sessions.
 *
 * Passwords: argon2id with the parameters below (RFC 9106's second
 * recommended option, with one lane); the encoded hash carries them, so
 * raising them later only affects new hashes.
 *
 * Sessions: a 256-bit random token in the cookie; the server keeps only
 * its SHA-256, so a copy of the database holds no usable session.  A
 * session ends on logout, on idle or absolute expiry, on a password
 * change and when its user is deactivated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <argon2.h>
#include <sha2.h>		/* libmd */

#include "nd.h"

#define ARGON2_T	3		/* passes */
#define ARGON2_M	(64 * 1024)	/* memory, KiB */
#define ARGON2_P	1		/* lanes */
#define ARGON2_SALT	16
#define ARGON2_HASH	32

/* Touch last_seen at most this often: a read should rarely write. */
#define AUTH_TOUCH_SECONDS	60

enum stmt {
	STMT_SESSION_GET,
	STMT_SESSION_TOUCH,
	STMT_SESSION_NEW,
	STMT_SESSION_END,
	STMT_SESSION_END_USER,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_SESSION_GET */
	"SELECT s.id, s.user_id, u.username, u.name, u.role, s.created_at,"
	" s.last_seen FROM sessions s JOIN users u ON u.id = s.user_id"
	" WHERE s.token_hash = ?1 AND u.active = 1",
	/* STMT_SESSION_TOUCH */
	"UPDATE sessions SET last_seen = ?2 WHERE id = ?1",
	/* STMT_SESSION_NEW */
	"INSERT INTO sessions (token_hash, user_id, created_at, last_seen, ip)"
	" VALUES (?1, ?2, ?3, ?3, ?4)",
	/* STMT_SESSION_END */
	"DELETE FROM sessions WHERE id = ?1",
	/* STMT_SESSION_END_USER */
	"DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "auth sql");
static sqlite3_stmt *st[STMT__MAX];

const char *const role_names[ROLE__MAX] = {
	"admin",	/* ROLE_ADMIN */
	"doctor",	/* ROLE_DOCTOR */
	"frontdesk",	/* ROLE_FRONTDESK */
	"nurse",	/* ROLE_NURSE */
};
_Static_assert(ND_NELEM(role_names) == ROLE__MAX, "role_names");

int
role_parse(const char *s)
{
	return valid_name(role_names, ROLE__MAX, s);
}

int
auth_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
auth_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

/* Fills BUF with N random bytes from the kernel.  Returns 1 or 0. */
int
auth_random(unsigned char *buf, size_t n)
{
	size_t	 got = 0;
	ssize_t	 k;

	while (got < n) {
		if ((k = getrandom(buf + got, n - got, 0)) < 0)
			return 0;
		got += (size_t)k;
	}
	return 1;
}

/*
 * Hashes password PW into OUT (encoded argon2id, at most SIZE bytes).
 * Returns 1, or 0 on failure.
 */
int
auth_hash_password(const char *pw, char *out, size_t size)
{
	unsigned char	 salt[ARGON2_SALT];

	if (!auth_random(salt, sizeof(salt)))
		return 0;
	return argon2id_hash_encoded(ARGON2_T, ARGON2_M, ARGON2_P, pw,
	    strlen(pw), salt, sizeof(salt), ARGON2_HASH, out, size) ==
	    ARGON2_OK;
}

/*
 * Verifies PW against ENCODED.  With ENCODED NULL (unknown user) it still
 * spends the time of one verification, so that the answer's timing does
 * not tell which usernames exist.  Returns 1 if it matches.
 */
int
auth_verify_password(const char *encoded, const char *pw)
{
	char	 dummy[128];

	if (encoded == NULL) {
		(void)auth_hash_password(pw, dummy, sizeof(dummy));
		return 0;
	}
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

/*
 * SHA-256 in hex into OUT (65 bytes) of the N bytes of P, then, with FD
 * not -1, of what FD holds from its start.  libmd's SHA-256, not
 * OpenSSL's: it is all a worker needs of a crypto library, and libcrypto
 * cost every worker 1.4 MiB of resident pages, 0.5 MiB of them its own
 * (relocations).  Returns 1, or 0 when FD cannot be read (OUT undefined).
 */
static int
sha256_hex(const void *p, size_t len, int fd, char *out)
{
	static const char hex[] = "0123456789abcdef";
	static unsigned char buf[65536];	/* not on the stack of every cookie check */
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	SHA2_CTX	 ctx;
	off_t		 off = 0;
	ssize_t		 got = 0;
	int		 i;

	SHA256Init(&ctx);
	SHA256Update(&ctx, p, len);
	while (fd != -1 && (got = pread(fd, buf, sizeof(buf), off)) > 0) {
		SHA256Update(&ctx, buf, (size_t)got);
		off += got;
	}
	if (got == -1)
		return 0;
	SHA256Final(md, &ctx);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 1;
}

/* SHA-256 of the N bytes of P in hex into OUT (65 bytes). */
void
auth_sha256_hex(const void *p, size_t len, char *out)
{
	(void)sha256_hex(p, len, -1, out);	/* no file: cannot fail */
}

/* SHA-256 in hex into OUT (65 bytes) of the file open at FD.  1 or 0. */
int
auth_sha256_fd_hex(int fd, char *out)
{
	return sha256_hex("", 0, fd, out);
}

/* SHA-256 of the session TOKEN in hex into OUT (65 bytes): what is stored. */
void
auth_token_hash(const char *token, char *out)
{
	auth_sha256_hex(token, strlen(token), out);
}

static void
b64url(const unsigned char *in, size_t n, char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t	 i, o = 0;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
		out[o++] = a[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)in[i] << 16;
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = a[v >> 6 & 63];
	}
	out[o] = '\0';
}

/*
 * Looks up the session of the request's cookie and fills r->user.
 * Expired sessions are deleted.  Returns 1 signed in, 0 not (or on a
 * database error, which then reads as "not signed in").
 */
int
auth_session_lookup(struct req *r)
{
	char		 token[64], hash[65];
	time_t		 now = time(NULL);
	long long	 created, seen, sid;
	int		 role, ok = 0;
	sqlite3_stmt	*s = st[STMT_SESSION_GET];

	if (!req_cookie(r, AUTH_COOKIE, token, sizeof(token)) ||
	    strlen(token) != 43)
		return 0;
	auth_token_hash(token, hash);
	db_bind_text(s, 1, hash);
	if (db_step(s) != SQLITE_ROW) {
		db_reset(s);
		return 0;
	}
	sid = sqlite3_column_int64(s, 0);
	created = sqlite3_column_int64(s, 5);
	seen = sqlite3_column_int64(s, 6);
	role = role_parse((const char *)sqlite3_column_text(s, 4));
	if (role >= 0 && now - seen < AUTH_IDLE_SECONDS &&
	    now - created < AUTH_ABSOLUTE_SECONDS) {
		r->user.session_id = sid;
		r->user.id = sqlite3_column_int64(s, 1);
		snprintf(r->user.username, sizeof(r->user.username), "%s",
		    (const char *)sqlite3_column_text(s, 2));
		snprintf(r->user.name, sizeof(r->user.name), "%s",
		    (const char *)sqlite3_column_text(s, 3));
		r->user.role = (enum role)role;
		ok = 1;
	}
	db_reset(s);
	if (!ok) {
		auth_session_end(sid);
		return 0;
	}
	/* Only if no writer holds the lock now: a later request does it. */
	if (now - seen >= AUTH_TOUCH_SECONDS && db_try_begin() == SQLITE_OK) {
		s = st[STMT_SESSION_TOUCH];
		db_bind_int(s, 1, sid);
		db_bind_int(s, 2, (long long)now);
		db_step(s);
		db_reset(s);
		db_commit();
	}
	return 1;
}

/*
 * Creates a session for USER_ID inside the caller's transaction and
 * writes its token (43 characters) into TOKEN.  Returns SQLITE_OK or rc.
 */
int
auth_session_create(struct req *r, long long user_id, char *token,
    size_t size)
{
	unsigned char	 raw[32];
	char		 hash[65];
	sqlite3_stmt	*s = st[STMT_SESSION_NEW];
	int		 rc;

	if (size < 44 || !auth_random(raw, sizeof(raw)))
		return SQLITE_ERROR;
	b64url(raw, sizeof(raw), token);
	auth_token_hash(token, hash);
	db_bind_text(s, 1, hash);
	db_bind_int(s, 2, user_id);
	db_bind_int(s, 3, (long long)time(NULL));
	db_bind_text(s, 4, r->remote_addr);
	rc = db_step(s);
	db_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Ends one session (own transaction if none is open).  Returns rc. */
int
auth_session_end(long long sid)
{
	sqlite3_stmt	*s = st[STMT_SESSION_END];
	int		 rc, own = !db_in_tx();

	if (own && (rc = db_begin()) != SQLITE_OK)
		return rc;
	db_bind_int(s, 1, sid);
	rc = db_step(s);
	db_reset(s);
	if (rc != SQLITE_DONE) {
		if (own)
			db_rollback();
		return rc;
	}
	return own ? db_commit() : SQLITE_OK;
}

/*
 * Ends every session of USER_ID but EXCEPT (0: all), inside the caller's
 * transaction.  Returns SQLITE_OK or rc.
 */
int
auth_sessions_end_user(long long user_id, long long except)
{
	sqlite3_stmt	*s = st[STMT_SESSION_END_USER];

	db_bind_int(s, 1, user_id);
	db_bind_int(s, 2, except);
	return db_run(s);
}

/* A browser-session cookie: gone when the browser closes. */
void
auth_cookie_set(struct req *r, const char *token)
{
	char	 v[160];

	snprintf(v, sizeof(v),
	    "%s=%s; Path=/; HttpOnly; Secure; SameSite=Strict", AUTH_COOKIE,
	    token);
	req_header(r, "Set-Cookie", v);
}

void
auth_cookie_clear(struct req *r)
{
	req_header(r, "Set-Cookie", AUTH_COOKIE
	    "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
}

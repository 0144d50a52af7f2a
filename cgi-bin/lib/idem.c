/*
 * idem.c — the answers kept for idempotency keys (idem.h): their
 * statements and their rules.
 *
 * A key belongs to the user who sent it: two users may use the same key
 * for different requests.  An answer older than IDEM_KEEP_SECONDS is as
 * good as gone: idem_find() does not see it and idem_save() writes over
 * it.  Every save also removes up to IDEM_PRUNE_BATCH expired rows, oldest
 * first, so the table holds about a week of writes and no job is needed.
 * Every call runs inside the caller's transaction when one is open (the
 * dispatch floor saves in the same transaction as the request's write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "idem.h"

enum stmt {
	STMT_FIND,
	STMT_SAVE,
	STMT_PRUNE,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_FIND: ?3 = the oldest created_at still kept */
	"SELECT method, path, body_sha256, status, response FROM idempotency"
	" WHERE user_id = ?1 AND key = ?2 AND created_at >= ?3",
	/* STMT_SAVE: an expired answer under the same key is replaced */
	"INSERT INTO idempotency (user_id, key, method, path, body_sha256,"
	" status, response, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	" ON CONFLICT (user_id, key) DO UPDATE SET method = excluded.method,"
	" path = excluded.path, body_sha256 = excluded.body_sha256,"
	" status = excluded.status, response = excluded.response,"
	" created_at = excluded.created_at"
	" WHERE idempotency.created_at < ?9",
	/* STMT_PRUNE */
	"DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency"
	" WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)",
};
/* As in every module with SQL (style.md 5): its own table, checked and prepared once. */
_Static_assert(ND_NELEM(sql) == STMT__MAX, "idem sql");
static sqlite3_stmt *st[STMT__MAX];

int
idem_init(void)
{
	return db_prepare_all(sql, STMT__MAX, st);
}

void
idem_fini(void)
{
	db_finalize_all(st, STMT__MAX);
}

/* Whether KEY is 1-64 of A-Z a-z 0-9 _ - (api-contract.md).  1 or 0. */
int
idem_key_ok(const char *key)
{
	size_t	 n = strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n >= 1 && n <= IDEM_KEY_MAX && key[n] == '\0';
}

/*
 * Finds the answer kept for USER's KEY at time NOW into *H.
 * Returns 1 found (free *H with idem_hit_free()), 0 none (or expired),
 * or a negative SQLite error.
 */
int
idem_find(long long user, const char *key, time_t now, struct idem_hit *h)
{
	sqlite3_stmt	*s = st[STMT_FIND];
	const char	*v;
	int		 rc;

	memset(h, 0, sizeof(*h));
	db_bind_int(s, 1, user);
	db_bind_text(s, 2, key);
	db_bind_int(s, 3, (long long)now - IDEM_KEEP_SECONDS);
	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		return rc == SQLITE_DONE ? 0 : -rc;
	}
	v = (const char *)sqlite3_column_text(s, 0);
	snprintf(h->method, sizeof(h->method), "%s", v != NULL ? v : "");
	v = (const char *)sqlite3_column_text(s, 1);
	h->path = strdup(v != NULL ? v : "");
	v = (const char *)sqlite3_column_text(s, 2);
	snprintf(h->body_sha256, sizeof(h->body_sha256), "%s",
	    v != NULL ? v : "");
	h->status = sqlite3_column_int(s, 3);
	v = (const char *)sqlite3_column_text(s, 4);
	h->response_len = (size_t)sqlite3_column_bytes(s, 4);
	if ((h->response = malloc(h->response_len + 1)) != NULL) {
		if (h->response_len > 0)
			memcpy(h->response, v, h->response_len);
		h->response[h->response_len] = '\0';
	}
	db_reset(s);
	if (h->path == NULL || h->response == NULL) {
		idem_hit_free(h);
		return -SQLITE_NOMEM;
	}
	return 1;
}

void
idem_hit_free(struct idem_hit *h)
{
	free(h->path);
	free(h->response);
	memset(h, 0, sizeof(*h));
}

/*
 * Keeps STATUS and the answer RESPONSE (LEN bytes of JSON, maybe 0) of
 * USER's request METHOD PATH with body hash SHA under KEY, at time NOW,
 * after pruning up to IDEM_PRUNE_BATCH expired answers.  An unexpired
 * answer already kept under the key stays as it is.  Returns SQLITE_OK or
 * the error.
 */
int
idem_save(long long user, const char *key, const char *method,
    const char *path, const char *sha, int status, const char *response,
    size_t len, time_t now)
{
	sqlite3_stmt	*s = st[STMT_SAVE];
	int		 rc;

	if ((rc = idem_prune(now)) != SQLITE_OK)
		return rc;
	db_bind_int(s, 1, user);
	db_bind_text(s, 2, key);
	db_bind_text(s, 3, method);
	db_bind_text(s, 4, path);
	db_bind_text(s, 5, sha);
	db_bind_int(s, 6, status);
	db_bind_textn(s, 7, len > 0 ? response : "", len);
	db_bind_int(s, 8, (long long)now);
	db_bind_int(s, 9, (long long)now - IDEM_KEEP_SECONDS);
	return db_run(s);
}

/*
 * Removes up to IDEM_PRUNE_BATCH answers that expired before NOW, oldest
 * first.  Returns SQLITE_OK or the error.
 */
int
idem_prune(time_t now)
{
	sqlite3_stmt	*s = st[STMT_PRUNE];

	db_bind_int(s, 1, (long long)now - IDEM_KEEP_SECONDS);
	db_bind_int(s, 2, IDEM_PRUNE_BATCH);
	return db_run(s);
}

/*
 * lib_idem.c — the answers kept for idempotency keys (lib/idem.c): the
 * key's form, an answer found by its user and key only, kept first-come
 * for 7 days (a second save under a live key changes nothing), replaced
 * once expired, and pruned oldest first, IDEM_PRUNE_BATCH at a time.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nd.h"
#include "idem.h"
#include "unit.h"

static int
sql_file(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".sql") == 0;
}

/* Every migration of schema/, in order (their numbers are the lead's). */
static int
migrate(void)
{
	struct dirent	**list;
	char		 dir[4096];
	int		 i, n, ok = 1;

	snprintf(dir, sizeof(dir), "%s/schema",
	    getenv("ND_ROOT") ? getenv("ND_ROOT") : ".");
	if ((n = scandir(dir, &list, sql_file, alphasort)) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (ok && !unit_schema_apply(list[i]->d_name))
			ok = 0;
		free(list[i]);
	}
	free(list);
	return ok;
}

static long long
rows(void)
{
	return db_int_sql("SELECT count(*) FROM idempotency", -1);
}

int
main(void)
{
	char		 path[] = "idemXXXXXX", key[16];
	const char	*sha = "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	struct idem_hit	 h;
	time_t		 t0 = 1000000, later = t0 + IDEM_KEEP_SECONDS + 1;
	int		 fd = mkstemp(path), i, ok;

	close(fd);
	CHECK("database opens", db_open(path, 1));
	CHECK("every migration applies", migrate());
	CHECK("statements prepare", db_prepare_all(NULL, 0, NULL) &&
	    idem_init());
	CHECK("fixtures load", db_exec("INSERT INTO users (id, username, name,"
	    " role, password_hash, created_at, updated_at) VALUES (1, 'desk',"
	    " 'Desk', 'frontdesk', 'x', 'a', 'a'), (2, 'doc', 'Doc', 'doctor',"
	    " 'x', 'a', 'a')") == SQLITE_OK);

	CHECK("key: letters, digits, _ and -", idem_key_ok("aZ09_-x"));
	CHECK("key: 64 characters", idem_key_ok("0123456789012345678901234567"
	    "890123456789012345678901234567890123"));
	CHECK("key: not 65", !idem_key_ok("01234567890123456789012345678901"
	    "234567890123456789012345678901234"));
	CHECK("key: not empty", !idem_key_ok(""));
	CHECK("key: no space, slash or dot", !idem_key_ok("a b") &&
	    !idem_key_ok("a/b") && !idem_key_ok("a.b"));

	CHECK("save", idem_save(1, "k1", "POST", "/api/queue", sha, 201,
	    "{\"id\":7}", 8, t0) == SQLITE_OK);
	CHECK("found by its user and key", idem_find(1, "k1", t0 + 5, &h) == 1 &&
	    strcmp(h.method, "POST") == 0 && strcmp(h.path, "/api/queue") == 0 &&
	    strcmp(h.body_sha256, sha) == 0 && h.status == 201 &&
	    h.response_len == 8 && strcmp(h.response, "{\"id\":7}") == 0);
	idem_hit_free(&h);
	CHECK("not another user's", idem_find(2, "k1", t0, &h) == 0);
	CHECK("not another key", idem_find(1, "k2", t0, &h) == 0);
	CHECK("a second save under a live key", idem_save(1, "k1", "POST",
	    "/api/x", sha, 409, "{}", 2, t0 + 10) == SQLITE_OK);
	ok = idem_find(1, "k1", t0 + 20, &h) == 1 && h.status == 201;
	idem_hit_free(&h);
	CHECK("changes nothing: the first answer stays", ok);
	CHECK("an empty answer (204) is kept", idem_save(2, "k1", "POST",
	    "/api/auth/logout", sha, 204, "", 0, t0) == SQLITE_OK &&
	    idem_find(2, "k1", t0, &h) == 1 && h.status == 204 &&
	    h.response_len == 0 && h.response[0] == '\0');
	idem_hit_free(&h);
	CHECK("gone after 7 days", idem_find(1, "k1", later, &h) == 0);
	CHECK("an expired answer is replaced", idem_save(1, "k1", "PATCH",
	    "/api/queue/3", sha, 200, "{}", 2, later) == SQLITE_OK &&
	    idem_find(1, "k1", later, &h) == 1 && h.status == 200 &&
	    strcmp(h.method, "PATCH") == 0);
	idem_hit_free(&h);

	for (i = 0, ok = 1; i < 40; i++) {
		snprintf(key, sizeof(key), "old%d", i);
		ok &= idem_save(1, key, "POST", "/api/x", sha, 201, "{}", 2,
		    t0 - 100 + i) == SQLITE_OK;
	}
	/* The save at LATER pruned the doctor's expired k1: k1 and 40 old. */
	CHECK("40 old answers saved", ok && rows() == 41);
	CHECK("pruning removes at most a batch, oldest first",
	    idem_prune(later + 100) == SQLITE_OK &&
	    rows() == 41 - IDEM_PRUNE_BATCH &&
	    db_int_sql("SELECT count(*) FROM idempotency WHERE key = 'old0'",
	    -1) == 0 &&
	    db_int_sql("SELECT count(*) FROM idempotency WHERE key = 'old39'",
	    -1) == 1);
	CHECK("a save prunes too; live answers stay",
	    idem_save(1, "new", "POST", "/api/x", sha, 201, "{}", 2,
	    later + 100) == SQLITE_OK &&
	    db_int_sql("SELECT count(*) FROM idempotency WHERE key LIKE 'old%'",
	    -1) == 0 && rows() == 2);

	idem_fini();
	db_close();
	unit_db_remove(path);
	UNIT_END();
}

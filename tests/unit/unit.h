/* unit.h — one line per check: "name... ok" or "name... fail: why". */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <stdlib.h>

static int unit_failed;

#define CHECK(name, cond) do {						\
	if (cond)							\
		printf("%s... ok\n", (name));				\
	else {								\
		printf("%s... fail: %s (%s:%d)\n", (name), #cond,	\
		    __FILE__, __LINE__);				\
		unit_failed++;						\
	}								\
} while (0)

#define UNIT_END()	return unit_failed ? 1 : 0

#ifdef ND_H
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/*
 * The text of schema/FILE of the checkout (tests/run exports ND_ROOT),
 * malloc'd, or NULL.
 */
static __attribute__((unused)) char *
unit_schema(const char *file)
{
	char	 path[4096], *s;
	FILE	*f;
	long	 n;

	snprintf(path, sizeof(path), "%s/schema/%s",
	    getenv("ND_ROOT") ? getenv("ND_ROOT") : ".", file);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s != NULL && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* Runs schema/FILE on the open database.  Returns 1 or 0. */
static __attribute__((unused)) int
unit_schema_apply(const char *file)
{
	char	*s = unit_schema(file);
	int	 ok = s != NULL && db_exec(s) == SQLITE_OK;

	free(s);
	return ok;
}

/*
 * Runs every migration of schema/ (NNN_name.sql, in the order of their
 * names, as nalamdesk-admin migrate does) on the open database.  Returns
 * the number applied, or 0 when one failed.
 */
static __attribute__((unused)) int
unit_schema_apply_all(void)
{
	char	 dir[4096];
	struct dirent **names = NULL;
	int	 n, i, done = 0, ok = 1;

	snprintf(dir, sizeof(dir), "%s/schema",
	    getenv("ND_ROOT") ? getenv("ND_ROOT") : ".");
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		size_t	 len = strlen(names[i]->d_name);

		if (ok && len > 4 && names[i]->d_name[0] >= '0' &&
		    names[i]->d_name[0] <= '9' &&
		    strcmp(names[i]->d_name + len - 4, ".sql") == 0) {
			ok = unit_schema_apply(names[i]->d_name);
			done++;
		}
		free(names[i]);
	}
	free(names);
	return ok ? done : 0;
}

/*
 * Runs the migration whose file is schema/NNN_TOPIC (e.g. "signin.sql"),
 * whatever its number (numbers are given at merge time).  Returns 1 or 0.
 */
static __attribute__((unused)) int
unit_schema_apply_topic(const char *topic)
{
	char	 dir[4096];
	struct dirent **names = NULL;
	int	 n, i, ok = 0;

	snprintf(dir, sizeof(dir), "%s/schema",
	    getenv("ND_ROOT") ? getenv("ND_ROOT") : ".");
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		const char *u = strchr(names[i]->d_name, '_');

		if (!ok && u != NULL && strcmp(u + 1, topic) == 0)
			ok = unit_schema_apply(names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return ok;
}

/* Whether the flock at PATH is free: tried on a descriptor of our own. */
static __attribute__((unused)) int
unit_lock_free(const char *path)
{
	int	 fd = open(path, O_RDONLY), ok;

	if (fd == -1)
		return -1;
	ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return ok;
}

/* Removes the database file PATH and what SQLite, db.c and audit.c made
 * beside it. */
static __attribute__((unused)) void
unit_db_remove(const char *path)
{
	static const char *const side[] = { "", "-wal", "-shm", "-write.lock",
	    "-audit.log", "-audit.log.importing" };
	char	 p[4200];
	size_t	 i;

	for (i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, side[i]);
		unlink(p);
	}
}

/* INSERT INTO t (who) VALUES (WHO) through db_exec(). */
static __attribute__((unused)) int
unit_insert(const char *who)
{
	char	 sql[128];

	snprintf(sql, sizeof(sql), "INSERT INTO t (who) VALUES ('%s')", who);
	return db_exec(sql);
}
#endif

#endif

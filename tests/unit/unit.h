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

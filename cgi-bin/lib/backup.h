/*
 * backup.h — a backup: the one owner of the database's copies.  Snapshot
 * (online, consistent), verify (integrity, foreign keys, schema), record
 * (the backups table and the listing of VAR/backups), and seal/open (the
 * encrypted format).  The admin program's POST/GET /api/backups and the
 * admin tool's backup, verify, restore and rotate call it.
 *
 * The sealing half uses libcrypto: only the programs that call a
 * backup_* function link this module, and they link -lcrypto (Makefile).
 */
#ifndef BACKUP_H
#define BACKUP_H

#include <stdio.h>
#include <time.h>

#include "nd.h"
#include "backupseal.h"

/* What the checks of a copy found. */
enum backup_check {
	BACKUP_GOOD,	/* integrity, foreign keys and schema all well */
	BACKUP_BROKEN,	/* not a database, or damaged */
	BACKUP_NEWER,	/* made by a newer NalamDesk */
	BACKUP_FOREIGN,	/* a database, but not NalamDesk's */
	BACKUP__MAX
};

/* One backup: a row of the table, a file in VAR/backups, or both. */
struct backup {
	long long	 id;		/* 0: the table does not know the file */
	char		 file[256];	/* name inside VAR/backups */
	long long	 size;
	char		 created_at[32];	/* ISO-8601 UTC */
	char		 integrity[256];	/* "ok", "unchecked" or the error */
	long long	 schema_version;	/* 0: unknown */
	char		 kind[16];	/* "" when unknown */
	int		 present;	/* the file is in the directory */
	int		 sealed;	/* the file is encrypted */
};


/* The second copy, off this PC (a USB disk's folder or another path). */
#define BACKUP_COPY_DIR_MAX	200
struct backup_copy {
	char		 dir[BACKUP_COPY_DIR_MAX + 1];	/* "" : none set */
	char		 last_file[256];	/* the last copy written there */
	char		 last_at[32];		/* when (ISO-8601 UTC), "" : never */
};

/* How old the newest good backup is (backup_age()). */
enum backup_age {
	BACKUP_NEVER,	/* none yet (a fresh install) */
	BACKUP_OLD,	/* older than BACKUP_STALE_SECONDS */
	BACKUP_RECENT,
	BACKUP_AGE__MAX
};
#define BACKUP_STALE_SECONDS	(24 * 3600)

int	 backup_init(void);
void	 backup_fini(void);
int	 backup_snapshot(sqlite3 *, const char *);
enum backup_check backup_verify(const char *, const char *, long long, FILE *,
	    char *, size_t, int *);
int	 backup_record(const struct backup *, long long, long long *);
int	 backup_gather(const char *, struct backup **, size_t *);
void	 backup_json(struct req *, const struct backup *);
time_t	 backup_next(time_t);
int	 backup_copy_get(struct backup_copy *);
int	 backup_copy_dir_ok(const char *, const char *);
int	 backup_copy_set_dir(const char *);
int	 backup_copy_done(const char *, const char *);
enum backup_age backup_age(const struct backup *, size_t);
#endif /* BACKUP_H */

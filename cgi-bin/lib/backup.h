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


int	 backup_init(void);
void	 backup_fini(void);
int	 backup_snapshot(sqlite3 *, const char *);
enum backup_check backup_verify(const char *, const char *, long long, FILE *,
	    char *, size_t, int *);
int	 backup_record(const struct backup *, long long, long long *);
int	 backup_gather(const char *, struct backup **, size_t *);
void	 backup_json(struct req *, const struct backup *);
#endif /* BACKUP_H */

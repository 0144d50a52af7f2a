/*
 * backupseal.h — the sealed (encrypted) form of a backup, part of the
 * backup module (backup.h includes it); backupseal.c says the format.
 */
#ifndef BACKUPSEAL_H
#define BACKUPSEAL_H

#include <stddef.h>

/* The passphrase file the server seals its backups with, under VAR. */
#define BACKUP_KEY_FILE	"backup.key"

int	 backup_is_sealed(const char *);
int	 backup_key(const char *, char *, size_t);
int	 backup_seal(const char *, const char *, const char *);
int	 backup_unseal(const char *, const char *, const char *);

#endif /* BACKUPSEAL_H */

/*
 * changes.h — the change log's epoch: the one owner of the sync_epoch
 * table.
 *
 * GET /api/changes (the changes program) hands browsers cursors into the
 * change log (schema: change_log, filled by triggers).  A cursor is only
 * good in the history it was read from: a restore puts another history in
 * place, so the restore (the admin tool) gives the database a new epoch
 * and a cursor of the old one is refused (409 epoch_changed).
 */
#ifndef CHANGES_H
#define CHANGES_H

#define CHANGES_EPOCH_LEN	16	/* hex digits of an epoch */

/* What changes_cursor() found. */
enum cursor_parse {
	CURSOR_BAD,		/* not "<16 hex digits>.<seq>" */
	CURSOR_OK,		/* of EPOCH: the seq is in *SEQ */
	CURSOR_OTHER_EPOCH,	/* well formed, of another epoch */
	CURSOR__MAX
};

int	 changes_init(void);
enum cursor_parse changes_cursor(const char *, const char *, long long *);
void	 changes_fini(void);
int	 changes_epoch(char *);
int	 changes_new_epoch(void);

#endif /* CHANGES_H */

/*
 * users.h — a staff account: the one owner of the users table's writes
 * and of the rules on them (every new password, the last active admin,
 * no deactivating oneself).  The admin program's user routes, the auth
 * program's password change and the admin tool's `user add/passwd` call
 * it, and the rules on wrong passwords: counted per (username, client
 * address), locked after USERS_LOCK_FAILURES within USERS_LOCK_SECONDS,
 * cleared by a success from that address or an admin's unlock.
 * users_new_password() is in userspw.c (libpwquality).
 */
#ifndef USERS_H
#define USERS_H

#include "nd.h"

#define USERS_LOCK_FAILURES	5		/* wrong passwords that lock... */
#define USERS_LOCK_SECONDS	(15 * 60)	/* ...within this; and the lock's length */
#define USERS_PRUNE_BATCH	16		/* stale pairs forgotten per wrong password */

int	 users_init(void);
void	 users_fini(void);
int	 users_new_password(const char *, const char *, char *, size_t,
	    const char **);
int	 users_create(const char *, const char *, const char *, const char *,
	    long long *);
int	 users_import(const char *, const char *, const char *, const char *,
	    long long, long long, long long *);
long long users_imported(long long, long long);
int	 users_set_password(long long, const char *, int, long long);
long long users_id(const char *);
int	 users_name(long long, char *, size_t);
long long users_count(void);
int	 users_reply(struct req *, long long);
int	 users_list(struct req *, const char *, long long, long long);
int	 users_change(struct req *, long long, long long, const char *,
	    const char *, int, int, const char *);
long long users_locked(const char *, const char *);
int	 users_failed(const char *, const char *);
int	 users_succeeded(const char *, const char *);
int	 users_unlock(const char *, int *);
void	 users_language(long long, char *, size_t);
int	 users_set_language(struct req *, long long, const char *);
int	 users_rename_all(int (*)(const char *, char *, size_t), const char *,
	    long long *);

#endif /* USERS_H */

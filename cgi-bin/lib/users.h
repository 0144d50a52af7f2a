/*
 * users.h — a staff account: the one owner of the users table's writes
 * and of the rules on them (every new password, the last active admin,
 * no deactivating oneself).  The admin program's user routes, the auth
 * program's password change and the admin tool's `user add/passwd` call
 * it.  Signing in (the pause after failures) stays with the auth program.
 */
#ifndef USERS_H
#define USERS_H

#include "nd.h"

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
void	 users_language(long long, char *, size_t);
int	 users_set_language(struct req *, long long, const char *);

#endif /* USERS_H */

/*
 * admin.h — what the files of the `admin` program share: its statement
 * table (defined in admin.c, the only place with SQL), its handlers, and
 * the backup listing that both backups.c and system.c read (the backups
 * themselves are the library's backup module).
 */
#ifndef ADMIN_H
#define ADMIN_H

#include <stddef.h>

#include "nd.h"
#include "users.h"
#include "backup.h"

/* The version of this build, shown by GET /api/system. */
#ifndef ND_VERSION
#define ND_VERSION	"0.1.0-dev"
#endif

enum stmt {
	STMT_SETTINGS_GET,
	STMT_SETTING_SET,
	STMT_SETTINGS_BUMP,
	STMT_LOGO_GET,
	STMT_LOGO_SET,
	STMT_LOGO_DELETE,
	/* Each family of audit statements in this order (filter_bind()):
	 * by time, one user, one patient, one patient with the listings
	 * that named them. */
	STMT_AUDIT_LIST,
	STMT_AUDIT_LIST_USER,
	STMT_AUDIT_LIST_PATIENT,
	STMT_AUDIT_LIST_NAMED,
	STMT_AUDIT_READ,
	STMT_AUDIT_READ_USER,
	STMT_AUDIT_READ_PATIENT,
	STMT_AUDIT_READ_NAMED,
	STMT_AUDIT_FOLD,
	STMT_AUDIT_FOLD_USER,
	STMT_AUDIT_FOLD_PATIENT,
	STMT_AUDIT_FOLD_NAMED,
	STMT_SCHEMA_VERSION,
	STMT_TIMEZONE,
	STMT__MAX
};
extern sqlite3_stmt *st[STMT__MAX];

/* admin.c: the program's own validators (1 = acceptable) */
int	 check_one_line(const char *);
int	 check_phone_text(const char *);
int	 check_timezone(const char *);

/* users.c */
int	 user_list(struct req *);
int	 user_get(struct req *);
int	 user_create(struct req *);
int	 user_update(struct req *);
int	 user_unlock(struct req *);

/* settings.c */
int	 settings_get(struct req *);
int	 settings_put(struct req *);
int	 logo_get(struct req *);
int	 logo_put(struct req *);
int	 logo_delete(struct req *);

/* auditlog.c: reading the trail (writing it is the library's audit()) */
int	 auditlog_list(struct req *);
int	 auditlog_csv(struct req *);

/* backups.c */
int	 backup_create(struct req *);
int	 backup_list(struct req *);
int	 backup_copy_read(struct req *);
int	 backup_copy_put(struct req *);
int	 admin_var_path(const char *, char *, size_t);
int	 backups_gather(struct backup **, size_t *);

/* system.c */
int	 system_status(struct req *);
int	 system_warnings(struct req *);

#endif /* ADMIN_H */

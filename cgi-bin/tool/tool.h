/* tool.h — what the admin tool's command files share. */
#ifndef TOOL_H
#define TOOL_H

#include <stddef.h>

#include "backup.h"

extern char	 tool_var[4096];	/* --var DIR */
extern char	 tool_db[4200];		/* DIR/db/nalamdesk.db */

/* The name the tool's rows carry in the audit trail, and its logs. */
#define TOOL_NAME	"nalamdesk-admin"

/* Exit statuses, stated once. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed */
#define EXIT_USAGE	2	/* wrong command line */
#define EXIT_REFUSED	3	/* refused, nothing changed (a file imported before) */

/* toolbase.c */
int	 tool_drop_privileges(void);
int	 tool_open(int);
int	 tool_migrate(int);
int	 tool_latest(void);
int	 tool_lock(int);
long long tool_audit_import(void);
void	 tool_unlock(int);
int	 tool_mkdir(const char *, const char *);
void	 tool_stamp(char *, size_t);
const char *tool_opt(int, char **, const char *);
int	 tool_args(int, char **, const char *const *, const char **, char **,
	    int);

/* backup.c */
int	 tool_backup_to(const char *, const char *, int);
enum backup_check tool_check(const char *, const char *, int, int *);
int	 tool_passphrase(const char *, char *, size_t);
int	 fsync_dir(const char *);
int	 cmd_backup(int, char **);
int	 cmd_schedule(int, char **);
int	 cmd_backup_wait(int, char **);
int	 cmd_verify(int, char **);
int	 cmd_restore(int, char **);

/* names.c */
int	 tool_pending_steps(int);

/* import.c */
int	 cmd_import_nalamdesk(int, char **);

/* fhirout.c */
int	 cmd_export_fhir(int, char **);

/* rotate.c */
int	 cmd_rotate(int, char **);
int	 cmd_net(int, char **);

#endif

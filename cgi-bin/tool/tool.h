/* tool.h — what the admin tool's command files share. */
#ifndef TOOL_H
#define TOOL_H

extern char	 tool_var[4096];	/* --var DIR */
extern char	 tool_db[4200];		/* DIR/db/nalamdesk.db */

int	 tool_drop_privileges(void);
int	 tool_open(int);
int	 tool_migrate(int);
int	 tool_latest(void);

int	 cmd_backup(int, char **);
int	 cmd_verify(int, char **);
int	 cmd_restore(int, char **);

#endif

/*
 * rotate.c — the scheduled backup (backup-rotate), run by the systemd timer
 * nalamdesk-backup.timer every hour of clinic hours and at closing time,
 * and `net`, which hands over to the installed network script.
 *
 * backup-rotate takes a checked snapshot VAR/backups/scheduled-<time>.db,
 * then keeps, like a grandfather-father-son scheme, the newest snapshot of
 * each of the last H hours, D days, W weeks and M months that have one
 * (default 48, 14, 8, 12; days, weeks and months in local time) and
 * removes the other scheduled-*.db files; other files in VAR/backups
 * (pre-migrate-, pre-restore-, manual ones) are never touched.  When a
 * second destination is set (a USB disk) the new snapshot is copied there,
 * encrypted, as nalamdesk-<time>.db.enc, and the same rule rotates them.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nd.h"
#include "backup.h"
#include "tool.h"

#define STAMP_LEN	16	/* YYYYmmddTHHMMSSZ */
#define SNAP_MAX	4096	/* files looked at in one directory */

/* The four rules, newest first within each bucket. */
enum keep {
	KEEP_HOURLY,
	KEEP_DAILY,
	KEEP_WEEKLY,
	KEEP_MONTHLY,
	KEEP__MAX
};
static const char *const keep_bucket[KEEP__MAX] = {
	/* KEEP_HOURLY */
	"%Y%m%d%H",
	/* KEEP_DAILY */
	"%Y%m%d",
	/* KEEP_WEEKLY: ISO week */
	"%G%V",
	/* KEEP_MONTHLY */
	"%Y%m",
};
_Static_assert(ND_NELEM(keep_bucket) == KEEP__MAX, "keep_bucket");

struct snap {
	char	 name[NAME_MAX + 1];
	time_t	 t;
	int	 keep;
};

static int
snap_newest_first(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;

	return x->t < y->t ? 1 : x->t > y->t ? -1 : 0;
}

/* Parses PREFIX<stamp>SUFFIX into *T.  Returns 1 when NAME is one of ours. */
static int
snap_time(const char *name, const char *prefix, const char *suffix, time_t *t)
{
	size_t		 lp = strlen(prefix), ls = strlen(suffix);
	struct tm	 tm;
	const char	*end;

	if (strlen(name) != lp + STAMP_LEN + ls ||
	    strncmp(name, prefix, lp) != 0 ||
	    strcmp(name + lp + STAMP_LEN, suffix) != 0)
		return 0;
	memset(&tm, 0, sizeof(tm));
	end = strptime(name + lp, "%Y%m%dT%H%M%SZ", &tm);
	if (end != name + lp + STAMP_LEN)
		return 0;
	*t = timegm(&tm);
	return 1;
}

/*
 * Rotates PREFIX<stamp>SUFFIX files in DIR by the rule KEEP[KEEP__MAX].
 * Returns the number removed, or -1 when DIR cannot be read.
 */
static int
prune(const char *dir, const char *prefix, const char *suffix,
    const int *keep)
{
	struct snap	*s;
	struct dirent	*de;
	DIR		*d;
	struct tm	 tm;
	char		 key[32], last[32], path[PATH_MAX];
	size_t		 n = 0, i;
	int		 k, count, removed = 0;
	time_t		 t;

	if ((d = opendir(dir)) == NULL)
		return -1;
	if ((s = calloc(SNAP_MAX, sizeof(*s))) == NULL) {
		closedir(d);
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < SNAP_MAX) {
		if (!snap_time(de->d_name, prefix, suffix, &t))
			continue;
		snprintf(s[n].name, sizeof(s[n].name), "%s", de->d_name);
		s[n++].t = t;
	}
	closedir(d);
	qsort(s, n, sizeof(*s), snap_newest_first);
	if (n > 0)
		s[0].keep = 1;	/* the newest, whatever the rules say */
	for (k = 0; k < KEEP__MAX; k++) {
		last[0] = '\0';
		for (i = 0, count = 0; i < n && count < keep[k]; i++) {
			localtime_r(&s[i].t, &tm);
			strftime(key, sizeof(key), keep_bucket[k], &tm);
			if (strcmp(key, last) == 0)
				continue;	/* an older one of that bucket */
			snprintf(last, sizeof(last), "%s", key);
			s[i].keep = 1;
			count++;
		}
	}
	for (i = 0; i < n; i++) {
		if (s[i].keep)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, s[i].name);
		if (unlink(path) == 0)
			removed++;
	}
	free(s);
	return removed;
}

/* Parses "H,D,W,M" into KEEP.  Returns 1 or 0. */
static int
parse_keep(const char *spec, int *keep)
{
	char	*end;
	long	 v;
	int	 k;

	for (k = 0; k < KEEP__MAX; k++) {
		errno = 0;
		v = strtol(spec, &end, 10);
		if (errno != 0 || end == spec || v < 0 || v > 1000)
			return 0;
		keep[k] = (int)v;
		if (k + 1 < KEEP__MAX && *end != ',')
			return 0;
		spec = end + 1;
	}
	return *end == '\0';
}

/* Option value, else the environment variable ENV, else NULL. */
static const char *
opt_env(const char *val, const char *env)
{
	const char	*e;

	if (val != NULL)
		return val;
	e = getenv(env);
	return e != NULL && e[0] != '\0' ? e : NULL;
}

static const char *const rotate_opts[] = { "copy-to", "passphrase-file",
    "keep", NULL };

/*
 * backup-rotate [--copy-to DIR] [--passphrase-file F] [--keep H,D,W,M]
 * Environment (the timer's /etc/nalamdesk/backup.conf): the same as
 * NALAMDESK_BACKUP_COPY_TO, NALAMDESK_BACKUP_PASSPHRASE_FILE and
 * NALAMDESK_BACKUP_KEEP.  Without a place, the one the admin set on the
 * Backups screen (backup.h, backup_copy_get()); without a passphrase file,
 * VAR/backup.key when there is one.  Exit 0: the local snapshot is good
 * and, if a second destination is set, its encrypted copy is written (and
 * recorded as the last copy off this PC).
 */
int
cmd_rotate(int argc, char **argv)
{
	const char	*vals[3], *copy_to, *passfile, *keepspec;
	char		*pos[1], stamp[32], path[4400], name[64];
	char		 dst[PATH_MAX], tmp[PATH_MAX + 16], pass[512];
	char		 bdir[4300], keyfile[4400], now[32];
	struct backup_copy copy;
	int		 keep[KEEP__MAX] = { 48, 14, 8, 12 };
	int		 lock, ok, removed;

	if (tool_args(argc, argv, rotate_opts, vals, pos, 0) != 0)
		return EXIT_USAGE;
	copy_to = opt_env(vals[0], "NALAMDESK_BACKUP_COPY_TO");
	passfile = opt_env(vals[1], "NALAMDESK_BACKUP_PASSPHRASE_FILE");
	keepspec = opt_env(vals[2], "NALAMDESK_BACKUP_KEEP");
	if (keepspec != NULL && !parse_keep(keepspec, keep)) {
		fprintf(stderr, "nalamdesk-admin: --keep is H,D,W,M, four "
		    "numbers 0-1000, e.g. 48,14,8,12\n");
		return EXIT_USAGE;
	}
	if (!tool_open(0) || !tool_mkdir(tool_var, "backups") ||
	    (lock = tool_lock(0)) == -1)
		return EXIT_FAIL;
	/* No place given here: the one the admin set (Backups screen). */
	if (copy_to == NULL && backup_init()) {
		if (backup_copy_get(&copy) == SQLITE_OK && copy.dir[0] != '\0')
			copy_to = copy.dir;
		backup_fini();
	}
	/* No passphrase file given: the server's own, as the admin
	 * program seals with (VAR/backup.key, made by deploy/run.sh). */
	snprintf(keyfile, sizeof(keyfile), "%s/%s", tool_var, BACKUP_KEY_FILE);
	if (passfile == NULL && access(keyfile, R_OK) == 0)
		passfile = keyfile;
	tool_stamp(stamp, sizeof(stamp));
	snprintf(name, sizeof(name), "scheduled-%s.db", stamp);
	snprintf(bdir, sizeof(bdir), "%s/backups", tool_var);
	snprintf(path, sizeof(path), "%s/%s", bdir, name);
	ok = tool_backup_to(path, "scheduled", 1);
	tool_unlock(lock);
	db_close();
	if (!ok)
		return EXIT_FAIL;
	printf("backup written: %s\n", path);
	if ((removed = prune(bdir, "scheduled-", ".db", keep)) > 0)
		printf("rotated: %d older scheduled backup(s) removed\n",
		    removed);
	if (copy_to == NULL)
		return EXIT_OK;

	/* The second destination: copies that leave the machine. */
	if (passfile == NULL) {
		fprintf(stderr, "nalamdesk-admin: a second destination (%s) is "
		    "set but no passphrase file: copies that leave this "
		    "machine are always encrypted; set "
		    "NALAMDESK_BACKUP_PASSPHRASE_FILE\n", copy_to);
		return EXIT_FAIL;
	}
	if (access(copy_to, W_OK) == -1) {
		fprintf(stderr, "nalamdesk-admin: the second destination %s is "
		    "not there or not writable (%s): is the USB disk plugged "
		    "in? The local backup %s is good.\n", copy_to,
		    strerror(errno), path);
		return EXIT_FAIL;
	}
	if (!tool_passphrase(passfile, pass, sizeof(pass)))
		return EXIT_FAIL;
	snprintf(dst, sizeof(dst), "%s/nalamdesk-%s.db.enc", copy_to, stamp);
	snprintf(tmp, sizeof(tmp), "%s.partial", dst);
	unlink(tmp);
	ok = backup_seal(path, tmp, pass) && rename(tmp, dst) == 0;
	explicit_bzero(pass, sizeof(pass));
	if (!ok) {
		unlink(tmp);
		fprintf(stderr, "nalamdesk-admin: the copy to %s failed; the "
		    "local backup %s is good\n", copy_to, path);
		return EXIT_FAIL;
	}
	fsync_dir(dst);
	printf("encrypted copy written: %s\n", dst);
	/* For the status screen: the last copy off this PC. */
	db_now(now);
	if (!tool_open(0) || !backup_init() || db_begin() != SQLITE_OK ||
	    backup_copy_done(strrchr(dst, '/') + 1, now) != SQLITE_OK ||
	    db_commit() != SQLITE_OK)
		fprintf(stderr, "nalamdesk-admin: note: the copy is written but "
		    "could not be recorded in the database\n");
	db_rollback();	/* after a failure; a no-op after COMMIT */
	backup_fini();
	if ((removed = prune(copy_to, "nalamdesk-", ".db.enc", keep)) > 0)
		printf("rotated: %d older copies removed from %s\n", removed,
		    copy_to);
	return EXIT_OK;
}

/*
 * backup-schedule [--count N]: prints the next N (default 5, at most 500)
 * times of the scheduled backups, local time "YYYY-MM-DD HH:MM", one a
 * line (backup_next(): the times of nalamdesk-backup.timer).
 */
int
cmd_schedule(int argc, char **argv)
{
	static const char *const opts[] = { "count", NULL };
	const char	*vals[1];
	char		*pos[1], *end, buf[32];
	long		 count = 5, i;
	time_t		 t = time(NULL);
	struct tm	 tm;

	if (tool_args(argc, argv, opts, vals, pos, 0) != 0)
		return EXIT_USAGE;
	if (vals[0] != NULL) {
		count = strtol(vals[0], &end, 10);
		if (*end != '\0' || count < 1 || count > 500)
			return EXIT_USAGE;
	}
	for (i = 0; i < count; i++) {
		if ((t = backup_next(t)) == 0)
			return EXIT_FAIL;
		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
		printf("%s\n", buf);
	}
	return EXIT_OK;
}

/*
 * backup-wait: sleeps until the next scheduled backup (backup_next()), then
 * exits 0; deploy/run.sh runs it and then backup-rotate, in a loop, so that
 * `make run` takes backups when the installed service would.  With
 * NALAMDESK_BACKUP_EVERY=S (1-86400 seconds) it sleeps S seconds instead:
 * the backup drill's short schedule.  Sleeps a minute at a time, so a
 * changed clock or a suspended PC does not make it miss the time by long.
 */
int
cmd_backup_wait(int argc, char **argv)
{
	const char	*every = getenv("NALAMDESK_BACKUP_EVERY");
	char		*end, buf[32];
	long		 secs = 0;
	time_t		 due, now;
	struct tm	 tm;

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	if (every != NULL && every[0] != '\0') {
		secs = strtol(every, &end, 10);
		if (*end != '\0' || secs < 1 || secs > 86400) {
			fprintf(stderr, "nalamdesk-admin: NALAMDESK_BACKUP_EVERY "
			    "is 1-86400 seconds\n");
			return EXIT_USAGE;
		}
	}
	now = time(NULL);
	due = secs > 0 ? now + secs : backup_next(now);
	if (due == 0)
		return EXIT_FAIL;
	localtime_r(&due, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf("next scheduled backup: %s\n", buf);
	fflush(stdout);
	while ((now = time(NULL)) < due)
		sleep(due - now > 60 ? 60 : (unsigned)(due - now));
	return EXIT_OK;
}

/*
 * net apply | net check: the network settings of an installed NalamDesk
 * live in /etc/nalamdesk/network.conf; the script that turns them into the
 * nginx allow-list, the certificate and the firewall is installed as
 * $NALAMDESK_LIBEXEC/nalamdesk-net (the nalamdesk-admin wrapper sets it).
 */
int
cmd_net(int argc, char **argv)
{
	const char	*dir = getenv("NALAMDESK_LIBEXEC");
	char		 path[PATH_MAX];
	char		*args[8];
	int		 i;

	if (argc < 1 || argc > 6)
		return EXIT_USAGE;
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr, "nalamdesk-admin: `net` is for an installed "
		    "NalamDesk (sudo make install); under `make run` edit "
		    "VAR/allow.conf instead\n");
		return EXIT_FAIL;
	}
	snprintf(path, sizeof(path), "%s/nalamdesk-net", dir);
	args[0] = path;
	for (i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	args[argc + 1] = NULL;
	fflush(stdout);
	execv(path, args);
	fprintf(stderr, "nalamdesk-admin: cannot run %s: %s\n", path,
	    strerror(errno));
	return EXIT_FAIL;
}

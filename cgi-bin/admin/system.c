/*
 * system.c — the server's status for the admin's screen, and the two
 * warnings the doctor's screen shows (no recent good backup, disk low).
 *
 * Everything is read on demand: file sizes and free space with stat and
 * statvfs, the certificate with OpenSSL, the worker pools from /proc.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "admin.h"

#define DISK_LOW_BYTES		(1024ULL * 1024 * 1024)	/* 1 GiB */
#define DISK_LOW_PERCENT	5
#define POOLS_MAX		16	/* programs reported */

struct pool {
	char		 program[64];
	int		 workers;
	time_t		 oldest;	/* start of its oldest worker */
};

/* Size of file PATH, 0 when it does not exist. */
static long long
file_size(const char *path)
{
	struct stat	 sb;

	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/*
 * Free and total bytes of the file system that holds the database.
 * Returns 1, or 0 if statvfs failed.
 */
static int
disk_space(const char *dbpath, unsigned long long *avail,
    unsigned long long *total)
{
	struct statvfs	 vfs;
	char		 dir[4096], *slash;

	snprintf(dir, sizeof(dir), "%s", dbpath);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (statvfs(dir, &vfs) == -1)
		return 0;
	*avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	*total = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
	return 1;
}

/*
 * The expiry date (YYYY-MM-DD, UTC) of the certificate in PATH into OUT
 * (11 bytes).  Returns 1, or 0 if there is none or it cannot be read.
 */
static int
cert_expiry(const char *path, char *out)
{
	FILE		*f;
	X509		*x;
	const ASN1_TIME	*na;
	struct tm	 tm;
	int		 ok = 0;

	if ((f = fopen(path, "re")) == NULL)
		return 0;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if ((na = X509_get0_notAfter(x)) != NULL && ASN1_TIME_to_tm(na, &tm))
		ok = strftime(out, 11, "%Y-%m-%d", &tm) == 10;
	X509_free(x);
	return ok;
}

/* Boot time (Unix seconds) from /proc/stat, or 0. */
static time_t
boot_time(void)
{
	FILE		*f;
	char		 line[256];
	long long	 v = 0;

	if ((f = fopen("/proc/stat", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "btime %lld", &v) == 1)
			break;
	fclose(f);
	return (time_t)v;
}

/* Start of process PID (Unix seconds), or 0 if unknown. */
static time_t
proc_start(const char *pid, time_t btime)
{
	FILE		*f;
	char		 path[300], buf[1024], *p;
	unsigned long long ticks;
	size_t		 n;
	int		 field;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Field 2 (comm) may hold spaces and ')': skip past the last ')'.
	 * Then field 3 is the state; starttime is field 22. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &ticks) != 1)
		return 0;
	return btime + (time_t)(ticks / (unsigned long long)sysconf(_SC_CLK_TCK));
}

static int
pool_cmp(const void *a, const void *b)
{
	return strcmp(((const struct pool *)a)->program,
	    ((const struct pool *)b)->program);
}

/*
 * The name a pool goes by: the last part of process PID's argv[0] when it
 * is a plain lower-case name (a pool started through a link in VAR/app/bin,
 * as the signin pool runs auth), else EXE, the executable's own name.
 */
static const char *
pool_name(const char *pid, const char *exe, char *buf, size_t size)
{
	char		 path[300], cmd[512];
	const char	*base;
	ssize_t		 k;
	size_t		 i;
	int		 fd;

	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return exe;
	k = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (k <= 0)
		return exe;
	cmd[k] = '\0';		/* argv[0] ends at its own NUL */
	base = strrchr(cmd, '/') != NULL ? strrchr(cmd, '/') + 1 : cmd;
	for (i = 0; base[i] != '\0'; i++)
		if (base[i] < 'a' || base[i] > 'z' || i + 1 >= size)
			return exe;
	if (i == 0)
		return exe;
	memcpy(buf, base, i + 1);
	return buf;
}

/*
 * The worker pools: processes whose executable is VAR/app/bin/<program>,
 * counted per program with the start of the oldest.  Only processes of
 * this service's user can be seen, which the pools are.
 * Returns the number of pools filled in P (at most POOLS_MAX).
 */
static size_t
pools_read(struct pool *p)
{
	DIR		*d;
	struct dirent	*de;
	char		 bin[4200], real[PATH_MAX], exe[PATH_MAX + 16];
	char		 link[300], arg0[64], *del;
	const char	*name;
	size_t		 n = 0, blen, i;
	ssize_t		 k;
	time_t		 btime = boot_time(), start;

	if (!admin_var_path("app/bin", bin, sizeof(bin)) ||
	    realpath(bin, real) == NULL || (d = opendir("/proc")) == NULL)
		return 0;
	blen = strlen(real);
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(link, sizeof(link), "/proc/%s/exe", de->d_name);
		if ((k = readlink(link, exe, sizeof(exe) - 1)) <= 0)
			continue;
		exe[k] = '\0';
		/* A program replaced while running reads "... (deleted)". */
		if ((del = strstr(exe, " (deleted)")) != NULL && del[10] == '\0')
			*del = '\0';
		if (strncmp(exe, real, blen) != 0 || exe[blen] != '/')
			continue;
		name = exe + blen + 1;
		if (*name == '\0' || strchr(name, '/') != NULL)
			continue;
		/* A pool started through a link names itself by it (VAR/app/bin/signin
		 * runs auth): argv[0]'s last part, when it is a plain name. */
		name = pool_name(de->d_name, name, arg0, sizeof(arg0));
		start = proc_start(de->d_name, btime);
		for (i = 0; i < n; i++)
			if (strcmp(p[i].program, name) == 0)
				break;
		if (i == n) {
			if (n == POOLS_MAX)
				continue;
			snprintf(p[n].program, sizeof(p[n].program), "%s",
			    name);
			p[n].workers = 0;
			p[n].oldest = 0;
			n++;
		}
		p[i].workers++;
		if (start > 0 && (p[i].oldest == 0 || start < p[i].oldest))
			p[i].oldest = start;
	}
	closedir(d);
	qsort(p, n, sizeof(*p), pool_cmp);
	return n;
}

/* --- the PC's clock zone ---------------------------------------------- */

#define ZONEINFO	"/usr/share/zoneinfo/"
#define ZONE_FILE_MAX	(64 * 1024)	/* a TZif file is a few KiB */

/*
 * The zone of this PC's clock into OUT (SIZE bytes): /etc/localtime's link
 * below zoneinfo/, else /etc/timezone, else "".  systemd's timers follow
 * it, the backup timer among them, whatever the clinic's settings say.
 */
static void
clock_zone(char *out, size_t size)
{
	char		 link[PATH_MAX];
	const char	*z;
	ssize_t		 n;
	FILE		*f;

	out[0] = '\0';
	if ((n = readlink("/etc/localtime", link, sizeof(link) - 1)) > 0) {
		link[n] = '\0';
		if ((z = strstr(link, "zoneinfo/")) != NULL) {
			snprintf(out, size, "%s", z + strlen("zoneinfo/"));
			return;
		}
	}
	if ((f = fopen("/etc/timezone", "r")) != NULL) {
		if (fgets(out, (int)size, f) == NULL)
			out[0] = '\0';
		out[strcspn(out, " \t\r\n")] = '\0';
		fclose(f);
	}
}

/* PATH's bytes (at most ZONE_FILE_MAX) into BUF; their count, or -1. */
static ssize_t
zone_bytes(const char *path, char *buf)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, ZONE_FILE_MAX);
	close(fd);
	return n;
}

/*
 * 1 when the PC's clock (/etc/localtime) keeps other time than the
 * clinic's zone ZONE (settings.timezone): their rules differ, byte for
 * byte (an alias such as Asia/Calcutta is the same file); 0 when they are
 * the same or either cannot be read.
 */
static int
clock_differs(const char *zone)
{
	static char	 a[ZONE_FILE_MAX], b[ZONE_FILE_MAX];
	char		 path[PATH_MAX];
	ssize_t		 na, nb;

	if (zone[0] == '\0' || strstr(zone, "..") != NULL)
		return 0;
	snprintf(path, sizeof(path), ZONEINFO "%s", zone);
	if ((na = zone_bytes("/etc/localtime", a)) <= 0 ||
	    (nb = zone_bytes(path, b)) <= 0)
		return 0;
	return na != nb || memcmp(a, b, (size_t)na) != 0;
}

/* The clinic's zone (settings.timezone) into OUT, "" when unset. */
static void
clinic_zone(char *out, size_t size)
{
	sqlite3_stmt		*s = st[STMT_TIMEZONE];
	const unsigned char	*v;

	out[0] = '\0';
	if (db_step(s) == SQLITE_ROW && (v = sqlite3_column_text(s, 0)) !=
	    NULL)
		snprintf(out, size, "%s", (const char *)v);
	db_reset(s);
}

/* What both answers read: the disk under the database and the backups. */
struct health {
	const char		*dbpath;
	unsigned long long	 avail, total;
	int			 disk_known, disk_low;
	struct backup		*v;		/* newest first; free() it */
	size_t			 n;
	enum backup_age		 age;
};

/* Fills H.  Returns SQLITE_OK or the error (nothing to free then). */
static int
health_read(struct health *h)
{
	int	 rc;

	memset(h, 0, sizeof(*h));
	if ((h->dbpath = getenv("NALAMDESK_DB")) == NULL)
		h->dbpath = "";
	h->disk_known = disk_space(h->dbpath, &h->avail, &h->total);
	h->disk_low = h->disk_known && (h->avail < DISK_LOW_BYTES ||
	    h->avail * 100 < h->total * DISK_LOW_PERCENT);
	if ((rc = backups_gather(&h->v, &h->n)) != SQLITE_OK)
		return rc;
	h->age = backup_age(h->v, h->n);
	return SQLITE_OK;
}

/*
 * GET /api/system: 200 {version, schema_version, database_bytes, wal_bytes,
 * disk_free_bytes, disk_total_bytes, disk_low, last_backup:{file,
 * created_at, integrity}|null, backup_stale (the newest good backup is
 * over a day old), backup_never (there is none yet), backup_copy:{dir,
 * last_file, last_at} (the second copy, off this PC: where, and the last
 * one written there, nulls when none), certificate_expires (YYYY-MM-DD|
 * null), clock_zone (the PC's clock's zone, which the backup timer
 * follows, "" when unknown), clock_differs (it keeps other time than the
 * clinic's settings.timezone), pools:[{program, workers,
 * oldest_started_at}]} (admin).  The doctor's banner reads GET
 * /api/system/warnings instead.
 */
int
system_status(struct req *r)
{
	struct health	 h;
	struct backup_copy copy;
	struct pool	 pools[POOLS_MAX];
	char		 path[4300], date[11], iso[32], zone[128];
	size_t		 i, npools;
	int		 rc;
	struct tm	 tm;

	if ((rc = health_read(&h)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_open(r);
	jo_str(r, "version", ND_VERSION);
	jo_int(r, "schema_version", db_int1(st[STMT_SCHEMA_VERSION], 0));
	jo_int(r, "database_bytes", file_size(h.dbpath));
	snprintf(path, sizeof(path), "%s-wal", h.dbpath);
	jo_int(r, "wal_bytes", file_size(path));
	if (h.disk_known) {
		jo_int(r, "disk_free_bytes", (long long)h.avail);
		jo_int(r, "disk_total_bytes", (long long)h.total);
	} else {
		jo_null(r, "disk_free_bytes");
		jo_null(r, "disk_total_bytes");
	}
	jo_bool(r, "disk_low", h.disk_low);
	if (h.n > 0) {
		jo_obj(r, "last_backup");
		jo_str(r, "file", h.v[0].file);
		jo_str(r, "created_at", h.v[0].created_at);
		jo_str(r, "integrity", h.v[0].integrity);
		jo_obj_close(r);
	} else
		jo_null(r, "last_backup");
	jo_bool(r, "backup_stale", h.age == BACKUP_OLD);
	jo_bool(r, "backup_never", h.age == BACKUP_NEVER);
	free(h.v);
	clock_zone(zone, sizeof(zone));
	jo_str(r, "clock_zone", zone);
	clinic_zone(zone, sizeof(zone));
	jo_bool(r, "clock_differs", clock_differs(zone));
	if ((rc = backup_copy_get(&copy)) != SQLITE_OK)
		return db_fail(r, rc);
	jo_obj(r, "backup_copy");
	if (copy.dir[0] != '\0')
		jo_str(r, "dir", copy.dir);
	else
		jo_null(r, "dir");
	if (copy.last_at[0] != '\0') {
		jo_str(r, "last_file", copy.last_file);
		jo_str(r, "last_at", copy.last_at);
	} else {
		jo_null(r, "last_file");
		jo_null(r, "last_at");
	}
	jo_obj_close(r);
	if (admin_var_path("tls/server.crt", path, sizeof(path)) &&
	    cert_expiry(path, date))
		jo_str(r, "certificate_expires", date);
	else
		jo_null(r, "certificate_expires");
	npools = pools_read(pools);
	jo_arr(r, "pools");
	for (i = 0; i < npools; i++) {
		jo_obj(r, NULL);
		jo_str(r, "program", pools[i].program);
		jo_int(r, "workers", pools[i].workers);
		if (pools[i].oldest > 0) {
			gmtime_r(&pools[i].oldest, &tm);
			strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
			jo_str(r, "oldest_started_at", iso);
		} else
			jo_null(r, "oldest_started_at");
		jo_obj_close(r);
	}
	jo_arr_close(r);
	jo_close(r);
	return 200;
}

/*
 * GET /api/system/warnings (admin, doctor): 200 {backup_stale,
 * backup_never, disk_low}, GET /api/system's three warnings alone, for
 * the banner of the screens of those who must act on them.
 */
int
system_warnings(struct req *r)
{
	struct health	 h;
	int		 rc;

	if ((rc = health_read(&h)) != SQLITE_OK)
		return db_fail(r, rc);
	free(h.v);
	jo_open(r);
	jo_bool(r, "backup_stale", h.age == BACKUP_OLD);
	jo_bool(r, "backup_never", h.age == BACKUP_NEVER);
	jo_bool(r, "disk_low", h.disk_low);
	jo_close(r);
	return 200;
}

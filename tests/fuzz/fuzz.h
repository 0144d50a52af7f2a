/*
 * fuzz.h — what the libFuzzer drivers of tests/fuzz/ share: a property
 * failure that libFuzzer reports as a crash, a NUL-terminated copy of the
 * input, the split of an input into lines, and an in-memory database with
 * the real schema, three signed-in staff and one deactivated user.
 *
 * A driver is built with clang -fsanitize=fuzzer,address,undefined against
 * the library SOURCES (every .c of cgi-bin/lib, instrumented too); tests/fuzz/run
 * does it.  build/fuzz/schema.inc is every migration of schema/, in order,
 * as one C string.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static void fz_fail(const char *, ...) __attribute__((format(printf, 1, 2),
    noreturn, unused));

/* A broken property: said on stderr, then abort() (a libFuzzer crash). */
static void
fz_fail(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "PROPERTY FAILED: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define FZ_ASSERT(cond, ...) do {					\
	if (!(cond))							\
		fz_fail(__VA_ARGS__);					\
} while (0)

/*
 * 1 if open bug TAG is listed in FZ_KNOWN (tests/fuzz/run sets it from
 * tests/fuzz/known-bugs for long runs, so that a bug already reported does
 * not stop the search for others).  The reproducers in tests/fuzz/crashes/
 * are always replayed without it.
 */
static int __attribute__((unused))
fz_known(const char *tag)
{
	const char	*k = getenv("FZ_KNOWN"), *p;
	size_t		 n = strlen(tag);

	for (p = k; p != NULL && (p = strstr(p, tag)) != NULL; p += n)
		if ((p == k || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

/* The input holds a \uD800-\uDFFF escape (JSON surrogate). */
static int __attribute__((unused))
fz_has_surrogate_escape(const uint8_t *data, size_t size)
{
	size_t	 i;

	for (i = 0; i + 3 < size; i++)
		if (data[i] == '\\' && data[i + 1] == 'u' &&
		    (data[i + 2] == 'd' || data[i + 2] == 'D'))
			return 1;
	return 0;
}

/*
 * Code points of S without the white space (space, tab, CR, LF) around it:
 * how the field tables count a string's length (written apart from the
 * library, so that a driver checks it rather than repeats it).
 */
static long long __attribute__((unused))
fz_trimmed_chars(const char *s)
{
	size_t		 a = strspn(s, " \t\r\n"), e = strlen(s);
	long long	 n = 0;

	while (e > a && strchr(" \t\r\n", s[e - 1]) != NULL)
		e--;
	for (; a < e; a++)
		n += ((unsigned char)s[a] & 0xc0) != 0x80;
	return n;
}

/* The input as a C string, cut at its first NUL (as the environment is). */
static char * __attribute__((unused))
fz_cstr(const uint8_t *data, size_t size)
{
	char	*s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Splits the C string S (modified) at its first N-1 newlines into LINE[0..N-1];
 * the last part takes the rest.  A missing line is NULL.
 */
static void __attribute__((unused))
fz_lines(char *s, char **line, size_t n)
{
	size_t	 i;
	char	*nl;

	for (i = 0; i < n; i++)
		line[i] = NULL;
	for (i = 0; i < n && s != NULL; i++) {
		line[i] = s;
		if (i + 1 < n && (nl = strchr(s, '\n')) != NULL) {
			*nl = '\0';
			s = nl + 1;
		} else
			s = NULL;
	}
}

#ifdef FZ_WITH_DB
/* Cookie tokens (43 characters, as auth_session_create makes) per user. */
static const char *const fz_token[] = {
	"AdminAdminAdminAdminAdminAdminAdminAdmin000",	/* 1 admin */
	"DoctorDoctorDoctorDoctorDoctorDoctorDoctor0",	/* 2 doctor */
	"FrontdeskFrontdeskFrontdeskFrontdeskFront00",	/* 3 frontdesk */
	"InactiveInactiveInactiveInactiveInactive000",	/* 4 deactivated */
	"ExpiredExpiredExpiredExpiredExpiredExpired0",	/* 1, expired */
};

/* Columns named: later migrations may add some (with defaults). */
#define FZ_USER	"INSERT INTO users (id, username, name, role, password_hash," \
	" active, version, created_at, updated_at) VALUES "

static const char fz_schema[] =
#include "schema.inc"
    ;

/*
 * Opens an in-memory database with the schema and the fixtures, and
 * prepares the library's statements.  Aborts on failure.
 */
static void __attribute__((unused))
fz_db_init(void)
{
	char		 sql[2048], hash[65];
	size_t		 i, o;
	long long	 now = (long long)time(NULL);

	if (!db_open(":memory:", 1) || db_exec(fz_schema) != SQLITE_OK)
		fz_fail("the in-memory database with the schema does not open");
	o = (size_t)snprintf(sql, sizeof(sql),
	    FZ_USER "(1, 'adm', 'Adm', 'admin', 'x', 1, 1, 'a', 'a');"
	    FZ_USER "(2, 'doc', 'Doc', 'doctor', 'x', 1, 1, 'a', 'a');"
	    FZ_USER "(3, 'desk', 'Desk', 'frontdesk', 'x', 1, 1, 'a', 'a');"
	    FZ_USER "(4, 'gone', 'Gone', 'doctor', 'x', 0, 1, 'a', 'a');");
	for (i = 0; i < ND_NELEM(fz_token); i++) {
		auth_token_hash(fz_token[i], hash);
		o += (size_t)snprintf(sql + o, sizeof(sql) - o,
		    "INSERT INTO sessions (id, token_hash, user_id, created_at,"
		    " last_seen, ip) VALUES (%zu, '%s', %zu, %lld, %lld, NULL);",
		    i + 1, hash, i < 4 ? i + 1 : 1,
		    i < 4 ? now : now - 20 * 3600, i < 4 ? now : now - 20 * 3600);
	}
	if (o >= sizeof(sql) || db_exec(sql) != SQLITE_OK)
		fz_fail("the fixtures do not load");
	if (!auth_init() || !audit_init())
		fz_fail("the library statements do not prepare");
}
#endif /* FZ_WITH_DB */

#endif /* FUZZ_H */

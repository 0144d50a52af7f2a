/*
 * fuzz_route — route_match() of the input as a path against the real
 * patterns of every program (build/fuzz/routes.inc, made from
 * `build/bin/<prog> --routes` by tests/fuzz/run; a copy of the list is
 * kept below for when the programs are not built) and odd ones; and, when
 * the input holds a newline, its first line as the pattern.
 *
 * Properties: a match fills exactly one positive parameter per {x}, below
 * 2^53 + 10; writing the parameters back into the pattern gives the path
 * again (no leading zeros, nothing skipped or doubled).
 */
#include "fuzz.h"

static const char *const patterns[] = {
#ifdef FZ_HAVE_ROUTES
#include "routes.inc"
#else
	"/api/appointments", "/api/appointments/{id}", "/api/audit",
	"/api/audit.csv", "/api/auth/login", "/api/auth/logout",
	"/api/auth/me", "/api/auth/password", "/api/backups", "/api/display",
	"/api/health", "/api/medicines", "/api/patients",
	"/api/patients/duplicates", "/api/patients/{id}",
	"/api/patients/{id}/visits", "/api/payments", "/api/payments/{id}",
	"/api/queue", "/api/queue/display", "/api/queue/{id}",
	"/api/reports/daily", "/api/settings", "/api/settings/logo",
	"/api/system", "/api/users", "/api/users/{id}", "/api/visits",
	"/api/visits/{id}", "/api/visits/{id}/finalize",
	"/api/visits/{id}/repeat-last",
#endif
	/* odd but legal: adjacent and many parameters */
	"/api/x/{a}/{b}/{c}/{d}", "/api/x/{a}/{b}/{c}/{d}/{e}", "/api/{a}{b}",
	"/api/{a}-{b}", "{a}", "", "/api/{unterminated",
};

/* Every "{" closed by a "}" before the next "{": how programs write them. */
static int
wellformed(const char *p)
{
	int	 open = 0;

	for (; *p != '\0'; p++) {
		if (*p == '{') {
			if (open)
				return 0;
			open = 1;
		} else if (*p == '}')
			open = 0;
	}
	return !open;
}

/* PATTERN with its {x} replaced by PARAM: 1 if that is PATH exactly. */
static int
rebuild(const char *pattern, const long long *param, size_t nparam,
    const char *path)
{
	char	 out[8192];
	size_t	 o = 0, k = 0;
	const char *p;

	for (p = pattern; *p != '\0' && o + 24 < sizeof(out); p++) {
		if (*p == '{') {
			if (k >= nparam)
				return 0;
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%lld",
			    param[k++]);
			p = strchr(p, '}');
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
	return k == nparam && strcmp(out, path) == 0;
}

static void
one(const char *pattern, const char *path)
{
	long long	 param[ND_PARAMS_MAX];
	size_t		 nparam = 99, i, braces = 0;
	const char	*p;

	memset(param, 0, sizeof(param));
	if (!route_match(pattern, path, param, &nparam))
		return;
	for (p = pattern; (p = strchr(p, '{')) != NULL; p++)
		braces++;
	FZ_ASSERT(nparam == braces && nparam <= ND_PARAMS_MAX,
	    "%zu parameters for %zu braces", nparam, braces);
	for (i = 0; i < nparam; i++)
		FZ_ASSERT(param[i] > 0 && param[i] < 9007199254741002LL,
		    "parameter %lld", param[i]);
	if (strlen(path) < 8000)
		FZ_ASSERT(rebuild(pattern, param, nparam, path),
		    "\"%s\" does not give back \"%s\"", pattern, path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s = fz_cstr(data, size), *nl;
	size_t	 i;

	for (i = 0; i < ND_NELEM(patterns); i++)
		one(patterns[i], s);
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		/* Patterns are the programs' own: only well-formed ones. */
		if (wellformed(s))
			one(s, nl + 1);
	}
	free(s);
	return 0;
}

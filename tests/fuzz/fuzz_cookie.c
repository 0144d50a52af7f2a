/*
 * fuzz_cookie — the input as the Cookie header through req_cookie() (the
 * session cookie's name and buffer as auth_session_lookup() uses them, and
 * edge sizes), then the whole auth_session_lookup() against an in-memory
 * database holding known sessions (fuzz.h).
 *
 * Properties: a found value fits its buffer and holds no ';'; the lookup
 * signs in exactly when the first nd_session cookie is the 43-character
 * token of an active, unexpired session, and then as that token's user.
 */
#define FZ_WITH_DB
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_db_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*c = fz_cstr(data, size), buf[80], hash[65];
	size_t		 sizes[] = { 1, 2, 43, 44, 64, sizeof(buf) }, k, i;
	long long	 want = 0;
	int		 rc, in;

	req_init(&r);
	r.cookie = c;
	r.remote_addr = "127.0.0.1";
	for (k = 0; k < ND_NELEM(sizes); k++) {
		memset(buf, 'Z', sizeof(buf));
		rc = req_cookie(&r, AUTH_COOKIE, buf, sizes[k]);
		FZ_ASSERT(rc == 0 || rc == 1, "req_cookie: %d", rc);
		if (rc == 1)
			FZ_ASSERT(strlen(buf) < sizes[k] &&
			    strchr(buf, ';') == NULL, "cookie value");
		FZ_ASSERT(sizes[k] == sizeof(buf) || buf[sizes[k]] == 'Z',
		    "req_cookie wrote past SIZE");
	}
	rc = req_cookie(&r, "", buf, sizeof(buf));
	rc = req_cookie(&r, "nd", buf, sizeof(buf));
	/* What the lookup should find. */
	if (req_cookie(&r, AUTH_COOKIE, buf, 64) && strlen(buf) == 43) {
		auth_token_hash(buf, hash);
		FZ_ASSERT(strlen(hash) == 64 && strspn(hash,
		    "0123456789abcdef") == 64, "token hash");
		for (i = 0; i < 3; i++)
			if (strcmp(buf, fz_token[i]) == 0)
				want = (long long)i + 1;
	}
	in = auth_session_lookup(&r);
	FZ_ASSERT(in == (want != 0) && r.user.id == want,
	    "signed in %d as %lld, want %lld", in, r.user.id, want);
	FZ_ASSERT(!in || (int)r.user.role == (int)want - 1, "role");
	db_rollback();
	req_free(&r);
	free(c);
	return 0;
}

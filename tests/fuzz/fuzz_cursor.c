/*
 * fuzz_cursor — the two pieces of untrusted text of working through a
 * Wi-Fi drop: the ?since= cursor of GET /api/changes (changes_cursor() of
 * cgi-bin/lib/changes.c) and the Idempotency-Key header (idem_key_ok() of
 * cgi-bin/lib/idem.c), each against a POSIX regular expression written
 * from its comment.
 *
 * Properties: a cursor is accepted exactly when it is 16 lower-case hex
 * digits, a dot and a decimal seq without leading zero of at most 2^53-1;
 * then the seq read is that number, and the epoch decides between OK and
 * OTHER_EPOCH; refused, *seq is 0.  A key is accepted exactly when it is 1
 * to 64 of A-Z a-z 0-9 _ -.
 */
#include <regex.h>

#include "fuzz.h"
#include "changes.h"
#include "idem.h"

static regex_t	 re_cursor, re_key;
static const char epoch[] = "0123456789abcdef";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (regcomp(&re_cursor, "^[0-9a-f]{16}\\.(0|[1-9][0-9]{0,15})$",
	    REG_EXTENDED | REG_NOSUB) ||
	    regcomp(&re_key, "^[A-Za-z0-9_-]{1,64}$", REG_EXTENDED | REG_NOSUB))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s = fz_cstr(data, size);
	long long	 seq = -1, want;
	enum cursor_parse rc;
	int		 well;

	rc = changes_cursor(s, epoch, &seq);
	FZ_ASSERT(rc < CURSOR__MAX, "changes_cursor: %d", (int)rc);
	well = regexec(&re_cursor, s, 0, NULL, 0) == 0 &&
	    strtoll(s + 17, NULL, 10) <= ID_MAX;
	FZ_ASSERT(well == (rc != CURSOR_BAD), "cursor \"%s\": %d, want %s", s,
	    (int)rc, well ? "accepted" : "refused");
	if (rc == CURSOR_OK) {
		want = strtoll(s + 17, NULL, 10);
		FZ_ASSERT(strncmp(s, epoch, 16) == 0 && seq == want,
		    "seq %lld, want %lld", seq, want);
	} else {
		FZ_ASSERT(seq == 0, "seq %lld when not OK", seq);
		FZ_ASSERT(rc != CURSOR_OTHER_EPOCH || strncmp(s, epoch, 16) != 0,
		    "the same epoch called another");
	}
	FZ_ASSERT(idem_key_ok(s) == (regexec(&re_key, s, 0, NULL, 0) == 0),
	    "key \"%s\": %d", s, idem_key_ok(s));
	free(s);
	return 0;
}

/*
 * fuzz_journal — the audit journal's reader and writer (cgi-bin/lib/audit.c).
 *
 * 1. The input as journal content, line by line, through audit_journal_parse()
 *    as audit_import() reads it.  Properties: a line it accepts has 10 fields
 *    (9 for a line written before the detail column: its detail is "")
 *    with no tab or newline inside, a 24-byte time stamp, an action, and
 *    digits only (at most 18) in user_id, entity_id and patient_id.
 * 2. The input cut at 0x01 bytes into username, ip, action, entity and
 *    detail of a row, written by audit_journal_line() and read back.
 *    Properties: the
 *    line fits its buffer, ends in its only newline, has exactly 9 tabs (8
 *    when there is no detail) and
 *    no other control byte; it reads back as a row iff the action is not
 *    empty, with every field as written (control bytes blanked).
 */
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* S with every control byte and DEL turned into a space, into OUT. */
static void
blank(const char *s, char *out)
{
	for (; *s != '\0'; s++)
		*out++ = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	*out = '\0';
}

static void
check_parse(const uint8_t *data, size_t size)
{
	char	*c = fz_cstr(data, size), *line, *next, *f[AUDIT_FIELDS];
	size_t	 i;
	int	 k;

	for (line = c; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (!audit_journal_parse(line, f))
			continue;
		FZ_ASSERT(strlen(f[0]) == 24, "time stamp length");
		FZ_ASSERT(*f[5] != '\0', "empty action accepted");
		for (k = 0; k < AUDIT_FIELDS; k++) {
			FZ_ASSERT(strpbrk(f[k], "\t\n") == NULL, "field %d", k);
			if (k == 1 || k == 7 || k == 8) {
				FZ_ASSERT(strlen(f[k]) <= 18, "id %d length", k);
				for (i = 0; f[k][i] != '\0'; i++)
					FZ_ASSERT(f[k][i] >= '0' &&
					    f[k][i] <= '9', "id %d digit", k);
			}
		}
	}
	free(c);
}

static void
check_write(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*c = fz_cstr(data, size);
	char		*part[5] = { "", "", "", "", "" };
	char		 line[AUDIT_LINE_MAX], want[5][AUDIT_LINE_MAX];
	char		*f[AUDIT_FIELDS], *p;
	size_t		 len, i, tabs = 0;
	int		 k;

	memset(&r, 0, sizeof(r));
	for (k = 0, p = c; k < 5 && p != NULL; k++) {
		part[k] = p;
		if ((p = strchr(p, '\x01')) != NULL)
			*p++ = '\0';
	}
	snprintf(r.user.username, sizeof(r.user.username), "%s", part[0]);
	r.user.id = size % 3 == 0 ? 0 : (long long)size * 7919;
	r.user.role = (enum role)(size % ROLE__MAX);
	r.remote_addr = part[1];
	len = audit_journal_line(line, sizeof(line), &r, part[2], part[3],
	    size % 5 == 0 ? 0 : (long long)size, size > 0 ? data[0] : 0,
	    size % 2 == 0 ? part[4] : NULL);
	if (len == 0) {		/* did not fit: must really be long */
		FZ_ASSERT(strlen(r.user.username) + strlen(part[1]) +
		    strlen(part[2]) + strlen(part[3]) + strlen(part[4]) >
		    AUDIT_LINE_MAX - 124, "refused a short row");
		free(c);
		return;
	}
	FZ_ASSERT(len < sizeof(line) && line[len - 1] == '\n' &&
	    memchr(line, '\n', len - 1) == NULL, "one line");
	for (i = 0; i < len - 1; i++) {
		FZ_ASSERT((unsigned char)line[i] >= 0x20 || line[i] == '\t',
		    "control byte %02x in the line", (unsigned char)line[i]);
		tabs += line[i] == '\t';
	}
	FZ_ASSERT(tabs == (size % 2 == 0 ? 9u : 8u), "%zu tabs", tabs);
	line[len - 1] = '\0';
	blank(r.user.id > 0 ? r.user.username : "", want[0]);
	blank(part[1], want[1]);
	blank(part[2], want[2]);
	blank(part[3], want[3]);
	blank(size % 2 == 0 ? part[4] : "", want[4]);
	k = audit_journal_parse(line, f);
	FZ_ASSERT(k == (*part[2] != '\0'), "read back: %d", k);
	if (k) {
		FZ_ASSERT(strcmp(f[2], want[0]) == 0, "username");
		FZ_ASSERT(strcmp(f[4], want[1]) == 0, "ip");
		FZ_ASSERT(strcmp(f[5], want[2]) == 0, "action");
		FZ_ASSERT(strcmp(f[6], want[3]) == 0, "entity");
		FZ_ASSERT(strcmp(f[9], want[4]) == 0, "detail");
		FZ_ASSERT(strcmp(f[3], r.user.id > 0 ?
		    role_names[r.user.role] : "") == 0, "role");
		FZ_ASSERT(strtoll(f[1], NULL, 10) == r.user.id, "user id");
	}
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_parse(data, size);
	check_write(data, size);
	return 0;
}

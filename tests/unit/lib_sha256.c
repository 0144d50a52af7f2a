/*
 * lib_sha256.c — the SHA-256 that session cookies, the settings' logo and
 * the audit journal's fingerprint go through (auth.c): FIPS 180-4's
 * examples, a message across many blocks and across the 64 KiB reads of a
 * file, and a file that cannot be read.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nd.h"
#include "unit.h"

#define MILLION_A \
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static int
hex_is(const void *p, size_t n, const char *want)
{
	char	 out[65];

	auth_sha256_hex(p, n, out);
	return strcmp(out, want) == 0;
}

int
main(void)
{
	char	 path[] = "sha256XXXXXX", out[65];
	char	*a = malloc(1000000);
	int	 fd = mkstemp(path), dir;

	CHECK("the empty message", hex_is("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK("\"abc\" (one block)", hex_is("abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK("448 bits (the padding takes a second block)", hex_is(
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	memset(a, 'a', 1000000);
	CHECK("a million 'a'", hex_is(a, 1000000, MILLION_A));
	auth_token_hash("abc", out);
	CHECK("a session token's hash is the same digest", strcmp(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
	    == 0);

	CHECK("a file of a million 'a' is written",
	    fd != -1 && write(fd, a, 1000000) == 1000000);
	CHECK("read in 64 KiB pieces from its start, from any offset",
	    lseek(fd, 12345, SEEK_SET) == 12345 &&
	    auth_sha256_fd_hex(fd, out) == 1 && strcmp(out, MILLION_A) == 0);
	dir = open(".", O_RDONLY | O_DIRECTORY);
	CHECK("a descriptor that cannot be read fails",
	    dir != -1 && auth_sha256_fd_hex(dir, out) == 0);

	close(dir);
	close(fd);
	unlink(path);
	free(a);
	UNIT_END();
}

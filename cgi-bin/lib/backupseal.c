/*
 * backupseal.c — encrypted backup copies (backup.h): the copies that
 * leave the machine (a USB disk, another PC) and, when VAR/backup.key
 * holds a passphrase, the copies the admin program writes, are sealed
 * with a passphrase; restore and verify open them again.
 *
 * Why not age(1) or openssl enc: Debian's age 1.1.1 reads a passphrase
 * only from a terminal, so a timer cannot use it; `openssl enc` has no
 * authenticated mode.  So the file is sealed here with libcrypto's
 * AES-256-GCM, a key from PBKDF2-HMAC-SHA256 (only the admin program and
 * the admin tool link this file, and libcrypto).
 *
 * File format (all integers big-endian):
 *   0   8  magic "NDBKENC1"
 *   8   4  PBKDF2 iterations
 *  12  16  salt
 *  28  12  GCM nonce
 *  40   n  ciphertext (n = plaintext length)
 *  40+n 16 GCM tag over the ciphertext, with bytes 0-39 as associated data
 * A wrong passphrase, a flipped bit or a truncated file all fail the tag;
 * the plaintext is then deleted, never used.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "nd.h"
#include "backupseal.h"

#define CRYPT_MAGIC	"NDBKENC1"
#define CRYPT_HDR	40
#define CRYPT_TAG	16
#define CRYPT_ITER	600000		/* PBKDF2 rounds (OWASP 2023, SHA-256) */
#define CRYPT_ITER_MAX	10000000	/* refuse absurd work from a forged header */
#define CRYPT_BUF	65536

/* Returns 1 when PATH starts with our magic, 0 otherwise (or unreadable). */
int
backup_is_sealed(const char *path)
{
	char	 m[8];
	int	 fd, ok = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (read(fd, m, sizeof(m)) == (ssize_t)sizeof(m) &&
	    memcmp(m, CRYPT_MAGIC, sizeof(m)) == 0)
		ok = 1;
	close(fd);
	return ok;
}

/*
 * Reads the passphrase, the first line of the file PATH, into BUF of SIZE.
 * Returns 1; 0 when PATH does not exist; -1 when it cannot be read or its
 * first line is empty (said in the log).
 */
int
backup_key(const char *path, char *buf, size_t size)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		nd_log("cannot read the passphrase file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\r\n")] = '\0';
	if (!ok || buf[0] == '\0') {
		nd_log("the passphrase file %s is empty", path);
		return -1;
	}
	return 1;
}

static int
derive(const char *pass, const unsigned char *salt, unsigned iter,
    unsigned char key[32])
{
	return PKCS5_PBKDF2_HMAC(pass, (int)strlen(pass), salt, 16, (int)iter,
	    EVP_sha256(), 32, key) == 1;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		p += w;
		n -= (size_t)w;
	}
	return 1;
}

/*
 * Seals the file IN into OUT (created 0600, must not exist; written then
 * fsynced).  Returns 1, or 0 after saying why; OUT is removed on failure.
 */
int
backup_seal(const char *in, const char *out, const char *pass)
{
	EVP_CIPHER_CTX	*c = NULL;
	unsigned char	 hdr[CRYPT_HDR], key[32], tag[CRYPT_TAG];
	unsigned char	*buf = NULL, *cbuf = NULL;
	ssize_t		 n;
	int		 ifd = -1, ofd = -1, ok = 0, len;
	unsigned	 iter = CRYPT_ITER;

	memcpy(hdr, CRYPT_MAGIC, 8);
	hdr[8] = (unsigned char)(iter >> 24);
	hdr[9] = (unsigned char)(iter >> 16);
	hdr[10] = (unsigned char)(iter >> 8);
	hdr[11] = (unsigned char)iter;
	if (RAND_bytes(hdr + 12, 16 + 12) != 1 ||
	    !derive(pass, hdr + 12, iter, key))
		goto out;
	if ((buf = malloc(CRYPT_BUF)) == NULL ||
	    (cbuf = malloc(CRYPT_BUF + 32)) == NULL)
		goto out;
	if ((ifd = open(in, O_RDONLY | O_CLOEXEC)) == -1)
		goto out;
	if ((ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		goto out;
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_EncryptInit_ex(c, NULL, NULL, key, hdr + 28) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &len, hdr, CRYPT_HDR) != 1)
		goto out;
	if (!write_all(ofd, hdr, CRYPT_HDR))
		goto out;
	while ((n = read(ifd, buf, CRYPT_BUF)) > 0) {
		if (EVP_EncryptUpdate(c, cbuf, &len, buf, (int)n) != 1 ||
		    !write_all(ofd, cbuf, (size_t)len))
			goto out;
	}
	if (n == -1)
		goto out;
	if (EVP_EncryptFinal_ex(c, cbuf, &len) != 1 ||
	    !write_all(ofd, cbuf, (size_t)len) ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, CRYPT_TAG, tag) != 1 ||
	    !write_all(ofd, tag, CRYPT_TAG) || fsync(ofd) == -1)
		goto out;
	ok = 1;
out:
	if (!ok)
		nd_log("could not encrypt %s into %s: %s", in, out,
		    errno ? strerror(errno) : "crypto");
	OPENSSL_cleanse(key, sizeof(key));
	EVP_CIPHER_CTX_free(c);
	free(buf);
	free(cbuf);
	if (ifd != -1)
		close(ifd);
	if (ofd != -1 && close(ofd) == -1)
		ok = 0;
	if (!ok && ofd != -1)
		unlink(out);
	return ok;
}

/*
 * Opens the sealed file IN into OUT (created 0600, must not exist).
 * Returns 1; or 0 after saying why (wrong passphrase, damaged or cut
 * short), and then OUT does not exist.
 */
/* Its set-up mirrors backup_seal()'s: the same cipher, the other way. */
int
backup_unseal(const char *in, const char *out, const char *pass)
{
	EVP_CIPHER_CTX	*c = NULL;
	unsigned char	 hdr[CRYPT_HDR], key[32], tag[CRYPT_TAG];
	unsigned char	*buf = NULL, *pbuf = NULL;
	struct stat	 sb;
	off_t		 left;
	ssize_t		 n;
	size_t		 want;
	int		 ifd = -1, ofd = -1, ok = 0, len;
	unsigned	 iter;
	const char	*why = "damaged or cut short";

	if ((ifd = open(in, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(ifd, &sb) == -1) {
		why = strerror(errno);
		goto out;
	}
	if (sb.st_size < CRYPT_HDR + CRYPT_TAG ||
	    read(ifd, hdr, CRYPT_HDR) != CRYPT_HDR ||
	    memcmp(hdr, CRYPT_MAGIC, 8) != 0)
		goto out;
	iter = (unsigned)hdr[8] << 24 | (unsigned)hdr[9] << 16 |
	    (unsigned)hdr[10] << 8 | hdr[11];
	if (iter < 1000 || iter > CRYPT_ITER_MAX)
		goto out;
	if (pread(ifd, tag, CRYPT_TAG, sb.st_size - CRYPT_TAG) != CRYPT_TAG)
		goto out;
	why = "out of memory";
	if (!derive(pass, hdr + 12, iter, key) ||
	    (buf = malloc(CRYPT_BUF)) == NULL ||
	    (pbuf = malloc(CRYPT_BUF + 32)) == NULL)
		goto out;
	if ((ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		why = strerror(errno);
		goto out;
	}
	why = "damaged or cut short";
	if ((c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, key, hdr + 28) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &len, hdr, CRYPT_HDR) != 1)
		goto out;
	for (left = sb.st_size - CRYPT_HDR - CRYPT_TAG; left > 0; left -= n) {
		want = left < CRYPT_BUF ? (size_t)left : CRYPT_BUF;
		if ((n = read(ifd, buf, want)) <= 0)
			goto out;
		if (EVP_DecryptUpdate(c, pbuf, &len, buf, (int)n) != 1 ||
		    !write_all(ofd, pbuf, (size_t)len)) {
			why = strerror(errno);
			goto out;
		}
	}
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, CRYPT_TAG, tag) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(c, pbuf, &len) != 1) {
		why = "wrong passphrase, or the file is damaged";
		goto out;
	}
	if (fsync(ofd) == -1) {
		why = strerror(errno);
		goto out;
	}
	ok = 1;
out:
	if (!ok)
		nd_log("cannot decrypt %s: %s", in, why);
	OPENSSL_cleanse(key, sizeof(key));
	EVP_CIPHER_CTX_free(c);
	free(buf);
	free(pbuf);
	if (ifd != -1)
		close(ifd);
	if (ofd != -1)
		close(ofd);
	if (!ok && ofd != -1)
		unlink(out);
	return ok;
}

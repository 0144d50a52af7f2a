/*
 * idem.h — the answers kept for idempotency keys: the one owner of the
 * idempotency table.
 *
 * A write sent with `Idempotency-Key: K` is answered once; the answer is
 * kept under (user, K) for IDEM_KEEP_SECONDS with the request's method,
 * path and body hash.  The same key with the same request is answered the
 * kept answer again and writes nothing; with another request, 422.  The
 * dispatch floor (route.c) decides when; this module only stores, finds
 * and prunes, and knows nothing of HTTP.
 */
#ifndef IDEM_H
#define IDEM_H

#include <stddef.h>
#include <time.h>

#define IDEM_KEY_MAX		64		/* characters of a key */
#define IDEM_KEEP_SECONDS	(7 * 24 * 3600)	/* how long an answer is kept */
#define IDEM_PRUNE_BATCH	32		/* expired rows removed per save */

/* A kept answer (idem_find), freed with idem_hit_free(). */
struct idem_hit {
	char		 method[8];
	char		*path;
	char		 body_sha256[65];
	int		 status;
	char		*response;	/* NUL-terminated JSON text, maybe "" */
	size_t		 response_len;
};

int	 idem_init(void);
void	 idem_fini(void);
int	 idem_key_ok(const char *);
int	 idem_find(long long, const char *, time_t, struct idem_hit *);
void	 idem_hit_free(struct idem_hit *);
int	 idem_save(long long, const char *, const char *, const char *,
	    const char *, int, const char *, size_t, time_t);
int	 idem_prune(time_t);

#endif /* IDEM_H */

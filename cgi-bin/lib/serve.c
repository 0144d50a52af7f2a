/*
 * serve.c — how a worker answers: the FastCGI poll loop over its listening
 * socket and the connections nginx keeps, group commit of a round's
 * writes, the tick, stopping on a signal, giving memory back when idle,
 * and the CGI mode of the tests; nd_main(), a program's whole life.  Each
 * request is dispatched by route.c.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <fcgiapp.h>

#include "nd.h"
#include "idem.h"
#include "qentry.h"
#include "users.h"

/*
 * Reads the body of a FastCGI request, at most MAX bytes.
 * Returns 0, or 400/413 after writing the error.
 */
static int
read_body(struct req *r, FCGX_Request *fr, size_t max)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	char		*ep;
	unsigned long long n;
	int		 got;

	if (cl == NULL || *cl == '\0')
		return 0;
	errno = 0;
	n = strtoull(cl, &ep, 10);
	if (errno != 0 || *ep != '\0')
		return http_error(r, 400, "bad_request",
		    "The Content-Length header is not valid.", NULL);
	if (n > max)
		return http_error(r, 413, "payload_too_large",
		    "The request body is too large.", NULL);
	if ((r->body = malloc(n + 1)) == NULL)
		return http_error(r, 503, "busy",
		    "The server is short of memory. Please try again.", NULL);
	got = n > 0 ? FCGX_GetStr(r->body, (int)n, fr->in) : 0;
	if (got < 0 || (unsigned long long)got != n)
		return http_error(r, 400, "bad_request",
		    "The request body ended early.", NULL);
	r->body[n] = '\0';
	r->body_len = n;
	return 0;
}

static const char fixed500[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n\r\n"
    "{\"error\":{\"code\":\"internal\",\"message\":"
    "\"Something went wrong on the server. Please try again.\"}}";

/*
 * Reads the request in ENVP (and its body from FR, or from CGI_IN) into R,
 * which the caller has req_init()ed.  Returns 0, or the status of the error
 * already written into R (400/413/503).
 */
static int
serve_read(struct req *r, size_t max_body, FCGX_Request *fr,
    char *const *envp, FILE *cgi_in)
{
	int	 status;

	if ((status = req_from_env(r, envp)) != 0)
		return status;
	if (fr != NULL)
		return read_body(r, fr, max_body);
	{
		const char *cl = req_env(envp, "CONTENT_LENGTH");
		size_t want = cl != NULL ? strtoul(cl, NULL, 10) : 0;
		if (want > max_body)
			return http_error(r, 413, "payload_too_large",
			    "The request body is too large.", NULL);
		if ((r->body = calloc(1, want + 1)) != NULL)
			r->body_len = fread(r->body, 1, want, cgi_in);
	}
	return 0;
}

/* What serve_render() did with a request's answer. */
enum served {
	SERVED_FAILED,		/* nothing rendered: send fixed500 */
	SERVED_RENDERED,	/* in *OUT: send it */
	SERVED_STREAMED,	/* sent through the sink already: end it */
	SERVED_CUT		/* streamed, then cut short: drop the connection */
};

/*
 * Answers R, read by serve_read() with STATUS: its route when STATUS is 0,
 * the answer rendered into *OUT (LEN bytes, the caller frees it), unless
 * the handler streamed it through r->sink (req_csv_stream()).  Frees R.
 * Returns what was done (enum served).
 */
static enum served
serve_render(struct req *r, int status, const struct route *routes, size_t n,
    char **out, size_t *len)
{
	int	 ok;

	*out = NULL;
	*len = 0;
	if (status == 0)
		status = route_dispatch(r, routes, n);
	if (r->streamed) {
		ok = r->streamed == 1 ? SERVED_STREAMED : SERVED_CUT;
		req_free(r);
		return (enum served)ok;
	}
	if (!(ok = req_render(r, status, out, len))) {
		free(*out);
		*out = NULL;
	}
	req_free(r);
	return ok ? SERVED_RENDERED : SERVED_FAILED;
}

/*
 * The answer db_fail() gives for RC, into *OUT and *LEN: for the requests
 * of a batch whose COMMIT failed.  Returns 1, or 0 (*OUT NULL).
 */
static int
render_db_error(int rc, char **out, size_t *len)
{
	struct req	 r;
	int		 ok;

	*out = NULL;
	*len = 0;
	req_init(&r);
	if (!(ok = req_render(&r, db_error(&r, rc), out, len))) {
		free(*out);
		*out = NULL;
	}
	req_free(&r);
	return ok;
}

/* A streamed answer's bytes (req.c sink) in CGI mode: to stdout. */
static void
cgi_sink(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	fwrite(p, 1, n, stdout);
}

/* One request from ENVP and stdin to stdout: --cgi, for tests. */
static void
serve_cgi(const struct route *routes, size_t n, size_t max_body,
    char *const *envp)
{
	struct req	 r;
	char		*out;
	size_t		 len;
	int		 status;

	req_init(&r);
	status = serve_read(&r, max_body, NULL, envp, stdin);
	r.sink = cgi_sink;
	switch (serve_render(&r, status, routes, n, &out, &len)) {
	case SERVED_RENDERED:
		fwrite(out, 1, len, stdout);
		break;
	case SERVED_FAILED:
		fwrite(fixed500, 1, sizeof(fixed500) - 1, stdout);
		break;
	default:
		break;		/* streamed (cut short: the file is shorter) */
	}
	free(out);
}

static volatile sig_atomic_t stop_requested;

/* Whether the tick at *NEXT is due; if so, sets the next one. */
static int
tick_due(struct timespec *next)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < next->tv_sec ||
	    (now.tv_sec == next->tv_sec && now.tv_nsec < next->tv_nsec))
		return 0;
	next->tv_nsec = now.tv_nsec + ND_TICK_MS * 1000L * 1000L;
	next->tv_sec = now.tv_sec + next->tv_nsec / 1000000000L;
	next->tv_nsec %= 1000000000L;
	return 1;
}

/* A worker idle this long after work gives its free memory back. */
#define ND_IDLE_TRIM	{ 0, 250 * 1000 * 1000 }

int	 nd_group_commit;
int	(*nd_tick)(void);
int	(*nd_init)(void);
void	(*nd_fini)(void);

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void	fcgi_end(FCGX_Request *, int);

/*
 * Sends OUT (LEN bytes; NULL: fixed500) as the answer of FR's request and
 * ends it, keeping the connection when nginx asked to.  What was not read
 * of the body is skipped first, so that the next request on a kept
 * connection starts at its own first record.  With CLOSE, or when nginx
 * closed the connection, the connection is closed.  Frees OUT.
 */
static void
fcgi_answer(FCGX_Request *fr, char *out, size_t len, int close)
{
	if (out != NULL)
		FCGX_PutStr(out, (int)len, fr->out);
	else
		FCGX_PutStr(fixed500, (int)sizeof(fixed500) - 1, fr->out);
	free(out);
	fcgi_end(fr, close);
}

/* A streamed answer's bytes (req.c sink): into the request's stream. */
static void
fcgi_sink(void *ctx, const char *p, size_t n)
{
	FCGX_PutStr(p, (int)n, (FCGX_Stream *)ctx);
}

/*
 * Ends FR's answer after what serve_render() did (W): sends the rendered
 * OUT (freed) or fixed500, or only ends a streamed one; a stream cut
 * short drops the connection unended, so that nginx and the client see a
 * broken answer and not a complete-looking short file.
 */
static void
fcgi_served(FCGX_Request *fr, enum served w, char *out, size_t len, int close)
{
	switch (w) {
	case SERVED_STREAMED:
		free(out);
		fcgi_end(fr, close);
		break;
	case SERVED_CUT:
		free(out);
		FCGX_Free(fr, 1);	/* no END_REQUEST */
		break;
	default:		/* rendered, or failed: OUT is NULL */
		fcgi_answer(fr, out, len, close);
		break;
	}
}

/* Ends FR's request: skips its unread body, finishes it (see fcgi_answer). */
static void
fcgi_end(FCGX_Request *fr, int close)
{
	char	 skip[4096];

	while (FCGX_GetStr(skip, sizeof(skip), fr->in) == sizeof(skip))
		continue;
	FCGX_Finish_r(fr);
	if (close && fr->ipcFd >= 0)
		FCGX_Free(fr, 1);
}

/* Whether FR's request writes: its answer then waits for a batch COMMIT. */
static int
fcgi_is_write(FCGX_Request *fr)
{
	const char	*m = FCGX_GetParam("REQUEST_METHOD", fr->envp);

	return m != NULL && (strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
	    strcmp(m, "PATCH") == 0 || strcmp(m, "DELETE") == 0);
}

/* An answer held until its batch's COMMIT. */
struct held {
	FCGX_Request	*fr;
	char		*out;
	size_t		 len;
	int		 close;
	int		 released;	/* it released a savepoint in the batch */
};

/*
 * Ends the batch (its COMMIT, one fsync for all) and only then sends the
 * NH held answers in H.  When the COMMIT failed, nothing of the batch was
 * written: a request that had released its savepoint gets db_fail()'s
 * answer for that error instead of its own; the others (already failed,
 * or never written) keep theirs.
 */
static void
batch_flush(struct held *h, size_t *nh)
{
	size_t	 i;
	int	 rc = db_batch_end();

	for (i = 0; i < *nh; i++) {
		if (rc != SQLITE_OK && h[i].released) {
			free(h[i].out);
			render_db_error(rc, &h[i].out, &h[i].len);
		}
		fcgi_answer(h[i].fr, h[i].out, h[i].len, h[i].close);
	}
	*nh = 0;
}

/*
 * A batch is committed early when it has been open this long before its
 * next write request starts: each request of it waits for the COMMIT, so
 * a long batch would only move the wait from the lock to the batch.
 */
#define ND_BATCH_MS	4

/*
 * Serves the NR requests in RQ, accepted in one poll round (CLOSE[i]: close
 * its connection after the answer).  Every request is read first, body
 * included, so that no write lock is held while nginx sends a body.  Then
 * the reads, each answered at once.  Then, when the program groups commits
 * (nd_group_commit), the writes as one batch: their transactions are
 * savepoints of one transaction, their answers held until its COMMIT
 * succeeded, so that no write is acknowledged before its fsync.  Otherwise
 * each write on its own, as a read.
 */
static void
fcgi_round(FCGX_Request **rq, const int *close, size_t nr,
    const struct route *routes, size_t n, size_t max_body)
{
	static struct req r[ND_CONN_MAX + 1];
	struct held	 h[ND_CONN_MAX + 1];
	size_t		 i, nh = 0;
	char		*out;
	size_t		 len;
	enum served	 w;
	int		 pass, write[ND_CONN_MAX + 1], status[ND_CONN_MAX + 1];

	for (i = 0; i < nr; i++) {
		write[i] = fcgi_is_write(rq[i]);
		req_init(&r[i]);
		status[i] = serve_read(&r[i], max_body, rq[i], rq[i]->envp,
		    NULL);
		/* A read may stream its answer (a whole table's export). */
		if (!write[i]) {
			r[i].sink = fcgi_sink;
			r[i].sink_ctx = rq[i]->out;
		}
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nr; i++) {
			if (write[i] != pass)
				continue;
			if (!pass || !nd_group_commit) {
				w = serve_render(&r[i], status[i], routes, n,
				    &out, &len);
				fcgi_served(rq[i], w, out, len, close[i]);
				continue;
			}
			if (nh == 0)
				db_batch_begin();
			else if (db_batch_age() > ND_BATCH_MS) {
				batch_flush(h, &nh);
				db_batch_begin();
			}
			db_batch_mark();
			serve_render(&r[i], status[i], routes, n, &h[nh].out,
			    &h[nh].len);
			h[nh].fr = rq[i];
			h[nh].close = close[i];
			h[nh++].released = db_batch_released() > 0;
			/* Rolled back whole by SQLite: answer what it had. */
			if (db_batch_lost() != SQLITE_OK)
				batch_flush(h, &nh);
		}
	}
	if (db_batching())
		batch_flush(h, &nh);
}

/*
 * The FastCGI worker: answers requests from the listening socket that it
 * inherits as standard input and from up to ND_CONN_MAX connections that
 * nginx keeps open (fastcgi_keep_conn on).  poll() waits on all of them,
 * so an idle kept connection never holds the worker; a kept connection is
 * served when it is readable and forgotten when nginx closes it.  The
 * requests of one poll round are read first and then served together
 * (fcgi_round()).  When all ND_CONN_MAX are taken, a new connection is
 * still served, once, and then closed.  A program's nd_tick runs about
 * every ND_TICK_MS between rounds; a worker idle for ND_IDLE_TRIM after
 * some work gives its page cache and its free heap memory back.  SIGTERM
 * and SIGUSR1 are taken only while waiting: the requests in progress are
 * finished, then the loop returns.  Returns 0, or 1 when standard input
 * is not a listening socket or accept() fails for another reason than a
 * lost race.
 */
static int
fcgi_loop(const struct route *routes, size_t n, size_t max_body)
{
	static FCGX_Request	 conn[ND_CONN_MAX + 1];	/* the last: overflow */
	static const struct timespec idle = ND_IDLE_TRIM,
	    tick = { 0, ND_TICK_MS * 1000 * 1000 };
	struct timespec		 next_tick = { 0, 0 };
	struct pollfd		 pfd[ND_CONN_MAX + 1];
	struct sigaction	 sa;
	sigset_t		 stop, wait;
	FCGX_Request		*rq[ND_CONN_MAX + 1];
	size_t			 i, k, np, nr, who[ND_CONN_MAX + 1];
	socklen_t		 len = sizeof(int);
	int			 fl, listening = 0, rc, close[ND_CONN_MAX + 1];
	int			 trim_due = 0, ready, ticked, err;

	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == -1 ||
	    !listening) {
		nd_log("standard input is not a listening socket "
		    "(start the program with spawn-fcgi; see --help)");
		return 1;
	}
	/* Workers share the socket: whoever loses the race gets EAGAIN. */
	if ((fl = fcntl(0, F_GETFL)) == -1 ||
	    fcntl(0, F_SETFL, fl | O_NONBLOCK) == -1) {
		nd_log("fcntl O_NONBLOCK on the listening socket: %s",
		    strerror(errno));
		return 1;
	}
	/* Installed first, these stay ours: libfcgi only replaces SIG_DFL. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGUSR1);
	sigprocmask(SIG_BLOCK, &stop, &wait);
	sigdelset(&wait, SIGTERM);
	sigdelset(&wait, SIGUSR1);

	/* Fixed malloc thresholds (glibc otherwise raises them after big
	 * frees): large buffers are mapped and unmapped, and a freed top of
	 * the heap goes back to the kernel. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_TRIM_THRESHOLD, 256 * 1024);
	FCGX_Init();
	for (i = 0; i <= ND_CONN_MAX; i++)
		FCGX_InitRequest(&conn[i], 0, 0);
	while (!stop_requested) {
		pfd[0].fd = 0;
		pfd[0].events = POLLIN;
		for (np = 1, i = 0; i < ND_CONN_MAX; i++)
			if (conn[i].ipcFd >= 0) {
				pfd[np].fd = conn[i].ipcFd;
				pfd[np].events = POLLIN;
				who[np++] = i;
			}
		ready = ppoll(pfd, np, nd_tick != NULL ? &tick :
		    trim_due ? &idle : NULL, &wait);
		/* Kept before the tick, whose calls (stat() of the audit
		 * journal...) would overwrite it: a SIGTERM's EINTR must
		 * still read as EINTR, and end the loop with 0. */
		err = errno;
		ticked = nd_tick != NULL && tick_due(&next_tick) && nd_tick();
		if (ticked)
			trim_due = 1;
		if (ready == -1) {
			if (err == EINTR)
				continue;
			nd_log("poll: %s", strerror(err));
			return 1;
		}
		/* Idle for a while, and the tick had nothing to do: the page
		 * cache and the heap's free memory go back to the system, so
		 * that a worker's size after a busy hour is its size at rest.
		 * Not under load: the pages would only be read in again. */
		if (ready == 0) {
			if (trim_due && !ticked) {
				db_shrink();
				malloc_trim(0);
				trim_due = 0;
			}
			continue;
		}
		/* A kept connection that nginx closed fails here: forgotten. */
		for (nr = 0, k = 1; k < np; k++)
			if (pfd[k].revents != 0 &&
			    FCGX_Accept_r(&conn[who[k]]) >= 0) {
				close[nr] = 0;
				rq[nr++] = &conn[who[k]];
			}
		rc = 0;
		if (pfd[0].revents != 0) {
			for (i = 0; i < ND_CONN_MAX && conn[i].ipcFd >= 0; i++)
				continue;
			if ((rc = FCGX_Accept_r(&conn[i])) >= 0) {
				close[nr] = i == ND_CONN_MAX;
				rq[nr++] = &conn[i];
			}
		}
		fcgi_round(rq, close, nr, routes, n, max_body);
		/* After the answers went out: a due checkpoint. */
		db_idle();
		trim_due = 1;	/* once idle, see above */
		if (rc < 0 && rc != -EAGAIN && rc != -EWOULDBLOCK &&
		    rc != -EINTR && rc != -ECONNABORTED) {
			nd_log("accept: %s", strerror(-rc));
			return 1;
		}
	}
	return 0;
}

static void
usage(const char *prog, FILE *f)
{
	fprintf(f,
	    "usage: %s [--routes | --cgi | --help]\n"
	    "NalamDesk FastCGI program '%s'. Normally started by spawn-fcgi\n"
	    "and multiwatch (see README); it answers requests on the socket\n"
	    "it inherits as standard input.\n"
	    "  --routes  print the route table (method, path, roles) and exit\n"
	    "  --cgi     answer one request from CGI variables and stdin\n"
	    "            (tests), writing it to stdout\n"
	    "Environment: NALAMDESK_DB, the path of the SQLite database.\n",
	    prog, prog);
}

/*
 * The whole program: checks the route table, opens the database named by
 * NALAMDESK_DB, prepares the program's statements (NSQL of SQL into ST)
 * and answers requests until SIGTERM or SIGUSR1 (or, with --cgi, one
 * request).  Returns the exit status.
 */
int
nd_main(int argc, char **argv, const char *prog, const struct route *routes,
    size_t n, const char *const *sql, size_t nsql, sqlite3_stmt **st)
{
	const char	*path;
	size_t		 i, max_body = ND_BODY_MAX;
	int		 cgi = 0, rc = 0;

	nd_prog = prog;
	if (!route_check(routes, n))
		return 2;
	if (argc > 1) {
		if (strcmp(argv[1], "--routes") == 0) {
			route_print(routes, n);
			return 0;
		} else if (strcmp(argv[1], "--cgi") == 0)
			cgi = 1;
		else if (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0) {
			usage(prog, stdout);
			return 0;
		} else {
			usage(prog, stderr);
			return 2;
		}
	}
	for (i = 0; i < n; i++)
		if (routes[i].body_max > max_body)
			max_body = routes[i].body_max;
	signal(SIGPIPE, SIG_IGN);
	if ((path = getenv("NALAMDESK_DB")) == NULL) {
		nd_log("NALAMDESK_DB is not set");
		return 2;
	}
	if (!db_open(path, 0) || !db_prepare_all(sql, nsql, st) ||
	    !auth_init() || !audit_init() || !qentry_init() ||
	    !users_init() || !idem_init() || (nd_init != NULL && !nd_init())) {
		nd_log("cannot start: database missing or schema too old "
		    "(run: nalamdesk-admin migrate)");
		return 1;
	}
	if (cgi) {
		extern char **environ;
		serve_cgi(routes, n, max_body, environ);
	} else
		rc = fcgi_loop(routes, n, max_body);
	if (nd_fini != NULL)
		nd_fini();
	idem_fini();
	users_fini();
	qentry_fini();
	audit_fini();
	auth_fini();
	db_finalize_all(st, nsql);
	db_close();
	return rc;
}

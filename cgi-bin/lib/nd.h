/*
 * nd.h — the NalamDesk shared library: what every FastCGI program needs.
 *
 * A program holds only its statement table, its route table and its
 * handlers.  The library reads the request (bounded), matches the route,
 * checks CSRF, the session and the role, parses and validates the JSON body
 * against the route's field table, calls the handler, and writes the answer.
 *
 * Floors (a file calls only its own floor and those below; no circle,
 * checked by tests/shell/circles.sh), and the prefixes of each file:
 *   dispatch   serve.c  nd_main       the FastCGI loop, group commit, signals,
 *                                     idle trimming, the CGI test mode
 *              route.c  route_*       match, CSRF, session, role, fields,
 *                                     idempotency keys
 *   domain     qentry.c qentry_*      a queue entry (qentry.h)
 *              users.c, userspw.c users_*  a staff account (users.h)
 *              backup.c, backupseal.c backup_*  a backup (backup.h)
 *              audit.c  audit_*       the append-only audit trail
 *              idem.c   idem_*        answers kept for idempotency keys (idem.h)
 *              changes.c changes_*    the change log's epoch (changes.h)
 *              auth.c   auth_*        passwords, session tokens and lookup
 *              fhir.c   fhir_*        a patient as a FHIR R4 Bundle (fhir.h)
 *              pkey.c   pkey_*        patients' sound keys in bulk (pkey.h)
 *              payment.h PAYMENT_*    which payments count (not voided)
 *              patient.h PATIENT_*    a patient's age on a day (SQL)
 *              appointment.h APPT_*   an appointment as the API shows it (SQL)
 *   request    req.c    req_*, http_*, json_parse_body, db_fail
 *                                     one request, its errors, its answer
 *              jout.c   jo_*          JSON out
 *              fields.c valid_fields, valid_object  the field tables (422)
 *              payment.c payment_items_check  a bill's lines (payment.h)
 *   bottom     db.c     db_*          SQLite, transactions, the clinic's time
 *   (no HTTP)  json.c   json_*        JSON values (a yajl tree)
 *              valid.c  valid_*       pure validators
 *              vitals.c vitals_*      a patient's vitals, their ranges (vitals.h)
 *              phonetic.c phon_*      a name's sound key (ICU; phonetic.h)
 *              text.c   text_*        names: NFKC, refused characters (text.h, ICU)
 *              url.c    url_*         percent-encoding of a link's values
 *              log.c    nd_log
 *              csv.c    csv_*         CSV out (csv.h)
 *              legacy.c legacy_*      the Electron NalamDesk's values (legacy.h)
 */
#ifndef ND_H
#define ND_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>
#include <yajl/yajl_tree.h>

/* Limits, stated once. */
#define ND_BODY_MAX	(64 * 1024)	/* default request body limit, bytes */
#define ND_JSON_DEPTH	8		/* deepest nesting accepted in a body */
#define ND_JSON_MEMBERS	64		/* most top-level fields in a body */
#define ND_QUERY_MAX	2048		/* longest query string accepted */
#define ND_PARAMS_MAX	4		/* integer path parameters per route */
#define ND_CONN_MAX	64		/* kept FastCGI connections per worker */
#define ND_LIST_DEFAULT	50		/* ?limit= default */
#define ND_LIST_MAX	200		/* ?limit= maximum */
#define ND_AUDIT_IDS	1000		/* patients one listing's audit row names
					   (a page of GET /api/changes) */
#define ID_MAX		9007199254740991LL	/* 2^53 - 1: an id exact in JavaScript */

enum role {
	ROLE_ADMIN,
	ROLE_DOCTOR,
	ROLE_FRONTDESK,
	ROLE_NURSE,
	ROLE__MAX
};
extern const char *const role_names[ROLE__MAX];
/* The same list for a field table (FT_ENUM). */
#define ROLE_CHOICES	"admin,doctor,frontdesk,nurse"
int	role_parse(const char *);	/* <0 unknown, else enum role */

/* Route role sets. A route must declare one; 0 is refused at start. */
#define R_ADMIN		(1u << ROLE_ADMIN)
#define R_DOCTOR	(1u << ROLE_DOCTOR)
#define R_FRONTDESK	(1u << ROLE_FRONTDESK)
#define R_NURSE		(1u << ROLE_NURSE)
#define R_STAFF		(R_ADMIN | R_DOCTOR | R_FRONTDESK | R_NURSE)
#define R_CLINIC	(R_DOCTOR | R_FRONTDESK)
#define R_ANYONE	(1u << 8)	/* no session needed (IP allow-list only) */

enum method {
	METHOD_GET,
	METHOD_POST,
	METHOD_PUT,
	METHOD_PATCH,
	METHOD_DELETE,
	METHOD__MAX
};
extern const char *const method_names[METHOD__MAX];

/* Declared body fields: the library checks them before the handler runs. */
enum ftype {
	FT_STRING,	/* min/max: length in characters (UTF-8 code points) */
	FT_INT,		/* min/max: value */
	FT_BOOL,
	FT_DATE,	/* YYYY-MM-DD, a real calendar date */
	FT_TIME,	/* HH:MM, 24-hour */
	FT_ENUM,	/* one of .choices, comma separated */
	FT_ARRAY,	/* min/max: number of items; items checked by the handler */
	FT_OBJECT,	/* checked by the handler */
	FT_NUMBER,	/* integer or decimal; min/max: value */
	FT__MAX
};

#define F_REQUIRED	0x01u	/* must be present and not null */
#define F_NULLABLE	0x02u	/* null accepted (means "clear") */

struct field {
	const char	*name;
	enum ftype	 type;
	unsigned	 flags;
	long long	 min, max;
	const char	*choices;		/* FT_ENUM */
	int		(*check)(const char *);	/* FT_STRING extra check, 1 = ok */
	const char	*message;		/* said when check fails */
};

struct user {
	long long	 id;		/* 0: no session */
	char		 username[64];
	char		 name[128];
	enum role	 role;
	long long	 session_id;
};

/* JSON being written (json.c): the text so far and where in it we are. */
#define ND_JOUT_DEPTH	32
struct jout {
	char		*buf;
	size_t		 len, cap;
	int		 bad;		/* out of memory, or misused: answer 500 */
	int		 depth;
	unsigned char	 state[ND_JOUT_DEPTH];
};

struct req {
	/* request */
	enum method	 method;
	const char	*path;		/* decoded path, no query (DOCUMENT_URI) */
	const char	*query;		/* raw query string, may be "" */
	const char	*remote_addr;
	const char	*host;
	const char	*own_origin;	/* NALAMDESK_ORIGIN from nginx */
	const char	*origin;
	const char	*content_type;
	const char	*cookie;
	const char	*if_none_match;
	const char	*idem_key;	/* Idempotency-Key header, or NULL */
	char		*body;		/* NUL-terminated, owned */
	size_t		 body_len;
	yajl_val	 json;		/* parsed body, an object, or NULL */
	long long	 param[ND_PARAMS_MAX];	/* integer path parameters */
	size_t		 nparam;
	struct user	 user;
	const struct route *route;
	/* response */
	struct jout	 g;		/* the handler writes its JSON here */
	char		 headers[1024];	/* extra header lines, "Name: value\r\n" */
	size_t		 headers_len;
	int		 raw;		/* handler wrote raw bytes into out */
	char		*out;		/* raw body (e.g. CSV), owned */
	size_t		 out_len;
	const char	*out_type;	/* Content-Type of a raw body, or of a
					   2xx JSON answer (application/fhir+json) */
	/* A streamed answer (req_csv_stream()): serve.c gives a read its
	 * connection as SINK(SINK_CTX, bytes, n); once STREAMED, the status
	 * and headers are sent and the body follows through the sink while
	 * the handler runs (2: it was cut short, the connection is dropped
	 * so that the client sees an incomplete answer, not a short file). */
	int		(*sink)(void *, const char *, size_t);	/* 0 or -1 */
	void		*sink_ctx;
	int		 streamed;
	/* A listing of patients' records audited as one row (audit_list()):
	 * after audit_listing(), jo_row() and jo_rows_max() note the patient
	 * of each row they write (jo_listed()), each patient once, up to
	 * ND_AUDIT_IDS; more are counted in NUNLISTED. */
	int		 listing;
	const sqlite3_stmt *listed_st;	/* the statement LISTED_COL is of */
	int		 listed_col;	/* its column of the patient's id */
	size_t		 nlisted;
	long long	 nunlisted;
	long long	 listed[ND_AUDIT_IDS];
};

struct route {
	enum method	 method;
	const char	*pattern;	/* "/api/patients/{id}": {x} is a positive integer */
	unsigned	 roles;		/* R_* set; 0 refuses to start */
	const struct field *fields;	/* body fields ({NULL} ended) or NULL: no body */
	int		(*handler)(struct req *);	/* returns the HTTP status */
	size_t		 body_max;	/* 0: ND_BODY_MAX */
};

/* route.c */
int	 route_dispatch(struct req *, const struct route *, size_t);
int	 route_match(const char *, const char *, long long *, size_t *);
int	 route_check(const struct route *, size_t);
void	 route_print(const struct route *, size_t);

/* serve.c */
int	 nd_main(int, char **, const char *, const struct route *, size_t,
	    const char *const *, size_t, sqlite3_stmt **);
/* Set by a program before nd_main(): group its writes' commits (route.c). */
extern int nd_group_commit;
/* Set by a program before nd_main(): called about every ND_TICK_MS while
 * the worker runs, between requests; returns nonzero when it did some work
 * (route.c). */
extern int (*nd_tick)(void);
#define ND_TICK_MS	250
/* Set by a program before nd_main(): the start and end of modules of the
 * library it alone uses (e.g. the admin program's backup module). */
extern int (*nd_init)(void);
extern void (*nd_fini)(void);

struct csv;

/* req.c */
void	 req_init(struct req *);
void	 req_free(struct req *);
int	 req_from_env(struct req *, char *const *);
const char *req_env(char *const *, const char *);
int	 req_query(const struct req *, const char *, char *, size_t);
int	 req_query_int(struct req *, const char *, long long, long long,
	    long long, long long *);
int	 req_query_date(struct req *, const char *, char *);
int	 req_paging(struct req *, long long *, long long *);
int	 req_cookie(const struct req *, const char *, char *, size_t);
int	 req_etag_match(const char *, const char *);
void	 req_header(struct req *, const char *, const char *);
int	 req_csv(struct req *, struct csv *, int, const char *, const char *);
int	 req_csv_stream(struct req *, struct csv *, const char *);
int	 req_render(struct req *, int, char **, size_t *);
int	 http_error(struct req *, int, const char *, const char *, const char *);
void	 http_error_begin(struct req *, const char *, const char *,
	    const char *);
int	 http_error_end(struct req *, int);
int	 http_errorf(struct req *, int, const char *, const char *, const char *,
	    ...) __attribute__((format(printf, 5, 6)));
const char *http_reason(int);
int	 json_parse_body(struct req *, size_t);
int	 db_fail(struct req *, int);
int	 db_error(struct req *, int);

/* json.c */
yajl_val json_get(yajl_val, const char *);
const char *json_str(yajl_val, const char *);
int	 json_int(yajl_val, const char *, long long *);
int	 json_num(yajl_val, const char *, double *);
int	 json_bool(yajl_val, const char *, int *);
int	 json_has(yajl_val, const char *);
int	 json_is_null(yajl_val, const char *);
int	 json_depth_ok(const char *, size_t, int);
int	 json_dup_keys(yajl_val);

/* jout.c */
void	 jo_reset(struct req *);
int	 jo_text(const struct req *, const char **, size_t *);
void	 jo_open(struct req *);
void	 jo_close(struct req *);
void	 jo_key(struct req *, const char *);
void	 jo_str(struct req *, const char *, const char *);
void	 jo_int(struct req *, const char *, long long);
void	 jo_num(struct req *, const char *, double);
void	 jo_bool(struct req *, const char *, int);
void	 jo_null(struct req *, const char *);
void	 jo_arr(struct req *, const char *);
void	 jo_arr_close(struct req *);
void	 jo_obj(struct req *, const char *);
void	 jo_obj_close(struct req *);
void	 jo_val_str(struct req *, const char *);
void	 jo_val_int(struct req *, long long);
void	 jo_col(struct req *, sqlite3_stmt *, int);
void	 jo_row(struct req *, sqlite3_stmt *);
void	 jo_listed(struct req *, long long);
int	 jo_rows(struct req *, const char *, sqlite3_stmt *);
int	 jo_day_rows(struct req *, const char *, const char *, sqlite3_stmt *);
int	 jo_rows_max(struct req *, sqlite3_stmt *, long long, long long *);
int	 jo_row_id(struct req *, sqlite3_stmt *, long long);
void	 jo_row_fields(struct req *, sqlite3_stmt *);
void	 jo_raw_json(struct req *, const char *, const unsigned char *);

/* db.c */
extern sqlite3 *db;
int	 db_open(const char *, int);
void	 db_close(void);
int	 db_prepare_all(const char *const *, size_t, sqlite3_stmt **);
void	 db_finalize_all(sqlite3_stmt **, size_t);
void	 db_bind_int(sqlite3_stmt *, int, long long);
void	 db_bind_text(sqlite3_stmt *, int, const char *);
void	 db_bind_textn(sqlite3_stmt *, int, const char *, size_t);
void	 db_bind_null(sqlite3_stmt *, int);
void	 db_bind_double(sqlite3_stmt *, int, double);
void	 db_bind_blob(sqlite3_stmt *, int, const void *, size_t);
int	 db_step(sqlite3_stmt *);
int	 db_run(sqlite3_stmt *);
void	 db_reset(sqlite3_stmt *);
int	 db_exec(const char *);
long long db_int_sql(const char *, long long);
void	 db_read_begin(void);
void	 db_read_end(void);
int	 db_begin(void);
int	 db_try_begin(void);
int	 db_commit(void);
void	 db_rollback(void);
void	 db_idle(void);
void	 db_shrink(void);
void	 db_abort(int);
int	 db_in_tx(void);
void	 db_batch_begin(void);
int	 db_batching(void);
void	 db_batch_mark(void);
int	 db_batch_released(void);
long long db_batch_age(void);
int	 db_batch_lost(void);
int	 db_batch_end(void);
long long db_int1(sqlite3_stmt *, long long);
long long db_rev(void);
void	 db_now(char *);
void	 db_today(char *);

/* auth.c */
#define AUTH_COOKIE		"nd_session"
#define AUTH_IDLE_SECONDS	(4 * 3600)	/* idle expiry */
#define AUTH_ABSOLUTE_SECONDS	(14 * 3600)	/* absolute expiry: a clinic day */
int	 auth_hash_password(const char *, char *, size_t);
int	 auth_verify_password(const char *, const char *);
int	 auth_session_lookup(struct req *);
int	 auth_session_create(struct req *, long long, char *, size_t);
int	 auth_session_end(long long);
int	 auth_sessions_end_user(long long, long long);
void	 auth_cookie_set(struct req *, const char *);
void	 auth_cookie_clear(struct req *);
int	 auth_random(unsigned char *, size_t);
void	 auth_token_hash(const char *, char *);
void	 auth_sha256_hex(const void *, size_t, char *);
int	 auth_sha256_fd_hex(int, char *);
int	 auth_init(void);
void	 auth_fini(void);

/* valid.c */
int	 valid_utf8(const char *, size_t);
size_t	 valid_utf8_chars(const char *);
const char *valid_trim(const char *, size_t *);
int	 valid_date(const char *);
int	 valid_time(const char *);
int	 valid_phone(const char *);
#define VALID_PHONE_BUF	16
int	 valid_phone_clean(const char *, char *);
int	 valid_abha(const char *);
int	 valid_upi_vpa(const char *);
int	 valid_username(const char *);
int	 valid_password(const char *);
int	 valid_plain_text(const char *);
int	 valid_name(const char *const *, size_t, const char *);

/* url.c */
long	 url_encode(const char *, char *, size_t, const char *);

/* fields.c */
struct vitals_in;
int	 valid_fields(struct req *, const struct field *);
int	 valid_object(struct req *, yajl_val, const struct field *,
	    const char *);
int	 valid_vitals(struct req *, yajl_val, struct vitals_in *,
	    const struct vitals_in *);

/* audit.c */
#define AUDIT_FIELDS	10	/* of a journal line; a line of 9 has no detail */
#define AUDIT_LINE_MAX	32768	/* longest journal line (a listing's detail) */
int	 audit_init(void);
void	 audit_fini(void);
int	 audit(struct req *, const char *, const char *, long long, long long);
void	 audit_listing(struct req *);
void	 audit_listed(struct req *, long long);
int	 audit_list(struct req *, const char *, const char *);
int	 audit_list_patient(struct req *, const char *, const char *,
	    long long);
int	 audit_operator(const char *, const char *, const char *, long long,
	    long long);
long long audit_import(void);
int	 audit_tick(void);
size_t	 audit_journal_line(char *, size_t, const struct req *, const char *,
	    const char *, long long, long long, const char *);
int	 audit_journal_parse(char *, char *[AUDIT_FIELDS]);

/* log.c: one line to stderr (the journal); never patient data. */
void	 nd_log(const char *, ...) __attribute__((format(printf, 1, 2)));
extern const char *nd_prog;

#define ND_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* ND_H */

/*
 * jout.c — JSON out: every answer's JSON is written by the jo_* functions
 * into the request's buffer (struct jout), straight from the values and
 * from SQLite rows; none is printed by hand, and strings are escaped in
 * one place (jo_string).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"

/*
 * JSON out is written straight into one growing buffer: no generator
 * library in the way of the answers' hot loop (a 50-row search spent a
 * fifth of its worker's time in one).  The state of each open container
 * says what the next item needs in front of it.
 */
enum { JO_MAP_FIRST, JO_MAP_KEY, JO_MAP_VAL, JO_ARR_FIRST, JO_ARR };

/* Room for MORE bytes; 0 (and the answer marked bad) when memory ran out. */
static int
jo_room(struct jout *o, size_t more)
{
	size_t	 cap;
	char	*p;

	if (o->bad)
		return 0;
	if (o->cap - o->len >= more)
		return 1;
	for (cap = o->cap ? o->cap : 2048; cap - o->len < more; cap *= 2)
		continue;
	if ((p = realloc(o->buf, cap)) == NULL) {
		o->bad = 1;
		return 0;
	}
	o->buf = p;
	o->cap = cap;
	return 1;
}

static void
jo_put(struct jout *o, const void *s, size_t n)
{
	if (jo_room(o, n)) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	}
}

static void
jo_putc(struct jout *o, char c)
{
	if (jo_room(o, 1))
		o->buf[o->len++] = c;
}

/*
 * Writes what goes before the next item: a comma, or the colon after a
 * key.  Returns 1 when the item is a member's name (only a string may be).
 */
static int
jo_sep(struct jout *o)
{
	unsigned char	*s;

	if (o->depth == 0)
		return 0;
	s = &o->state[o->depth - 1];
	switch (*s) {
	case JO_MAP_KEY:
		jo_putc(o, ',');
		/* FALLTHROUGH */
	case JO_MAP_FIRST:
		*s = JO_MAP_VAL;
		return 1;
	case JO_MAP_VAL:
		jo_putc(o, ':');
		*s = JO_MAP_KEY;
		return 0;
	case JO_ARR_FIRST:
		*s = JO_ARR;
		return 0;
	default:
		jo_putc(o, ',');
		return 0;
	}
}

/* Writes a value that is not a string: TEXT of N bytes, as it is. */
static void
jo_value(struct jout *o, const char *text, size_t n)
{
	if (jo_sep(o))
		o->bad = 1;	/* a member's name must be a string */
	jo_put(o, text, n);
}

static void
jo_open_c(struct jout *o, char c, unsigned char state)
{
	if (jo_sep(o) || o->depth == ND_JOUT_DEPTH)
		o->bad = 1;
	else
		o->state[o->depth++] = state;
	jo_putc(o, c);
}

static void
jo_close_c(struct jout *o, char c, int map)
{
	if (o->depth == 0 || (map ? o->state[o->depth - 1] == JO_MAP_VAL ||
	    o->state[o->depth - 1] >= JO_ARR_FIRST :
	    o->state[o->depth - 1] < JO_ARR_FIRST))
		o->bad = 1;
	else
		o->depth--;
	jo_putc(o, c);
}

/*
 * Length of the UTF-8 sequence at S (N bytes left, S[0] >= 0x80), or 0
 * when it is not one: no overlong forms, surrogates or code points past
 * U+10FFFF.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Writes S (N bytes) as a JSON string: quotes, backslashes and control
 * characters escaped, a byte that is not UTF-8 written as U+FFFD.
 */
static void
jo_string(struct jout *o, const unsigned char *s, size_t n)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t			 i = 0, run, k;

	jo_sep(o);
	jo_putc(o, '"');
	while (i < n) {
		for (run = i; i < n && s[i] >= 0x20 && s[i] < 0x80 &&
		    s[i] != '"' && s[i] != '\\'; i++)
			continue;
		jo_put(o, s + run, i - run);
		if (i == n)
			break;
		if (s[i] >= 0x80) {
			if ((k = utf8_seq(s + i, n - i)) > 0)
				jo_put(o, s + i, k);
			else {
				jo_put(o, "\xef\xbf\xbd", 3);
				k = 1;
			}
			i += k;
			continue;
		}
		switch (s[i]) {
		case '"':  jo_put(o, "\\\"", 2); break;
		case '\\': jo_put(o, "\\\\", 2); break;
		case '\n': jo_put(o, "\\n", 2); break;
		case '\r': jo_put(o, "\\r", 2); break;
		case '\t': jo_put(o, "\\t", 2); break;
		case '\b': jo_put(o, "\\b", 2); break;
		case '\f': jo_put(o, "\\f", 2); break;
		default:
			esc[4] = hex[s[i] >> 4];
			esc[5] = hex[s[i] & 0xf];
			jo_put(o, esc, 6);
			break;
		}
		i++;
	}
	jo_putc(o, '"');
}

static void
gen_string(struct jout *o, const char *s)
{
	if (s == NULL)
		jo_value(o, "null", 4);
	else
		jo_string(o, (const unsigned char *)s, strlen(s));
}

/* Writes integer V (digits made here: sprintf() was ~6 % of a list). */
static void
gen_int(struct jout *o, long long v)
{
	char			 buf[24], *p = buf + sizeof(buf);
	unsigned long long	 u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	jo_value(o, p, (size_t)(buf + sizeof(buf) - p));
}

/*
 * Writes V with the fewest digits that read back as V (38.2, not
 * 38.200000000000002842), and ".0" after a whole number; null for a value
 * JSON cannot hold (infinite, NaN).
 */
static void
gen_double(struct jout *o, double v)
{
	char	 buf[40];
	int	 prec, n = 0;

	if (!isfinite(v)) {
		jo_value(o, "null", 4);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, sizeof(buf) - 2, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strspn(buf, "0123456789-") == (size_t)n) {
		buf[n++] = '.';
		buf[n++] = '0';
	}
	jo_value(o, buf, (size_t)n);
}

/* Empties the answer (http_error() starts again); the buffer is kept. */
void
jo_reset(struct req *r)
{
	r->g.len = 0;
	r->g.bad = 0;
	r->g.depth = 0;
}

/*
 * Sets *TEXT and *LEN to the JSON written.  Returns 0 when there is none,
 * or it cannot be sent: memory ran out, or a handler misused jo_*.
 */
int
jo_text(const struct req *r, const char **text, size_t *len)
{
	if (r->g.bad || r->g.len == 0 || r->g.depth != 0)
		return 0;
	*text = r->g.buf;
	*len = r->g.len;
	return 1;
}

void jo_open(struct req *r) { jo_open_c(&r->g, '{', JO_MAP_FIRST); }
void jo_close(struct req *r) { jo_close_c(&r->g, '}', 1); }
void jo_key(struct req *r, const char *k) { gen_string(&r->g, k); }
void jo_val_str(struct req *r, const char *s) { gen_string(&r->g, s); }
void jo_val_int(struct req *r, long long v) { gen_int(&r->g, v); }
void jo_arr_close(struct req *r) { jo_close_c(&r->g, ']', 0); }
void jo_obj_close(struct req *r) { jo_close_c(&r->g, '}', 1); }

void
jo_str(struct req *r, const char *k, const char *v)
{
	gen_string(&r->g, k);
	gen_string(&r->g, v);
}

void
jo_int(struct req *r, const char *k, long long v)
{
	gen_string(&r->g, k);
	gen_int(&r->g, v);
}

void
jo_num(struct req *r, const char *k, double v)
{
	gen_string(&r->g, k);
	gen_double(&r->g, v);
}

void
jo_bool(struct req *r, const char *k, int v)
{
	gen_string(&r->g, k);
	jo_value(&r->g, v ? "true" : "false", v ? 4 : 5);
}

void
jo_null(struct req *r, const char *k)
{
	gen_string(&r->g, k);
	jo_value(&r->g, "null", 4);
}

/* Opens an array (K NULL: as a value, e.g. inside another array). */
void
jo_arr(struct req *r, const char *k)
{
	if (k != NULL)
		gen_string(&r->g, k);
	jo_open_c(&r->g, '[', JO_ARR_FIRST);
}

void
jo_obj(struct req *r, const char *k)
{
	if (k != NULL)
		gen_string(&r->g, k);
	jo_open_c(&r->g, '{', JO_MAP_FIRST);
}

/*
 * Writes KEY and TEXT, a JSON document that SQLite's JSON functions made
 * (never client input), verbatim: trusted JSON passes without a reparse.
 */
void
jo_raw_json(struct req *r, const char *k, const unsigned char *text)
{
	if (k != NULL)
		gen_string(&r->g, k);
	if (text == NULL)
		jo_value(&r->g, "null", 4);
	else
		jo_value(&r->g, (const char *)text, strlen((const char *)text));
}

/* Writes column I of the current row as a JSON value by its type. */
void
jo_col(struct req *r, sqlite3_stmt *st, int i)
{
	const unsigned char	*t;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		gen_int(&r->g, sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		gen_double(&r->g, sqlite3_column_double(st, i));
		break;
	case SQLITE_TEXT:
		t = sqlite3_column_text(st, i);
		jo_string(&r->g, t, (size_t)sqlite3_column_bytes(st, i));
		break;
	default:
		jo_value(&r->g, "null", 4);
		break;
	}
}

/*
 * Writes every column of the current row as members of the open object,
 * named by the column's name in the SQL.  Two conventions keep handlers
 * free of per-field code:
 *   "patient.id"  consecutive columns with the prefix "patient." become
 *                 one nested object "patient": {"id": ...};
 *   "@vitals"     the column holds JSON made by SQLite: written verbatim
 *                 under the key "vitals".
 */
void
jo_row_fields(struct req *r, sqlite3_stmt *st)
{
	int		 i, n = sqlite3_column_count(st);
	const char	*name, *dot;
	char		 open[64] = "";
	size_t		 plen;

	for (i = 0; i < n; i++) {
		name = sqlite3_column_name(st, i);
		dot = strchr(name, '.');
		if (open[0] != '\0' && (dot == NULL ||
		    (size_t)(dot - name) != strlen(open) ||
		    strncmp(name, open, strlen(open)) != 0)) {
			jo_obj_close(r);
			open[0] = '\0';
		}
		if (dot != NULL && open[0] == '\0') {
			plen = (size_t)(dot - name);
			if (plen >= sizeof(open))
				plen = sizeof(open) - 1;
			memcpy(open, name, plen);
			open[plen] = '\0';
			gen_string(&r->g, open);
			jo_open(r);
		}
		if (dot != NULL)
			name = dot + 1;
		if (name[0] == '@')
			jo_raw_json(r, name + 1, sqlite3_column_text(st, i));
		else {
			gen_string(&r->g, name);
			jo_col(r, st, i);
		}
	}
	if (open[0] != '\0')
		jo_obj_close(r);
}

/* How jo_row_fields() writes one column, worked out from its name. */
struct colplan {
	const char	*key;		/* the member's name */
	const char	*open;		/* open this nested object first, */
	size_t		 open_len;	/* named by these bytes (0: none) */
	int		 close;		/* but close the open one before */
	int		 raw;		/* "@x": JSON made by SQLite */
};
#define JO_PLAN_MAX	64		/* columns jo_rows() plans for */

/*
 * Fills PL[N] with what jo_row_fields() would do for each column of ST,
 * by the same rules; returns 1 when a nested object is left open after
 * the last column.  Call it after a step (a first step may prepare ST
 * again); the names it points to stay valid while ST runs.
 */
static int
plan_columns(sqlite3_stmt *st, struct colplan *pl, int n)
{
	const char	*name, *dot, *open = NULL;
	size_t		 open_len = 0;
	int		 i;

	for (i = 0; i < n; i++) {
		name = sqlite3_column_name(st, i);
		dot = strchr(name, '.');
		pl[i].close = pl[i].raw = 0;
		pl[i].open = NULL;
		pl[i].open_len = 0;
		if (open != NULL && (dot == NULL ||
		    (size_t)(dot - name) != open_len ||
		    strncmp(name, open, open_len) != 0)) {
			pl[i].close = 1;
			open = NULL;
		}
		if (dot != NULL && open == NULL) {
			open = name;
			open_len = (size_t)(dot - name);
			if (open_len > 63)	/* as jo_row_fields() */
				open_len = 63;
			pl[i].open = open;
			pl[i].open_len = open_len;
		}
		if (dot != NULL)
			name = dot + 1;
		pl[i].raw = name[0] == '@';
		pl[i].key = pl[i].raw ? name + 1 : name;
	}
	return open != NULL;
}

/* Writes the current row of ST as one object, as PL[N] says. */
static void
write_row(struct req *r, sqlite3_stmt *st, const struct colplan *pl, int n,
    int close)
{
	int	 i;

	jo_open(r);
	for (i = 0; i < n; i++) {
		if (pl[i].close)
			jo_obj_close(r);
		if (pl[i].open != NULL) {
			jo_string(&r->g, (const unsigned char *)pl[i].open,
			    pl[i].open_len);
			jo_open(r);
		}
		if (pl[i].raw)
			jo_raw_json(r, pl[i].key, sqlite3_column_text(st, i));
		else {
			gen_string(&r->g, pl[i].key);
			jo_col(r, st, i);
		}
	}
	if (close)
		jo_obj_close(r);
	jo_obj_close(r);
}

/*
 * Notes patient ID (> 0) for a listing's audit row (audit_listing()),
 * once: the patients in the order first written; past ND_AUDIT_IDS they
 * are only counted.  A listing is a day's queue, a page or a day of
 * records, so the search of what was noted stays short.
 */
void
jo_listed(struct req *r, long long id)
{
	size_t	 i;

	if (!r->listing || id <= 0)
		return;
	for (i = r->nlisted; i > 0; i--)	/* the same patient: often the last */
		if (r->listed[i - 1] == id)
			return;
	if (r->nlisted < ND_NELEM(r->listed))
		r->listed[r->nlisted++] = id;
	else
		r->nunlisted++;
}

/*
 * For a listing's audit row (audit_listing()): notes the patient of the
 * row of ST being written, found once a statement: its column "patient.id"
 * (a record that names its patient), else "patient_id", else column 0 (a
 * patient's own row).  A row of no patient (NULL) notes nothing.
 */
static void
jo_note_id(struct req *r, sqlite3_stmt *st)
{
	const char	*name;
	int		 i, n;

	if (!r->listing)
		return;
	if (r->listed_st != st) {
		r->listed_st = st;
		r->listed_col = 0;
		n = sqlite3_column_count(st);
		for (i = 0; i < n; i++)
			if ((name = sqlite3_column_name(st, i)) != NULL &&
			    strcmp(name, "patient.id") == 0)
				break;
		if (i == n)
			for (i = 0; i < n; i++)
				if ((name = sqlite3_column_name(st, i)) !=
				    NULL && strcmp(name, "patient_id") == 0)
					break;
		if (i < n)
			r->listed_col = i;
	}
	if (sqlite3_column_type(st, r->listed_col) == SQLITE_INTEGER)
		jo_listed(r, sqlite3_column_int64(st, r->listed_col));
}

/*
 * Writes the first MAX rows that ST yields into the open array, each as
 * one object (see jo_row_fields), steps through the rest, and resets ST.
 * The column names are read once, not once a row (a 60-row queue list has
 * 15 columns).  Sets *N to the number of rows ST yielded.  Returns
 * SQLITE_OK, or the error, which the caller answers with db_fail().
 */
int
jo_rows_max(struct req *r, sqlite3_stmt *st, long long max, long long *n)
{
	struct colplan	 pl[JO_PLAN_MAX];
	int		 rc, cols = sqlite3_column_count(st), close = 0;

	for (*n = 0; (rc = db_step(st)) == SQLITE_ROW; (*n)++) {
		if (*n >= max)
			continue;
		if (cols > JO_PLAN_MAX)
			jo_row(r, st);
		else {
			if (*n == 0)
				close = plan_columns(st, pl, cols);
			jo_note_id(r, st);
			write_row(r, st, pl, cols, close);
		}
	}
	db_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Writes KEY and, as an array of objects (see jo_row_fields), every row ST
 * yields; then resets ST.  Returns SQLITE_OK, or the error, which the
 * caller answers with db_fail().
 */
int
jo_rows(struct req *r, const char *key, sqlite3_stmt *st)
{
	long long	 n;
	int		 rc;

	jo_arr(r, key);
	rc = jo_rows_max(r, st, LLONG_MAX, &n);
	jo_arr_close(r);
	return rc;
}

/*
 * Binds ID to ?1 of ST, and writes the row it yields as one object (see
 * jo_row_fields); then resets ST.  Returns 1 written, 0 no such row.
 */
int
jo_row_id(struct req *r, sqlite3_stmt *st, long long id)
{
	int	 found = 0;

	db_bind_int(st, 1, id);
	if (db_step(st) == SQLITE_ROW) {
		jo_row(r, st);
		found = 1;
	}
	db_reset(st);
	return found;
}

/* Writes the current row as one object (see jo_row_fields). */
void
jo_row(struct req *r, sqlite3_stmt *st)
{
	jo_note_id(r, st);
	jo_open(r);
	jo_row_fields(r, st);
	jo_obj_close(r);
}

/*
 * The answer of a day's list (appointments, payments): {"date": DATE,
 * KEY: [the rows of ST, bound to DATE at ?1]}.  Returns SQLITE_OK or the
 * error (the caller answers db_fail()).
 */
int
jo_day_rows(struct req *r, const char *date, const char *key,
    sqlite3_stmt *st)
{
	int	 rc;

	jo_open(r);
	jo_str(r, "date", date);
	db_bind_text(st, 1, date);
	if ((rc = jo_rows(r, key, st)) != SQLITE_OK)
		return rc;
	jo_close(r);
	return SQLITE_OK;
}

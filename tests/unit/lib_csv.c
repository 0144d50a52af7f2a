/*
 * lib_csv.c — CSV out (lib/csv.c), the one writer of every export a
 * spreadsheet opens: the formula guard for each character that starts a
 * formula (= + - @ tab CR) and for nothing else, quotes doubled, commas and
 * line breaks kept inside a cell, NULL empty, integers bare, reals exact,
 * the byte-order mark, CRLF rows; with a flush (a streamed export) the
 * same bytes go out in chunks and the buffer stays CSV_CHUNK small.
 */
#include <string.h>

#include <sqlite3.h>

#include "nd.h"
#include "csv.h"
#include "unit.h"

/* The cell T written alone on a row equals WANT (with its CRLF). */
static int
cell(const char *t, const char *want)
{
	struct csv	 c = CSV_INIT;
	int		 ok;

	csv_text(&c, t);
	csv_end(&c);
	ok = c.ok && c.len == strlen(want) && memcmp(c.p, want, c.len) == 0;
	if (!ok)
		printf("# cell %s: got %.*s\n", t ? t : "(null)", (int)c.len,
		    c.p ? c.p : "");
	csv_free(&c);
	return ok;
}

/* The row of SQL's first result row, header and row, equals WANT. */
static int
rows(sqlite3 *db, const char *sql, const char *want)
{
	struct csv	 c = CSV_INIT;
	sqlite3_stmt	*s;
	int		 ok;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	csv_header(&c, s);
	while (sqlite3_step(s) == SQLITE_ROW)
		csv_row(&c, s);
	sqlite3_finalize(s);
	ok = c.ok && c.len == strlen(want) && memcmp(c.p, want, c.len) == 0;
	if (!ok)
		printf("# rows of %s: got %.*s\n", sql, (int)c.len,
		    c.p ? c.p : "");
	csv_free(&c);
	return ok;
}

/* A streamed export's receiver: the bytes, and the biggest chunk. */
struct sink {
	char	*p;
	size_t	 len, cap, biggest;
	int	 calls;
};

static void
sink_put(void *ctx, const char *p, size_t n)
{
	struct sink	*k = ctx;

	k->calls++;
	if (n > k->biggest)
		k->biggest = n;
	if (k->len + n <= k->cap) {
		memcpy(k->p + k->len, p, n);
		k->len += n;
	}
}

/* 20,000 rows written with and without a flush: the same bytes. */
static int
streamed(void)
{
	static char	 got[4 * 1024 * 1024];
	struct csv	 a = CSV_INIT, b = CSV_INIT;
	struct sink	 k = { got, 0, sizeof(got), 0, 0 };
	int		 i, ok;

	b.flush = sink_put;
	b.ctx = &k;
	csv_bom(&a);
	csv_bom(&b);
	for (i = 0; i < 20000; i++) {
		csv_int(&a, i);
		csv_int(&b, i);
		csv_text(&a, "Murugan, \"=Selvam\" முருகன்");
		csv_text(&b, "Murugan, \"=Selvam\" முருகன்");
		csv_end(&a);
		csv_end(&b);
	}
	csv_flush(&b);
	ok = a.ok && b.ok && a.len > 3 * CSV_CHUNK && b.len == 0 &&
	    b.cap <= CSV_CHUNK && k.biggest <= CSV_CHUNK && k.calls > 3 &&
	    k.len == a.len && memcmp(k.p, a.p, a.len) == 0;
	if (!ok)
		printf("# streamed: %zu bytes buffered, cap %zu, %d chunks of"
		    " at most %zu, %zu of %zu bytes\n", b.len, b.cap, k.calls,
		    k.biggest, k.len, a.len);
	csv_free(&a);
	csv_free(&b);
	return ok;
}

int
main(void)
{
	struct csv	 c = CSV_INIT;
	sqlite3		*db;

	/* Each character a spreadsheet reads as the start of a formula. */
	CHECK("csv: = defused", cell("=1+1", "\"'=1+1\"\r\n"));
	CHECK("csv: + defused", cell("+91 98765", "\"'+91 98765\"\r\n"));
	CHECK("csv: - defused", cell("-2+3", "\"'-2+3\"\r\n"));
	CHECK("csv: @ defused", cell("@SUM(A1)", "\"'@SUM(A1)\"\r\n"));
	CHECK("csv: tab defused", cell("\t=1", "\"'\t=1\"\r\n"));
	CHECK("csv: CR defused", cell("\r=1", "\"'\r=1\"\r\n"));
	CHECK("csv: =HYPERLINK with quotes defused and doubled",
	    cell("=HYPERLINK(\"http://x\")",
	    "\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"));
	/* Nothing else is touched: a quote only where a formula would start. */
	CHECK("csv: text inside with = kept", cell("a=b", "\"a=b\"\r\n"));
	CHECK("csv: a Tamil name kept",
	    cell("முருகன்", "\"முருகன்\"\r\n"));
	CHECK("csv: a leading quote kept as it is",
	    cell("'quoted", "\"'quoted\"\r\n"));
	CHECK("csv: commas and a line break stay in one cell",
	    cell("Door 5, Road\nMadurai", "\"Door 5, Road\nMadurai\"\r\n"));
	CHECK("csv: quotes doubled", cell("a \"b\" c", "\"a \"\"b\"\" c\"\r\n"));
	CHECK("csv: empty text is an empty quoted cell", cell("", "\"\"\r\n"));
	CHECK("csv: NULL is an empty cell", cell(NULL, "\r\n"));

	csv_bom(&c);
	csv_int(&c, -42);
	csv_null(&c);
	csv_text(&c, "x");
	csv_end(&c);
	CHECK("csv: BOM first, integers bare, NULL empty, commas between",
	    c.ok && c.len == 13 && memcmp(c.p, "\xef\xbb\xbf-42,,\"x\"\r\n", 13) == 0);
	csv_free(&c);

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return 1;
	CHECK("csv: a statement's header and rows by their types",
	    rows(db, "SELECT 1 AS n, 0.1 AS r, 38.4 AS t, NULL AS z, '=x' AS s"
	    " UNION ALL SELECT -7, 1e300, 1.0/3, NULL, '@y'",
	    "n,r,t,z,s\r\n1,0.1,38.4,,\"'=x\"\r\n"
	    "-7,1e+300,0.3333333333333333,,\"'@y\"\r\n"));
	sqlite3_close(db);
	CHECK("csv: streamed in chunks of CSV_CHUNK, the same bytes",
	    streamed());
	UNIT_END();
}

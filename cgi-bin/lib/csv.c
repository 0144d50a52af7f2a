/*
 * csv.c — CSV out (csv.h).  Every export that a spreadsheet opens (the
 * audit trail, the admin's exports of patients, visits and payments, the
 * reports over a range of days) is written here, so that quoting and the
 * formula guard live in one place; req_csv() (req.c) answers it.
 *
 * A cell is written by its SQLite type: NULL as nothing, an integer bare,
 * a real as its shortest exact text, text in double quotes with quotes
 * doubled (so commas, quotes and line breaks inside a cell survive).  Text
 * that a spreadsheet would read as a formula — it starts with = + - @, a
 * tab or a carriage return — gets a leading single quote ("'=1+1"): a
 * patient's name or a note typed at the desk must never run as a formula
 * on the admin's machine (CSV injection).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "csv.h"

static void
csv_put(struct csv *c, const char *s, size_t n)
{
	char	*np;
	size_t	 cap;

	if (!c->ok || n == 0)
		return;
	if (c->flush != NULL && c->len > 0 && c->len + n > CSV_CHUNK)
		csv_flush(c);
	if (c->len + n > c->cap) {
		cap = c->cap ? c->cap : 64 * 1024;
		while (cap < c->len + n)
			cap *= 2;
		if ((np = realloc(c->p, cap)) == NULL) {
			c->ok = 0;
			return;
		}
		c->p = np;
		c->cap = cap;
	}
	memcpy(c->p + c->len, s, n);
	c->len += n;
}

/* The comma before every cell but a row's first. */
static void
csv_sep(struct csv *c)
{
	if (c->col++ > 0)
		csv_put(c, ",", 1);
}

/*
 * The byte-order mark that tells spreadsheet programs the file is UTF-8
 * (without it Excel reads Tamil names as Latin-1).  First, once.
 */
void
csv_bom(struct csv *c)
{
	csv_put(c, "\xef\xbb\xbf", 3);
}

/* A text cell (NULL: an empty cell), quoted, with the formula guard. */
void
csv_text(struct csv *c, const char *t)
{
	const char	*q;

	csv_sep(c);
	if (t == NULL)
		return;
	csv_put(c, "\"", 1);
	if (*t != '\0' && strchr("=+-@\t\r", *t) != NULL)
		csv_put(c, "'", 1);
	for (; (q = strchr(t, '"')) != NULL; t = q + 1) {
		csv_put(c, t, (size_t)(q - t));
		csv_put(c, "\"\"", 2);
	}
	csv_put(c, t, strlen(t));
	csv_put(c, "\"", 1);
}

/*
 * A cell written as it is, without quotes or the formula guard: only for
 * text the program itself made and knows needs neither (a column's name,
 * a YYYY-MM-DD date), never for what was typed.  NULL: an empty cell.
 */
void
csv_bare(struct csv *c, const char *t)
{
	csv_sep(c);
	if (t != NULL)
		csv_put(c, t, strlen(t));
}

void
csv_int(struct csv *c, long long v)
{
	char	 num[24];
	int	 n;

	csv_sep(c);
	n = snprintf(num, sizeof(num), "%lld", v);
	csv_put(c, num, (size_t)n);
}

/* Money: PAISE (>= 0) as rupees with two decimals, bare ("1234.50"). */
void
csv_rupees(struct csv *c, long long paise)
{
	char	 num[32];
	int	 n;

	csv_sep(c);
	n = snprintf(num, sizeof(num), "%lld.%02lld", paise / 100, paise % 100);
	csv_put(c, num, (size_t)n);
}

void
csv_null(struct csv *c)
{
	csv_sep(c);
}

/* Column I of the current row of S as one cell, by its type. */
void
csv_col(struct csv *c, sqlite3_stmt *s, int i)
{
	char	 num[40];
	double	 v;
	int	 n, prec;

	switch (sqlite3_column_type(s, i)) {
	case SQLITE_NULL:
		csv_null(c);
		break;
	case SQLITE_INTEGER:
		csv_int(c, (long long)sqlite3_column_int64(s, i));
		break;
	case SQLITE_FLOAT:
		csv_sep(c);
		v = sqlite3_column_double(s, i);
		for (prec = 15, n = 0; prec <= 17; prec++) {
			n = snprintf(num, sizeof(num), "%.*g", prec, v);
			if (strtod(num, NULL) == v)
				break;
		}
		csv_put(c, num, (size_t)n);
		break;
	default:
		csv_text(c, (const char *)sqlite3_column_text(s, i));
		break;
	}
}

/* A header row: the names of the columns of S. */
void
csv_header(struct csv *c, sqlite3_stmt *s)
{
	int	 i, n = sqlite3_column_count(s);

	for (i = 0; i < n; i++)
		csv_bare(c, sqlite3_column_name(s, i));
	csv_end(c);
}

/* The current row of S, every column, ended. */
void
csv_row(struct csv *c, sqlite3_stmt *s)
{
	int	 i, n = sqlite3_column_count(s);

	for (i = 0; i < n; i++)
		csv_col(c, s, i);
	csv_end(c);
}

/* Ends the current row (CRLF, as RFC 4180 says). */
void
csv_end(struct csv *c)
{
	csv_put(c, "\r\n", 2);
	c->col = 0;
}

/* Hands what is buffered to C's flush (when it has one) and empties it. */
void
csv_flush(struct csv *c)
{
	if (c->flush == NULL || c->len == 0)
		return;
	c->flush(c->ctx, c->p, c->len);
	c->len = 0;
}

void
csv_free(struct csv *c)
{
	free(c->p);
	c->p = NULL;
	c->len = c->cap = 0;
}

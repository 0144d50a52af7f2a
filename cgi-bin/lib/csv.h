/*
 * csv.h — CSV out (RFC 4180) for the exports a spreadsheet opens: one
 * growing buffer, cells quoted and escaped in one place, and text that a
 * spreadsheet would run as a formula defused.  Bottom floor: knows SQLite
 * values, nothing of HTTP.
 */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

#include <sqlite3.h>

/* A CSV document being written; ok turns 0 for good when memory runs out. */
struct csv {
	char	*p;
	size_t	 len, cap;
	int	 ok;
	int	 col;		/* cells written on the current row */
	/* When set, what is written goes out through FLUSH(CTX, bytes, n)
	 * every CSV_CHUNK bytes, so that the buffer stays that small however
	 * long the document (req_csv_stream(): a whole table's export). */
	void	(*flush)(void *, const char *, size_t);
	void	*ctx;
};
#define CSV_INIT	{ NULL, 0, 0, 1, 0, NULL, NULL }
#define CSV_CHUNK	(64 * 1024)

void	 csv_bom(struct csv *);
void	 csv_text(struct csv *, const char *);
void	 csv_bare(struct csv *, const char *);
void	 csv_int(struct csv *, long long);
void	 csv_rupees(struct csv *, long long);
void	 csv_null(struct csv *);
void	 csv_col(struct csv *, sqlite3_stmt *, int);
void	 csv_header(struct csv *, sqlite3_stmt *);
void	 csv_row(struct csv *, sqlite3_stmt *);
void	 csv_end(struct csv *);
void	 csv_flush(struct csv *);
void	 csv_free(struct csv *);

#endif /* CSV_H */

/*
 * legacy.h — reading the values of the Electron NalamDesk's database: its
 * genders, dates, zoneless UTC times, ages typed as text, phones, roles,
 * durations, temperatures and prescription_json.  Pure functions (no
 * state, no I/O but the time zone that legacy_local_day() reads), so that
 * unit tests and a fuzz target call them as they are; the admin tool's
 * `import-nalamdesk` (cgi-bin/tool/import.c) is their one user.
 */
#ifndef LEGACY_H
#define LEGACY_H

#include <stddef.h>

/* Limits of one prescription line's fields (bytes, without the NUL). */
#define LEGACY_RX_MEDICINE	200
#define LEGACY_RX_FIELD		200
#define LEGACY_RX_INSTRUCTION	1000
#define LEGACY_RX_LINES		100	/* lines of one visit read at most */

/* One row of prescription_json; "" where it had nothing. */
struct legacy_rx {
	char	 medicine[LEGACY_RX_MEDICINE + 1];
	char	 form[LEGACY_RX_FIELD + 1];
	char	 dosage[LEGACY_RX_FIELD + 1];
	char	 route[LEGACY_RX_FIELD + 1];
	char	 frequency[LEGACY_RX_FIELD + 1];
	char	 duration[LEGACY_RX_FIELD + 1];
	char	 instruction[LEGACY_RX_INSTRUCTION + 1];
	int	 cut;		/* some field was longer than its limit */
};

int	 legacy_sex(const char *, char *);
int	 legacy_date(const char *, char *);
int	 legacy_utc(const char *, char *);
int	 legacy_local_day(const char *, char *);
int	 legacy_age(const char *, int *);
int	 legacy_phone(const char *, char *);
const char *legacy_role(const char *, int *);
int	 legacy_duration_days(const char *);
double	 legacy_temp_c(double, int *);
const char *legacy_timing(const char *);
int	 legacy_rx_parse(const char *, size_t,
	    int (*)(const struct legacy_rx *, void *), void *, int *);
void	 legacy_trim(char *);
int	 legacy_plain(const char *, char *, size_t);

#endif /* LEGACY_H */

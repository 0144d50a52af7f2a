/*
 * qentry.h — the queue entry: the one owner of the day's token queue.
 *
 * Every statement that writes a queue entry, the token it is given, the
 * moves of its status and the order in which entries are called live in
 * qentry.c.  The queue program (POST/PATCH /api/queue), the appointments
 * program (an appointment that arrives) and the visits program (opening
 * and finalizing a consultation) only call it.
 *
 * Adding a rule here, as the priority (normal/urgent/emergency) and the
 * postponed place in the line were added: a column in a migration, a bind
 * in STMT_ADD, a term in QENTRY_CALL_ORDER and, for a new kind of move, a
 * row in the transition table.  Nothing outside qentry.c changes.
 *
 * The vitals and presenting complaint a nurse records on a waiting entry
 * are the entry's too (qentry_set_vitals); a visit opened from the entry
 * starts with them (qentry_vitals).
 */
#ifndef QENTRY_H
#define QENTRY_H

#include "nd.h"
#include "vitals.h"

/* The status of an entry (shared/api-contract.md). */
enum qstatus {
	QS_WAITING,
	QS_IN_CONSULT,
	QS_DONE,
	QS_CANCELLED,
	QS_NO_SHOW,
	QS__MAX
};
extern const char *const qentry_status_names[QS__MAX];
/* The same list for a field table (FT_ENUM). */
#define QENTRY_STATUS_CHOICES	"waiting,in_consult,done,cancelled,no_show"

/* Who is called first among the waiting (shared/api-contract.md). */
enum qpriority {
	QP_NORMAL,
	QP_URGENT,
	QP_EMERGENCY,
	QP__MAX
};
extern const char *const qentry_priority_names[QP__MAX];
#define QENTRY_PRIORITY_CHOICES	"normal,urgent,emergency"

/* Who moves an entry: each path that changes a status is one mover. */
enum qmover {
	QM_DESK,		/* PATCH /api/queue/{id} */
	QM_VISIT_START,		/* POST /api/visits with queue_id */
	QM_VISIT_FINALIZE,	/* POST /api/visits/{id}/finalize */
	QM_NEXT,		/* POST /api/queue/next */
	QM__MAX
};

/*
 * The order in which entries are called, for every list of the day (alias
 * q for the queue table): those with the doctor first (the one called last
 * at the top), then the waiting by priority (emergency, urgent, normal) and
 * their place in the line (postponing moves it; the token never changes),
 * then the closed ones (done, cancelled, no-show).
 */
#define QENTRY_CALL_ORDER \
	"CASE q.status WHEN 'in_consult' THEN 0 WHEN 'waiting' THEN 1" \
	" ELSE 2 END," \
	" CASE WHEN q.status = 'in_consult' THEN q.called_at END DESC," \
	" CASE WHEN q.status = 'waiting' THEN " QENTRY_RANK("q") " END," \
	" q.line, q.token"
/* A priority's rank in the call order, of the queue row aliased T. */
#define QENTRY_RANK(t) \
	"CASE " t ".priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1" \
	" ELSE 2 END"

/* One entry's state (qentry_get). */
struct qentry {
	long long	 id;
	long long	 patient_id;
	long long	 version;
	char		 day[11];
	enum qstatus	 status;
};

int	 qentry_init(void);
void	 qentry_fini(void);
int	 qentry_status_parse(const char *);
int	 qentry_allowed(enum qmover, enum qstatus, enum qstatus);
int	 qentry_get(long long, struct qentry *);
int	 qentry_priority_parse(const char *);
int	 qentry_add(struct req *, const char *, long long, const char *,
	    enum qpriority, long long, const char *, long long *);
int	 qentry_move(struct req *, enum qmover, long long, enum qstatus,
	    long long, long long *);
int	 qentry_set_priority(struct req *, long long, enum qpriority,
	    long long);
int	 qentry_postpone(struct req *, long long, long long, long long);
int	 qentry_next(struct req *, const char *, long long *);
int	 qentry_set_vitals(struct req *, long long, const struct vitals_in *,
	    const char *, long long);
int	 qentry_vitals(long long, struct vitals_in *, char *, size_t);
int	 qentry_vitals_reply(struct req *, long long, long long *);
int	 qentry_reply(struct req *, long long);
int	 qentry_list(struct req *, const char *, const char *);
int	 qentry_display(struct req *, const char *);
extern unsigned long qentry_table_checks;

#endif /* QENTRY_H */

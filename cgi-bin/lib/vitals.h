/*
 * vitals.h — a patient's vitals: their names, units and physiological
 * ranges, stated once, and the pure check of a body's "vitals" object.
 *
 * A visit's vitals (the visits program) and the vitals a nurse records on
 * a queue entry before the doctor (lib/qentry.c) pass the same check; the
 * request floor's valid_vitals() (fields.c) turns its verdict into a 422.
 * Bottom floor: nothing here knows of HTTP or SQLite.
 */
#ifndef VITALS_H
#define VITALS_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

/* The vitals, in the order of every table and statement that lists them. */
enum vital {
	V_BP_SYSTOLIC,
	V_BP_DIASTOLIC,
	V_PULSE,
	V_TEMPERATURE_C,
	V_WEIGHT_KG,
	V_HEIGHT_CM,
	V_SPO2,
	V__MAX
};

struct vital_def {
	const char	*name;		/* the JSON key and the column */
	int		 integer;	/* 1: whole numbers only */
	double		 min, max;	/* accepted range, inclusive */
	const char	*unit;
};
extern const struct vital_def vital_defs[V__MAX];

/* Vitals as a body gives them, or as they are stored (set = known). */
struct vitals_in {
	int	 set[V__MAX];	/* named in the body (null included) */
	int	 null[V__MAX];	/* named as null: cleared */
	double	 val[V__MAX];
};

/* What a refused check says: the field ("vitals.pulse") and a sentence. */
struct vitals_err {
	const char	*code;		/* "invalid" or "unknown_field" */
	char		 path[64];
	char		 msg[160];
};

int	 vitals_parse(yajl_val, struct vitals_in *, struct vitals_err *);
int	 vitals_bp(const struct vitals_in *, const struct vitals_in *,
	    struct vitals_err *);

#endif /* VITALS_H */

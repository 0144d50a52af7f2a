/*
 * vitals.c — the one check of a patient's vitals (vitals.h): every key
 * known, every value a number in its physiological range (whole where it
 * must be), and the diastolic pressure below the systolic.  A visit's
 * PATCH and a nurse's PUT /api/queue/{id}/vitals both use it.
 */
#include <stdio.h>
#include <string.h>

#include "nd.h"
#include "vitals.h"

const struct vital_def vital_defs[V__MAX] = {
	/* V_BP_SYSTOLIC */	{ "bp_systolic", 1, 50, 300, "mmHg" },
	/* V_BP_DIASTOLIC */	{ "bp_diastolic", 1, 20, 200, "mmHg" },
	/* V_PULSE */		{ "pulse", 1, 20, 250, "per minute" },
	/* V_TEMPERATURE_C */	{ "temperature_c", 0, 30, 45, "°C" },
	/* V_WEIGHT_KG */	{ "weight_kg", 0, 0.5, 350, "kg" },
	/* V_HEIGHT_CM */	{ "height_cm", 0, 20, 250, "cm" },
	/* V_SPO2 */		{ "spo2", 1, 50, 100, "%" },
};
_Static_assert(sizeof(vital_defs) / sizeof(vital_defs[0]) == V__MAX,
    "vital_defs");

/* Names vital KEY in E as refused with CODE; the caller writes E->msg. */
static struct vitals_err *
refuse(struct vitals_err *e, const char *code, const char *key)
{
	e->code = code;
	snprintf(e->path, sizeof(e->path), "vitals.%s", key);
	return e;
}

/*
 * Checks the "vitals" member VIT of a body (NULL: absent; null: clears
 * every vital) into VI.  Returns 0 accepted, or 1 refused with E filled
 * (code "unknown_field" for a key that is no vital, else "invalid").
 */
int
vitals_parse(yajl_val vit, struct vitals_in *vi, struct vitals_err *e)
{
	const char	*key;
	yajl_val	 v;
	size_t		 i;
	int		 k;
	double		 d;

	memset(vi, 0, sizeof(*vi));
	if (vit == NULL)
		return 0;
	if (YAJL_IS_NULL(vit)) {
		for (k = 0; k < V__MAX; k++)
			vi->set[k] = vi->null[k] = 1;
		return 0;
	}
	if (!YAJL_IS_OBJECT(vit)) {
		e->code = "invalid";
		snprintf(e->path, sizeof(e->path), "vitals");
		snprintf(e->msg, sizeof(e->msg), "vitals must be an object.");
		return 1;
	}
	for (i = 0; i < vit->u.object.len; i++) {
		key = vit->u.object.keys[i];
		v = vit->u.object.values[i];
		for (k = 0; k < V__MAX; k++)
			if (strcmp(vital_defs[k].name, key) == 0)
				break;
		if (k == V__MAX) {
			/* Named in the answer only when it is plain text. */
			if (strlen(key) > 40 || !valid_utf8(key, strlen(key)) ||
			    !valid_plain_text(key))
				key = "?";
			snprintf(refuse(e, "unknown_field", key)->msg,
			    sizeof(e->msg), "This request has a field the "
			    "server does not know.");
			return 1;
		}
		vi->set[k] = 1;
		if (YAJL_IS_NULL(v)) {
			vi->null[k] = 1;
			continue;
		}
		if (!YAJL_IS_NUMBER(v)) {
			snprintf(refuse(e, "invalid", key)->msg,
			    sizeof(e->msg), "%s must be a number.", e->path);
			return 1;
		}
		if (vital_defs[k].integer && !YAJL_IS_INTEGER(v)) {
			snprintf(refuse(e, "invalid", key)->msg,
			    sizeof(e->msg), "%s must be a whole number.",
			    e->path);
			return 1;
		}
		if (YAJL_IS_INTEGER(v))
			d = (double)YAJL_GET_INTEGER(v);
		else if (YAJL_IS_DOUBLE(v))
			d = YAJL_GET_DOUBLE(v);
		else
			d = vital_defs[k].max + 1;	/* out of any range */
		if (!(d >= vital_defs[k].min && d <= vital_defs[k].max)) {
			snprintf(refuse(e, "invalid", key)->msg,
			    sizeof(e->msg), "%s must be from %g to %g %s.",
			    e->path, vital_defs[k].min, vital_defs[k].max,
			    vital_defs[k].unit);
			return 1;
		}
		vi->val[k] = d;
	}
	return 0;
}

/*
 * The diastolic pressure must stay below the systolic once the body VI is
 * applied to the stored vitals OLD (NULL: none).  Returns 0, or 1 refused
 * with E naming the pressure the body set.
 */
int
vitals_bp(const struct vitals_in *vi, const struct vitals_in *old,
    struct vitals_err *e)
{
	int	 has_sys = 0, has_dia = 0;
	double	 sys = 0, dia = 0;

	if (old != NULL) {
		has_sys = old->set[V_BP_SYSTOLIC] && !old->null[V_BP_SYSTOLIC];
		sys = old->val[V_BP_SYSTOLIC];
		has_dia = old->set[V_BP_DIASTOLIC] &&
		    !old->null[V_BP_DIASTOLIC];
		dia = old->val[V_BP_DIASTOLIC];
	}
	if (vi->set[V_BP_SYSTOLIC]) {
		has_sys = !vi->null[V_BP_SYSTOLIC];
		sys = vi->val[V_BP_SYSTOLIC];
	}
	if (vi->set[V_BP_DIASTOLIC]) {
		has_dia = !vi->null[V_BP_DIASTOLIC];
		dia = vi->val[V_BP_DIASTOLIC];
	}
	if (!has_sys || !has_dia || dia < sys)
		return 0;
	if (vi->set[V_BP_DIASTOLIC] && !vi->null[V_BP_DIASTOLIC])
		snprintf(refuse(e, "invalid", "bp_diastolic")->msg,
		    sizeof(e->msg), "%s must be below the systolic pressure.",
		    e->path);
	else
		snprintf(refuse(e, "invalid", "bp_systolic")->msg,
		    sizeof(e->msg), "%s must be above the diastolic pressure.",
		    e->path);
	return 1;
}

/*
 * fuzz_vitals — vitals_parse() and vitals_bp() of cgi-bin/lib/vitals.c (the
 * one check of a visit's vitals and of those a nurse records on a queue
 * entry) on the input read as a JSON value by yajl, as a body's "vitals"
 * member arrives.
 *
 * Properties: accepted means an object (or null: every vital cleared) whose
 * every key is a vital, each value null or a number in its range and whole
 * where it must be, and vitals_parse() recorded exactly those; refused
 * names a "vitals." path (or "vitals" for a non-object), gives a code and
 * a sentence that are strict UTF-8; vitals_bp() refuses exactly when both
 * pressures are known and the diastolic is not below the systolic, naming
 * one of the two.
 */
#include <math.h>

#include "fuzz.h"
#include "vitals.h"

static int
find(const char *key)
{
	int	 k;

	for (k = 0; k < V__MAX; k++)
		if (strcmp(vital_defs[k].name, key) == 0)
			return k;
	return -1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vitals_in	 vi, old;
	struct vitals_err	 e;
	char			*s = fz_cstr(data, size), err[128];
	yajl_val		 v;
	size_t			 i;
	int			 rc, k, bad = 0, sys, dia;

	if (s == NULL)
		return 0;
	v = yajl_tree_parse(s, err, sizeof(err));
	free(s);
	if (v == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	rc = vitals_parse(v, &vi, &e);
	if (rc != 0) {
		FZ_ASSERT(e.code != NULL && (strcmp(e.code, "invalid") == 0 ||
		    strcmp(e.code, "unknown_field") == 0), "code");
		FZ_ASSERT(strncmp(e.path, "vitals", 6) == 0, "path %s", e.path);
		FZ_ASSERT(e.msg[0] != '\0' && valid_utf8(e.msg, strlen(e.msg)) &&
		    valid_utf8(e.path, strlen(e.path)), "message");
	}
	if (YAJL_IS_NULL(v)) {
		FZ_ASSERT(rc == 0, "null refused");
		for (k = 0; k < V__MAX; k++)
			FZ_ASSERT(vi.set[k] && vi.null[k], "null clears all");
	} else if (!YAJL_IS_OBJECT(v)) {
		FZ_ASSERT(rc == 1 && strcmp(e.path, "vitals") == 0, "non-object");
	} else {
		for (i = 0; i < v->u.object.len; i++) {
			yajl_val	 x = v->u.object.values[i];
			double		 d;

			k = find(v->u.object.keys[i]);
			if (k < 0 || YAJL_IS_NULL(x))
				bad |= k < 0;
			else if (!YAJL_IS_NUMBER(x) || (vital_defs[k].integer &&
			    !YAJL_IS_INTEGER(x)))
				bad = 1;
			else {
				d = YAJL_IS_INTEGER(x) ?
				    (double)YAJL_GET_INTEGER(x) :
				    YAJL_IS_DOUBLE(x) ? YAJL_GET_DOUBLE(x) : NAN;
				bad |= !(d >= vital_defs[k].min &&
				    d <= vital_defs[k].max);
			}
		}
		FZ_ASSERT(rc == bad, "verdict %d, reference %d", rc, bad);
		for (k = 0; rc == 0 && k < V__MAX; k++) {
			if (!vi.set[k] || vi.null[k])
				continue;
			FZ_ASSERT(vi.val[k] >= vital_defs[k].min &&
			    vi.val[k] <= vital_defs[k].max, "%s out of range",
			    vital_defs[k].name);
			if (vital_defs[k].integer)
				FZ_ASSERT(vi.val[k] == floor(vi.val[k]), "%s whole",
				    vital_defs[k].name);
		}
	}
	if (rc == 0) {
		/* Against nothing stored, and against a stored 120/80. */
		memset(&old, 0, sizeof(old));
		old.set[V_BP_SYSTOLIC] = old.set[V_BP_DIASTOLIC] = 1;
		old.val[V_BP_SYSTOLIC] = 120;
		old.val[V_BP_DIASTOLIC] = 80;
		for (i = 0; i < 2; i++) {
			const struct vitals_in *o = i ? &old : NULL;
			double	 a, b;

			sys = vi.set[V_BP_SYSTOLIC] ? !vi.null[V_BP_SYSTOLIC] :
			    o != NULL;
			dia = vi.set[V_BP_DIASTOLIC] ? !vi.null[V_BP_DIASTOLIC] :
			    o != NULL;
			a = vi.set[V_BP_SYSTOLIC] ? vi.val[V_BP_SYSTOLIC] : 120;
			b = vi.set[V_BP_DIASTOLIC] ? vi.val[V_BP_DIASTOLIC] : 80;
			rc = vitals_bp(&vi, o, &e);
			FZ_ASSERT(rc == (sys && dia && !(b < a)),
			    "pressures %g/%g: %d", a, b, rc);
			if (rc)
				FZ_ASSERT(strcmp(e.path, "vitals.bp_systolic") == 0 ||
				    strcmp(e.path, "vitals.bp_diastolic") == 0,
				    "bp path %s", e.path);
		}
	}
	yajl_tree_free(v);
	return 0;
}

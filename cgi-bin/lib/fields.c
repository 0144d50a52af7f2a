/*
 * fields.c — the check of a route's declared field table against the
 * request's JSON body, before the handler runs: the first field that
 * fails is answered 422, naming it in words a person reads.  (The names
 * keep the valid_ prefix of the validators they apply.)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "vitals.h"

static int
enum_has(const char *choices, const char *s)
{
	size_t	 n = strlen(s);
	const char *p = choices, *e;

	if (n == 0)
		return 0;
	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == n && strncmp(p, s, n) == 0)
			return 1;
		if (*e == '\0')
			return 0;
		p = e + 1;
	}
}

/*
 * The words a person reads for field NAME: "age_years" is "Age years",
 * "dob" is "Date of birth".
 */
static void
field_label(const char *name, char *out, size_t size)
{
	size_t	 i;

	if (strcmp(name, "dob") == 0) {
		snprintf(out, size, "Date of birth");
		return;
	}
	for (i = 0; name[i] != '\0' && i + 1 < size; i++)
		out[i] = name[i] == '_' ? ' ' : name[i];
	out[i] = '\0';
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* Number of characters of S without the white space around it. */
static size_t
trimmed_chars(const char *s)
{
	const char	*e = s + strlen(s);
	size_t		 n = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	for (; s < e; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Writes the 422 naming FIELD.  Returns 422. */
#define bad(r, field, ...)	http_errorf((r), 422, "invalid", (field), \
	__VA_ARGS__)

/*
 * Checks object OBJ against the field table FIELDS ({NULL}-ended): no
 * unknown member, required ones present, each of its type and within its
 * limits (string lengths count the text without surrounding white space,
 * so "   " is not a name).  PREFIX (NULL for the body itself) names where
 * OBJ sits, e.g. "prescriptions[2]": errors then name "prescriptions[2].dose".
 * Returns 0, or 422 after writing an error that names the field.
 */
int
valid_object(struct req *r, yajl_val obj, const struct field *fields,
    const char *prefix)
{
	const struct field *f;
	yajl_val	 v;
	size_t		 i, n;
	const char	*s, *key;
	char		 label[96], path[96];

	if (prefix != NULL && (obj == NULL || !YAJL_IS_OBJECT(obj)))
		return bad(r, prefix, "%s must be an object.", prefix);
	for (i = 0; obj != NULL && i < obj->u.object.len; i++) {
		key = obj->u.object.keys[i];
		for (f = fields; f->name != NULL; f++)
			if (strcmp(f->name, key) == 0)
				break;
		if (f->name == NULL) {
			if (strlen(key) > 64 || !valid_plain_text(key))
				key = "?";
			if (prefix != NULL) {
				snprintf(path, sizeof(path), "%s.%s", prefix, key);
				key = path;
			}
			return http_error(r, 422, "unknown_field",
			    "This request has a field the server does not "
			    "know.", key);
		}
	}
	for (f = fields; f->name != NULL; f++) {
		if (prefix != NULL) {
			snprintf(path, sizeof(path), "%s.%s", prefix, f->name);
			snprintf(label, sizeof(label), "%s", path);
		} else {
			snprintf(path, sizeof(path), "%s", f->name);
			field_label(f->name, label, sizeof(label));
		}
		v = json_get(obj, f->name);
		if (v == NULL || YAJL_IS_NULL(v)) {
			if (f->flags & F_REQUIRED)
				return bad(r, path, "%s is required.", label);
			if (v != NULL && !(f->flags & F_NULLABLE))
				return bad(r, path, "%s may not be null.", label);
			continue;
		}
		switch (f->type) {
		case FT_STRING:
			if (!YAJL_IS_STRING(v))
				return bad(r, path, "%s must be text.", label);
			s = v->u.string;
			n = trimmed_chars(s);
			if (n == 0 && f->min > 0)
				return bad(r, path, "%s is required.", label);
			if ((long long)n < f->min || (long long)n > f->max)
				return bad(r, path, "%s must be %lld to %lld "
				    "characters long.", label, f->min, f->max);
			if (!valid_plain_text(s))
				return bad(r, path, "%s has control characters.",
				    label);
			if (f->check != NULL && !f->check(s))
				return bad(r, path, "%s", f->message != NULL ?
				    f->message : "This value is not valid.");
			break;
		case FT_INT:
			if (!YAJL_IS_INTEGER(v))
				return bad(r, path, "%s must be a whole number.",
				    label);
			if (YAJL_GET_INTEGER(v) < f->min ||
			    YAJL_GET_INTEGER(v) > f->max)
				return bad(r, path, "%s must be from %lld to %lld.",
				    label, f->min, f->max);
			break;
		case FT_NUMBER:
			if (!YAJL_IS_NUMBER(v))
				return bad(r, path, "%s must be a number.", label);
			{
				double d = YAJL_IS_INTEGER(v) ?
				    (double)YAJL_GET_INTEGER(v) :
				    YAJL_GET_DOUBLE(v);
				if (!(d >= (double)f->min && d <= (double)f->max))
					return bad(r, path, "%s must be from %lld "
					    "to %lld.", label, f->min, f->max);
			}
			break;
		case FT_BOOL:
			if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
				return bad(r, path, "%s must be true or false.",
				    label);
			break;
		case FT_DATE:
			if (!YAJL_IS_STRING(v) || !valid_date(v->u.string))
				return bad(r, path, "%s must be a date written "
				    "YYYY-MM-DD.", label);
			break;
		case FT_TIME:
			if (!YAJL_IS_STRING(v) || !valid_time(v->u.string))
				return bad(r, path, "%s must be a time written "
				    "HH:MM.", label);
			break;
		case FT_ENUM:
			if (!YAJL_IS_STRING(v) ||
			    !enum_has(f->choices, v->u.string))
				return bad(r, path, "%s must be one of: %s.",
				    label, f->choices);
			break;
		case FT_ARRAY:
			if (!YAJL_IS_ARRAY(v))
				return bad(r, path, "%s must be a list.", label);
			if ((long long)v->u.array.len < f->min ||
			    (long long)v->u.array.len > f->max)
				return bad(r, path, "%s must have %lld to %lld "
				    "items.", label, f->min, f->max);
			break;
		case FT_OBJECT:
			if (!YAJL_IS_OBJECT(v))
				return bad(r, path, "%s must be an object.",
				    label);
			break;
		default:
			abort();
		}
	}
	return 0;
}

/* Checks the request body against the route's field table (valid_object). */
int
valid_fields(struct req *r, const struct field *fields)
{
	return valid_object(r, r->json, fields, NULL);
}

/*
 * Checks the "vitals" member VIT of a body (vitals.c) into VI, and the
 * pressures against the stored vitals OLD (NULL: none).  Returns 0, or
 * 422 naming the vital (e.g. "vitals.bp_systolic") written into R.
 */
int
valid_vitals(struct req *r, yajl_val vit, struct vitals_in *vi,
    const struct vitals_in *old)
{
	struct vitals_err	 e;

	if (vitals_parse(vit, vi, &e) != 0 || vitals_bp(vi, old, &e) != 0)
		return http_error(r, 422, e.code, e.msg, e.path);
	return 0;
}

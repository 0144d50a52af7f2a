/*
 * settings.c — the clinic's settings (letterhead, fee, time zone) and its
 * logo.  Settings are rows of the key/value table `settings`; the key
 * "version" is their shared optimistic-concurrency counter.  The logo is
 * one image in `settings_logo`, checked by its magic bytes, not by what
 * the client claims it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "logo.h"

/* The text settings PUT may change, in the order they are written. */
static const char *const text_keys[] = {
	"clinic_name", "doctor_name", "qualification", "registration_no",
	"address", "phone", "timezone", "upi_vpa",
};

/* Writes the settings row as one JSON object.  Returns 200 or db_fail. */
static int
settings_answer(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_SETTINGS_GET];
	int		 rc;

	if ((rc = db_step(s)) == SQLITE_ROW)
		jo_row(r, s);
	db_reset(s);
	return rc == SQLITE_ROW ? 200 : db_fail(r, rc);
}

/*
 * GET /api/settings: 200 {clinic_name, doctor_name, qualification,
 * registration_no, address, phone, consultation_fee_paise, timezone,
 * paper (A5|A4), print_letterhead, pad_margin_top_mm, pad_margin_left_mm,
 * upi_vpa (null when receipts carry no UPI QR), logo_url (null or
 * "/api/settings/logo"), version}.
 */
int
settings_get(struct req *r)
{
	return settings_answer(r);
}

static int
setting_set(const char *key, const char *value)
{
	sqlite3_stmt	*s = st[STMT_SETTING_SET];

	db_bind_text(s, 1, key);
	db_bind_text(s, 2, value);
	return db_run(s);
}

/*
 * The print settings of a PUT body that it names: paper, print_letterhead,
 * pad_margin_top_mm, pad_margin_left_mm (checked by the field table).
 * Returns SQLITE_OK or the error.
 */
static int
print_settings_set(struct req *r)
{
	static const char *const margins[] = { "pad_margin_top_mm",
	    "pad_margin_left_mm" };
	long long	 mm;
	char		 num[24];
	size_t		 i;
	int		 rc, on;

	if (json_has(r->json, "paper") &&
	    (rc = setting_set("paper", json_str(r->json, "paper"))) !=
	    SQLITE_OK)
		return rc;
	if (json_bool(r->json, "print_letterhead", &on) &&
	    (rc = setting_set("print_letterhead", on ? "1" : "0")) !=
	    SQLITE_OK)
		return rc;
	for (i = 0; i < ND_NELEM(margins); i++) {
		if (!json_int(r->json, margins[i], &mm))
			continue;
		snprintf(num, sizeof(num), "%lld", mm);
		if ((rc = setting_set(margins[i], num)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/*
 * PUT /api/settings {version, any of the fields of GET}: 200 settings;
 * 409 "stale_version"; 422 (the library: fee 0..10,000,000 paise, time zone
 * known to this server, lengths).  Absent fields stay; null clears an
 * optional text.  logo_url is ignored (see PUT /api/settings/logo).
 */
int
settings_put(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_SETTINGS_BUMP];
	long long	 version = 0, fee;
	char		 num[24];
	size_t		 i;
	int		 rc;

	json_int(r->json, "version", &version);
	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	db_bind_int(s, 1, version);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	if (sqlite3_changes(db) == 0) {
		db_rollback();
		return http_error(r, 409, "stale_version", "Someone else "
		    "changed the settings since you read them. Reload and try "
		    "again.", "version");
	}
	for (i = 0; i < ND_NELEM(text_keys); i++) {
		if (!json_has(r->json, text_keys[i]))
			continue;
		if ((rc = setting_set(text_keys[i], json_is_null(r->json,
		    text_keys[i]) ? "" : json_str(r->json, text_keys[i]))) !=
		    SQLITE_OK)
			return db_fail(r, rc);
	}
	if ((rc = print_settings_set(r)) != SQLITE_OK)
		return db_fail(r, rc);
	if (json_int(r->json, "consultation_fee_paise", &fee)) {
		snprintf(num, sizeof(num), "%lld", fee);
		if ((rc = setting_set("consultation_fee_paise", num)) !=
		    SQLITE_OK)
			return db_fail(r, rc);
	}
	if ((rc = audit(r, "settings.update", "settings", 0, 0)) !=
	    SQLITE_OK || (rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return settings_answer(r);
}

/* --- logo ---------------------------------------------------------- */

/*
 * GET /api/settings/logo: 200 the image with its own Content-Type and an
 * ETag (If-None-Match → 304); 404 when there is none.
 */
int
logo_get(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_LOGO_GET];
	char		 etag[72], mime[16];
	const void	*data;
	int		 rc, n;

	if ((rc = db_step(s)) != SQLITE_ROW) {
		db_reset(s);
		if (rc != SQLITE_DONE)
			return db_fail(r, rc);
		return http_error(r, 404, "not_found",
		    "The clinic has no logo.", NULL);
	}
	snprintf(etag, sizeof(etag), "\"%.64s\"",
	    (const char *)sqlite3_column_text(s, 0));
	snprintf(mime, sizeof(mime), "%s",
	    (const char *)sqlite3_column_text(s, 1));
	req_header(r, "ETag", etag);
	req_header(r, "Cache-Control", "private, no-cache");
	if (r->if_none_match != NULL && strstr(r->if_none_match, etag) != NULL) {
		db_reset(s);
		return 304;
	}
	data = sqlite3_column_blob(s, 2);
	n = sqlite3_column_bytes(s, 2);
	if (n <= 0 || (r->out = malloc((size_t)n)) == NULL) {
		db_reset(s);
		return http_error(r, 503, "busy",
		    "The server is short of memory. Please try again.", NULL);
	}
	memcpy(r->out, data, (size_t)n);
	r->out_len = (size_t)n;
	db_reset(s);
	r->raw = 1;
	r->out_type = strcmp(mime, "image/png") == 0 ? "image/png" :
	    strcmp(mime, "image/jpeg") == 0 ? "image/jpeg" : "image/webp";
	return 200;
}

/*
 * PUT /api/settings/logo {data_url: "data:image/png|jpeg|webp;base64,..."}:
 * 200 {logo_url}; 422 when it is not such a data URL, is over 256 KiB
 * decoded, or its bytes are not the image type it names.
 */
int
logo_put(struct req *r)
{
	const char	*b64 = NULL, *type;
	unsigned char	*img = NULL;
	char		 hash[65], now[21];
	sqlite3_stmt	*s = st[STMT_LOGO_SET];
	long		 n;
	int		 rc, status;

	type = logo_data_url(json_str(r->json, "data_url"), &b64);
	if (type == NULL)
		return http_error(r, 422, "invalid", "The logo must be a PNG, "
		    "JPEG or WebP image sent as a base64 data: URL.",
		    "data_url");
	if ((img = malloc(LOGO_MAX)) == NULL)
		return http_error(r, 503, "busy",
		    "The server is short of memory. Please try again.", NULL);
	switch (logo_decode(b64, type, img, LOGO_MAX, &n)) {
	case LOGO_OK:
		break;
	case LOGO_TOO_BIG:
		status = http_error(r, 422, "invalid",
		    "The logo may be at most 256 KiB.", "data_url");
		goto out;
	case LOGO_BAD_BASE64:
		status = http_error(r, 422, "invalid",
		    "The logo's base64 is not valid.", "data_url");
		goto out;
	default:
		status = http_error(r, 422, "invalid", "The file is not the "
		    "PNG, JPEG or WebP image it claims to be.", "data_url");
		goto out;
	}
	auth_sha256_hex(img, (size_t)n, hash);
	db_now(now);
	if ((rc = db_begin()) != SQLITE_OK) {
		status = db_fail(r, rc);
		goto out;
	}
	db_bind_text(s, 1, type);
	db_bind_blob(s, 2, img, (size_t)n);
	db_bind_text(s, 3, hash);
	db_bind_text(s, 4, now);
	db_bind_int(s, 5, r->user.id);
	rc = db_step(s);
	db_reset(s);
	if (rc != SQLITE_DONE ||
	    (rc = audit(r, "settings.logo_update", "settings", 0, 0)) !=
	    SQLITE_OK || (rc = db_commit()) != SQLITE_OK) {
		status = db_fail(r, rc);
		goto out;
	}
	jo_open(r);
	jo_str(r, "logo_url", "/api/settings/logo");
	jo_close(r);
	status = 200;
out:
	free(img);
	return status;
}

/* DELETE /api/settings/logo: 204, whether or not there was one. */
int
logo_delete(struct req *r)
{
	sqlite3_stmt	*s = st[STMT_LOGO_DELETE];
	int		 rc;

	if ((rc = db_begin()) != SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = db_run(s)) != SQLITE_OK)
		return db_fail(r, rc);
	if (sqlite3_changes(db) > 0 &&
	    (rc = audit(r, "settings.logo_delete", "settings", 0, 0)) !=
	    SQLITE_OK)
		return db_fail(r, rc);
	if ((rc = db_commit()) != SQLITE_OK)
		return db_fail(r, rc);
	return 204;
}

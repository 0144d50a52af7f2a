/*
 * userspw.c — a staff account's new password (users.h): the one way in,
 * users_new_password(), and the quality rules it applies.  A file apart
 * from users.c so that only the programs that set passwords (auth, admin,
 * the admin tool) link libpwquality; every program links users.c.
 *
 * A password is refused when it is shorter than 10 characters or one
 * character repeated (valid_password()), when libpwquality's checks fail
 * (cracklib's dictionary of common and simplistic passwords such as
 * "password12", "1234567890", "qwertyuiop"; the username in some form), or
 * when it is made of the username, the clinic's name, its words, and the
 * name of this program ("nalamdesk1", "Clinic2026!"): what is left after
 * taking those out, digits and punctuation aside, must hold at least
 * USERSPW_OWN letters.  libpwquality is used with its compiled-in defaults
 * and not /etc/security/pwquality.conf, so the rule is the same on every
 * machine and in every test.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <pwquality.h>

#include "nd.h"
#include "users.h"

/* Letters of its own a password needs beside the names it may not be made of. */
#define USERSPW_OWN	4

enum stmt {
	STMT_CLINIC_NAME,
	STMT__MAX
};
static const char *const sql[STMT__MAX] = {
	/* STMT_CLINIC_NAME */
	"SELECT value FROM settings WHERE key = 'clinic_name'",
};
_Static_assert(ND_NELEM(sql) == STMT__MAX, "userspw sql");

/* The clinic's name into BUF of SIZE ("" when there is none or no database). */
static void
clinic_name(char *buf, size_t size)
{
	sqlite3_stmt	*st[STMT__MAX] = { NULL };

	buf[0] = '\0';
	if (db == NULL)
		return;
	/* Prepared for this call alone: a new password is rare, its hash
	 * takes 0.2 s, and the tool sets one before it prepares anything. */
	if (db_prepare_all(sql, STMT__MAX, st) &&
	    db_step(st[STMT_CLINIC_NAME]) == SQLITE_ROW)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(
		    st[STMT_CLINIC_NAME], 0));
	db_finalize_all(st, STMT__MAX);
}

/* S lower-cased (ASCII), keeping only ASCII letters and any non-ASCII byte, into OUT. */
static void
letters(const char *s, char *out, size_t size)
{
	size_t	 o = 0;

	for (; *s != '\0' && o + 1 < size; s++)
		if (isalpha((unsigned char)*s) || (unsigned char)*s >= 0x80)
			out[o++] = (char)tolower((unsigned char)*s);
	out[o] = '\0';
}

/* Removes every occurrence of WORD (3 letters or more) from S. */
static void
cut(char *s, const char *word)
{
	size_t	 n = strlen(word);
	char	*p;

	if (n < 3)
		return;
	while ((p = strstr(s, word)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

/*
 * 1 if PW is made of USERNAME, the clinic's name CLINIC (whole or by its
 * words) and "nalamdesk", with fewer than USERSPW_OWN letters of its own.
 */
static int
made_of_names(const char *pw, const char *username, const char *clinic)
{
	char	 rest[520], w[520], word[520];
	const char *p, *q;

	letters(pw, rest, sizeof(rest));
	letters(clinic, w, sizeof(w));
	cut(rest, w);
	letters(username, w, sizeof(w));
	cut(rest, w);
	cut(rest, "nalamdesk");
	for (p = clinic; *p != '\0'; p = q) {
		for (q = p; *q != '\0' && *q != ' '; q++)
			continue;
		snprintf(word, sizeof(word), "%.*s", (int)(q - p), p);
		letters(word, w, sizeof(w));
		cut(rest, w);
		while (*q == ' ')
			q++;
	}
	return valid_utf8_chars(rest) < USERSPW_OWN;
}

/*
 * The one way in for a new password PW of USERNAME: checks it and hashes
 * it into HASH (encoded argon2id, SIZE bytes).  Returns 1 hashed; 0
 * refused, *WHY (may be NULL) a sentence for the user (the caller answers
 * 422 "weak_password" naming its password field); -1 the hash failed
 * (500).  Call it before db_begin(); the database, when open, gives the
 * clinic's name.
 */
int
users_new_password(const char *username, const char *pw, char *hash,
    size_t size, const char **why)
{
	pwquality_settings_t	*pwq;
	char			 clinic[256];
	void			*aux = NULL;
	const char		*no = NULL;
	int			 score;

	if (why != NULL)
		*why = NULL;
	if (pw == NULL || !valid_password(pw))
		no = "The password must be 10 to 128 characters, not all the "
		    "same.";
	if (no == NULL) {
		clinic_name(clinic, sizeof(clinic));
		if (made_of_names(pw, username != NULL ? username : "",
		    clinic))
			no = "The password is made of the username or the "
			    "clinic's name. Add words of your own.";
	}
	if (no == NULL) {
		if ((pwq = pwquality_default_settings()) == NULL)
			return -1;
		pwquality_set_int_value(pwq, PWQ_SETTING_MIN_LENGTH, 10);
		score = pwquality_check(pwq, pw, NULL, username, &aux);
		pwquality_free_settings(pwq);
		if (score == PWQ_ERROR_MEM_ALLOC)
			return -1;
		if (score == PWQ_ERROR_USER_CHECK)
			no = "The password contains the username. Choose "
			    "another.";
		else if (score < 0)
			no = "The password is too common or too simple (a "
			    "word, a pattern or a sequence). Choose a longer "
			    "one, e.g. a few unrelated words.";
	}
	if (no != NULL) {
		if (why != NULL)
			*why = no;
		return 0;
	}
	return auth_hash_password(pw, hash, size) ? 1 : -1;
}

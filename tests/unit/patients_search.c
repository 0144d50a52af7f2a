/*
 * patients_search.c — the pure parts of cgi-bin/patients.c (name and phone
 * normalisation, how ?q= becomes words, an FTS5 query and a key range),
 * and the tokenizer of schema/003_patient_search.sql on real Tamil and
 * Devanagari names: words kept whole, where the default unicode61 cuts
 * them at vowel signs and viramas.  patients.c makes sound keys (ICU).
 */
/* ldlibs: icu */
#include <stdio.h>
#include <string.h>

#include "nd.h"
#include "unit.h"

#define main patients_main
#include "patients.c"
#undef main

/* 1 if the name S normalises to WANT with CHARS characters. */
static int
norm_is(const char *s, const char *want, size_t chars, int letter)
{
	char	 out[NAME_BUF];
	int	 l;
	size_t	 n = name_norm(s, out, sizeof(out), &l);

	if (strcmp(out, want) != 0 || n != chars || l != letter) {
		printf("  name_norm(\"%s\") = \"%s\" (%zu, %d)\n", s, out, n, l);
		return 0;
	}
	return 1;
}

/* 1 if valid_phone_clean(S) says OK and writes WANT. */
static int
phone_is(const char *s, int ok, const char *want)
{
	char	 out[VALID_PHONE_BUF];
	int	 got = valid_phone_clean(s, out);

	if (got != ok || (ok && strcmp(out, want) != 0)) {
		printf("  valid_phone_clean(\"%s\") = %d \"%s\"\n", s, got, out);
		return 0;
	}
	return 1;
}

/* 1 if Q parses as KIND with first word / digits KEY and FTS query FTS. */
static int
query_is(const char *q, enum qkind kind, const char *key, const char *fts)
{
	struct query	 x;

	search_parse(q, &x);
	if (x.kind != kind || (key != NULL && strcmp(x.key, key) != 0) ||
	    (fts != NULL && strcmp(x.fts, fts) != 0)) {
		printf("  search_parse(\"%s\") = %d key \"%s\" fts \"%s\"\n", q,
		    (int)x.kind, x.key, x.fts);
		return 0;
	}
	return 1;
}

/* Reads the schema file NAME of the checkout into BUF.  Returns 1. */
static int
schema_read(const char *name, char *buf, size_t size)
{
	const char	*root = getenv("ND_ROOT");
	char		 path[1024];
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof(path), "%s/schema/%s", root ? root : ".", name);
	if ((f = fopen(path, "r")) == NULL) {
		printf("  cannot open %s\n", path);
		return 0;
	}
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n > 0 && n < size - 1;
}

/* The terms TOKENIZE makes of TEXT, joined by '|', into OUT. */
static void
terms(sqlite3 *d, const char *tokenize, const char *text, char *out,
    size_t size)
{
	char		 sql[512];
	sqlite3_stmt	*s;

	sqlite3_exec(d, "DROP TABLE IF EXISTS tt; DROP TABLE IF EXISTS tv",
	    NULL, NULL, NULL);
	snprintf(sql, sizeof(sql), "CREATE VIRTUAL TABLE tt USING fts5(x,"
	    " tokenize = \"%s\"); CREATE VIRTUAL TABLE tv USING"
	    " fts5vocab(tt, 'instance')", tokenize);
	out[0] = '\0';
	if (sqlite3_exec(d, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(d, "INSERT INTO tt (x) VALUES (?1)", -1, &s,
	    NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
	sqlite3_step(s);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(d, "SELECT term FROM tv ORDER BY offset", -1,
	    &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (out[0] != '\0')
			strncat(out, "|", size - strlen(out) - 1);
		strncat(out, (const char *)sqlite3_column_text(s, 0),
		    size - strlen(out) - 1);
	}
	sqlite3_finalize(s);
}

/* The ids of patients_fts MATCH Q, joined by ',', into OUT. */
static void
matches(sqlite3 *d, const char *q, char *out, size_t size)
{
	sqlite3_stmt	*s;
	char		 id[24];

	out[0] = '\0';
	if (sqlite3_prepare_v2(d, "SELECT rowid FROM patients_fts WHERE"
	    " patients_fts MATCH ?1 ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, q, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(id, sizeof(id), "%s%lld", out[0] ? "," : "",
		    sqlite3_column_int64(s, 0));
		strncat(out, id, size - strlen(out) - 1);
	}
	sqlite3_finalize(s);
}

/* The FTS5 query search_parse() makes of Q, matched: ids into OUT. */
static void
found(sqlite3 *d, const char *q, char *out, size_t size)
{
	struct query	 x;

	search_parse(q, &x);
	matches(d, x.fts, out, size);
}

int
main(void)
{
	static char	 s2[65536], s3[65536];
	char		 out[512], end[16];
	sqlite3		*d = NULL;
	const char	*ours = "unicode61 remove_diacritics 2 categories"
	    " 'L* N* Co M*'";

	/* Names: trimmed, white space collapsed, letters required. */
	CHECK("name_norm trims and collapses",
	    norm_is("  Ravi \t  Kumar\n ", "Ravi Kumar", 10, 1));
	CHECK("name_norm keeps quotes", norm_is("O'Brien \"Bob\"",
	    "O'Brien \"Bob\"", 13, 1));
	CHECK("name_norm counts Tamil characters",
	    norm_is(" முருகன்  K ", "முருகன் K", 9, 1));
	CHECK("name_norm of spaces is empty", norm_is("   ", "", 0, 0));
	CHECK("name_norm: digits are not letters", norm_is("12 34", "12 34",
	    5, 0));
	{
		char	 buf[32] = "  a   b  ";
		int	 l;
		name_norm(buf, buf, sizeof(buf), &l);
		CHECK("name_norm in place", strcmp(buf, "a b") == 0);
	}

	/* Phones. */
	CHECK("phone plain", phone_is("9876543210", 1, "9876543210"));
	CHECK("phone +91 and spaces", phone_is("+91 98765 43210", 1,
	    "9876543210"));
	CHECK("phone 0 and dash", phone_is("098765-43210", 1, "9876543210"));
	CHECK("phone 91", phone_is("919876543210", 1, "9876543210"));
	CHECK("phone brackets and dots", phone_is("(98765) 432.10", 1,
	    "9876543210"));
	CHECK("phone empty is none", phone_is("", 1, ""));
	CHECK("phone 5... refused", phone_is("5876543210", 0, NULL));
	CHECK("phone 9 digits refused", phone_is("987654321", 0, NULL));
	CHECK("phone 11 digits refused", phone_is("98765432101", 0, NULL));
	CHECK("phone +1 refused", phone_is("+1 5551234567", 0, NULL));
	CHECK("phone letters refused", phone_is("98765abcde", 0, NULL));
	CHECK("phone too long refused", phone_is(
	    "9999999999999999999999999999999", 0, NULL));

	/* Queries. */
	CHECK("q empty", query_is("", QK_RECENT, NULL, NULL));
	CHECK("q spaces", query_is("   ", QK_RECENT, NULL, NULL));
	CHECK("q one word", query_is("Ra", QK_NAME, "ra", "\"ra\"*"));
	CHECK("q two words", query_is(" Ravi  KU ", QK_NAME, "ravi",
	    "\"ravi\"* \"ku\"*"));
	CHECK("q quotes split words", query_is("d'souza \"x\"", QK_NAME, "d",
	    "\"d\"* \"souza\"* \"x\"*"));
	CHECK("q FTS syntax is text", query_is("NEAR(a OR b*) ^c:d -e",
	    QK_NAME, "near", "\"near\"* \"a\"* \"or\"* \"b\"* \"c\"* \"d\"*"
	    " \"e\"*"));
	CHECK("q SQL is text", query_is("'; DROP TABLE patients; --", QK_NAME,
	    "drop", "\"drop\"* \"table\"* \"patients\"*"));
	CHECK("q only punctuation", query_is("\"*()'", QK_NOTHING, NULL,
	    NULL));
	CHECK("q Tamil", query_is("முரு", QK_NAME, "முரு", "\"முரு\"*"));
	CHECK("q Devanagari and Latin", query_is("राजे Ku", QK_NAME, "राजे",
	    "\"राजे\"* \"ku\"*"));
	CHECK("q at most 8 words", query_is("a b c d e f g h i j", QK_NAME,
	    "a", "\"a\"* \"b\"* \"c\"* \"d\"* \"e\"* \"f\"* \"g\"* \"h\"*"));
	CHECK("q digits", query_is("98", QK_DIGITS, "98", NULL));
	CHECK("q phone as written", query_is("+91 98765-43210", QK_DIGITS,
	    "9876543210", NULL));
	CHECK("q trunk 0", query_is("09876543210", QK_DIGITS, "9876543210",
	    NULL));
	CHECK("q short 0 kept", query_is("09", QK_DIGITS, "09", NULL));
	CHECK("q landline keeps its 0", query_is("044 2345 6789", QK_DIGITS,
	    "04423456789", NULL));
	{
		struct query	 x;

		search_parse("murug Sel", &x);
		CHECK("q sound keys", strcmp(x.sound, "\"muruk\"* \"sil\"*") == 0 &&
		    strcmp(x.skey, "muruk") == 0 && strcmp(x.skey_end, "murul") == 0);
		search_parse("சீதா", &x);
		CHECK("q sound of Tamil", strcmp(x.sound, "\"sit\"*") == 0);
		search_parse("NEAR(\"a*", &x);
		CHECK("q sound keys are only letters", strcmp(x.sound,
		    "\"nir\"* \"a\"*") == 0);
		search_parse("43210", &x);
		CHECK("q 4+ digits: trigram query", strcmp(x.sound, "\"43210\"") == 0);
		search_parse("432", &x);
		CHECK("q 3 digits: no trigram query", x.sound[0] == '\0');
	}
	CHECK("q digits and letters is a name", query_is("98a", QK_NAME, "98a",
	    "\"98a\"*"));
	key_after("ra", end);
	CHECK("key range ra..rb", strcmp(end, "rb") == 0);
	key_after("\xe0\xae\xae", end);
	CHECK("key range of a Tamil letter", strcmp(end, "\xe0\xae\xaf") == 0);

	/* The tokenizer, on the real migrations. */
	if (sqlite3_open(":memory:", &d) != SQLITE_OK ||
	    !schema_read("002_clinic.sql", s2, sizeof(s2)) ||
	    !schema_read("003_patient_search.sql", s3, sizeof(s3)) ||
	    sqlite3_exec(d, "CREATE TABLE users (id INTEGER PRIMARY KEY);"
	    " CREATE TABLE rev (id INTEGER PRIMARY KEY, n INTEGER);"
	    " INSERT INTO rev VALUES (1, 1)", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(d, s2, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(d, "INSERT INTO patients (id, clinic_no, name, sex,"
	    " age_years, created_at, updated_at) VALUES"
	    " (1, 1, 'முருகன் K', 'M', 40, 'x', 'x'),"
	    " (2, 2, 'राजेश कुमार', 'M', 30, 'x', 'x'),"
	    " (3, 3, 'José D''Souza', 'M', 30, 'x', 'x'),"
	    " (4, 4, 'ശ്രീകുമാർ Nair', 'M', 30, 'x', 'x'),"
	    " (5, 5, 'மரம் X', 'F', 30, 'x', 'x')", NULL, NULL,
	    NULL) != SQLITE_OK) {
		printf("tokenizer setup... fail: %s\n",
		    d ? sqlite3_errmsg(d) : "no memory");
		sqlite3_close(d);
		return 1;
	}
	/* Patients registered before the migration are indexed by it. */
	CHECK("migration 003 applies over existing patients",
	    sqlite3_exec(d, s3, NULL, NULL, NULL) == SQLITE_OK);
	matches(d, "\"முரு\"*", out, sizeof(out));
	CHECK("003 indexed the patients already there", strcmp(out, "1") == 0);

	terms(d, "unicode61", "முருகன்", out, sizeof(out));
	CHECK("default unicode61 cuts முருகன் (why 003 sets categories)",
	    strcmp(out, "ம|ர|கன") == 0);
	terms(d, "unicode61", "राजेश", out, sizeof(out));
	CHECK("default unicode61 cuts राजेश", strcmp(out, "र|ज|श") == 0);
	terms(d, ours, "முருகன் K", out, sizeof(out));
	CHECK("ours keeps முருகன் whole", strcmp(out, "முருகன்|k") == 0);
	terms(d, ours, "राजेश कुमार", out, sizeof(out));
	CHECK("ours keeps राजेश कुमार whole", strcmp(out, "राजेश|कुमार") == 0);
	terms(d, ours, "ശ്രീകുമാർ", out, sizeof(out));
	CHECK("ours keeps Malayalam whole", strcmp(out, "ശ്രീകുമാർ") == 0);
	terms(d, ours, "José D'Souza", out, sizeof(out));
	CHECK("ours folds Latin accents and case, splits at '",
	    strcmp(out, "jose|d|souza") == 0);
	{
		/* The schema's tokenizer is the one tested here. */
		char	 want[128];
		snprintf(want, sizeof(want), "tokenize = \"%s\"", ours);
		CHECK("003 declares that tokenizer", strstr(s3, want) != NULL);
	}

	found(d, "முரு", out, sizeof(out));
	CHECK("முரு finds முருகன் only", strcmp(out, "1") == 0);
	found(d, "ம", out, sizeof(out));
	CHECK("ம finds both Tamil names", strcmp(out, "1,5") == 0);
	found(d, "கன", out, sizeof(out));
	CHECK("கன (inside a word) finds nothing", out[0] == '\0');
	found(d, "राजे", out, sizeof(out));
	CHECK("राजे finds राजेश", strcmp(out, "2") == 0);
	found(d, "ज", out, sizeof(out));
	CHECK("ज (inside a word) finds nothing", out[0] == '\0');
	found(d, "कुमा राज", out, sizeof(out));
	CHECK("two Devanagari prefixes", strcmp(out, "2") == 0);
	found(d, "ശ്രീ", out, sizeof(out));
	CHECK("Malayalam prefix", strcmp(out, "4") == 0);
	found(d, "jose souza", out, sizeof(out));
	CHECK("jose finds José", strcmp(out, "3") == 0);
	found(d, "NEAR(\"jo\" OR", out, sizeof(out));
	CHECK("FTS syntax is words", out[0] == '\0');

	/* The triggers keep the index in step. */
	sqlite3_exec(d, "UPDATE patients SET name = 'செந்தில் K' WHERE id = 1",
	    NULL, NULL, NULL);
	found(d, "முரு", out, sizeof(out));
	CHECK("renamed: the old name is gone", out[0] == '\0');
	found(d, "செந்", out, sizeof(out));
	CHECK("renamed: the new name is found", strcmp(out, "1") == 0);
	sqlite3_exec(d, "INSERT INTO patients (id, clinic_no, name, sex,"
	    " age_years, created_at, updated_at) VALUES (6, 6, 'सुरेश', 'M', 1,"
	    " 'x', 'x')", NULL, NULL, NULL);
	found(d, "सुरे", out, sizeof(out));
	CHECK("inserted: found", strcmp(out, "6") == 0);
	sqlite3_exec(d, "DELETE FROM patients WHERE id = 6", NULL, NULL, NULL);
	found(d, "सुरे", out, sizeof(out));
	CHECK("deleted: gone", out[0] == '\0');
	CHECK("index consistent with its content", sqlite3_exec(d,
	    "INSERT INTO patients_fts (patients_fts, rank) VALUES"
	    " ('integrity-check', 1)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(d);
	UNIT_END();
}

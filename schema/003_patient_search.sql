-- 003_patient_search.sql — finding a patient by name, in any script.
--
-- GET /api/patients?q= (cgi-bin/patients.c) answers in two parts:
--   1. names whose FIRST word starts with the query's first word, in
--      alphabetical order, read in order from the index patients_name_key
--      (so LIMIT 50 stops after 50 index entries however many match);
--   2. the other names that have some word starting with each query word,
--      newest first, from the full-text index patients_fts.
-- (With several query words, part 1 is read from patients_fts too, newest
-- first, keeping the names whose text starts with the first word.)
-- Digits search the phone (patients_phone, 002) and the clinic number.

-- Lower-cased name (ASCII letters folded; other scripts have no case or
-- are left as written) for part 1: a range scan on the query's first word.
CREATE INDEX patients_name_key ON patients(lower(name));

-- The words of every name, for part 2. External content: the text lives in
-- patients.name only; this holds the index, kept in step by the triggers
-- below. The tokenizer must keep a word of an Indic script whole: the
-- default unicode61 treats the combining vowel signs and viramas of Tamil,
-- Devanagari and the other Indic scripts (Unicode categories Mn and Mc) as
-- separators, so it cuts "முருகன்" into "ம", "ர", "கன" and "राजेश" into
-- "र", "ज", "श", and a prefix such as "முரு" then finds the wrong names.
-- `categories 'L* N* Co M*'` makes letters, digits, private-use characters
-- and all marks part of a word (SQLite >= 3.25); remove_diacritics 2 still
-- folds Latin accents ("José" is found by "jose"), and case folding applies
-- to every cased script.
-- prefix: FTS5 also indexes the first 1, 2 and 3 characters of every word,
-- so a short prefix ("r", "ra", "rav") reads one list in rowid order and
-- can stop at the limit, instead of merging the lists of every word that
-- starts with it (measured on 1,000,000 patients: "ra"* "ku"* LIMIT 51
-- 0.3 ms instead of 47 ms; the file grows by about a quarter).
CREATE VIRTUAL TABLE patients_fts USING fts5(
	name,
	content = 'patients',
	content_rowid = 'id',
	prefix = '1 2 3',
	tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);

CREATE TRIGGER patients_fts_insert AFTER INSERT ON patients BEGIN
	INSERT INTO patients_fts (rowid, name) VALUES (new.id, new.name);
END;
-- Patients are never deleted; kept so that a repair by hand cannot leave
-- the index pointing at a row that is gone.
CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients BEGIN
	INSERT INTO patients_fts (patients_fts, rowid, name)
		VALUES ('delete', old.id, old.name);
END;
-- An edit that leaves the name as it was (PATCH sets every column it may
-- change) costs the index nothing.
CREATE TRIGGER patients_fts_update AFTER UPDATE OF name ON patients
	WHEN old.name IS NOT new.name BEGIN
	INSERT INTO patients_fts (patients_fts, rowid, name)
		VALUES ('delete', old.id, old.name);
	INSERT INTO patients_fts (rowid, name) VALUES (new.id, new.name);
END;

-- Index the patients registered before this migration.
INSERT INTO patients_fts (patients_fts) VALUES ('rebuild');

-- Finding a patient by the sound of the name and by any digits of the
-- phone; the second copy of the backups.

-- The sound of the name (cgi-bin/lib/phonetic.c: "Murugan", "முருகன்" and
-- "मुरुगन" are all "murukn"): one key a word, separated by spaces. The
-- patients program writes it with the name; SQL cannot compute it (ICU), so
-- the admin tool fills the keys left NULL after every migration (here: every
-- patient already registered) and `nalamdesk-admin rekey` rebuilds them all.
ALTER TABLE patients ADD COLUMN name_key TEXT;
-- The duplicate hint: the same key (a one-word name sounding the same).
CREATE INDEX patients_name_key_sound ON patients(name_key) WHERE name_key IS NOT NULL;

-- The words of every key, for GET /api/patients?q= after the names that
-- match as written: each word of the query, folded the same way, a prefix
-- of some word of the key ("murug" -> "muruk"*). External content (the text
-- is patients.name_key), prefix indexes as patients_fts (003) for short
-- prefixes; ASCII tokenizer: a key has only a-z and spaces.
CREATE VIRTUAL TABLE patients_sound USING fts5(
	name_key,
	content = 'patients',
	content_rowid = 'id',
	prefix = '1 2 3',
	tokenize = 'ascii'
);
-- Every patient already registered gets its (empty) row, as the insert trigger
-- gives a new one: the update trigger's 'delete' of a key never indexed would
-- find the index "malformed" when the tool fills the keys.
INSERT INTO patients_sound (patients_sound) VALUES ('rebuild');
CREATE TRIGGER patients_sound_insert AFTER INSERT ON patients BEGIN
	INSERT INTO patients_sound (rowid, name_key) VALUES (new.id, new.name_key);
END;
CREATE TRIGGER patients_sound_delete AFTER DELETE ON patients BEGIN
	INSERT INTO patients_sound (patients_sound, rowid, name_key)
		VALUES ('delete', old.id, old.name_key);
END;
CREATE TRIGGER patients_sound_update AFTER UPDATE OF name_key ON patients
	WHEN old.name_key IS NOT new.name_key BEGIN
	INSERT INTO patients_sound (patients_sound, rowid, name_key)
		VALUES ('delete', old.id, old.name_key);
	INSERT INTO patients_sound (rowid, name_key) VALUES (new.id, new.name_key);
END;

-- Four or more digits anywhere in the phone ("43210" finds 9876543210):
-- the phone's trigrams (FTS5's trigram tokenizer, SQLite >= 3.34), so a
-- substring is found from the index, not by reading every patient.
CREATE VIRTUAL TABLE patients_phone_tri USING fts5(
	phone,
	content = 'patients',
	content_rowid = 'id',
	tokenize = 'trigram'
);
CREATE TRIGGER patients_phone_tri_insert AFTER INSERT ON patients BEGIN
	INSERT INTO patients_phone_tri (rowid, phone) VALUES (new.id, new.phone);
END;
CREATE TRIGGER patients_phone_tri_delete AFTER DELETE ON patients BEGIN
	INSERT INTO patients_phone_tri (patients_phone_tri, rowid, phone)
		VALUES ('delete', old.id, old.phone);
END;
CREATE TRIGGER patients_phone_tri_update AFTER UPDATE OF phone ON patients
	WHEN old.phone IS NOT new.phone BEGIN
	INSERT INTO patients_phone_tri (patients_phone_tri, rowid, phone)
		VALUES ('delete', old.id, old.phone);
	INSERT INTO patients_phone_tri (rowid, phone) VALUES (new.id, new.phone);
END;
INSERT INTO patients_phone_tri (patients_phone_tri) VALUES ('rebuild');

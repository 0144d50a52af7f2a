-- 011_import.sql — records brought in from another program, and where each
-- came from: `nalamdesk-admin import-nalamdesk` (cgi-bin/tool/import.c)
-- moves the Electron NalamDesk's database into this one.
--
-- Every imported row keeps the id it had there (old_id) and the import
-- that brought it (import_id), so that a question about an old record can
-- be answered, and so that the import can find what it already brought
-- while it runs (a visit's patient, a visit's doctor).  Rows made here
-- have both NULL.

-- One import of one file.  A file whose SHA-256 is here is refused.
CREATE TABLE imports (
	id		INTEGER PRIMARY KEY,
	source		TEXT NOT NULL,			-- 'nalamdesk-electron'
	file_name	TEXT NOT NULL,			-- as given on the command line
	file_sha256	TEXT NOT NULL UNIQUE,		-- hex SHA-256 of the file's bytes
	imported_at	TEXT NOT NULL,			-- ISO-8601 UTC
	summary		TEXT NOT NULL DEFAULT ''	-- what the tool printed
);

ALTER TABLE patients ADD COLUMN import_id INTEGER REFERENCES imports(id);
ALTER TABLE patients ADD COLUMN old_id INTEGER;	-- its id in the imported file
ALTER TABLE visits ADD COLUMN import_id INTEGER REFERENCES imports(id);
ALTER TABLE visits ADD COLUMN old_id INTEGER;
ALTER TABLE users ADD COLUMN import_id INTEGER REFERENCES imports(id);
ALTER TABLE users ADD COLUMN old_id INTEGER;
ALTER TABLE payments ADD COLUMN import_id INTEGER REFERENCES imports(id);
ALTER TABLE payments ADD COLUMN old_id INTEGER;	-- the visit whose amount it was

CREATE UNIQUE INDEX patients_import ON patients(import_id, old_id)
	WHERE import_id IS NOT NULL;
CREATE UNIQUE INDEX visits_import ON visits(import_id, old_id)
	WHERE import_id IS NOT NULL;
CREATE UNIQUE INDEX users_import ON users(import_id, old_id)
	WHERE import_id IS NOT NULL;

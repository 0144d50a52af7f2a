-- The queue in call order, and the nurse.
--
-- A queue entry gains a priority (emergency and urgent are called before
-- normal), a place in the line that postponing moves (the token never
-- changes), the time it was last called in (the waiting-room board shows
-- the one called last), and the vitals and presenting complaint a nurse
-- records before the doctor; a visit opened from the entry starts with
-- them. The order itself is QENTRY_CALL_ORDER in cgi-bin/lib/qentry.h.
--
-- Users gain the role `nurse`. SQLite cannot ALTER a CHECK constraint, and
-- rebuilding `users` would drop columns other migrations may have added to
-- it; widening the CHECK in the stored schema text changes no row and
-- keeps every column (SQLite's documented procedure for a schema change
-- that leaves the stored data valid). The ALTER TABLEs below bump the
-- schema cookie, so every open connection reads the new text.

PRAGMA writable_schema = ON;
UPDATE sqlite_schema
	SET sql = replace(sql, '''admin'', ''doctor'', ''frontdesk'')',
	    '''admin'', ''doctor'', ''frontdesk'', ''nurse'')')
	WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = OFF;
-- Refuse (and so roll back) unless the CHECK now names the nurse.
CREATE TEMP TABLE migration_check (ok INTEGER CHECK (ok = 1));
INSERT INTO migration_check SELECT instr(sql, '''nurse''') > 0
	FROM sqlite_schema WHERE type = 'table' AND name = 'users';
DROP TABLE migration_check;

ALTER TABLE queue ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'
	CHECK (priority IN ('normal', 'urgent', 'emergency'));	-- who is called first
ALTER TABLE queue ADD COLUMN line INTEGER NOT NULL DEFAULT 0;	-- place in the line within a priority: smaller first
ALTER TABLE queue ADD COLUMN called_at TEXT;			-- ISO-8601 UTC, last moved to in_consult
ALTER TABLE queue ADD COLUMN complaint TEXT;			-- presenting complaint, as the nurse wrote it
ALTER TABLE queue ADD COLUMN bp_systolic INTEGER;		-- mmHg (ranges: cgi-bin/lib/vitals.c)
ALTER TABLE queue ADD COLUMN bp_diastolic INTEGER;		-- mmHg
ALTER TABLE queue ADD COLUMN pulse INTEGER;			-- beats per minute
ALTER TABLE queue ADD COLUMN temperature_c REAL;		-- degrees Celsius
ALTER TABLE queue ADD COLUMN weight_kg REAL;
ALTER TABLE queue ADD COLUMN height_cm REAL;
ALTER TABLE queue ADD COLUMN spo2 INTEGER;			-- per cent
ALTER TABLE queue ADD COLUMN vitals_at TEXT;			-- ISO-8601 UTC, when vitals were recorded; NULL: never
ALTER TABLE queue ADD COLUMN vitals_by INTEGER REFERENCES users(id);	-- who recorded them

-- Entries already there keep their order: the line is the token.
UPDATE queue SET line = token;
UPDATE queue SET called_at = updated_at WHERE status = 'in_consult';

-- 005_admin.sql — what the `admin` program keeps besides users, settings and
-- the audit trail (001): the clinic's logo for the letterhead, and the record
-- of backups taken through the API with the result of their checks.

-- The letterhead logo: at most one image. Served by GET /api/settings/logo.
CREATE TABLE settings_logo (
	id		INTEGER PRIMARY KEY CHECK (id = 1),	-- one logo only
	mime		TEXT NOT NULL
			CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp')),	-- from its magic bytes
	data		BLOB NOT NULL CHECK (length(data) BETWEEN 1 AND 262144),	-- the image, at most 256 KiB
	sha256		TEXT NOT NULL,			-- hex SHA-256 of data: the ETag
	updated_at	TEXT NOT NULL,			-- ISO-8601 UTC
	updated_by	INTEGER REFERENCES users(id)
);

-- Backups whose checks were run and recorded (POST /api/backups, or the tool if
-- it chooses to record them). Files in VAR/backups that this table lacks are
-- listed as "unchecked". Rows stay when a file is rotated away.
CREATE TABLE backups (
	id		INTEGER PRIMARY KEY,
	file		TEXT NOT NULL UNIQUE,		-- file name inside VAR/backups, no directory
	size_bytes	INTEGER NOT NULL,		-- size when it was checked
	created_at	TEXT NOT NULL,			-- ISO-8601 UTC, when the snapshot began
	integrity	TEXT NOT NULL,			-- 'ok', or what the checks found
	schema_version	INTEGER,			-- PRAGMA user_version of the copy
	kind		TEXT NOT NULL CHECK (kind IN ('manual', 'scheduled', 'tool')),
	created_by	INTEGER REFERENCES users(id)	-- NULL: not taken through the API
);
CREATE INDEX backups_created ON backups(created_at);

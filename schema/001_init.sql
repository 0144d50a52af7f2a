-- 001_init.sql — the foundation: staff, sessions, sign-in throttling,
-- clinic settings, the audit trail and the change counter.
-- Applied in one transaction by `nalamdesk-admin migrate`; PRAGMA
-- user_version records the last migration applied.

-- Staff who sign in. One role each. Never deleted: deactivated.
CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	username	TEXT NOT NULL UNIQUE,		-- lower case, 3-32 of a-z 0-9 . _ -
	name		TEXT NOT NULL,			-- shown in the app and the audit
	role		TEXT NOT NULL CHECK (role IN ('admin', 'doctor', 'frontdesk')),
	password_hash	TEXT NOT NULL,			-- argon2id, encoded with its parameters
	active		INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	version		INTEGER NOT NULL DEFAULT 1,	-- optimistic concurrency
	created_at	TEXT NOT NULL,			-- ISO-8601 UTC
	updated_at	TEXT NOT NULL
);

-- Server-side sessions. The cookie holds a random token; only its SHA-256
-- is kept here. Times are Unix seconds (internal, compared on every request).
CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,
	token_hash	TEXT NOT NULL UNIQUE,		-- hex SHA-256 of the cookie token
	user_id		INTEGER NOT NULL REFERENCES users(id),
	created_at	INTEGER NOT NULL,		-- for the absolute expiry
	last_seen	INTEGER NOT NULL,		-- for the idle expiry
	ip		TEXT				-- client address at sign-in
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins per username (known or not, so that the answer does not
-- tell which usernames exist). Unix seconds.
CREATE TABLE login_attempts (
	username	TEXT PRIMARY KEY,		-- as typed, lower-cased
	failures	INTEGER NOT NULL,		-- consecutive failures
	locked_until	INTEGER NOT NULL DEFAULT 0	-- refuse sign-in until then
);

-- Clinic settings and letterhead, one row per key.
CREATE TABLE settings (
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES
	('clinic_name', 'NalamDesk Clinic'),
	('doctor_name', ''),
	('qualification', ''),
	('registration_no', ''),
	('address', ''),
	('phone', ''),
	('consultation_fee_paise', '0'),
	('timezone', 'Asia/Kolkata'),
	('version', '1');

-- Append-only record of who did what to which record, reads included.
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY,
	ts		TEXT NOT NULL,			-- ISO-8601 UTC, milliseconds
	user_id		INTEGER,			-- NULL: not signed in (e.g. failed sign-in)
	username	TEXT,
	role		TEXT,
	ip		TEXT,				-- client address as nginx saw it
	action		TEXT NOT NULL,			-- e.g. 'patient.read', 'auth.login'
	entity		TEXT,				-- e.g. 'patient', 'user'
	entity_id	INTEGER,
	patient_id	INTEGER				-- the patient concerned, if any
);
CREATE INDEX audit_ts ON audit(ts);
CREATE INDEX audit_patient ON audit(patient_id) WHERE patient_id IS NOT NULL;
CREATE INDEX audit_user ON audit(user_id, ts);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- The change counter: bumped by triggers on what the screens poll, so a
-- poll can answer 304 after reading one integer.
CREATE TABLE rev (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	n		INTEGER NOT NULL
);
INSERT INTO rev (id, n) VALUES (1, 1);

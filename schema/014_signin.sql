-- 014_signin.sql — sign-in hygiene: failed attempts counted per (username,
-- client address), the detail of an audited listing, and a one-time step
-- that brings the names stored before this migration into normal form.

-- Failed sign-ins and wrong current passwords (POST /api/auth/password),
-- counted per (username, client address), so that wrong guesses from one
-- machine never lock the account on another (cgi-bin/lib/users.c owns the
-- rules). Unix seconds. A row whose window has passed counts for nothing.
CREATE TABLE login_failures (
	username	TEXT NOT NULL,			-- as typed, lower-cased (known or not)
	ip		TEXT NOT NULL,			-- client address as nginx saw it
	failures	INTEGER NOT NULL,		-- failures since window_start
	window_start	INTEGER NOT NULL,		-- the first failure of the window
	locked_until	INTEGER NOT NULL DEFAULT 0,	-- refuse this pair until then
	PRIMARY KEY (username, ip)
) WITHOUT ROWID;
-- The users screen shows which accounts are locked from some address.
CREATE INDEX login_failures_locked ON login_failures(locked_until);
-- The old per-username counters: a lock in force stays, for no address in
-- particular ('*': the users screen shows it, the admin's unlock clears it).
INSERT INTO login_failures (username, ip, failures, window_start, locked_until)
	SELECT username, '*', failures, 0, locked_until FROM login_attempts
	WHERE locked_until > CAST(strftime('%s', 'now') AS INTEGER);
DROP TABLE login_attempts;

-- What an audited request saw, when one row stands for many records: a
-- listing of patients keeps its query and the ids it returned, as JSON
-- ({"q": "...", "limit": 50, "offset": 0, "ids": [...]}). NULL otherwise.
ALTER TABLE audit ADD COLUMN detail TEXT;

-- One-time steps that need more than SQL, run by `nalamdesk-admin migrate`
-- right after the migrations and removed when done (in the same
-- transaction). 'normalise_names': patients' and staff names to Unicode
-- NFC (compatibility forms folded), refused characters removed.
CREATE TABLE pending_steps (
	name		TEXT PRIMARY KEY		-- the step, known to the tool
);
INSERT INTO pending_steps (name) VALUES ('normalise_names');

-- 006: the audit journal's import record.
--
-- A read (or anything else audited outside a write transaction) appends its
-- audit row to a journal file beside the database, VAR/db/nalamdesk.db-audit.log,
-- with one write(): no transaction, no write lock, no fsync per read. The
-- rows are moved into `audit` in one transaction by whoever imports: a worker
-- when the journal passes 64 KiB (after its answers), the admin program before it shows or exports
-- the audit trail or takes a backup, and `nalamdesk-admin audit-import` (which
-- the backup command runs first). This one-row table holds the fingerprint of the
-- last journal imported, written in the same transaction as its rows: an import
-- interrupted after its commit but before the file was removed is then not
-- imported twice.
CREATE TABLE audit_import (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	fingerprint	TEXT NOT NULL,			-- hex SHA-256 of the imported journal
	rows		INTEGER NOT NULL,		-- rows it held
	skipped		INTEGER NOT NULL,		-- lines that were not rows (a torn write)
	ts		TEXT NOT NULL			-- ISO-8601 UTC, when it was imported
);

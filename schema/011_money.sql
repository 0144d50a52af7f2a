-- 007_money.sql — itemised bills, voided receipts, and the clinic's own
-- list of charges; an index for the reports over a range of days.
--
-- A payment is never changed or deleted once taken: a mistake is voided by
-- the admin with a reason, the receipt keeps its number and stays listed,
-- and no report counts it (cgi-bin/lib/payment.h says which payments count).

-- Voiding: who, when and why. All three are set together, once.
ALTER TABLE payments ADD COLUMN voided_at TEXT;			-- ISO-8601 UTC; NULL: the payment counts
ALTER TABLE payments ADD COLUMN voided_by INTEGER REFERENCES users(id);	-- the admin who voided it
ALTER TABLE payments ADD COLUMN void_reason TEXT;		-- the admin's words, 1-200 characters

CREATE TRIGGER payments_fixed BEFORE UPDATE OF receipt_no, patient_id,
	visit_id, amount_paise, mode, note, day, created_at, created_by ON payments
BEGIN SELECT RAISE(ABORT, 'a payment is never changed: void it'); END;
CREATE TRIGGER payments_void_once BEFORE UPDATE OF voided_at, voided_by,
	void_reason ON payments WHEN OLD.voided_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a void is final'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'a payment is never deleted: void it'); END;

-- The lines of an itemised bill, in the order they were entered. Their
-- amounts add up to the payment's amount_paise (checked by the billing
-- program when the payment is taken). The text is copied from the charges
-- list at the time, so a later change of the list leaves old receipts as
-- they were printed.
CREATE TABLE payment_items (
	payment_id	INTEGER NOT NULL REFERENCES payments(id),
	line		INTEGER NOT NULL CHECK (line BETWEEN 1 AND 20),	-- 1, 2, 3... on the receipt
	description	TEXT NOT NULL,			-- e.g. 'Consultation', 'ECG'
	amount_paise	INTEGER NOT NULL CHECK (amount_paise > 0),
	PRIMARY KEY (payment_id, line)
) WITHOUT ROWID;
CREATE TRIGGER payment_items_fixed BEFORE UPDATE ON payment_items
BEGIN SELECT RAISE(ABORT, 'a payment is never changed: void it'); END;
CREATE TRIGGER payment_items_no_delete BEFORE DELETE ON payment_items
BEGIN SELECT RAISE(ABORT, 'a payment is never deleted: void it'); END;

-- The clinic's own charges, set by the admin (PUT /api/charges), offered at
-- the desk as the lines of a bill. Replaced as a whole list.
CREATE TABLE charges (
	pos		INTEGER PRIMARY KEY CHECK (pos BETWEEN 1 AND 40),	-- order on the screens
	description	TEXT NOT NULL UNIQUE COLLATE NOCASE,	-- 1-60 characters
	amount_paise	INTEGER NOT NULL
			CHECK (amount_paise BETWEEN 0 AND 10000000)	-- the usual price; 0: typed at the desk
);
-- The list's optimistic-concurrency counter (one row).
CREATE TABLE charges_list (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	version		INTEGER NOT NULL,		-- +1 on every PUT /api/charges
	updated_at	TEXT,				-- ISO-8601 UTC; NULL: as installed
	updated_by	INTEGER REFERENCES users(id)
);
INSERT INTO charges_list (id, version) VALUES (1, 1);
-- A first list for day one: the consultation at the clinic's fee, and
-- common extras whose price the desk types until the admin sets one.
INSERT INTO charges (pos, description, amount_paise)
	SELECT 1, 'Consultation', coalesce((SELECT CAST(value AS INTEGER)
	FROM settings WHERE key = 'consultation_fee_paise'
	AND CAST(value AS INTEGER) BETWEEN 0 AND 10000000), 0);
INSERT INTO charges (pos, description, amount_paise) VALUES
	(2, 'Dressing', 0), (3, 'Injection', 0), (4, 'ECG', 0);

-- New patients per clinic day over a range (GET /api/reports/range) read
-- patients by the time they were registered.
CREATE INDEX patients_created ON patients(created_at);

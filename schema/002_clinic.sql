-- 002_clinic.sql — the clinic's records: patients, the day's token queue,
-- appointments, consultations (visits) with diagnoses and prescriptions,
-- the medicines catalogue, and payments.
--
-- Conventions: ids are INTEGER PRIMARY KEY; timestamps are ISO-8601 UTC
-- text; `day` columns are the clinic-local date (YYYY-MM-DD) the server
-- computed from settings.timezone; money is integer paise; rows the screens
-- edit carry `version` (optimistic concurrency, 409 on a stale one).

-- A registered patient. Never deleted.
CREATE TABLE patients (
	id		INTEGER PRIMARY KEY,
	clinic_no	INTEGER NOT NULL UNIQUE,	-- the clinic's number for the patient, 1, 2, 3...
	name		TEXT NOT NULL,			-- as the patient writes it, any script
	sex		TEXT NOT NULL CHECK (sex IN ('M', 'F', 'O')),
	dob		TEXT,				-- YYYY-MM-DD when known
	age_years	INTEGER,			-- age given when the date of birth is not known
	age_on		TEXT,				-- the date age_years was given (to age it)
	phone		TEXT,				-- 10-digit Indian mobile, or NULL
	address		TEXT,
	abha_id		TEXT,				-- Ayushman Bharat Health Account number or address
	allergies	TEXT,				-- shown in red to the doctor
	notes		TEXT,				-- front-desk notes (not clinical)
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	created_by	INTEGER REFERENCES users(id),
	CHECK (dob IS NOT NULL OR age_years IS NOT NULL)
);
CREATE INDEX patients_phone ON patients(phone) WHERE phone IS NOT NULL;

-- The day's token queue. Tokens run 1, 2, 3... per clinic day, no gaps.
CREATE TABLE queue (
	id		INTEGER PRIMARY KEY,
	day		TEXT NOT NULL,			-- clinic-local date of the token
	token		INTEGER NOT NULL,		-- 1, 2, 3... within the day
	patient_id	INTEGER NOT NULL REFERENCES patients(id),
	status		TEXT NOT NULL DEFAULT 'waiting'
			CHECK (status IN ('waiting', 'in_consult', 'done', 'cancelled', 'no_show')),
	reason		TEXT,				-- why they came, in the patient's words
	appointment_id	INTEGER,			-- the appointment that brought them, if any
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	created_by	INTEGER REFERENCES users(id),
	UNIQUE (day, token)
);
-- A patient is in the queue at most once at a time on a day.
CREATE UNIQUE INDEX queue_active ON queue(day, patient_id)
	WHERE status IN ('waiting', 'in_consult');

-- Booked appointments; `arrived` puts the patient in that day's queue.
CREATE TABLE appointments (
	id		INTEGER PRIMARY KEY,
	patient_id	INTEGER NOT NULL REFERENCES patients(id),
	day		TEXT NOT NULL,			-- YYYY-MM-DD
	time		TEXT NOT NULL,			-- HH:MM, clinic-local
	reason		TEXT,
	status		TEXT NOT NULL DEFAULT 'booked'
			CHECK (status IN ('booked', 'arrived', 'cancelled')),
	queue_id	INTEGER REFERENCES queue(id),	-- set when arrived
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	created_by	INTEGER REFERENCES users(id)
);
CREATE INDEX appointments_day ON appointments(day, time);
CREATE INDEX appointments_patient ON appointments(patient_id);

-- A consultation. A draft is edited by the doctor; once final it is
-- read-only (enforced below as well as by the program).
CREATE TABLE visits (
	id		INTEGER PRIMARY KEY,
	patient_id	INTEGER NOT NULL REFERENCES patients(id),
	queue_id	INTEGER REFERENCES queue(id),
	doctor_id	INTEGER REFERENCES users(id),
	day		TEXT NOT NULL,			-- clinic-local date of the consultation
	status		TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'final')),
	complaint	TEXT,
	notes		TEXT,				-- examination and clinical notes
	advice		TEXT,
	follow_up_date	TEXT,				-- YYYY-MM-DD
	bp_systolic	INTEGER,			-- mmHg
	bp_diastolic	INTEGER,			-- mmHg
	pulse		INTEGER,			-- beats per minute
	temperature_c	REAL,				-- degrees Celsius
	weight_kg	REAL,
	height_cm	REAL,
	spo2		INTEGER,			-- per cent
	version		INTEGER NOT NULL DEFAULT 1,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	finalized_at	TEXT
);
CREATE INDEX visits_patient ON visits(patient_id, id);
CREATE INDEX visits_queue ON visits(queue_id) WHERE queue_id IS NOT NULL;
CREATE TRIGGER visits_final_locked BEFORE UPDATE ON visits
	WHEN OLD.status = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalized visit is read-only'); END;

-- Diagnoses of a visit, in the doctor's order.
CREATE TABLE visit_diagnoses (
	id		INTEGER PRIMARY KEY,
	visit_id	INTEGER NOT NULL REFERENCES visits(id),
	pos		INTEGER NOT NULL,		-- 0, 1, 2... as written
	text		TEXT NOT NULL,
	code		TEXT				-- e.g. ICD-10, optional
);
CREATE INDEX visit_diagnoses_visit ON visit_diagnoses(visit_id, pos);

-- Prescription lines of a visit, in the doctor's order.
CREATE TABLE prescriptions (
	id		INTEGER PRIMARY KEY,
	visit_id	INTEGER NOT NULL REFERENCES visits(id),
	pos		INTEGER NOT NULL,
	medicine	TEXT NOT NULL,			-- e.g. 'Paracetamol'
	strength	TEXT,				-- e.g. '500 mg'
	form		TEXT,				-- e.g. 'tablet'
	dose		TEXT NOT NULL,			-- '1-0-1', '1-1-1-1', 'SOS' or free text
	timing		TEXT,				-- 'before_food', 'after_food', 'bedtime', ...
	duration_days	INTEGER,
	instructions	TEXT
);
CREATE INDEX prescriptions_visit ON prescriptions(visit_id, pos);
CREATE TRIGGER visit_diagnoses_final_locked BEFORE INSERT ON visit_diagnoses
	WHEN (SELECT status FROM visits WHERE id = NEW.visit_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalized visit is read-only'); END;
CREATE TRIGGER visit_diagnoses_final_nodelete BEFORE DELETE ON visit_diagnoses
	WHEN (SELECT status FROM visits WHERE id = OLD.visit_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalized visit is read-only'); END;
CREATE TRIGGER prescriptions_final_locked BEFORE INSERT ON prescriptions
	WHEN (SELECT status FROM visits WHERE id = NEW.visit_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalized visit is read-only'); END;
CREATE TRIGGER prescriptions_final_nodelete BEFORE DELETE ON prescriptions
	WHEN (SELECT status FROM visits WHERE id = OLD.visit_id) = 'final'
BEGIN SELECT RAISE(ABORT, 'a finalized visit is read-only'); END;

-- The medicines catalogue for the prescription pad: a seed list of common
-- generics (seeded = 1) and every medicine this clinic has prescribed.
CREATE TABLE medicines (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,			-- generic or brand name
	strength	TEXT NOT NULL DEFAULT '',	-- usual strength, '' if none
	form		TEXT NOT NULL DEFAULT '',	-- tablet, syrup, ... '' if none
	uses		INTEGER NOT NULL DEFAULT 0,	-- times prescribed here: most-used first
	seeded		INTEGER NOT NULL DEFAULT 0,
	UNIQUE (name, strength, form)
);
CREATE INDEX medicines_name ON medicines(name COLLATE NOCASE);

-- Payments taken. Receipt numbers run 1, 2, 3... without gaps.
CREATE TABLE payments (
	id		INTEGER PRIMARY KEY,
	receipt_no	INTEGER NOT NULL UNIQUE,
	patient_id	INTEGER NOT NULL REFERENCES patients(id),
	visit_id	INTEGER REFERENCES visits(id),
	amount_paise	INTEGER NOT NULL CHECK (amount_paise > 0),
	mode		TEXT NOT NULL CHECK (mode IN ('cash', 'upi', 'card')),
	note		TEXT,
	day		TEXT NOT NULL,			-- clinic-local date, for the daily report
	created_at	TEXT NOT NULL,
	created_by	INTEGER REFERENCES users(id)
);
CREATE INDEX payments_day ON payments(day);
CREATE INDEX payments_patient ON payments(patient_id);

-- What the screens poll changes the counter (see 001_init.sql).
CREATE TRIGGER rev_queue_ins AFTER INSERT ON queue BEGIN UPDATE rev SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER rev_queue_upd AFTER UPDATE ON queue BEGIN UPDATE rev SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER rev_patient_upd AFTER UPDATE ON patients BEGIN UPDATE rev SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER rev_appt_ins AFTER INSERT ON appointments BEGIN UPDATE rev SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER rev_appt_upd AFTER UPDATE ON appointments BEGIN UPDATE rev SET n = n + 1 WHERE id = 1; END;

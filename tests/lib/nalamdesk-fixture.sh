#!/usr/bin/env bash
# nalamdesk-fixture.sh OUT.db — a database as the Electron NalamDesk keeps it (the tables its
# migrations make, with the columns they add over time), filled with what a clinic's few years
# leave behind: 300 regular patients (Tamil and Latin names, ages as numbers and as text, dates of
# birth in two styles, shared mobiles) with 400 visits (prescription_json, vitals in Celsius and
# Fahrenheit, amounts paid, times in zoneless UTC on both sides of midnight in India), and the odd
# rows the import must report: no name, no age nor date of birth, an impossible date, an unknown
# gender, a phone that is no phone, a visit of a patient who is not there, unreadable and partly
# empty prescriptions, a pulse of 900, vitals outside any visit, a user whose role is unknown and
# one whose username is taken. Used by tests/ops/import-nalamdesk.sh and tests/api/import.test.js.
set -eu
out=$1
rm -f "$out"
sqlite3 "$out" <<'SQL'
CREATE TABLE settings (clinic_name TEXT, doctor_name TEXT, logo_path TEXT, license_key TEXT,
	drive_tokens TEXT);
INSERT INTO settings (clinic_name, doctor_name) VALUES ('Nalam Clinic Madurai', 'Dr. K. Selvam');
CREATE TABLE patients (id INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT UNIQUE, name TEXT,
	mobile TEXT, age INTEGER, gender TEXT, address TEXT, created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
	dob DATE, blood_group TEXT, email TEXT, emergency_contact_name TEXT,
	emergency_contact_mobile TEXT, street TEXT, city TEXT, state TEXT, zip_code TEXT,
	insurance_provider TEXT, policy_number TEXT);
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT UNIQUE, password TEXT,
	role TEXT, name TEXT, specialty TEXT, license_number TEXT, active INTEGER DEFAULT 1,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, patient_id INTEGER, doctor_id INTEGER,
	date DATETIME DEFAULT CURRENT_TIMESTAMP, diagnosis TEXT, prescription_json TEXT,
	amount_paid REAL, symptoms TEXT, examination_notes TEXT, diagnosis_type TEXT);
CREATE TABLE vitals (id INTEGER PRIMARY KEY AUTOINCREMENT, visit_id INTEGER, patient_id INTEGER,
	height REAL, weight REAL, bmi REAL, temperature REAL, systolic_bp INTEGER,
	diastolic_bp INTEGER, pulse INTEGER, respiratory_rate INTEGER, spo2 INTEGER,
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE patient_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, patient_id INTEGER,
	status TEXT DEFAULT 'waiting', priority INTEGER DEFAULT 1,
	check_in_time DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE audit_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT, table_name TEXT,
	record_id INTEGER, user_id INTEGER, details TEXT, timestamp DATETIME DEFAULT CURRENT_TIMESTAMP);

INSERT INTO users (id, username, password, role, name, specialty, license_number, created_at) VALUES
	(1, 'admin', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g', 'admin', 'Administrator', NULL, NULL, '2024-01-02 04:00:00'),
	(2, 'drselvam', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g', 'doctor', 'Dr. K. Selvam', 'General Medicine', 'TNMC 12345', '2024-01-02 04:05:00'),
	(3, 'Priya', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g', 'receptionist', 'பிரியா', NULL, NULL, '2024-01-03 05:00:00'),
	(4, 'lakshmi', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g', 'nurse', 'Lakshmi', NULL, NULL, '2024-01-03 05:00:00'),
	(5, 'guest', 'x', 'superuser', '', NULL, NULL, 'yesterday');

-- 300 regular patients: ids 1..300.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO patients (id, uuid, name, mobile, age, gender, address, created_at, dob, blood_group,
	email, street, city, state, zip_code)
SELECT i, 'uuid-' || i,
	CASE i % 4 WHEN 0 THEN 'முருகன் ' || i WHEN 1 THEN 'Ravi Kumar ' || i
		WHEN 2 THEN 'Lakshmi ' || i ELSE 'செல்வி ' || i END,
	CASE WHEN i % 50 = 0 THEN '98400 12345' ELSE '+91 98' || printf('%08d', i) END,
	CASE i % 3 WHEN 0 THEN 20 + i % 60 WHEN 1 THEN (20 + i % 60) || ' yrs' ELSE NULL END,
	CASE i % 5 WHEN 0 THEN 'Male' WHEN 1 THEN 'female' WHEN 2 THEN 'M' WHEN 3 THEN 'F' ELSE 'Other' END,
	CASE WHEN i % 7 = 0 THEN NULL ELSE i || ', North Street' END,
	printf('2024-%02d-%02d %02d:%02d:10', 1 + i % 12, 1 + i % 28, i % 24, i % 60),
	CASE i % 3 WHEN 2 THEN CASE WHEN i % 2 = 0 THEN printf('%04d-%02d-%02d', 1950 + i % 50, 1 + i % 12, 1 + i % 28)
		ELSE printf('%02d/%02d/%04d', 1 + i % 28, 1 + i % 12, 1950 + i % 50) END ELSE NULL END,
	CASE WHEN i % 10 = 0 THEN 'B+' END,
	CASE WHEN i % 20 = 0 THEN 'p' || i || '@example.com' END,
	CASE WHEN i % 9 = 0 THEN 'Gandhi Road' END,
	CASE WHEN i % 9 = 0 THEN 'Madurai' END,
	CASE WHEN i % 9 = 0 THEN 'Tamil Nadu' END,
	CASE WHEN i % 9 = 0 THEN '625001' END
FROM n;

-- The odd ones.
INSERT INTO patients (id, uuid, name, mobile, age, gender, created_at, dob) VALUES
	(301, 'odd-1', NULL, '9876500301', 30, 'male', '2024-05-01 10:00:00', NULL),
	(302, 'odd-2', '   ', NULL, '6 months', 'F', '2024-05-01 10:00:00', NULL),
	(303, 'odd-3', 'Unknown Gender', '9876500303', 41, 'unknown', '2024-05-01 10:00:00', NULL),
	(304, 'odd-4', 'Bad Date', '9876500304', 40, 'M', '2024-05-01 10:00:00', '31/02/1990'),
	(305, 'odd-5', 'No Age Anywhere', '9876500305', NULL, 'M', '2024-05-01 10:00:00', NULL),
	(306, 'odd-6', 'Short Phone', '12345', 33, 'F', '2024-05-01 10:00:00', NULL),
	(307, 'odd-7', 'Forty Text', '9876500307', 'forty', 'M', 'not a time', '1975-05-05');

-- 400 visits: two for each of patients 1..200, ids 1..400; times on both sides of midnight in
-- India (18:15 UTC is 23:45 IST, 18:45 UTC is 00:15 IST the next day).
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO visits (id, patient_id, doctor_id, date, diagnosis, prescription_json, amount_paid,
	symptoms, examination_notes, diagnosis_type)
SELECT i, 1 + (i - 1) / 2, 2,
	CASE i % 2 WHEN 0 THEN printf('2025-%02d-%02d 18:45:10', 1 + i % 12, 1 + i % 28)
		ELSE printf('2025-%02d-%02d 18:15:00', 1 + i % 12, 1 + i % 28) END,
	CASE i % 3 WHEN 0 THEN 'Viral fever' WHEN 1 THEN 'Acute pharyngitis' ELSE '' END,
	CASE i % 4
		WHEN 0 THEN '[{"medicine":"Paracetamol","form":"Tablet","dosage":"500mg","route":"Oral","frequency":"1-0-1","duration":"5 days","instruction":"After food"}]'
		WHEN 1 THEN '[{"medicine":"Amoxicillin","form":"Capsule","dosage":"500mg","route":"Oral","frequency":"1-1-1","duration":"1 week","instruction":"before food"},{"medicine":"Cetirizine","form":"Tablet","dosage":"10mg","route":"","frequency":"0-0-1","duration":"3","instruction":"bedtime"}]'
		WHEN 2 THEN '[]'
		ELSE NULL END,
	CASE WHEN i % 5 = 0 THEN 150.0 WHEN i % 5 = 1 THEN 0 ELSE NULL END,
	'Fever and cough for ' || (1 + i % 5) || ' days',
	CASE WHEN i % 6 = 0 THEN 'Throat congested' END,
	CASE WHEN i % 8 = 0 THEN 'provisional' END
FROM n;

INSERT INTO visits (id, patient_id, doctor_id, date, diagnosis, prescription_json, amount_paid, symptoms) VALUES
	(401, 9999, 2, '2025-06-01 04:00:00', 'Orphan', NULL, NULL, 'No such patient'),
	(402, 301, 99, '2025-06-01 04:00:00', 'Gastritis', '{"medicine": "Pantoprazole"', 200.5, 'Unreadable prescription'),
	(403, 303, 2, '2025-06-01 04:00:00', 'Sprain', '[{"medicine":"","frequency":"1-0-1"},"Ibuprofen",{"medicine":"Diclofenac gel","form":"Gel","route":"Topical","frequency":"BD","duration":"ten days"}]', '120', 'Ankle pain'),
	(404, 1, 2, 'sometime', 'Bad time', NULL, NULL, 'Unreadable date');

-- One vitals row per regular visit: Celsius on odd visits, Fahrenheit on even ones.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO vitals (visit_id, patient_id, height, weight, bmi, temperature, systolic_bp,
	diastolic_bp, pulse, respiratory_rate, spo2, timestamp)
SELECT i, 1 + (i - 1) / 2, 150 + i % 30, 50 + i % 40, 22.5,
	CASE i % 2 WHEN 0 THEN 98.6 ELSE 37.2 END, 110 + i % 40, 70 + i % 20,
	CASE WHEN i = 7 THEN 900 ELSE 60 + i % 40 END, 16, 95 + i % 5, '2025-01-01 10:00:00'
FROM n;
-- A second, older row for visit 1 (the newest counts), and vitals outside any visit.
INSERT INTO vitals (id, visit_id, patient_id, height, weight, temperature, pulse)
	VALUES (0, 1, 1, 100, 20, 36.0, 50);
INSERT INTO vitals (visit_id, patient_id, weight) VALUES (NULL, 5, 60), (9999, 5, 61);

INSERT INTO patient_queue (patient_id, status) VALUES (1, 'completed'), (2, 'waiting');
INSERT INTO audit_logs (action, table_name, record_id, user_id, details)
	VALUES ('INSERT', 'patients', 1, 1, 'Added');
SQL

-- gen.sql — a generated clinic for the benchmarks, written straight into a migrated database
-- before the pools start (tests/bench/run). Deterministic: the same parameters give the same rows.
--
-- Parameters: a temporary table `p` made by the caller holds
--   n        patients (ids and clinic numbers 1..n)
--   hist     the patient with the long history (id)
--   hvisits  past visits of that patient (each final, with diagnoses and prescriptions)
--   drafts   draft visits today (for the PATCH /api/visits/{id} load: each save uses a fresh one)
--   today    the clinic-local date (YYYY-MM-DD)
--   uid      the doctor's user id (visits.doctor_id)
-- Names: Indian first and family names, about 3 % in Tamil script. Phones: 10-digit mobiles
-- (6-9...) for ~90 %. Dates of birth for ~92 %, an age for the rest. The last 90 days hold a
-- queue of 60 a day and ~45 final visits a day with 1-2 diagnoses and 3 prescription lines each;
-- today has 60 tokens (20 done, 1 in consultation, the rest waiting).
PRAGMA foreign_keys = OFF;   -- ids are generated consistent; checking 100k rows costs time
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;

CREATE TEMP TABLE fm(i INTEGER PRIMARY KEY, v TEXT);
CREATE TEMP TABLE ff(i INTEGER PRIMARY KEY, v TEXT);
CREATE TEMP TABLE fam(i INTEGER PRIMARY KEY, v TEXT);
CREATE TEMP TABLE ta(i INTEGER PRIMARY KEY, v TEXT, sex TEXT);
CREATE TEMP TABLE place(i INTEGER PRIMARY KEY, v TEXT);
INSERT INTO fm(v) VALUES ('Arjun'),('Rahul'),('Karthik'),('Saravanan'),('Imran'),('Vikram'),
 ('Suresh'),('Joseph'),('Gurpreet'),('Venkatesh'),('Ravi'),('Anand'),('Mohan'),('Farhan'),
 ('Dinesh'),('Rajesh'),('Ramesh'),('Raghav'),('Rakesh'),('Murugan'),('Senthil'),('Balaji'),
 ('Ganesh'),('Prakash'),('Arun'),('Kumar'),('Selvam'),('Abdul'),('Thomas'),('Harish'),
 ('Naveen'),('Sanjay'),('Deepak'),('Vijay'),('Ashok'),('Manoj'),('Sathish'),('Rafiq'),
 ('Aravind'),('Gopal'),('Krishna'),('Ramu'),('Srinivasan'),('Bharath'),('Yusuf'),('Ilango');
INSERT INTO ff(v) VALUES ('Priya'),('Lakshmi'),('Ananya'),('Fatima'),('Kavitha'),('Meena'),
 ('Divya'),('Harleen'),('Radha'),('Sneha'),('Gayathri'),('Mary'),('Revathi'),('Nandini'),
 ('Usha'),('Rani'),('Rekha'),('Ramya'),('Selvi'),('Anitha'),('Deepa'),('Sangeetha'),
 ('Malathi'),('Jayanthi'),('Pooja'),('Aishwarya'),('Shalini'),('Farida'),('Saranya'),
 ('Bhavani'),('Vasantha'),('Kalpana'),('Janaki'),('Ruksana'),('Esther'),('Latha'),('Padma'),
 ('Rajeswari'),('Suganya'),('Nithya'),('Keerthana'),('Abirami'),('Hema'),('Sumathi');
INSERT INTO fam(v) VALUES ('Sharma'),('Iyer'),('Reddy'),('Nair'),('Patel'),('Khan'),('Das'),
 ('Kulkarni'),('Pillai'),('Singh'),('D''Souza'),('Menon'),('Naidu'),('Gupta'),('Krishnan'),
 ('Rajan'),('Raman'),('Rao'),('Subramanian'),('Natarajan'),('Ramasamy'),('Murugesan'),
 ('Shanmugam'),('Chettiar'),('Mudaliar'),('Gounder'),('Thevar'),('Velu'),('Kannan'),('Mani'),
 ('Sundaram'),('Venkataraman'),('Balasubramanian'),('Joseph'),('Fernandes'),('Ali'),
 ('Basha'),('Hussain'),('Verma'),('Mishra'),('Jain'),('Bose'),('Ghosh'),('Mehta'),('Kaur'),
 ('Arumugam'),('Palanisamy'),('Rangarajan'),('Raju'),('Ravichandran'),('Kumaravel'),('Devi');
INSERT INTO ta(v, sex) VALUES ('முருகன் செல்வம்','M'),('லட்சுமி ராமன்','F'),('கார்த்திக் ராஜா','M'),
 ('மீனா சுந்தரம்','F'),('செந்தில் குமார்','M'),('ராதா கிருஷ்ணன்','F'),('சரவணன் முத்து','M'),
 ('கவிதா ரவி','F'),('ராஜேஷ் பாண்டியன்','M'),('பிரியா வேலு','F'),('அருண் சண்முகம்','M'),
 ('செல்வி ஆறுமுகம்','F'),('ராமு கந்தசாமி','M'),('ரேவதி நடராஜன்','F'),('இளங்கோ மணி','M'),
 ('தமிழ்செல்வி ராஜன்','F');
INSERT INTO place(v) VALUES ('Anna Nagar, Chennai'),('T. Nagar, Chennai'),('Tambaram'),
 ('Velachery, Chennai'),('Mylapore, Chennai'),('Adyar, Chennai'),('Porur'),('Chromepet'),
 ('Madurai'),('Coimbatore'),('Tiruchirappalli'),('Salem'),('Vellore'),('Kanchipuram'),
 ('Tirunelveli'),('Erode'),('Thanjavur'),('Pondicherry');

-- Three independent pseudo-random 31-bit numbers a, b, c per patient: a multiplicative hash of
-- the id and a seed, then two rounds of xorshift-multiply (x XOR y written as (x|y)-(x&y): SQLite
-- has no XOR; every product stays below 2^63).
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < (SELECT n FROM p)),
r0 AS (SELECT i, (i * 2654435761 + 11) % 2147483648 AS x1, (i * 2246822519 + 23) % 2147483648 AS x2,
         (i * 3266489917 + 37) % 2147483648 AS x3 FROM s),
r1 AS (SELECT i, (((x1 | (x1 >> 16)) - (x1 & (x1 >> 16))) * 73244475) % 2147483648 AS x1,
         (((x2 | (x2 >> 16)) - (x2 & (x2 >> 16))) * 73244475) % 2147483648 AS x2,
         (((x3 | (x3 >> 16)) - (x3 & (x3 >> 16))) * 73244475) % 2147483648 AS x3 FROM r0),
r2 AS (SELECT i, (((x1 | (x1 >> 15)) - (x1 & (x1 >> 15))) * 73244475) % 2147483648 AS x1,
         (((x2 | (x2 >> 15)) - (x2 & (x2 >> 15))) * 73244475) % 2147483648 AS x2,
         (((x3 | (x3 >> 15)) - (x3 & (x3 >> 15))) * 73244475) % 2147483648 AS x3 FROM r1),
r AS (SELECT i, (x1 | (x1 >> 16)) - (x1 & (x1 >> 16)) AS a, (x2 | (x2 >> 16)) - (x2 & (x2 >> 16)) AS b,
        (x3 | (x3 >> 16)) - (x3 & (x3 >> 16)) AS c FROM r2)
INSERT INTO patients (id, clinic_no, name, sex, dob, age_years, age_on, phone, address,
                      created_at, updated_at)
SELECT i, i,
  CASE WHEN a % 33 = 0 THEN (SELECT v FROM ta WHERE ta.i = 1 + b % 16)
       WHEN a % 2 = 0 THEN (SELECT v FROM fm WHERE fm.i = 1 + b % 46) || ' ' ||
                           (SELECT v FROM fam WHERE fam.i = 1 + c % 52)
       ELSE (SELECT v FROM ff WHERE ff.i = 1 + b % 44) || ' ' ||
            (SELECT v FROM fam WHERE fam.i = 1 + c % 52) END,
  CASE WHEN a % 33 = 0 THEN (SELECT sex FROM ta WHERE ta.i = 1 + b % 16)
       WHEN a % 2 = 0 THEN 'M' ELSE 'F' END,
  CASE WHEN (a / 64) % 13 <> 0 THEN date('1940-01-01', '+' || ((b / 64) % 30000) || ' days') END,
  CASE WHEN (a / 64) % 13 = 0 THEN 1 + (b / 64) % 90 END,
  CASE WHEN (a / 64) % 13 = 0 THEN date((SELECT today FROM p), '-' || ((c / 64) % 2000) || ' days') END,
  CASE WHEN (c / 128) % 10 <> 0 THEN (6 + (a / 1024) % 4) || printf('%09d', (b * 7 + c) % 1000000000) END,
  CASE WHEN (c / 4096) % 3 <> 0 THEN (1 + (a / 8192) % 200) || ', ' ||
       (SELECT v FROM place WHERE place.i = 1 + (b / 8192) % 18) END,
  strftime('%Y-%m-%dT%H:%M:%SZ', '2019-01-01', '+' || (i * 2000 / (SELECT n FROM p)) || ' days',
           '+' || (c % 36000) || ' seconds'),
  strftime('%Y-%m-%dT%H:%M:%SZ', '2019-01-01', '+' || (i * 2000 / (SELECT n FROM p)) || ' days',
           '+' || (c % 36000) || ' seconds')
FROM r;

-- Queue: 90 past days of 60 tokens (done), then today's 60.
WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 90),
t(tok) AS (SELECT 1 UNION ALL SELECT tok + 1 FROM t WHERE tok < 60)
INSERT INTO queue (day, token, patient_id, status, reason, created_at, updated_at)
SELECT date((SELECT today FROM p), '-' || k || ' days'), tok,
  1 + ((k * 60 + tok) * 2654435761) % (SELECT n FROM p),
  CASE WHEN k > 0 THEN 'done' WHEN tok <= 20 THEN 'done' WHEN tok = 21 THEN 'in_consult' ELSE 'waiting' END,
  CASE (k + tok) % 6 WHEN 0 THEN 'fever' WHEN 1 THEN 'cough and cold' WHEN 2 THEN 'BP review'
    WHEN 3 THEN 'sugar check' WHEN 4 THEN NULL ELSE 'follow-up' END,
  strftime('%Y-%m-%dT%H:%M:%SZ', date((SELECT today FROM p), '-' || k || ' days'), '+' || (3 * 3600 + tok * 300) || ' seconds'),
  strftime('%Y-%m-%dT%H:%M:%SZ', date((SELECT today FROM p), '-' || k || ' days'), '+' || (3 * 3600 + tok * 300) || ' seconds')
FROM d, t ORDER BY k DESC, tok;

-- Visits: the long history of patient `hist`, then ~45 a day of the past 90 days from the
-- queue, all created as drafts (prescriptions may only be added to drafts), finalised below.
INSERT INTO visits (patient_id, doctor_id, day, status, complaint, notes, advice, bp_systolic,
                    bp_diastolic, pulse, temperature_c, weight_kg, spo2, created_at, updated_at)
WITH RECURSIVE v(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM v WHERE k < (SELECT hvisits FROM p))
SELECT (SELECT hist FROM p), (SELECT uid FROM p),
  date((SELECT today FROM p), '-' || (k * 21) || ' days'), 'draft',
  CASE k % 4 WHEN 0 THEN 'Fever for 3 days' WHEN 1 THEN 'Follow-up for hypertension'
    WHEN 2 THEN 'Cough and cold' ELSE 'Knee pain while climbing stairs' END,
  'Alert, oriented. Chest clear. Abdomen soft.', 'Plenty of fluids. Review in two weeks.',
  120 + k % 30, 76 + k % 12, 70 + k % 20, 36.6 + (k % 3) * 0.4, 62 + (k % 7) * 0.5, 97 + k % 3,
  strftime('%Y-%m-%dT%H:%M:%SZ', date((SELECT today FROM p), '-' || (k * 21) || ' days'), '+5 hours'),
  strftime('%Y-%m-%dT%H:%M:%SZ', date((SELECT today FROM p), '-' || (k * 21) || ' days'), '+5 hours')
FROM v;
INSERT INTO visits (patient_id, queue_id, doctor_id, day, status, complaint, notes, advice,
                    bp_systolic, bp_diastolic, pulse, temperature_c, weight_kg, spo2, created_at, updated_at)
SELECT q.patient_id, q.id, (SELECT uid FROM p), q.day, 'draft',
  coalesce(q.reason, 'General check-up'), 'Examined. No distress.', 'Review if not better.',
  110 + q.token % 40, 70 + q.token % 20, 64 + q.token % 30, 36.5 + (q.token % 4) * 0.3,
  45 + q.token % 40, 95 + q.token % 5, q.updated_at, q.updated_at
FROM queue q WHERE q.day < (SELECT today FROM p) AND q.token % 4 <> 0;

INSERT INTO visit_diagnoses (visit_id, pos, text, code)
SELECT v.id, 0, CASE v.id % 6 WHEN 0 THEN 'Essential hypertension' WHEN 1 THEN 'Type 2 diabetes mellitus'
  WHEN 2 THEN 'Acute upper respiratory infection' WHEN 3 THEN 'Viral fever'
  WHEN 4 THEN 'Osteoarthritis of knee' ELSE 'Acute gastritis' END,
  CASE v.id % 6 WHEN 0 THEN 'I10' WHEN 1 THEN 'E11.9' WHEN 2 THEN 'J06.9' WHEN 3 THEN 'A99'
  WHEN 4 THEN 'M17.9' ELSE 'K29.1' END
FROM visits v;
INSERT INTO visit_diagnoses (visit_id, pos, text)
SELECT v.id, 1, 'Vitamin D deficiency' FROM visits v WHERE v.id % 3 = 0;

WITH m(pos, medicine, strength, form, dose, timing, days) AS (VALUES
  (0, 'Paracetamol', '650 mg', 'tablet', '1-1-1', 'after_food', 3),
  (1, 'Amlodipine', '5 mg', 'tablet', '1-0-0', 'before_food', 30),
  (2, 'Metformin', '500 mg', 'tablet', '1-0-1', 'after_food', 30),
  (3, 'Cetirizine', '10 mg', 'tablet', '0-0-1', 'bedtime', 5),
  (4, 'Pantoprazole', '40 mg', 'tablet', '1-0-0', 'before_food', 14),
  (5, 'Amoxicillin', '500 mg', 'capsule', '1-1-1', 'after_food', 5))
INSERT INTO prescriptions (visit_id, pos, medicine, strength, form, dose, timing, duration_days, instructions)
SELECT v.id, k.j, m.medicine, m.strength, m.form, m.dose, m.timing, m.days,
  CASE WHEN k.j = 0 THEN 'Stop if rash appears' END
FROM visits v, (SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2) k
JOIN m ON m.pos = (v.id + k.j * 2) % 6;

UPDATE visits SET status = 'final', finalized_at = updated_at;

-- Today's drafts: one per PATCH the load may send (each save takes a fresh draft at version 1).
WITH RECURSIVE v(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM v WHERE k < (SELECT drafts FROM p))
INSERT INTO visits (patient_id, doctor_id, day, status, created_at, updated_at)
SELECT 1 + (k * 2654435761) % (SELECT n FROM p), (SELECT uid FROM p), (SELECT today FROM p), 'draft',
  strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM v;

UPDATE rev SET n = n + 1 WHERE id = 1;
ANALYZE;

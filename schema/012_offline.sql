-- Working through a Wi-Fi drop: the answers kept for idempotency keys, and the
-- change log and epoch behind GET /api/changes.
--
-- The front desk's browser keeps an outbox of writes made while the link was
-- down and replays them when it returns, each with an Idempotency-Key header.
-- A write whose answer was lost on the way back is sent again with the same
-- key: the server then answers what it answered the first time and writes
-- nothing (cgi-bin/lib/idem.c). The browser also keeps a read cache (today's
-- queue and appointments, the patients of the last 90 days), kept fresh from
-- the change log below (cgi-bin/lib/changes.c).

-- One answered request per (user, key), kept 7 days. Written in the same
-- transaction as the request's own write where the program groups its
-- commits, so a kept answer is never that of a write that was lost.
CREATE TABLE idempotency (
	user_id		INTEGER NOT NULL REFERENCES users(id),
	key		TEXT NOT NULL,			-- the Idempotency-Key header, 1-64 of A-Z a-z 0-9 _ -
	method		TEXT NOT NULL,			-- POST, PUT, PATCH, DELETE
	path		TEXT NOT NULL,			-- the request's path, no query
	body_sha256	TEXT NOT NULL,			-- hex SHA-256 of the request body as sent
	status		INTEGER NOT NULL,		-- the HTTP status answered
	response	TEXT NOT NULL,			-- the answer's JSON body as sent ('' for 204)
	created_at	INTEGER NOT NULL,		-- Unix time (s) of the first answer
	PRIMARY KEY (user_id, key)
);
-- Pruning takes the oldest first.
CREATE INDEX idempotency_created ON idempotency(created_at);

-- What changed, one row per record: a record's row moves to a new, higher
-- seq each time it changes. GET /api/changes?since=<cursor> answers the rows
-- after the cursor's seq. Writers are serialised (one write lock), so seq
-- order is commit order and a reader never sees a lower seq appear later.
CREATE TABLE change_log (
	seq		INTEGER PRIMARY KEY,		-- 1, 2, 3...: max + 1 on every change
	entity		TEXT NOT NULL CHECK (entity IN ('patient', 'queue', 'appointment')),
	entity_id	INTEGER NOT NULL,
	day		TEXT,				-- the record's clinic day: a queue entry's or an
							-- appointment's day; a patient's latest day seen,
							-- queued, booked or registered (what the 90 days count)
	UNIQUE (entity, entity_id)
);
-- The front desk's cache: today's queue, today's and later appointments.
CREATE INDEX change_log_day ON change_log(entity, day);

-- The database's epoch: a new random value on every restore, so that a
-- browser's cursor into the log of another history is refused (409
-- epoch_changed) and its cache dropped.
CREATE TABLE sync_epoch (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	epoch		TEXT NOT NULL			-- 16 hex digits
);
INSERT INTO sync_epoch (id, epoch) VALUES (1, lower(hex(randomblob(8))));

-- The log, filled by triggers so that no writer can forget it. A registered
-- patient counts from the day of registration (UTC date: within a day of the
-- clinic's); a queue entry or an appointment makes its patient "seen" on its
-- day, so the patient enters the cache with it.
CREATE TRIGGER change_patient_ins AFTER INSERT ON patients BEGIN
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'patient', NEW.id,
		substr(NEW.created_at, 1, 10))
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq,
		day = max(coalesce(day, ''), excluded.day);
END;
CREATE TRIGGER change_patient_upd AFTER UPDATE ON patients BEGIN
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'patient', NEW.id,
		substr(NEW.created_at, 1, 10))
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq,
		day = max(coalesce(day, ''), excluded.day);
END;
CREATE TRIGGER change_queue_ins AFTER INSERT ON queue BEGIN
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'queue', NEW.id, NEW.day)
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq, day = excluded.day;
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'patient', NEW.patient_id, NEW.day)
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq,
		day = max(coalesce(day, ''), excluded.day);
END;
CREATE TRIGGER change_queue_upd AFTER UPDATE ON queue BEGIN
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'queue', NEW.id, NEW.day)
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq, day = excluded.day;
END;
CREATE TRIGGER change_appt_ins AFTER INSERT ON appointments BEGIN
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'appointment', NEW.id, NEW.day)
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq, day = excluded.day;
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'patient', NEW.patient_id, NEW.day)
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq,
		day = max(coalesce(day, ''), excluded.day);
END;
CREATE TRIGGER change_appt_upd AFTER UPDATE ON appointments BEGIN
	INSERT INTO change_log (seq, entity, entity_id, day)
	VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM change_log), 'appointment', NEW.id, NEW.day)
	ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq, day = excluded.day;
END;

-- What is already there enters the log once, oldest first.
INSERT INTO change_log (seq, entity, entity_id, day)
SELECT row_number() OVER (ORDER BY t, entity, id), entity, id, day FROM (
	SELECT 'patient' AS entity, p.id, p.updated_at AS t,
		max(substr(p.created_at, 1, 10),
		    coalesce((SELECT max(q.day) FROM queue q WHERE q.patient_id = p.id), ''),
		    coalesce((SELECT max(a.day) FROM appointments a WHERE a.patient_id = p.id), '')) AS day
	FROM patients p
	UNION ALL
	SELECT 'queue', id, updated_at, day FROM queue
	UNION ALL
	SELECT 'appointment', id, updated_at, day FROM appointments
);

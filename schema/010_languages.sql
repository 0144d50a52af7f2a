-- The languages of the clinic's people: the screens' language of each staff
-- member, and the language each patient reads (their printouts use it).
-- Existing rows keep English, as the screens and printouts were before.
ALTER TABLE users ADD COLUMN
	language	TEXT NOT NULL DEFAULT 'en'	-- en, ta or hi: the screens' language
	CHECK (language IN ('en', 'ta', 'hi'));
ALTER TABLE patients ADD COLUMN
	language	TEXT NOT NULL DEFAULT 'en'	-- en, ta or hi: what the patient reads
	CHECK (language IN ('en', 'ta', 'hi'));

-- The clinic's UPI address (virtual payment address, e.g. clinic@okaxis): when
-- set, receipts carry a QR code that pays their amount to it. Absent: no QR.
-- Settings are key/value rows (002); the key is written by PUT /api/settings.

-- The follow-up list (GET /api/followups) reads the review dates of the coming week.
CREATE INDEX visits_follow_up ON visits(follow_up_date) WHERE follow_up_date IS NOT NULL;

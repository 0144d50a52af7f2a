#!/usr/bin/env bash
# soundkeys.sh — the patients' sound keys that SQL cannot compute (schema 007,
# cgi-bin/lib/pkey.c): `nalamdesk-admin migrate` fills the keys of patients
# that have none (those registered before the migration, or written by hand),
# `rekey` rebuilds them all, and the FTS5 index follows (a key found by MATCH).
set -u
var=$ND_OUT/soundkeys-var
tool=$ND_BIN/nalamdesk-admin
db=$var/db/nalamdesk.db
rm -rf "$var"
ok() { echo "sound keys: $1... ok"; }
fail() { echo "sound keys: $1... fail: $2"; }

if ! "$tool" --var "$var" migrate > "$ND_OUT/soundkeys.log" 2>&1; then
	fail "a fresh database migrates" "$(tail -3 "$ND_OUT/soundkeys.log")"
	exit 1
fi
now=2026-01-01T00:00:00Z
# Patients as an older NalamDesk (or a hand repair) left them: no key.
sqlite3 "$db" "INSERT INTO patients (clinic_no, name, sex, age_years, age_on, created_at, updated_at)
	VALUES (1, 'முருகன்', 'M', 40, '2026-01-01', '$now', '$now'),
	       (2, 'सीता देवी', 'F', 30, '2026-01-01', '$now', '$now'),
	       (3, 'Karthik', 'M', 20, '2026-01-01', '$now', '$now');
	UPDATE patients SET name_key = 'stale' WHERE id = 3;"
"$tool" --var "$var" migrate > "$ND_OUT/soundkeys.log" 2>&1
got=$(sqlite3 "$db" "SELECT group_concat(name_key, '|') FROM (SELECT name_key FROM patients ORDER BY id)")
if [ "$got" = "murukn|sit tivi|stale" ] && grep -q 'sound keys of 2 patients written' "$ND_OUT/soundkeys.log"; then
	ok "migrate fills the missing keys only"
else
	fail "migrate fills the missing keys only" "keys $got; $(cat "$ND_OUT/soundkeys.log")"
fi
"$tool" --var "$var" rekey > "$ND_OUT/soundkeys.log" 2>&1
got=$(sqlite3 "$db" "SELECT name_key FROM patients WHERE id = 3")
if [ "$got" = krtik ] && grep -q 'sound keys of 3 patients written' "$ND_OUT/soundkeys.log"; then
	ok "rekey rebuilds every key"
else
	fail "rekey rebuilds every key" "key $got; $(cat "$ND_OUT/soundkeys.log")"
fi
got=$(sqlite3 "$db" "SELECT group_concat(rowid) FROM patients_sound WHERE patients_sound MATCH '\"muru\"*' OR patients_sound MATCH '\"krt\"*'")
got2=$(sqlite3 "$db" "SELECT count(*) FROM patients_sound WHERE patients_sound MATCH 'stale'")
if [ "$got" = "1,3" ] && [ "$got2" = 0 ]; then
	ok "the index follows the keys"
else
	fail "the index follows the keys" "found $got, stale $got2"
fi
sqlite3 "$db" "UPDATE patients SET phone = '9876543210' WHERE id = 2"
got=$(sqlite3 "$db" "SELECT group_concat(rowid) FROM patients_phone_tri WHERE patients_phone_tri MATCH '\"43210\"'")
if [ "$got" = 2 ]; then
	ok "the phone's trigram index follows the phone"
else
	fail "the phone's trigram index follows the phone" "found $got"
fi
rm -rf "$var"

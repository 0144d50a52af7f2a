#!/usr/bin/env bash
# upgrade.sh — a clinic's database from before this round's migrations (schema 006, with
# patients, staff and a queue entry, a name stored before names were checked) upgraded by
# `nalamdesk-admin migrate`: every migration applies, the one-time steps run (names in normal
# form, the sound keys filled), and the database, its foreign keys and its full-text indexes
# are whole afterwards.
set -u
root=${ND_ROOT:-.}
bin=${ND_BIN:-$root/build/asan/bin}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=$dir/var/db/nalamdesk.db
mkdir -p "$dir/var/db"
{
	for f in "$root"/schema/00[1-6]_*.sql; do cat "$f"; done
	echo "PRAGMA user_version = 6;"
	cat <<'SQL'
INSERT INTO users (id, username, name, role, password_hash, created_at, updated_at)
	VALUES (1, 'admin', 'Admin', 'admin', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO patients (clinic_no, name, sex, age_years, age_on, phone, created_at, updated_at, created_by)
	VALUES (1, 'முருகன் செல்வம்', 'M', 40, '2026-01-01', '9876543210', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1),
	       (2, 'Ｒａｖｉ' || char(8203) || ' Kumar', 'M', 30, '2026-01-01', '04423456789', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1);
INSERT INTO queue (day, token, patient_id, status, created_at, updated_at, created_by)
	VALUES ('2026-12-01', 1, 1, 'waiting', '2026-12-01T04:00:00Z', '2026-12-01T04:00:00Z', 1);
SQL
} | sqlite3 "$db" > "$dir/seed.log" 2>&1 || {
	echo "upgrade: a schema-006 database with patients, staff and a queue entry... fail: $(tail -1 "$dir/seed.log")"
	exit 1
}
echo "upgrade: a schema-006 database with patients, staff and a queue entry... ok"

if "$bin/nalamdesk-admin" --var "$dir/var" migrate > "$dir/migrate.log" 2>&1; then
	echo "upgrade: nalamdesk-admin migrate applies every later migration and its one-time steps... ok"
else
	echo "upgrade: nalamdesk-admin migrate applies every later migration and its one-time steps... fail: $(tr '\n' ' ' < "$dir/migrate.log" | tail -c 300)"
	exit 1
fi

want=$(ls "$root"/schema/[0-9][0-9][0-9]_*.sql | wc -l)
got=$(sqlite3 "$db" 'PRAGMA user_version')
check() {	# NAME WANT GOT
	if [ "$2" = "$3" ]; then echo "upgrade: $1... ok"; else echo "upgrade: $1... fail: want $2, got $3"; fi
}
check "the schema is at the last migration" "$want" "$got"
check "PRAGMA integrity_check" "ok" "$(sqlite3 "$db" 'PRAGMA integrity_check')"
check "PRAGMA foreign_key_check" "" "$(sqlite3 "$db" 'PRAGMA foreign_key_check')"
for t in patients_fts patients_sound patients_phone_tri; do
	check "the full-text index $t is whole" "" \
		"$(sqlite3 "$db" "INSERT INTO $t($t) VALUES('integrity-check')" 2>&1)"
done
check "every patient has a sound key (Murugan's is murukn)" "0|murukn silvm" \
	"$(sqlite3 "$db" "SELECT (SELECT count(*) FROM patients WHERE name_key IS NULL) || '|' || name_key FROM patients WHERE clinic_no = 1")"
check "a name stored before names were checked is in normal form" "Ravi Kumar" \
	"$(sqlite3 "$db" "SELECT name FROM patients WHERE clinic_no = 2")"
check "the sound index finds it" "2" \
	"$(sqlite3 "$db" "SELECT p.clinic_no FROM patients_sound k JOIN patients p ON p.id = k.rowid WHERE patients_sound MATCH 'rvi*'")"
check "the phone's digits are indexed" "2" \
	"$(sqlite3 "$db" "SELECT p.clinic_no FROM patients_phone_tri t JOIN patients p ON p.id = t.rowid WHERE patients_phone_tri MATCH '\"23456\"'")"
check "the queue entry keeps its place, normal priority" "waiting|normal" \
	"$(sqlite3 "$db" "SELECT status || '|' || priority FROM queue")"
check "a second migrate changes nothing" "" \
	"$("$bin/nalamdesk-admin" --var "$dir/var" migrate 2>&1 | grep -v 'names in normal form: 0 changed')"

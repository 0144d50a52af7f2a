#!/usr/bin/env bash
# restore-drill.sh — the "doctor's PC died" drill with the admin tool (ASan build under
# tests/run): a backup taken while a writer keeps registering patients, restored onto a fresh
# state directory (a new PC after `make install`); every registration acknowledged before the
# backup began is there. Then what restore must refuse (a damaged file, a newer schema, a
# foreign database, a wrong passphrase, a running launcher) with the current database unchanged,
# the encrypted path, the systemd stop/start order (a stand-in systemctl), and migrate's backup
# of a database with data.
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ND_BIN:-$ROOT/build/bin}
ADMIN=$BIN/nalamdesk-admin
OUT=${ND_OUT:-/tmp}
T=$(mktemp -d "$OUT/ops-restore.XXXXXX")
FAILED=0
WRITER="" HOLDER=""
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1}
# The operator's own environment must not steer these runs.
unset NALAMDESK_VAR NALAMDESK_SERVICE NALAMDESK_BACKUP_PASSPHRASE_FILE NALAMDESK_BACKUP_COPY_TO

ok() { echo "restore: $1... ok"; }
fail() { echo "restore: $1... fail: $2"; FAILED=1; }
skip() { echo "restore: $1... skip: $2"; }
cleanup() {
	[[ -z $WRITER ]] || kill "$WRITER" 2>/dev/null
	[[ -z $HOLDER ]] || kill -- -"$HOLDER" 2>/dev/null
}
trap cleanup EXIT
q() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }

if [[ ! -x $ADMIN ]] || ! command -v sqlite3 >/dev/null || ! command -v python3 >/dev/null; then
	skip "restore drill" "needs $ADMIN (make), sqlite3 and python3"
	exit 0
fi

# ------------------------------------------------------------------ the clinic at work
OLD=$T/old-pc
"$ADMIN" --var "$OLD" migrate >/dev/null
printf 'drill-password-1\n' | "$ADMIN" --var "$OLD" user add --username doc --name Doctor --role doctor >/dev/null
q "$OLD/db/nalamdesk.db" "INSERT INTO sessions (token_hash, user_id, created_at, last_seen)
	SELECT 'x', id, 0, 0 FROM users LIMIT 1" 2>/dev/null

# The writer registers patients drill-1, drill-2, ... one transaction each, and prints N only
# after COMMIT returned: a line in acked.txt is a write the clinic was told had succeeded.
python3 - "$OLD/db/nalamdesk.db" 2>"$T/writer.err" >"$T/acked.txt" <<'EOF' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("PRAGMA foreign_keys=ON")
n = 0
deadline = time.time() + 60
while time.time() < deadline:
    n += 1
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO patients (clinic_no, name, sex, age_years, age_on, created_at, updated_at)"
               " VALUES (?, ?, 'F', 30, date('now'), ?, ?)", (100000 + n, "drill-%d" % n, now, now))
    db.execute("COMMIT")
    print(n, flush=True)
EOF
WRITER=$!
for _ in $(seq 1 100); do
	[[ -e $T/acked.txt && $(wc -l <"$T/acked.txt") -ge 300 ]] && break
	sleep 0.05
done
# Everything acknowledged up to here was written before the backup began.
acked=$(tail -n 1 "$T/acked.txt")
"$ADMIN" --var "$OLD" backup "$T/clinic.db" >"$T/backup.log" 2>&1
brc=$?
sleep 0.3
kill "$WRITER" 2>/dev/null
wait "$WRITER" 2>/dev/null
WRITER=""
total=$(tail -n 1 "$T/acked.txt")
if [[ $brc == 0 && -s $T/clinic.db ]] && grep -q 'good' "$T/backup.log" && ((total > acked)); then
	ok "backup under write load succeeds and checks its copy ($acked writes before, $total by the end)"
else
	fail "backup under write load succeeds and checks its copy" "exit $brc, writes $acked/$total: $(tail -3 "$T/backup.log" | tr '\n' ' ') $(head -3 "$T/writer.err")"
fi
if [[ ! -e $T/clinic.db.partial ]] && [[ $(stat -c %a "$T/clinic.db") == 600 ]]; then
	ok "the backup file is private (0600) and no partial file is left"
else
	fail "the backup file is private (0600) and no partial file is left" "mode $(stat -c %a "$T/clinic.db")"
fi

# ------------------------------------------------------------------ a new PC
NEW=$T/new-pc
"$ADMIN" --var "$NEW" migrate >/dev/null
printf 'fresh-install-pw\n' | "$ADMIN" --var "$NEW" user add --username admin --name Admin --role admin >/dev/null
start=$(date +%s.%N)
"$ADMIN" --var "$NEW" restore "$T/clinic.db" >"$T/restore.log" 2>&1
rrc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
DB=$NEW/db/nalamdesk.db
if [[ $rrc == 0 ]] && grep -q '^restored ' "$T/restore.log"; then
	ok "restore onto a fresh install ($secs s)"
else
	fail "restore onto a fresh install" "exit $rrc: $(tail -3 "$T/restore.log" | tr '\n' ' ')"
fi
have=$(q "$DB" "SELECT count(*) FROM patients WHERE name GLOB 'drill-*' AND CAST(substr(name, 7) AS INTEGER) <= $acked")
if [[ $have == "$acked" ]]; then
	ok "every write acknowledged before the backup began is restored ($have of $acked)"
else
	fail "every write acknowledged before the backup began is restored" "$have of $acked"
fi
if [[ $(q "$DB" "PRAGMA integrity_check") == ok && $(q "$DB" "SELECT count(*) FROM users WHERE username = 'doc'") == 1 &&
	$(q "$DB" "SELECT count(*) FROM users WHERE username = 'admin'") == 0 ]]; then
	ok "the restored database is the old PC's (its users, integrity ok)"
else
	fail "the restored database is the old PC's (its users, integrity ok)" "users: $(q "$DB" "SELECT group_concat(username) FROM users")"
fi
if [[ $(q "$DB" "SELECT count(*) FROM sessions") == 0 &&
	$(q "$DB" "SELECT count(*) FROM audit WHERE action = 'backup.restore'") == 1 ]]; then
	ok "old sessions end and the restore is in the audit trail"
else
	fail "old sessions end and the restore is in the audit trail" "sessions $(q "$DB" "SELECT count(*) FROM sessions")"
fi
kept=$(ls "$NEW"/backups/pre-restore-*.db 2>/dev/null | head -1)
if [[ -n $kept && $(q "$kept" "SELECT count(*) FROM users WHERE username = 'admin'") == 1 ]] &&
	[[ ! -e $NEW/db/restore-incoming.db && ! -e $NEW/db/nalamdesk.db-wal || $(stat -c %s "$NEW/db/nalamdesk.db-wal") -ge 0 ]]; then
	ok "the database it replaced is kept in VAR/backups/pre-restore-*.db"
else
	fail "the database it replaced is kept in VAR/backups/pre-restore-*.db" "$(ls "$NEW/backups")"
fi
if "$ADMIN" --var "$NEW" verify "$T/clinic.db" >"$T/verify.log" 2>&1 &&
	grep -q '^rows patients: ' "$T/verify.log" && grep -q '^newest record: 20' "$T/verify.log" &&
	grep -q '^schema version: ' "$T/verify.log"; then
	ok "verify reports integrity, schema version, row counts and the newest record"
else
	fail "verify reports integrity, schema version, row counts and the newest record" "$(tr '\n' ' ' <"$T/verify.log")"
fi

# ------------------------------------------------------------------ what restore refuses
sum() { sha256sum "$DB" | cut -c1-16; }
refused() { # NAME FILE PATTERN [args...]: restore of FILE exits 1, says PATTERN, changes nothing
	local name=$1 file=$2 pat=$3 before nkeep
	shift 3
	before=$(sum)
	nkeep=$(ls "$NEW/backups" | wc -l)
	if "$ADMIN" --var "$NEW" restore "$@" "$file" >"$T/refuse.log" 2>&1; then
		fail "$name" "restore succeeded"
	elif ! grep -qi -- "$pat" "$T/refuse.log"; then
		fail "$name" "no '$pat' in: $(tail -2 "$T/refuse.log" | tr '\n' ' ')"
	elif [[ $(sum) != "$before" || $(ls "$NEW/backups" | wc -l) != "$nkeep" || -e $NEW/db/restore-incoming.db ]]; then
		fail "$name" "the current database or VAR/backups changed"
	else
		ok "$name"
	fi
}
cp "$T/clinic.db" "$T/broken.db"
size=$(stat -c %s "$T/broken.db")
# Overwrite pages in the middle (not the header): a damaged disk.
dd if=/dev/urandom of="$T/broken.db" bs=4096 seek=$((size / 4096 / 2)) count=2 conv=notrunc 2>/dev/null
refused "a damaged backup is refused" "$T/broken.db" "refused"
head -c $((size / 2)) "$T/clinic.db" >"$T/short.db"
refused "a truncated backup is refused" "$T/short.db" "refused"
cp "$T/clinic.db" "$T/newer.db"
q "$T/newer.db" "PRAGMA user_version = 999"
refused "a newer-schema backup is refused, saying so" "$T/newer.db" "made by a newer NalamDesk"
q "$T/foreign.db" "CREATE TABLE t (x); PRAGMA user_version = 1"
refused "a database that is not NalamDesk's is refused" "$T/foreign.db" "not a NalamDesk database"

# ------------------------------------------------------------------ encrypted copies
printf 'correct horse battery staple\n' >"$T/pass"
printf 'wrong horse battery staple\n' >"$T/wrong"
if "$ADMIN" --var "$OLD" backup --passphrase-file "$T/pass" "$T/clinic.db.enc" >/dev/null 2>&1 &&
	! grep -q 'drill-1' "$T/clinic.db.enc" && ! grep -q 'SQLite format' "$T/clinic.db.enc"; then
	ok "an encrypted backup holds no readable data"
else
	fail "an encrypted backup holds no readable data" "plain text found or backup failed"
fi
refused "a wrong passphrase is refused" "$T/clinic.db.enc" "wrong passphrase" --passphrase-file "$T/wrong"
cp "$T/clinic.db.enc" "$T/flipped.enc"
printf '\x01' | dd of="$T/flipped.enc" bs=1 seek=5000 conv=notrunc 2>/dev/null
refused "a tampered encrypted backup is refused" "$T/flipped.enc" "damaged" --passphrase-file "$T/pass"
if "$ADMIN" --var "$NEW" restore --passphrase-file "$T/pass" "$T/clinic.db.enc" >"$T/enc.log" 2>&1 &&
	[[ $(q "$DB" "SELECT count(*) FROM patients WHERE name GLOB 'drill-*'") -ge $acked ]]; then
	ok "an encrypted backup restores with its passphrase"
else
	fail "an encrypted backup restores with its passphrase" "$(tail -2 "$T/enc.log" | tr '\n' ' ')"
fi

# ------------------------------------------------------------------ services
# A launcher (make run) holds VAR/launcher.lock with flock in all its processes.
# (-o: the lock is flock's alone, so killing flock releases it)
setsid flock -o "$NEW/launcher.lock" sleep 30 >/dev/null 2>&1 &
HOLDER=$!
sleep 0.2
refused "restore refuses while a launcher (make run) holds VAR/launcher.lock" "$T/clinic.db" "Stop it first"
kill -- -"$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
HOLDER=""

# Under systemd: a stand-in systemctl records what it is asked, and what the database directory
# looked like at that moment. Stop must come after the staged copy passed its checks, the swap
# between stop and start.
if [[ $(id -u) == 0 ]]; then
	mkdir -p "$T/fakebin"
	cat >"$T/fakebin/systemctl" <<EOF
#!/bin/sh
echo "\$* staged=\$(test -e '$NEW/db/restore-incoming.db' && echo yes || echo no) marker=\$(sqlite3 '$DB' "SELECT count(*) FROM patients WHERE name = 'marker'")" >>'$T/systemctl.log'
EOF
	chmod +x "$T/fakebin/systemctl"
	q "$DB" "INSERT INTO patients (clinic_no, name, sex, age_years, created_at, updated_at)
		VALUES (999999, 'marker', 'M', 40, 'x', 'x')"
	if PATH=$T/fakebin:$PATH NALAMDESK_SERVICE=nalamdesk.target \
		"$ADMIN" --var "$NEW" restore "$T/clinic.db" >"$T/sd.log" 2>&1 &&
		[[ $(cat "$T/systemctl.log") == $'stop nalamdesk.target staged=yes marker=1\nstart nalamdesk.target staged=no marker=0' ]]; then
		ok "under systemd: checks first, then stop, swap, start"
	else
		fail "under systemd: checks first, then stop, swap, start" "$(tr '\n' '|' <"$T/systemctl.log" 2>/dev/null) $(tail -2 "$T/sd.log" | tr '\n' ' ')"
	fi
	: >"$T/systemctl.log"
	if ! PATH=$T/fakebin:$PATH NALAMDESK_SERVICE=nalamdesk.target \
		"$ADMIN" --var "$NEW" restore "$T/newer.db" >/dev/null 2>&1 && [[ ! -s $T/systemctl.log ]]; then
		ok "under systemd: a refused file never stops the clinic"
	else
		fail "under systemd: a refused file never stops the clinic" "systemctl was called: $(cat "$T/systemctl.log")"
	fi
else
	skip "under systemd: checks first, then stop, swap, start" "needs root (restore calls systemctl only as root)"
fi

# ------------------------------------------------------------------ migrate backs up first
M=$T/migrate
mkdir -p "$M/db"
sqlite3 "$M/db/nalamdesk.db" <"$ROOT/schema/001_init.sql"
q "$M/db/nalamdesk.db" "PRAGMA user_version = 1; INSERT INTO users (username, name, role, password_hash,
	created_at, updated_at) VALUES ('olduser', 'Old', 'admin', 'x', 'x', 'x')"
"$ADMIN" --var "$M" migrate >"$T/migrate.log" 2>&1
pre=$(ls "$M"/backups/pre-migrate-*.db 2>/dev/null | head -1)
if [[ -n $pre && $(q "$pre" "PRAGMA user_version") == 1 &&
	$(q "$pre" "SELECT username FROM users") == olduser &&
	$(q "$M/db/nalamdesk.db" "PRAGMA user_version") -gt 1 ]]; then
	ok "migrate on a database with data backs it up first (pre-migrate-*.db)"
else
	fail "migrate on a database with data backs it up first (pre-migrate-*.db)" "$(tail -3 "$T/migrate.log" | tr '\n' ' ')"
fi
"$ADMIN" --var "$M" migrate >/dev/null 2>&1
if [[ $(ls "$M"/backups/pre-migrate-*.db | wc -l) == 1 ]]; then
	ok "migrate with nothing to do takes no backup"
else
	fail "migrate with nothing to do takes no backup" "$(ls "$M/backups")"
fi

((FAILED == 0)) && rm -rf "$T"
exit "$FAILED"

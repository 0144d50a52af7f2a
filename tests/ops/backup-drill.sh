#!/usr/bin/env bash
# backup-drill.sh — the backups of `make run` (deploy/run.sh), as the owner meets them: a fresh
# install says "no backup yet"; the schedule fires (shortened to a few seconds with
# NALAMDESK_BACKUP_EVERY; its real times are those of nalamdesk-backup.timer, compared with
# systemd-analyze); the owner sets a second place (PUT /api/backups/copy) and the next scheduled
# backup is copied there encrypted (no readable name inside); the status says when the last copy
# left the PC; and `nalamdesk-admin restore` brings that copy back on a fresh directory.
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib/stack.sh"
BIN=${ND_BIN:-$ROOT/build/asan/bin}
ADMIN=$BIN/nalamdesk-admin
OUT=${ND_OUT:-/tmp}
T=$(mktemp -d "$OUT/ops-backup.XXXXXX")
chmod 0755 "$T"
unset NALAMDESK_VAR NALAMDESK_SERVICE NALAMDESK_BACKUP_PASSPHRASE_FILE NALAMDESK_BACKUP_COPY_TO

ok() { echo "backup drill: $1... ok"; }
fail() { echo "backup drill: $1... fail: $2"; }
skip() { echo "backup drill: $1... skip: $2"; }
trap 'stack_stop' EXIT

# ------------------------------------------------------------------ the schedule is the timer's
timer=$ROOT/deploy/systemd/nalamdesk-backup.timer
if command -v systemd-analyze >/dev/null; then
	mapfile -t cals < <(sed -n 's/^OnCalendar=//p' "$timer")
	want=$(for c in "${cals[@]}"; do
		TZ=Asia/Kolkata systemd-analyze calendar --iterations=40 "$c" |
			sed -n 's/.*\(Next elapse\|Iter\. #[0-9]*\): [A-Za-z]* \([0-9-]* [0-9][0-9]:[0-9][0-9]\).*/\2/p'
	done | sort | head -40)
	got=$(TZ=Asia/Kolkata "$ADMIN" backup-schedule --count 40)
	if [[ ${#cals[@]} -ge 1 && -n $want && $got == "$want" ]]; then
		ok "make run's schedule is the timer's (40 times, ${#cals[@]} OnCalendar lines)"
	else
		fail "make run's schedule is the timer's" "$(diff <(echo "$want") <(echo "$got") | head -5 | tr '\n' ' ')"
	fi
else
	skip "make run's schedule is the timer's" "no systemd-analyze"
fi

# ------------------------------------------------------------------ a fresh install under make run
var=$T/var
copy=$T/usb/nalamdesk
mkdir -p "$copy"
# The service user writes there (as root, deploy/run.sh runs the tool as nalamdesk).
if [[ $(id -u) == 0 ]] && id nalamdesk >/dev/null 2>&1; then chown -R nalamdesk "$T/usb"; fi
port=$(free_port)
base=https://127.0.0.1:$port
export ND_ADMIN_PASSWORD="Drill-$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export ND_BIN=$BIN ND_BACKUP_SCHEDULE=1 NALAMDESK_BACKUP_EVERY=3
if ! stack_start "$var" "$port"; then
	fail "make run starts" "$(tail -5 "$var.log" | tr '\n' ' ')"
	exit 1
fi
jar=$T/cookies
curl -sk -c "$jar" -o /dev/null -H 'Content-Type: application/json' -H "Origin: $base" \
	--data "{\"username\":\"admin\",\"password\":\"$ND_ADMIN_PASSWORD\"}" "$base/api/auth/login"
api() { curl -sk -b "$jar" -H 'Content-Type: application/json' -H "Origin: $base" "$@"; }
sys=$(api "$base/api/system")
if [[ $(jq -r .backup_never <<<"$sys") == true && $(jq -r .backup_stale <<<"$sys") == false ]]; then
	ok "a fresh install says no backup yet (not more than a day old)"
else
	fail "a fresh install says no backup yet" "$sys"
fi

# A patient to find in the copy (written straight into the database: the drill is about copies).
name="Drill Lakshmi $RANDOM$RANDOM"
sqlite3 -cmd '.timeout 5000' "$var/db/nalamdesk.db" "INSERT INTO patients (clinic_no, name, sex,
	age_years, age_on, created_at, updated_at) VALUES (
	(SELECT coalesce(max(clinic_no), 0) + 1 FROM patients), '$name', 'F', 40, '2026-01-01',
	'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
res=$(api -X PUT --data "{\"dir\":\"$copy\"}" "$base/api/backups/copy")
bad=$(api -o /dev/null -w '%{http_code}' -X PUT --data '{"dir":"usb/../x"}' "$base/api/backups/copy")
if [[ $(jq -r .dir <<<"$res") == "$copy" && $(jq -r .reachable <<<"$res") == true && $bad == 422 ]]; then
	ok "the owner sets the second place (a relative path is refused)"
else
	fail "the owner sets the second place" "$res; relative: $bad"
fi

# ------------------------------------------------------------------ the schedule fires
enc=""
for _ in $(seq 1 150); do
	enc=$(ls "$copy"/nalamdesk-*.db.enc 2>/dev/null | head -1)
	[[ -n $enc ]] && break
	sleep 0.2
done
sleep 1	# the record of the copy follows its rename
if [[ -n $enc ]] && ls "$var"/backups/scheduled-*.db >/dev/null 2>&1; then
	ok "the schedule fired: a scheduled backup and its copy ($(basename "$enc"))"
else
	fail "the schedule fired" "no copy in $copy; $(grep -i backup "$var.log" | tail -3 | tr '\n' ' ')"
fi
if [[ -n $enc ]] && [[ $(head -c 15 "$enc" | tr -d "\0") != "SQLite format 3" ]] && ! grep -qa "$name" "$enc"; then
	ok "the copy is encrypted (no database header, no name inside)"
else
	fail "the copy is encrypted" "$(head -c 16 "$enc" | od -c | head -1)"
fi
sys=$(api "$base/api/system")
if [[ $(jq -r .backup_never <<<"$sys") == false && $(jq -r .backup_copy.last_file <<<"$sys") == nalamdesk-*.db.enc &&
	$(jq -r .backup_copy.last_at <<<"$sys") != null ]]; then
	ok "the status shows the last copy off the PC ($(jq -r .backup_copy.last_at <<<"$sys"))"
else
	fail "the status shows the last copy off the PC" "$sys"
fi
cp "$var/backup.key" "$T/passphrase"	# the owner wrote it down
stack_stop
trap - EXIT

# ------------------------------------------------------------------ a new PC
fresh=$T/new-pc
if [[ -n $enc ]] && "$ADMIN" --var "$fresh" restore --passphrase-file "$T/passphrase" "$enc" > "$T/restore.log" 2>&1 &&
	[[ $(sqlite3 "$fresh/db/nalamdesk.db" "SELECT count(*) FROM patients WHERE name = '$name'") == 1 ]]; then
	ok "restore brings the copy back on a fresh directory"
else
	fail "restore brings the copy back on a fresh directory" "$(tail -3 "$T/restore.log" | tr '\n' ' ')"
fi
rm -rf "$T"

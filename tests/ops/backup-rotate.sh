#!/usr/bin/env bash
# backup-rotate.sh — the scheduled backup (`nalamdesk-admin backup-rotate`, run by
# nalamdesk-backup.timer): a checked snapshot in VAR/backups, rotation of a month of hourly
# snapshots and two years of monthly ones against an independent implementation of the rule
# (newest of each of the last H hours, D days, W ISO weeks, M months), other files untouched,
# the encrypted copy to a second destination (rotated too, restorable), and the refusals:
# no passphrase, destination missing (USB disk unplugged).
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ND_BIN:-$ROOT/build/bin}
ADMIN=$BIN/nalamdesk-admin
OUT=${ND_OUT:-/tmp}
T=$(mktemp -d "$OUT/ops-rotate.XXXXXX")
FAILED=0
export TZ=UTC ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1}
unset NALAMDESK_VAR NALAMDESK_SERVICE NALAMDESK_BACKUP_PASSPHRASE_FILE NALAMDESK_BACKUP_COPY_TO \
	NALAMDESK_BACKUP_KEEP

ok() { echo "rotate: $1... ok"; }
fail() { echo "rotate: $1... fail: $2"; FAILED=1; }
skip() { echo "rotate: $1... skip: $2"; }

if [[ ! -x $ADMIN ]] || ! command -v python3 >/dev/null || ! command -v sqlite3 >/dev/null; then
	skip "backup-rotate" "needs $ADMIN (make), python3 and sqlite3"
	exit 0
fi
V=$T/var
USB=$T/usb
"$ADMIN" --var "$V" migrate >/dev/null
mkdir -p "$V/backups" "$USB"

# A month of hourly snapshots and two years of monthly ones before now (empty files: rotation
# goes by the names), plus files that are not scheduled snapshots.
python3 - "$V/backups" "$USB" <<'EOF'
import os, sys, time
now = int(time.time()) // 3600 * 3600
stamps = [now - h * 3600 - 60 for h in range(1, 24 * 30)]
stamps += [now - d * 86400 * 30 for d in range(2, 25)]
for t in stamps:
    s = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
    open(os.path.join(sys.argv[1], "scheduled-%s.db" % s), "w").close()
    open(os.path.join(sys.argv[2], "nalamdesk-%s.db.enc" % s), "w").close()
for other in ("pre-restore-20200101T000000Z.db", "manual.db", "scheduled-garbage.db"):
    open(os.path.join(sys.argv[1], other), "w").close()
EOF
before=$(ls "$V/backups" | wc -l)

# The rule, written again independently: what must remain of NAMES (newest first).
expect() { # DIR PREFIX SUFFIX -> expected names, sorted
	python3 - "$@" <<'EOF'
import os, re, sys, time, calendar
d, pre, suf = sys.argv[1:4]
keep = (48, 14, 8, 12)
snaps = []
for n in os.listdir(d):
    m = re.fullmatch(re.escape(pre) + r"(\d{8}T\d{6}Z)" + re.escape(suf), n)
    if m:
        snaps.append((calendar.timegm(time.strptime(m.group(1), "%Y%m%dT%H%M%SZ")), n))
snaps.sort(reverse=True)
kept = {snaps[0][1]} if snaps else set()
for k, fmt in zip(keep, ("%Y%m%d%H", "%Y%m%d", "%G%V", "%Y%m")):
    seen = []
    for t, n in snaps:
        b = time.strftime(fmt, time.localtime(t))
        if b in seen:
            continue
        if len(seen) == k:
            break
        seen.append(b)
        kept.add(n)
for n in sorted(kept):
    print(n)
EOF
}

# ------------------------------------------------------------------ local
"$ADMIN" --var "$V" backup-rotate >"$T/rotate.log" 2>&1
rc=$?
new=$(sed -n 's|^backup written: .*/\(scheduled-.*\.db\)$|\1|p' "$T/rotate.log")
if [[ $rc == 0 && -n $new ]] && "$ADMIN" --var "$V" verify "$V/backups/$new" >/dev/null 2>&1; then
	ok "a checked snapshot is written to VAR/backups ($new)"
else
	fail "a checked snapshot is written to VAR/backups" "exit $rc: $(tr '\n' ' ' <"$T/rotate.log")"
fi
got=$(ls "$V/backups" | grep -E '^scheduled-[0-9]{8}T[0-9]{6}Z\.db$' | sort)
# What the rule had to choose from: the same fakes, and the new snapshot.
mkdir -p "$T/model"
touch "$T/model/$new"
python3 - "$T/model" <<'EOF'
import os, sys, time
now = int(time.time()) // 3600 * 3600
for t in [now - h * 3600 - 60 for h in range(1, 24 * 30)] + [now - d * 86400 * 30 for d in range(2, 25)]:
    open(os.path.join(sys.argv[1], "scheduled-%s.db" % time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))), "w").close()
EOF
want=$(expect "$T/model" scheduled- .db)
n=$(echo "$got" | wc -l)
if [[ $got == "$want" ]]; then
	ok "rotation keeps exactly the newest of 48 hours, 14 days, 8 weeks, 12 months ($n of $((before - 2)))"
else
	fail "rotation keeps exactly the newest of 48 hours, 14 days, 8 weeks, 12 months" \
		"$(diff <(echo "$want") <(echo "$got") | head -5 | tr '\n' ' ')"
fi
if [[ -e $V/backups/pre-restore-20200101T000000Z.db && -e $V/backups/manual.db && -e $V/backups/scheduled-garbage.db ]]; then
	ok "rotation touches only scheduled snapshots"
else
	fail "rotation touches only scheduled snapshots" "$(ls "$V/backups" | grep -v '^scheduled-2' | tr '\n' ' ')"
fi
if [[ $(sqlite3 "$V/db/nalamdesk.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'backups'") == 0 ]]; then
	skip "the snapshot is recorded for the admin screen" "no backups table in this schema"
elif [[ $(sqlite3 "$V/db/nalamdesk.db" "SELECT kind || ' ' || integrity FROM backups WHERE file = '$new'") == "scheduled ok" ]]; then
	ok "the snapshot is recorded for the admin screen (backups table: scheduled, ok)"
else
	fail "the snapshot is recorded for the admin screen" "$(sqlite3 "$V/db/nalamdesk.db" "SELECT * FROM backups")"
fi

# ------------------------------------------------------------------ second destination
printf 'usb copies passphrase\n' >"$T/pass"
usb_before=$(ls "$USB" | wc -l)
if NALAMDESK_BACKUP_COPY_TO=$USB NALAMDESK_BACKUP_PASSPHRASE_FILE=$T/pass \
	"$ADMIN" --var "$V" backup-rotate >"$T/usb.log" 2>&1; then
	enc=$(sed -n 's|^encrypted copy written: \(.*\)$|\1|p' "$T/usb.log")
	if [[ -n $enc && -s $enc ]] && ! grep -q 'SQLite format' "$enc" &&
		"$ADMIN" --var "$V" verify --passphrase-file "$T/pass" "$enc" >/dev/null 2>&1; then
		ok "the newest is copied to the second destination, encrypted, and verifies"
	else
		fail "the newest is copied to the second destination, encrypted, and verifies" "$enc"
	fi
	if (($(ls "$USB" | wc -l) < usb_before)) && [[ -e $enc ]]; then
		ok "copies on the second destination are rotated too ($(ls "$USB" | wc -l) of $((usb_before + 1)))"
	else
		fail "copies on the second destination are rotated too" "$(ls "$USB" | wc -l) files"
	fi
else
	fail "the newest is copied to the second destination, encrypted, and verifies" "$(tr '\n' ' ' <"$T/usb.log")"
fi
n0=$(ls "$V/backups" | wc -l)
if ! "$ADMIN" --var "$V" backup-rotate --copy-to "$USB" >"$T/nopass.log" 2>&1 &&
	grep -q 'always encrypted' "$T/nopass.log" && grep -q '^backup written' "$T/nopass.log"; then
	ok "no passphrase: nothing leaves the machine unencrypted (the local backup is still taken)"
else
	fail "no passphrase: nothing leaves the machine unencrypted" "$(tr '\n' ' ' <"$T/nopass.log")"
fi
if ! "$ADMIN" --var "$V" backup-rotate --copy-to "$T/unplugged" --passphrase-file "$T/pass" \
	>"$T/unplugged.log" 2>&1 && grep -q 'USB disk' "$T/unplugged.log" && grep -q '^backup written' "$T/unplugged.log"; then
	ok "an unplugged USB disk fails the run (visible in systemctl --failed), the local backup is kept"
else
	fail "an unplugged USB disk fails the run, the local backup is kept" "$(tr '\n' ' ' <"$T/unplugged.log")"
fi
if ! "$ADMIN" --var "$V" backup-rotate --keep 1,2 >/dev/null 2>&1; then
	ok "a malformed --keep is refused"
else
	fail "a malformed --keep is refused" "accepted"
fi

((FAILED == 0)) && rm -rf "$T"
exit "$FAILED"

#!/usr/bin/env bash
# tests/drills/diskfull.sh — disk-full drill: a stack whose VAR is a small tmpfs
# (DRILL_TMPFS_SIZE, default 24m), filled until writes fail. Writes must be refused with 507
# (or 503) JSON, nothing may corrupt, and writing resumes once the filler is deleted; every
# acknowledged write is then checked on the database (verify.js). Needs root for the mount:
# without it the drill says "skip" with the reason.
# Env: ND_BIN (programs; default build/asan/bin), DRILL_TMPFS_SIZE.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ND_ROOT=$ROOT
. "$ROOT/tests/drills/lib.sh"
export ND_BIN=${ND_BIN:-$ROOT/build/asan/bin}
SIZE=${DRILL_TMPFS_SIZE:-24m}

drill_init diskfull
# VAR itself is the mount point, so that the launcher's log (VAR.log, beside VAR) stays on the
# real disk and keeps any sanitizer report written while the tmpfs is full.
MNT=$OUT/var
mkdir -p "$MNT"
if ! err=$(mount -t tmpfs -o "size=$SIZE,mode=0755" nd-diskfull "$MNT" 2>&1); then
	echo "disk full: a $SIZE tmpfs for VAR... skip: mount refused: $err"
	exit 0
fi
# shellcheck disable=SC2016 # expanded by drill_cleanup's eval
DRILL_CLEANUP_EXTRA='umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null'
echo "disk full: a $SIZE tmpfs for VAR... ok"
VAR=$MNT
PORT=$(free_port)
ACKS=$OUT/acks.jsonl
: > "$ACKS"
if ! drill_start "$VAR" "$PORT"; then
	echo "disk full: the stack starts on the tmpfs... fail: $(tail -3 "$VAR.log" | tr '\n' ' ')"
	exit 1
fi
echo "# disk full drill: state $VAR ($(df -h --output=used,size "$MNT" | tail -1 | xargs) used after start)"
node "$ROOT/tests/drills/diskfull.js" "https://127.0.0.1:$PORT" "$VAR" "$ACKS"
rm -f "$VAR/filler"

# Nothing died for good: the stack is still up with full pools.
sleep 1
short=""
for p in auth admin patients queue appointments billing visits; do
	[ -x "$ND_BIN/$p" ] || continue
	c=$(drill_workers "$VAR" "$p" | wc -l)
	[ "$c" -eq 2 ] || short+=" $p:$c"
done
if kill -0 "$DRILL_STACK" 2>/dev/null && [ -z "$short" ]; then
	echo "disk full: the stack stayed up with full pools... ok"
else
	echo "disk full: the stack stayed up with full pools... fail: launcher $(kill -0 "$DRILL_STACK" 2>/dev/null && echo alive || echo gone), short:$short"
fi
# The file as a crash would leave it, and everything acknowledged in it.
drill_crash_stack
node "$ROOT/tests/drills/verify.js" "disk full" "$ACKS" "$(drill_db "$VAR")"
if grep -qE 'ERROR: AddressSanitizer|runtime error:' "$VAR.all.log" 2>/dev/null; then
	grep -E -A12 'ERROR: AddressSanitizer|runtime error:' "$VAR.all.log" | head -30 | sed 's/^/# /'
	echo "disk full: no sanitizer reports... fail: see $VAR.all.log"
else
	echo "disk full: no sanitizer reports... ok"
fi

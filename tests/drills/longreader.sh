#!/usr/bin/env bash
# tests/drills/longreader.sh — a long reader must not stop the writers: sqlite3 holds a read
# transaction open on the live database (BEGIN; SELECT ...; sleep) for DRILL_READER_SECONDS while
# writer.js writes through nginx. Every write must finish (WAL: readers never block the writer)
# and the reader must really have held its snapshot (its count is the same before and after).
# Checkpoint starvation is measured: while the reader holds its snapshot the WAL cannot be reset
# and grows; after the reader ends a checkpoint must get through and restart the WAL (new salts
# in its header), and the file must then come back to at most DRILL_WAL_MAX_MIB — which it does
# only if the programs set PRAGMA journal_size_limit (SQLite truncates the WAL to that size on
# the first commit after a restart; without it the file keeps the size it grew to).
# Env: DRILL_READER_SECONDS (20), ND_BIN (default build/asan/bin), DRILL_WAL_MAX_MIB (16, about
# four times the WAL of SQLite's default auto-checkpoint; the check is skipped when the WAL
# never grew past it).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ND_ROOT=$ROOT
. "$ROOT/tests/drills/lib.sh"
export ND_BIN=${ND_BIN:-$ROOT/build/asan/bin}
HOLD=${DRILL_READER_SECONDS:-20}
WAL_MAX=$((${DRILL_WAL_MAX_MIB:-16} * 1048576))

drill_init longreader
VAR=$OUT/var
PORT=$(free_port)
BASE=https://127.0.0.1:$PORT
ACKS=$OUT/acks.jsonl
STOP=$OUT/stop
: > "$ACKS"
if ! drill_start "$VAR" "$PORT"; then
	echo "long reader: the stack starts... fail: $(tail -3 "$VAR.log" | tr '\n' ' ')"
	exit 1
fi
DB=$(drill_db "$VAR")
WAL=$DB-wal
wal_size() { stat -c %s "$WAL" 2>/dev/null || echo 0; }
# The WAL header's salts (bytes 16-23): new ones every time a checkpoint has copied the whole
# WAL back and the next writer starts it again from the top.
wal_salt() { od -An -tx1 -j16 -N8 "$WAL" 2>/dev/null | tr -d ' \n'; }

# Some rows first, so that the reader has something to read; the users made here are reused by
# the later writers (they only sign in).
export WRITER_USERS=$OUT/users.json
export WRITER_CLIENTS=2 WRITER_SECONDS=6
node "$ROOT/tests/drills/writer.js" "$BASE" "$ACKS" "$STOP" > "$OUT/writer0.log" 2>&1
wal0=$(wal_size) salt0=$(wal_salt)

# The reader: runs as the service user when root (so it creates no root-owned file beside the
# database), read-only, and prints the patient count at the start and at the end of the
# transaction, which must be equal: the proof that it held one snapshot all along.
as_svc=()
if [ "$(id -u)" -eq 0 ] && id -u nalamdesk > /dev/null 2>&1; then
	as_svc=(setpriv --reuid=nalamdesk --regid=nalamdesk --init-groups --)
fi
{
	echo "BEGIN; SELECT 'start', count(*), (SELECT count(*) FROM audit) FROM patients;"
	sleep "$HOLD"
	echo "SELECT 'end', count(*), (SELECT count(*) FROM audit) FROM patients; COMMIT;"
} | "${as_svc[@]}" sqlite3 -readonly "$DB" > "$OUT/reader.out" 2>&1 &
READER=$!
DRILL_PIDS+=("$READER")
sleep 1

# Writers while the reader holds its snapshot; the WAL size sampled every second.
export WRITER_CLIENTS=4 WRITER_SECONDS=$((HOLD - 3)) WRITER_SUMMARY=$OUT/summary.json
rm -f "$STOP"
node "$ROOT/tests/drills/writer.js" "$BASE" "$ACKS" "$STOP" > "$OUT/writer1.log" 2>&1 &
WRITER=$!
DRILL_PIDS+=("$WRITER")
walmax=0
while kill -0 "$WRITER" 2>/dev/null; do
	w=$(wal_size)
	[ "$w" -gt "$walmax" ] && walmax=$w
	sleep 1
done
wait "$WRITER"
salt_during=$(wal_salt)
wait "$READER"
summary=$(cat "$OUT/summary.json" 2>/dev/null)
echo "# reader: $(tr '\n' ' ' < "$OUT/reader.out")"
echo "# writes during the ${HOLD}s read transaction: $summary"

start=$(awk -F'|' '$1 == "start" {print $2}' "$OUT/reader.out")
end=$(awk -F'|' '$1 == "end" {print $2}' "$OUT/reader.out")
if [ -n "$start" ] && [ "$start" = "$end" ]; then
	echo "long reader: sqlite3 held one read transaction for ${HOLD}s ($start patients seen at both ends)... ok"
else
	echo "long reader: sqlite3 held one read transaction for ${HOLD}s... fail: reader printed: $(tr '\n' ' ' < "$OUT/reader.out")"
fi
ok=$(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(s.ok, s.refused + s.unanswered, s.max_ms)' "$OUT/summary.json" 2>/dev/null)
read -r nok nbad maxms <<< "${ok:-0 1 0}"
if [ "$nok" -gt 0 ] && [ "$nbad" -eq 0 ]; then
	echo "long reader: every write finished while the reader held its snapshot ($nok acknowledged, slowest ${maxms} ms)... ok"
else
	echo "long reader: every write finished while the reader held its snapshot... fail: $summary"
fi

# Checkpoint starvation: the WAL could not restart while the reader held its snapshot.
echo "# WAL: $((wal0 / 1024)) KiB before, up to $((walmax / 1024)) KiB during the read transaction (salt $salt0 -> $salt_during: $([ "$salt0" = "$salt_during" ] && echo 'no restart' || echo 'restarted'))"
# After the reader: more writes, until a checkpoint gets through and the WAL restarts (its salt
# changes); then, if the product sets journal_size_limit, the first commit after the restart
# truncates the file to that limit.
export WRITER_CLIENTS=2 WRITER_SECONDS=120
unset WRITER_SUMMARY
node "$ROOT/tests/drills/writer.js" "$BASE" "$ACKS" "$STOP.2" > "$OUT/writer2.log" 2>&1 &
WRITER=$!
DRILL_PIDS+=("$WRITER")
t0=$(now_ms) restarted=""
for _ in $(seq 1 200); do
	if [ "$(wal_salt)" != "$salt_during" ]; then
		restarted=$(($(now_ms) - t0))
		break
	fi
	sleep 0.5
done
sleep 3
touch "$STOP.2"
wait "$WRITER"
wal_after=$(wal_size)
echo "# WAL after the reader ended and more writes: $((wal_after / 1024)) KiB (restarted ${restarted:-never} ms after the reader)"
if [ -n "$restarted" ]; then
	echo "long reader: checkpoints restart the WAL once the reader is gone (after $restarted ms)... ok"
else
	echo "long reader: checkpoints restart the WAL once the reader is gone... fail: the WAL header's salt did not change in 100 s of writes"
fi
if [ "$walmax" -le "$WAL_MAX" ]; then
	echo "long reader: the WAL file shrinks back to at most $((WAL_MAX / 1048576)) MiB once restarted... skip: it never grew past that ($((walmax / 1024)) KiB)"
elif [ "$wal_after" -le "$WAL_MAX" ]; then
	echo "long reader: the WAL file shrinks back to at most $((WAL_MAX / 1048576)) MiB once restarted ($((wal_after / 1024)) KiB)... ok"
else
	echo "long reader: the WAL file shrinks back to at most $((WAL_MAX / 1048576)) MiB once restarted... fail: still $((wal_after / 1048576)) MiB (it grew to $((walmax / 1048576)) MiB while checkpoints were starved; the programs set no PRAGMA journal_size_limit, so it never shrinks while they run)"
fi

drill_crash_stack
node "$ROOT/tests/drills/verify.js" "long reader" "$ACKS" "$DB"

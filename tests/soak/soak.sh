#!/usr/bin/env bash
# tests/soak/soak.sh — the soak: a stack of the RELEASE programs (build/bin) under a steady mixed
# load (tests/soak/load.js) for SOAK_MINUTES, sampled every SOAK_SAMPLE_SECONDS: RSS and open
# fds (files and pipes; sockets apart) of every pool process (workers and multiwatch) and nginx
# process, WAL and database size.
# tests/soak/analyze.js prints the series and the verdict (RSS of the last third within 10 % of
# the first, fds not rising, WAL bounded, no failed request, no process replaced).
# Env: SOAK_MINUTES (30), SOAK_SAMPLE_SECONDS (30), SOAK_WARMUP_SECONDS (120: load before the
# first sample, so that SQLite's page caches and malloc arenas have reached their working size),
# SOAK_CLIENTS, SOAK_RATE, SOAK_QUEUE_MAX (load.js), SOAK_WAL_MAX_MIB, SOAK_RSS_GROWTH,
# SOAK_FD_SLACK (analyze.js), ND_BIN (default build/bin).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ND_ROOT=$ROOT
. "$ROOT/tests/drills/lib.sh"
export ND_BIN=${ND_BIN:-$ROOT/build/bin}
MINUTES=${SOAK_MINUTES:-30}
EVERY=${SOAK_SAMPLE_SECONDS:-30}
WARMUP=${SOAK_WARMUP_SECONDS:-120}

drill_init soak
VAR=$OUT/var
PORT=$(free_port)
BASE=https://127.0.0.1:$PORT
STOP=$OUT/stop
SAMPLES=$OUT/samples.tsv
TOTALS=$OUT/totals.tsv
PROGRESS=$OUT/progress.txt
: > "$SAMPLES"
: > "$TOTALS"
: > "$PROGRESS"
if ! drill_start "$VAR" "$PORT"; then
	echo "soak: the stack starts (release programs)... fail: $(tail -3 "$VAR.log" | tr '\n' ' ')"
	exit 1
fi
DB=$(drill_db "$VAR")
echo "# soak: $MINUTES min sampled every $EVERY s after $WARMUP s of warm-up, ${SOAK_RATE:-150} req/s from ${SOAK_CLIENTS:-6} clients, programs $ND_BIN, state $OUT"

node "$ROOT/tests/soak/load.js" "$BASE" "$STOP" "$OUT/load.json" "$PROGRESS" > "$OUT/load.log" 2>&1 &
LOAD=$!
DRILL_PIDS+=("$LOAD")

# One sample: every process of the stack's group but the launcher.
sample() {
	local t pid arg0 name rss fds cmd
	t=$(now_ms)
	for pid in $(pgrep -g "$DRILL_STACK"); do
		{ IFS= read -r -d '' arg0 < "/proc/$pid/cmdline"; } 2> /dev/null || continue
		cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null)
		case $arg0 in
		*/multiwatch) name=multiwatch:${cmd##*/} name=${name% } ;;
		"$VAR"/app/bin/*) name=${arg0##*/} ;;
		nginx:*master*) name=nginx-master ;;
		nginx:*) name=nginx-worker ;;
		*) continue ;;
		esac
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2> /dev/null)
		# Open files, and apart the sockets: with fastcgi_keep_conn a worker holds a varying
		# number of nginx's connections, which is not a leak as long as it stays bounded.
		read -r fds socks <<< "$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' 2> /dev/null |
			awk '/^socket:/ {s++; next} {f++} END {print f + 0, s + 0}')"
		[ -n "$rss" ] && echo "$t $pid $name $rss $fds $socks" >> "$SAMPLES"
	done
	read -r _ req fail <<< "$(tail -1 "$PROGRESS" 2> /dev/null)"
	echo "$t $(stat -c %s "$DB-wal" 2> /dev/null || echo 0) $(stat -c %s "$DB" 2> /dev/null || echo 0) ${req:-0} ${fail:-0}" >> "$TOTALS"
}

sleep "$WARMUP"
if ! kill -0 "$LOAD" 2> /dev/null; then
	echo "soak: the load runs... fail: $(tail -5 "$OUT/load.log")"
	exit 1
fi
n=$((MINUTES * 60 / EVERY))
for ((i = 0; i <= n; i++)); do
	sample
	[ "$i" -lt "$n" ] && sleep "$EVERY"
	if ! kill -0 "$DRILL_STACK" 2> /dev/null; then
		echo "soak: the stack stays up for the whole soak... fail: the launcher exited after $i samples; $(tail -5 "$VAR.log" | tr '\n' ' ')"
		exit 1
	fi
done
touch "$STOP"
wait "$LOAD"
node "$ROOT/tests/soak/analyze.js" "$SAMPLES" "$TOTALS" "$OUT/load.json"

stack_stop "$DRILL_STACK"
DRILL_STACK=""
check=$(sqlite3 -readonly "$DB" 'PRAGMA integrity_check' 2>&1)
if [ "$check" = ok ]; then echo "soak: integrity_check after the soak... ok"
else echo "soak: integrity_check after the soak... fail: $check"; fi
echo "# soak files: $OUT (samples.tsv, totals.tsv, load.json)"

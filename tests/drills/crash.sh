#!/usr/bin/env bash
# tests/drills/crash.sh — crash drill: SIGKILL random pool workers and the whole stack while
# clients keep writing (patients, queue adds and status changes, payments) through nginx; then
# crash it once more and check, on the database file, that every acknowledged write is there,
# tokens and receipt numbers are 1..N without duplicates, and integrity_check is ok.
#
# Env (defaults are the `make soak` counts; tests/shell/drill-crash.sh scales them down):
#   DRILL_WORKER_KILLS  SIGKILLs of single workers (1000)
#   DRILL_STACK_KILLS   SIGKILLs of the whole stack, each followed by a restart on the same VAR (50)
#   DRILL_INTERVAL      seconds between worker kills (0.1)
#   DRILL_CLIENTS       concurrent writing clients (4)
#   DRILL_MIN_AGE       only workers alive this long are picked (1.2 s): multiwatch gives up a
#                       slot after 10 deaths in a row each within 1 s of its start (deploy/run.sh
#                       POOL_RETRIES/POOL_RETRY_MS), which is its design, not what is tested here
#   ND_BIN              programs to run (tests/run: the ASan build; default build/asan/bin)
# Prints check lines "crash: ...... ok|fail: why".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ND_ROOT=$ROOT
. "$ROOT/tests/drills/lib.sh"

W=${DRILL_WORKER_KILLS:-1000}
S=${DRILL_STACK_KILLS:-50}
INTERVAL=${DRILL_INTERVAL:-0.1}
export WRITER_CLIENTS=${DRILL_CLIENTS:-4}
MIN_AGE=${DRILL_MIN_AGE:-1.2}
export ND_BIN=${ND_BIN:-$ROOT/build/asan/bin}
WORKERS=2

drill_init crash
VAR=$OUT/var
PORT=$(free_port)
BASE=https://127.0.0.1:$PORT
ACKS=$OUT/acks.jsonl
STOP=$OUT/stop
WINDOWS=$OUT/down.txt     # "from_ms to_ms" of each whole-stack outage
: > "$ACKS"
: > "$WINDOWS"
echo "# crash drill: $W worker kills, $S whole-stack kills, $WRITER_CLIENTS clients, programs $ND_BIN, state $OUT"

if ! drill_start "$VAR" "$PORT"; then
	echo "crash: the drill stack starts... fail: see $VAR.all.log"
	exit 1
fi

acked() { grep -vc '"k":"fail"' "$ACKS"; }

# Waits up to $1 seconds for more than $2 acknowledged writes.
wait_acks() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ "$(acked)" -gt "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

export WRITER_SECONDS=$((600 + W / 5 + S * 30))
node "$ROOT/tests/drills/writer.js" "$BASE" "$ACKS" "$STOP" > "$OUT/writer.log" 2>&1 &
WRITER=$!
DRILL_PIDS+=("$WRITER")
if ! wait_acks 60 20; then
	echo "crash: writes flow before the kills... fail: $(acked) acknowledged; $(tail -3 "$OUT/writer.log")"
	exit 1
fi

t_start=$(date +%s)
kills=0 stack_kills=0 restart_fail=0 survivors=0 stalls=0 starved=0
max_restart_ms=0
for ((seg = 0; seg <= S; seg++)); do
	# This segment's share of the worker kills.
	n=$(((W * (seg + 1)) / (S + 1) - (W * seg) / (S + 1)))
	for ((k = 0; k < n; k++)); do
		victim=""
		for _ in $(seq 1 100); do
			victim=$(drill_victim "$VAR" "$MIN_AGE")
			[ -n "$victim" ] && break
			sleep 0.05
		done
		if [ -z "$victim" ]; then
			starved=$((starved + 1))
			continue
		fi
		kill -KILL "$victim" 2>/dev/null && kills=$((kills + 1))
		sleep "$INTERVAL"
	done
	[ "$seg" -lt "$S" ] || break
	# The whole stack: every process of its group at once, then a restart on the same VAR.
	before=$(acked)
	t0=$(now_ms)
	drill_crash_stack || survivors=$((survivors + 1))
	stack_kills=$((stack_kills + 1))
	if ! drill_start "$VAR" "$PORT"; then
		restart_fail=$((restart_fail + 1))
		echo "# restart $stack_kills failed: $(tail -5 "$VAR.log" | tr '\n' ' ')"
		if ! drill_start "$VAR" "$PORT"; then
			echo "crash: the stack restarts after each whole-stack kill... fail: restart $stack_kills failed twice; see $VAR.all.log"
			exit 1
		fi
	fi
	t1=$(now_ms)
	((t1 - t0 > max_restart_ms)) && max_restart_ms=$((t1 - t0))
	# Requests in flight when the stack died fail, and so do those sent while it was down,
	# or just after, on connections that had not yet noticed.
	echo "$t0 $((t1 + 3000))" >> "$WINDOWS"
	wait_acks 30 "$before" || stalls=$((stalls + 1))
done
t_kills=$(($(date +%s) - t_start))

# The pools are whole again: each has its workers back.
sleep 2
short=""
for p in auth admin patients queue appointments billing visits; do
	[ -x "$ND_BIN/$p" ] || continue
	c=$(drill_workers "$VAR" "$p" | wc -l)
	[ "$c" -eq "$WORKERS" ] || short+=" $p:$c"
done
if [ -z "$short" ]; then
	echo "crash: $kills worker SIGKILLs, every pool back to $WORKERS workers... ok"
else
	echo "crash: $kills worker SIGKILLs, every pool back to $WORKERS workers... fail: pools short:$short"
fi
if [ "$starved" -eq 0 ]; then
	echo "crash: a worker older than ${MIN_AGE}s was always there to kill... ok"
else
	echo "crash: a worker older than ${MIN_AGE}s was always there to kill... fail: $starved times none for 5 s"
fi

touch "$STOP"
wait "$WRITER"
echo "# $(cat "$OUT/writer.log")"

if [ "$restart_fail" -eq 0 ] && [ "$stalls" -eq 0 ]; then
	echo "crash: $stack_kills whole-stack SIGKILLs, each restarted and writing again (slowest ${max_restart_ms} ms)... ok"
else
	echo "crash: $stack_kills whole-stack SIGKILLs, each restarted and writing again... fail: $restart_fail first restarts failed, $stalls times no write within 30 s after a restart"
fi
if [ "$survivors" -eq 0 ]; then
	echo "crash: no process of the stack outlives the SIGKILL of its process group... ok"
else
	echo "crash: no process of the stack outlives the SIGKILL of its process group... fail: $survivors times"
fi

# Failed writes outside the outages: each worker kill may lose the one request that worker
# was serving (nginx answers 502 as 503 JSON), no more.
outside=$(node -e '
	const fs = require("fs");
	const w = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(" ").map(Number));
	let n = 0; const what = {};
	for (const l of fs.readFileSync(process.argv[2], "utf8").split("\n")) {
		if (!l.includes("\"k\":\"fail\"")) continue;
		const f = JSON.parse(l);
		if (w.some(([a, b]) => f.t >= a && f.t <= b)) continue;
		n++; const k = f.op + " " + (f.status || f.error); what[k] = (what[k] || 0) + 1;
	}
	console.log(n + " " + JSON.stringify(what));
' "$WINDOWS" "$ACKS")
nout=${outside%% *}
if [ "$nout" -le "$kills" ]; then
	echo "crash: writes lost to worker kills at most one per kill ($nout failed for $kills kills)... ok"
else
	echo "crash: writes lost to worker kills at most one per kill... fail: $nout failed for $kills kills: ${outside#* }"
fi

# The last crash: SIGKILL everything right after the writes, then read the file as it was left.
drill_crash_stack || echo "# processes survived the final SIGKILL"
node "$ROOT/tests/drills/verify.js" crash "$ACKS" "$(drill_db "$VAR")"

# And the service comes back on that file.
if drill_start "$VAR" "$PORT"; then
	r=$(curl -ks --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/api/health")
	cookie=$(curl -ks --max-time 20 -c - -H 'Content-Type: application/json' \
		-d "{\"username\":\"admin\",\"password\":\"$ND_ADMIN_PASSWORD\"}" "$BASE/api/auth/login" | awk '/nd_session/ {print $7}')
	w=$(curl -ks --max-time 20 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -b "nd_session=$cookie" \
		-d '{"username":"after'$$'","name":"After the drill","role":"frontdesk","password":"After-the-drill-1"}' "$BASE/api/users")
	if [ "$r" = 200 ] && [ "$w" = 201 ]; then
		echo "crash: the service answers and writes after the last crash... ok"
	else
		echo "crash: the service answers and writes after the last crash... fail: health $r, write $w"
	fi
	stack_stop "$DRILL_STACK"
	DRILL_STACK=""
else
	echo "crash: the service answers and writes after the last crash... fail: no restart; see $VAR.all.log"
fi
if grep -qE 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$VAR.all.log" 2>/dev/null; then
	grep -E -A12 'ERROR: AddressSanitizer|runtime error:' "$VAR.all.log" | head -40 | sed 's/^/# /'
	echo "crash: no sanitizer reports from the drill's workers... fail: see $VAR.all.log"
else
	echo "crash: no sanitizer reports from the drill's workers... ok"
fi
echo "# crash drill took $(($(date +%s) - t_start)) s (kills: $t_kills s)"

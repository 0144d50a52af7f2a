# shellcheck shell=bash
# tests/drills/lib.sh — helpers of the crash, disk-full and long-reader drills and of the soak
# (sourced after tests/lib/stack.sh). Each drill runs its OWN stack (own VAR, own port), never
# the shared one of tests/run, since it kills it.
#
#   drill_init NAME            OUT (a fresh directory under ND_OUT or /tmp), ND_ADMIN_PASSWORD,
#                              ND_ROOT, ND_BIN (a copy of ND_BIN in OUT/bin); a trap that stops
#                              what the drill started
#   drill_start VAR PORT       stack_start with a sign-in rate the clients never reach; the
#                              launcher's output of every start is kept in VAR.all.log
#   drill_crash_stack          SIGKILL of the whole process group of the stack (launcher, pools,
#                              workers, nginx); waits until none of them is left; returns 1 if a
#                              process of the stack survived (listed on stderr)
#   drill_workers VAR [PROG]   pids of the pool workers (processes running VAR/app/bin/PROG)
#   drill_victim VAR MIN_AGE   a random worker alive for MIN_AGE seconds or more (3 in 4 from
#                              the pools the writers use: patients, queue, billing); empty if none
#   drill_db VAR               the database file
#   now_ms                     milliseconds since the epoch

ND_ROOT=${ND_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export ND_ROOT
# shellcheck source=tests/lib/stack.sh
. "$ND_ROOT/tests/lib/stack.sh"

DRILL_PIDS=()          # background helpers (writers, readers) to stop on exit
DRILL_STACK=""         # process group of the running stack, if any
DRILL_VAR=""

drill_cleanup() {
	local p
	for p in "${DRILL_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	if [ -n "$DRILL_STACK" ]; then
		stack_stop "$DRILL_STACK"
		DRILL_STACK=""
	fi
	[ -z "${DRILL_CLEANUP_EXTRA:-}" ] || eval "$DRILL_CLEANUP_EXTRA"
}

drill_init() {
	local name=$1
	OUT=$(mktemp -d "${ND_OUT:-/tmp}/drill-$name.XXXXXX")
	chmod 0755 "$OUT"
	if [ -z "${ND_ADMIN_PASSWORD:-}" ]; then
		ND_ADMIN_PASSWORD="Adm-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
	fi
	export ND_ADMIN_PASSWORD
	export NODE_PATH=${NODE_PATH:-$ND_ROOT/tests/node_modules}
	# A private copy of the programs: others may rebuild build/ while a drill restarts its stack.
	if [ -d "${ND_BIN:-}" ]; then
		mkdir -p "$OUT/bin"
		cp -p "$ND_BIN"/* "$OUT/bin/" 2>/dev/null
		ND_BIN=$OUT/bin
		export ND_BIN
	fi
	trap drill_cleanup EXIT
	trap 'exit 130' INT TERM
}

now_ms() { date +%s%3N; }

drill_db() { echo "$1/db/nalamdesk.db"; }

drill_start() {
	local var=$1 port=$2 rc
	DRILL_VAR=$var
	stack_start "$var" "$port" --login-rate 6000r/m --login-burst 1000
	rc=$?
	# Not a job of this shell any more: bash would report "Killed" when the drill kills it.
	[ -z "${STACK_PID:-}" ] || disown "$STACK_PID" 2>/dev/null
	cat "$var.log" >> "$var.all.log" 2>/dev/null
	if [ $rc -eq 0 ]; then DRILL_STACK=$STACK_PID; else DRILL_STACK=""; fi
	return $rc
}

drill_crash_stack() {
	local pg=$DRILL_STACK left strays
	[ -n "$pg" ] || return 0
	kill -KILL -- "-$pg" 2>/dev/null
	for _ in $(seq 1 100); do
		pgrep -g "$pg" > /dev/null || break
		sleep 0.05
	done
	DRILL_STACK=""
	cat "$DRILL_VAR.log" >> "$DRILL_VAR.all.log" 2>/dev/null
	left=$(pgrep -g "$pg" | tr '\n' ' ')
	strays=$(pgrep -f "^$DRILL_VAR/app/bin/" | tr '\n' ' ')
	if [ -n "$left$strays" ]; then
		echo "drill: processes survived the SIGKILL of group $pg: $left $strays" >&2
		# shellcheck disable=SC2086
		kill -KILL $left $strays 2>/dev/null
		return 1
	fi
	return 0
}

drill_workers() {
	pgrep -f "^$1/app/bin/${2:-[a-z]+}( |\$)" | sort -n
}

drill_victim() {
	local var=$1 min=$2 pool pids
	if [ $((RANDOM % 4)) -ne 0 ]; then
		pool="(patients|queue|billing)"
	else
		pool="[a-z]+"
	fi
	pids=$(pgrep -f "^$var/app/bin/$pool( |\$)" | sed 's|.*|/proc/&/stat|')
	[ -n "$pids" ] || return 0
	# Field 22 of /proc/PID/stat is the start time in clock ticks since boot; after the
	# "pid (comm) " prefix it is the 20th.
	# shellcheck disable=SC2086
	awk -v up="$(cut -d' ' -f1 /proc/uptime)" -v hz="$DRILL_HZ" -v min="$min" -v seed="$RANDOM" '
		{ f = FILENAME; sub(/^\/proc\//, "", f); sub(/\/stat$/, "", f); sub(/^.*\) /, "")
		  if (up - $20 / hz >= min) c[n++] = f }
		END { srand(seed); if (n) print c[int(rand() * n)] }' $pids 2>/dev/null
}
DRILL_HZ=$(getconf CLK_TCK)

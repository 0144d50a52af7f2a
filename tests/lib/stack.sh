# stack.sh — start and stop a real NalamDesk stack for tests (sourced).
#   stack_start VAR PORT [run.sh options...]   starts deploy/run.sh in its own
#       process group with the ASan programs (no scheduled backups unless
#       ND_BACKUP_SCHEDULE=1), waits for /api/health (60 s);
#       sets STACK_PID; the launcher's output goes to VAR.log
#   stack_stop                                 stops it (TERM, then KILL)
#   free_port                                  prints an unused loopback port

ND_ROOT=${ND_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# Below the kernel's ephemeral range (32768 and up here), so that no client
# connection of the tests takes the port between this check and nginx's bind;
# any socket on the port, not only a listening one, rules it out.
free_port() {
	local p lo
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	for _ in $(seq 1 50); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if ! ss -Htan "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

stack_start() {
	local var=$1 port=$2 sched=--no-backup-schedule
	shift 2
	# No scheduled backups in a test's stack (one at 14:00 would change what a test counts),
	# but for the backup drill (ND_BACKUP_SCHEDULE=1, with NALAMDESK_BACKUP_EVERY).
	[ "${ND_BACKUP_SCHEDULE:-0}" = 1 ] && sched=""
	mkdir -p "$var"
	setsid env ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1" \
		UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		NALAMDESK_ADMIN_PASSWORD="$ND_ADMIN_PASSWORD" \
		bash "$ND_ROOT/deploy/run.sh" --var "$var" --port "$port" \
		--bin "${ND_BIN:-$ND_ROOT/build/asan/bin}" $sched "$@" > "$var.log" 2>&1 < /dev/null &
	STACK_PID=$!
	for _ in $(seq 1 600); do
		if curl -ksf -o /dev/null "https://127.0.0.1:$port/api/health"; then
			return 0
		fi
		if ! kill -0 "$STACK_PID" 2>/dev/null; then
			echo "stack: the launcher exited; its output:" >&2
			tail -30 "$var.log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "stack: no answer from https://127.0.0.1:$port/api/health in 60 s" >&2
	tail -30 "$var.log" >&2
	return 1
}

stack_stop() {
	local pid=${1:-${STACK_PID:-}}
	[ -n "$pid" ] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null
	return 0
}

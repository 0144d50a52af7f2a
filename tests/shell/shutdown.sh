#!/usr/bin/env bash
# shutdown.sh — a worker stopped the normal way (SIGTERM, as multiwatch and
# systemd stop it) exits 0 and logs no error, also a worker with a tick
# (the admin program, whose tick looks for the audit journal, which sets
# errno) whose tick is due when the signal interrupts ppoll(): the EINTR is
# read before the tick runs.
set -u
root=${ND_ROOT:-.}
bin=${ND_BIN:-$root/build/asan/bin}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if ! "$bin/nalamdesk-admin" --var "$dir/var" migrate > "$dir/migrate.log" 2>&1; then
	echo "shutdown: the database migrates... fail: $(tail -1 "$dir/migrate.log")"
	exit 1
fi
for prog in admin queue; do
	log=$dir/$prog.log
	# -n: spawn-fcgi binds the socket and becomes the program.
	NALAMDESK_DB=$dir/var/db/nalamdesk.db NALAMDESK_VAR=$dir/var \
	    spawn-fcgi -n -s "$dir/$prog.sock" -- "$bin/$prog" > "$log" 2>&1 &
	pid=$!
	for _ in $(seq 50); do [ -S "$dir/$prog.sock" ] && break; sleep 0.1; done
	sleep 0.7	# several ticks: the worker waits in ppoll()
	# Stopped in ppoll() past its next tick, the signal then arrives:
	# ppoll() returns EINTR and the tick is due before errno is read.
	kill -STOP "$pid"
	sleep 0.4
	kill -TERM "$pid"
	kill -CONT "$pid"
	wait "$pid"
	rc=$?
	if [ "$rc" = 0 ]; then
		echo "shutdown: $prog stopped by SIGTERM exits 0... ok"
	else
		echo "shutdown: $prog stopped by SIGTERM exits 0... fail: exit $rc; $(tail -2 "$log" | tr '\n' ' ')"
	fi
	if grep -q 'poll:' "$log"; then
		echo "shutdown: $prog logs no poll error... fail: $(grep 'poll:' "$log" | head -1)"
	else
		echo "shutdown: $prog logs no poll error... ok"
	fi
done

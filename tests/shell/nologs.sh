#!/usr/bin/env bash
# nologs.sh — no patient data in any log: a patient search that fails (its
# program's socket gone, so nginx answers 502 and logs the failure) and one
# that succeeds leave the searched name in no log of nginx or the launcher.
set -u
. "$ND_ROOT/tests/lib/stack.sh"
var=$ND_OUT/nologs-var
trap stack_stop EXIT
port=$(free_port)
if ! stack_start "$var" "$port"; then
	echo "logs: stack starts... fail: see $var.log"
	exit 1
fi
base=https://127.0.0.1:$port
jar=$ND_OUT/nologs.cookies
post() { curl -ks -b "$jar" -c "$jar" -H 'Content-Type: application/json' -d "$2" "$base$1" > /dev/null; }
# Patients are for the front desk and the doctor: sign in as a new front-desk user.
post /api/auth/login "{\"username\":\"admin\",\"password\":\"$ND_ADMIN_PASSWORD\"}"
post /api/users '{"username":"logdesk","name":"Log Desk","role":"frontdesk","password":"log-desk-pass-1"}'
post /api/auth/login '{"username":"logdesk","password":"log-desk-pass-1"}'
# Before any patients request, so that nginx holds no kept connection to that pool.
mv "$var/run/patients.sock" "$var/run/patients.sock.away"
code=$(curl -ks -b "$jar" -o /dev/null -w '%{http_code}' "$base/api/patients?q=Secretnamezq")
mv "$var/run/patients.sock.away" "$var/run/patients.sock"
curl -ks -b "$jar" -o /dev/null "$base/api/patients?q=Secretnamezq&limit=5"
sleep 2.5	# the access log is flushed every 2 s
if [ "$code" != 502 ]; then
	echo "logs: a failed search is answered 502... fail: got $code"
else
	echo "logs: a failed search is answered 502... ok"
fi
if grep -rqs Secretnamezq "$var/nginx/logs/" "$var.log"; then
	echo "logs: the searched name is in no log... fail: $(grep -rls Secretnamezq "$var/nginx/logs/" "$var.log" | tr '\n' ' ')"
else
	echo "logs: the searched name is in no log... ok"
fi
if grep -q '"GET /api/patients HTTP/[0-9.]*" 502' "$var/nginx/logs/access.log"; then
	echo "logs: the access log keeps the failure's path and status... ok"
else
	echo "logs: the access log keeps the failure's path and status... fail: $(tail -3 "$var/nginx/logs/access.log")"
fi

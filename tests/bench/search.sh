#!/usr/bin/env bash
# tests/bench/search.sh — the latency of GET /api/patients?q= on a generated clinic of N patients
# (tests/bench/gen.sql, then `nalamdesk-admin rekey` for the sound keys), through nginx and the
# release programs (build/bin), one request at a time on one kept TLS connection (curl, many URLs).
# Four kinds of query, p50 and p99 (ms) of each:
#   name      names found as written (parts A and B of patients.c: today's name search)
#   sound     spellings found only by their sound (part C: kaarthik, laxmi, ilanko, charavanan, ...)
#   nothing   queries that find nobody (every part read to its end)
#   digits    four or five digits anywhere in the phone
#
#   N=1000000 RUNS=400 bash tests/bench/search.sh        (defaults: N=100000, RUNS=200 per kind)
# Prints one line a kind and the time the keys took; KEEP=1 keeps the temporary VAR.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
export ND_ROOT=$ROOT
N=${N:-100000}
RUNS=${RUNS:-200}
KEEP=${KEEP:-0}
BIN=$ROOT/build/bin
. "$ROOT/tests/lib/stack.sh"

[[ $N =~ ^[0-9]+$ && $N -ge 100 && $RUNS =~ ^[0-9]+$ && $RUNS -ge 10 ]] || { echo "N >= 100, RUNS >= 10" >&2; exit 2; }
for p in nalamdesk-admin patients auth; do
	[[ -x $BIN/$p ]] || { echo "search.sh: build first (make): no $BIN/$p" >&2; exit 2; }
done
TMP=$(mktemp -d /tmp/nd-bsearch.XXXXXX)
chmod 0755 "$TMP"
var=$TMP/var
db=$var/db/nalamdesk.db
cleanup() {
	stack_stop
	[[ $KEEP = 1 ]] && echo "kept $TMP" || rm -rf -- "$TMP"
}
trap cleanup EXIT

"$BIN/nalamdesk-admin" --var "$var" migrate > "$TMP/migrate.log"
pw="desk-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$pw" | "$BIN/nalamdesk-admin" --var "$var" user add --username benchdesk \
	--name "Bench Desk" --role frontdesk > /dev/null
uid=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'benchdesk'")
t0=$SECONDS
sqlite3 -bail "$db" "CREATE TEMP TABLE p AS SELECT $N AS n, 1 AS hist, 1 AS hvisits, 1 AS drafts,
	'$(TZ=Asia/Kolkata date +%F)' AS today, $uid AS uid;" ".read $ROOT/tests/bench/gen.sql" > "$TMP/gen.log"
gen=$((SECONDS - t0))
t0=$SECONDS
"$BIN/nalamdesk-admin" --var "$var" rekey > "$TMP/rekey.log"
rekey=$((SECONDS - t0))
echo "search.sh: $N patients generated in ${gen} s; sound keys written in ${rekey} s ($(du -sh "$var/db" | cut -f1))"

port=$(free_port)
base=https://127.0.0.1:$port
export ND_ADMIN_PASSWORD="adm-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" ND_BIN=$BIN
stack_start "$var" "$port" --workers 1 || exit 1
cookie=$(curl -sk -o /dev/null -D - -H 'Content-Type: application/json' -H "Origin: $base" \
	--data "{\"username\":\"benchdesk\",\"password\":\"$pw\"}" "$base/api/auth/login" |
	awk 'tolower($1) == "set-cookie:" && $2 ~ /^nd_session=/ { sub(/;.*/, "", $2); print $2; exit }')
[[ -n $cookie ]] || { echo "search.sh: cannot sign in" >&2; exit 1; }

declare -A Q=(
	[name]="ra|ravi|kumar|lakshmi|rav kum|sel|murugan|முரு|karthik raja|s"
	[sound]="kaarthik|laxmi|ilanko|charavanan|muruhan selvum|seetha|kaa|radha kirishnan|shenthil|raajesh"
	[nothing]="zzqx|qwxz kumar|xylophone|zzzz zzzz|வஂஃ"
	[digits]="43210|12345|98765|7777|0000"
)
# One kind: RUNS requests cycling through its queries, one connection; prints p50 p99 (ms).
measure() {
	local kind=$1 urls=() q i=0 IFS='|'
	read -ra qs <<< "${Q[$kind]}"
	while ((i < RUNS)); do
		q=${qs[i % ${#qs[@]}]}
		urls+=(-o /dev/null "$base/api/patients?q=$(printf '%s' "$q" | jq -sRr @uri)")
		i=$((i + 1))
	done
	curl -sk -H "Cookie: $cookie" -w '%{http_code} %{time_starttransfer} %{time_pretransfer} %{url_effective}\n' "${urls[@]}" |
		awk '{ printf "%.3f %s %s\n", ($2 - $3) * 1000, $1, $4 }' | sort -n > "$TMP/$kind.times"
	# The slowest query of the kind, by its worst time (DETAIL=1: each query's median and worst).
	if [[ ${DETAIL:-0} == 1 ]]; then
		sort -k3,3 -k1,1n "$TMP/$kind.times" | awk '{ q = $3; sub(/.*q=/, "", q); n[q]++; t[q, n[q]] = $1 }
			END { for (q in n) printf "      %-40s median %7.2f ms  worst %7.2f ms\n", q, t[q, int((n[q] + 1) / 2)], t[q, n[q]] }'
	fi
	cat "$TMP/$kind.times" |
		awk -v k="$kind" '$2 != 200 { bad++ } { t[NR] = $1 }
		END { n = NR; i99 = int(n * 0.99); if (i99 < n * 0.99) i99++
			printf "  %-8s %4d requests  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  non-200 %d\n",
			k, n, t[int(n * 0.5) + 1], t[i99], t[n], bad }'
}
echo "search.sh: GET /api/patients?q= (server time: first byte minus request sent), 1 worker"
for kind in name sound nothing digits; do
	measure "$kind"
done

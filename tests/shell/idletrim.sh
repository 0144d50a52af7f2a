#!/usr/bin/env bash
# idletrim.sh — a worker that goes idle gives its memory back (cgi-bin/lib/serve.c fcgi_loop():
# 250 ms after its last request, db_shrink() releases the SQLite page cache and malloc_trim()
# the heap's free pages). Run on the release programs (build/bin): ASan's allocator keeps what
# is freed, so the main test stack cannot show it. Patients workers read a generated clinic of
# 20,000 patients through a deep page (each such read fills the 4 MiB page cache); their RssAnon
# is read as soon as the answers are in, and again 1.5 s later.
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
export ND_ROOT=$ROOT
. "$ROOT/tests/drills/lib.sh"
export ND_BIN=$ROOT/build/bin
NAME="idle trim: patients workers give their page cache and heap back once idle"
if [ ! -x "$ND_BIN/patients" ] || [ ! -x "$ND_BIN/nalamdesk-admin" ]; then
	echo "$NAME... skip: the release programs are not built (make all)"
	exit 0
fi
drill_init idletrim
VAR=$OUT/var
DB=$VAR/db/nalamdesk.db
PW="desk-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
{
	"$ND_BIN/nalamdesk-admin" --var "$VAR" migrate &&
		printf '%s\n' "$PW" | "$ND_BIN/nalamdesk-admin" --var "$VAR" user add \
			--username trimdesk --name "Trim Desk" --role frontdesk &&
		uid=$(sqlite3 "$DB" "SELECT id FROM users WHERE username = 'trimdesk'") &&
		sqlite3 -bail "$DB" "CREATE TEMP TABLE p AS SELECT 20000 AS n, 1 AS hist, 0 AS hvisits,
			0 AS drafts, '$(date +%F)' AS today, $uid AS uid;" ".read $ROOT/tests/bench/gen.sql"
} > "$OUT/gen.log" 2>&1 || { echo "$NAME... fail: the clinic was not generated: $(tail -3 "$OUT/gen.log")"; exit 1; }
PORT=$(free_port)
if ! drill_start "$VAR" "$PORT"; then
	echo "$NAME... fail: the stack did not start: $(tail -3 "$VAR.log" | tr '\n' ' ')"
	exit 1
fi
PIDS=$(pgrep -f "^$VAR/app/bin/patients( |\$)" | tr '\n' ' ')

# Up to three tries: the first reading must come within 250 ms of the last answer, which a
# machine busy with something else may miss.
PIDS="$PIDS" node - "https://127.0.0.1:$PORT" "$PW" <<'EOF' > "$OUT/trim.txt" 2>&1
const fs = require('node:fs');
const { Client, login, sleep } = require(process.env.ND_ROOT + '/tests/drills/http.js');
const pids = process.env.PIDS.trim().split(/\s+/);
const anon = () => pids.reduce((s, p) =>
  s + Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))[1]), 0);
(async () => {
  const c = new Client(process.argv[2], { sockets: 8 });
  const cookie = await login(c, 'trimdesk', process.argv[3]);
  let best = null;
  for (let k = 0; k < 3; k++) {
    const rest = anon();
    const res = await Promise.all(Array.from({ length: 8 },
      () => c.request('GET', '/api/patients?limit=1&offset=19990', { cookie })));
    const busy = anon();
    await sleep(1500);
    const idle = anon();
    const r = { rest, busy, idle, codes: res.map((x) => x.status).join(',') };
    console.log(JSON.stringify(r));
    if (!best || busy - idle > best.busy - best.idle) best = r;
    if (busy - idle >= 2048) break;
  }
  console.log('RESULT ' + JSON.stringify(best));
  c.close();
})();
EOF
res=$(sed -n 's/^RESULT //p' "$OUT/trim.txt")
if [ -z "$res" ]; then
	echo "$NAME... fail: $(tail -3 "$OUT/trim.txt" | tr '\n' ' ')"
	exit 1
fi
read -r codes busy idle < <(node -e 'const r = JSON.parse(process.argv[1]);
	console.log(r.codes, r.busy, r.idle)' "$res")
if [ "${codes//200,/}" != "200" ]; then
	echo "$NAME... fail: the deep pages were not all answered 200: $codes"
elif ((busy - idle >= 2048)); then
	echo "$NAME (RssAnon of the two $((busy / 1024)) MiB busy, $((idle / 1024)) MiB idle)... ok"
else
	echo "$NAME... fail: RssAnon $busy KiB just after the reads, $idle KiB 1.5 s later (want 2 MiB less): $(cat "$OUT/trim.txt" | tr '\n' ' ')"
fi

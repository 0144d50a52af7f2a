#!/usr/bin/env bash
# drill-crash.sh — the crash drill of tests/drills/crash.sh, scaled down for `make test`:
# 40 SIGKILLs of random pool workers and 3 of the whole stack (restarted on the same VAR) while
# clients write; then every acknowledged write, the tokens, receipt numbers and integrity are
# checked on the database. `make soak` runs the full counts (1,000 and 50).
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
DRILL_WORKER_KILLS=${DRILL_WORKER_KILLS:-40} DRILL_STACK_KILLS=${DRILL_STACK_KILLS:-3} \
	DRILL_INTERVAL=${DRILL_INTERVAL:-0.15} exec bash "$ROOT/tests/drills/crash.sh"

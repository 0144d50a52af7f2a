#!/usr/bin/env bash
# drill-longreader.sh — tests/drills/longreader.sh scaled down for `make test`: a sqlite3 read
# transaction held for 10 s while clients write; every write must finish, and the WAL's growth
# while checkpoints are starved is reported.
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
DRILL_READER_SECONDS=${DRILL_READER_SECONDS:-10} exec bash "$ROOT/tests/drills/longreader.sh"

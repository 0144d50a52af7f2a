#!/usr/bin/env bash
# drill-diskfull.sh — the disk-full drill of tests/drills/diskfull.sh (a 24 MiB tmpfs VAR filled
# until writes fail: 507/503 JSON, integrity ok, writes resume once space returns). Needs root
# for the mount; says "skip" otherwise.
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
exec bash "$ROOT/tests/drills/diskfull.sh"

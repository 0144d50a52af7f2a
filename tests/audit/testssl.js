'use strict';
// testssl.js — the verdict on testssl.sh's JSON findings (--jsonfile).
//
//   node tests/audit/testssl.js FINDINGS.json
//
// One check line per finding of severity LOW, MEDIUM, HIGH or CRITICAL ("fail"), except the
// WAIVED ones below, which are printed as "skip" with the reason; one line saying how many
// findings there were in all. A scan that produced no findings at all fails (it did not run).
const fs = require('node:fs');

// Findings that are about the kind of deployment, not a weakness of this server. Each needs a
// reason a reviewer can check; keep this list short.
const WAIVED = {
  cert_revocation: 'the certificate comes from the clinic\'s own LAN CA (deploy/net.sh), which runs no OCSP responder or CRL; browsers do not check revocation for a locally imported root',
  DNS_CAArecord: 'the server is reached by a LAN address, and CAA records bind public CAs only',
};
const SEVERE = new Set(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

const file = process.argv[2];
let findings;
try {
  const j = JSON.parse(fs.readFileSync(file, 'utf8'));
  findings = Array.isArray(j) ? j : (j.scanResult || []).flatMap((s) => Object.values(s).filter(Array.isArray).flat());
} catch (e) {
  console.log(`testssl: the scan produced its findings... fail: ${file}: ${e.message}`);
  process.exit(1);
}
let failed = 0;
if (!findings.length) {
  console.log(`testssl: the scan produced its findings... fail: none in ${file}`);
  process.exit(1);
}
const severe = findings.filter((f) => SEVERE.has(f.severity));
const counts = {};
for (const f of findings) counts[f.severity] = (counts[f.severity] || 0) + 1;
console.log(`# testssl: ${findings.length} findings by severity: ${JSON.stringify(counts)}`);
for (const f of severe) {
  const what = `testssl: ${f.id} (${f.severity})`;
  if (WAIVED[f.id]) console.log(`${what}... skip: waived: ${WAIVED[f.id]} [finding: ${f.finding}]`);
  else { failed++; console.log(`${what}... fail: ${f.finding}`); }
}
const scanProblems = findings.filter((f) => f.id === 'scanProblem' || (f.severity === 'FATAL'));
if (scanProblems.length) { failed++; console.log(`testssl: the scan ran to its end... fail: ${scanProblems.map((f) => f.finding).join(' | ')}`); }
// The findings above each have their line; this one says "ok" when none of them failed.
if (severe.every((f) => WAIVED[f.id])) console.log(`testssl: no finding of LOW or above but the waived ones (${severe.length} waived)... ok`);
process.exitCode = failed ? 1 : 0;

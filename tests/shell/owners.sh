#!/usr/bin/env bash
# owners.sh — a clinic rule about an entity several programs touch lives in
# that entity's module (docs/LAYOUT-NOTES.md): the SQL that writes queue
# entries only in lib/qentry.c, staff accounts only in lib/users.c, audit
# rows only in lib/audit.c, and the one "counts as money taken" rule of a
# payment only in lib/payment.h (PAYMENT_COUNTS, PAYMENT_COUNTS_Y).
# Reads only the sources: no stack.
set -u
cd "${ND_ROOT:-.}" || exit 1

# owner NAME PATTERN FILE: PATTERN (grep -E, case-insensitive) is in no
# cgi-bin source but FILE.
owner() {
	local name=$1 pat=$2 own=$3 others
	others=$(grep -rliE --include='*.c' --include='*.h' "$pat" cgi-bin | grep -vx "$own" | tr '\n' ' ')
	if [ -n "$others" ]; then
		echo "owners: $name only in $own... fail: also in $others"
	else
		echo "owners: $name only in $own... ok"
	fi
}
owner "queue entries written" '(INSERT INTO|UPDATE|DELETE FROM) queue[ (]' cgi-bin/lib/qentry.c
owner "staff accounts written" '(INSERT INTO|UPDATE|DELETE FROM) users[ (]' cgi-bin/lib/users.c
owner "sign-in failures written" '(INSERT INTO|UPDATE|DELETE FROM) login_failures[ (]' cgi-bin/lib/users.c
owner "audit rows written" 'INSERT INTO audit[ (]' cgi-bin/lib/audit.c
owner "the payment that counts" 'voided_at IS (NOT )?NULL' cgi-bin/lib/payment.h

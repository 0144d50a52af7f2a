#!/usr/bin/env bash
# system-install.sh — the real `sudo make install` (no DESTDIR), run where it cannot harm this
# machine: in a private mount namespace whose /etc, /var, /usr/local and /run are overlays
# (every write lands in a temporary directory) and a private network namespace (the firewall
# table and the ports are its own). Proves: the system user, the ownership and modes of the
# state, the database and first user, the wrapper on PATH, the firewall table loaded, Debian's
# own nginx.conf accepting the site, a pool started the way its socket unit starts it (socket
# as nalamdesk:www-data 0660 on standard input, multiwatch, user nalamdesk) answering through
# Debian's nginx over TLS trusted via the clinic CA; then re-install as an upgrade (backup
# first, data kept), restore through the wrapper (systemctl stop/start, ownership kept), and
# uninstall keeping the data, PURGE=1 removing it.
# Needs root, unshare, overlayfs and the run-time packages already installed (no network here).
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${ND_OUT:-/tmp}

skip_all() {
	echo "system install: sudo make install in an overlay of this machine... skip: $1"
	exit 0
}
[[ $(id -u) == 0 ]] || skip_all "needs root"
command -v unshare >/dev/null || skip_all "needs unshare (util-linux)"
for p in nginx multiwatch sqlite3 openssl nftables libfcgi0ldbl libyajl2 libargon2-1 libsqlite3-0 ca-certificates; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		skip_all "package $p is not installed (the overlay has no network to install it)"
done
command -v python3 >/dev/null || skip_all "needs python3"
[[ -x $ROOT/build/bin/nalamdesk-admin ]] || skip_all "build first (make)"

T=$(mktemp -d "$OUT/ops-sysinst.XXXXXX")
chmod 0755 "$T"
export T ROOT
if ! unshare -m -n true 2>/dev/null; then
	rm -rf "$T"
	skip_all "unshare -m -n is not permitted here"
fi

unshare -m -n bash -s <<'INNER'
set -u
FAILED=0
ok() { echo "system install: $1... ok"; }
fail() { echo "system install: $1... fail: $2"; FAILED=1; }
for d in etc var usr/local run; do
	n=${d//\//_}
	mkdir -p "$T/$n.up" "$T/$n.work"
	if ! mount -t overlay overlay -o "lowerdir=/$d,upperdir=$T/$n.up,workdir=$T/$n.work" "/$d"; then
		echo "system install: sudo make install in an overlay of this machine... skip: overlayfs is not permitted here"
		exit 0
	fi
done
ip link set lo up
mkdir -p /etc/nalamdesk
cat >/etc/nalamdesk/network.conf <<'EOF'
SERVER_ADDRESSES=192.168.77.10
SERVER_NAMES="doctor-pc doctor-pc.local"
ALLOW="192.168.77.21"
HTTPS_PORT=443
HTTP_PORT=80
EOF
S=/var/lib/nalamdesk
USER_BEFORE=0
id -u nalamdesk >/dev/null 2>&1 && USER_BEFORE=1
cd "$ROOT"

if NALAMDESK_ADMIN_PASSWORD=first-login-pw-77 make --no-print-directory install >"$T/install.log" 2>&1; then
	ok "sudo make install completes"
else
	fail "sudo make install completes" "$(tail -4 "$T/install.log" | tr '\n' ' ')"
	exit 1
fi
# The clinic's zone is Asia/Kolkata on a new install: a PC keeping other time is told so.
if cmp -s /etc/localtime /usr/share/zoneinfo/Asia/Kolkata; then want_tz=0; else want_tz=1; fi
got_tz=0
grep -q "not in the clinic's time zone (Asia/Kolkata).*timedatectl set-timezone Asia/Kolkata" "$T/install.log" && got_tz=1
if [[ $got_tz == "$want_tz" ]]; then
	ok "the install warns exactly when the PC's clock is not in the clinic's time zone ($(readlink /etc/localtime))"
else
	fail "the install warns exactly when the PC's clock is not in the clinic's time zone" "warned $got_tz, want $want_tz"
fi
own=$(stat -c '%U:%G %a' "$S" "$S/db" "$S/db/nalamdesk.db" "$S/backups" "$S/ca" "$S/ca/ca.key" | paste -sd' ')
want="nalamdesk:nalamdesk 700 nalamdesk:nalamdesk 700 nalamdesk:nalamdesk 600 nalamdesk:nalamdesk 700 root:root 700 root:root 600"
if id -u nalamdesk >/dev/null 2>&1 && [[ $own == "$want" ]] &&
	[[ $(getent passwd nalamdesk | cut -d: -f7) == /usr/sbin/nologin ]]; then
	ok "system user nalamdesk (no login) owns the state; the CA key is root's"
else
	fail "system user nalamdesk (no login) owns the state; the CA key is root's" "got $own"
fi
if [[ $(nalamdesk-admin user count 2>&1) == 1 ]]; then
	ok "the database exists with the first user; nalamdesk-admin is on PATH with the installed state"
else
	fail "the database exists with the first user; nalamdesk-admin is on PATH" "$(nalamdesk-admin user count 2>&1)"
fi
if nft list table inet nalamdesk 2>/dev/null | grep -q '192.168.77.21'; then
	ok "the firewall table is loaded with the allowed PC"
else
	fail "the firewall table is loaded with the allowed PC" "$(nft list tables 2>&1)"
fi
if nginx -t -q 2>"$T/nginxt.log" && [[ ! -e /etc/nginx/sites-enabled/default ]]; then
	ok "Debian's nginx.conf accepts the site; the default site is disabled"
else
	fail "Debian's nginx.conf accepts the site; the default site is disabled" "$(tr '\n' ' ' <"$T/nginxt.log")"
fi

# The auth pool as nalamdesk@auth.socket + .service start it, then Debian's nginx.
[[ -d /run/nalamdesk ]] || systemd-tmpfiles --create /etc/tmpfiles.d/nalamdesk.conf
python3 - <<'EOF' &
import grp, os, pwd, socket
p = "/run/nalamdesk/auth.sock"
s = socket.socket(socket.AF_UNIX)
s.bind(p)
os.chown(p, pwd.getpwnam("nalamdesk").pw_uid, grp.getgrnam("www-data").gr_gid)
os.chmod(p, 0o660)
s.listen(256)
os.dup2(s.fileno(), 0)
os.execvp("setpriv", ["setpriv", "--reuid=nalamdesk", "--regid=nalamdesk", "--clear-groups",
    "env", "NALAMDESK_DB=/var/lib/nalamdesk/db/nalamdesk.db", "NALAMDESK_VAR=/var/lib/nalamdesk",
    "/usr/bin/multiwatch", "-f", "2", "--", "/usr/local/lib/nalamdesk/auth"])
EOF
POOL=$!
nginx
for _ in $(seq 1 50); do [[ -S /run/nalamdesk/auth.sock ]] && break; sleep 0.1; done
sleep 0.3
body=$(curl -s --cacert /etc/nalamdesk/tls/ca.crt --resolve doctor-pc.local:443:127.0.0.1 \
	https://doctor-pc.local/api/health 2>&1)
# Only this pool's workers: other stacks (the test runner's own) may run an `auth` too.
pool_users=$(ps -o user:32=,args= -C auth | awk '$2 == "/usr/local/lib/nalamdesk/auth" { print $1 }' | sort -u | paste -sd' ')
if [[ $body == *'"status":"ok"'* ]] && [[ $pool_users == nalamdesk ]]; then
	ok "Debian's nginx serves the API from a socket-activated pool running as nalamdesk"
else
	fail "Debian's nginx serves the API from a socket-activated pool running as nalamdesk" "got $body; pool workers run as: '$pool_users'; all: $(ps -o user:12=,args= -C auth | tr '\n' ' ')"
fi
if [[ $(readlink -f "$S/app/bin") == /usr/local/lib/nalamdesk && -r $S/tls/server.crt ]] &&
	! setpriv --reuid=nalamdesk --regid=nalamdesk --clear-groups cat "$S/tls/server.key" >/dev/null 2>&1 &&
	setpriv --reuid=nalamdesk --regid=nalamdesk --clear-groups cat "$S/tls/server.crt" >/dev/null 2>&1; then
	ok "VAR/app/bin and VAR/tls lead to the installed programs and certificate; the key stays root's"
else
	fail "VAR/app/bin and VAR/tls lead to the installed programs and certificate; the key stays root's" "$(ls -la "$S")"
fi
nginx -s stop 2>/dev/null
kill "$POOL" 2>/dev/null
pkill -P "$POOL" 2>/dev/null
wait "$POOL" 2>/dev/null

# Upgrade: run again; a checked backup first, the user and the data kept.
printf 'front-counter-pw-12\n' | nalamdesk-admin user add --username frontdesk1 --name FD --role frontdesk >/dev/null
if make --no-print-directory install >"$T/upgrade.log" 2>&1 && ls "$S"/backups/pre-upgrade-*.db >/dev/null 2>&1 &&
	[[ $(nalamdesk-admin user count) == 2 ]] && grep -q 'upgraded in place' "$T/upgrade.log"; then
	ok "re-install upgrades in place: backup first, data kept"
else
	fail "re-install upgrades in place: backup first, data kept" "$(tail -3 "$T/upgrade.log" | tr '\n' ' ')"
fi

# Restore through the wrapper: it stops and starts nalamdesk.target (a stand-in systemctl here),
# and the restored database stays the service user's.
mkdir -p "$T/bin"
printf '#!/bin/sh\necho "$*" >>%s/systemctl.log\n' "$T" >"$T/bin/systemctl"
chmod +x "$T/bin/systemctl"
pre=$(ls "$S"/backups/pre-upgrade-*.db | head -1)
printf 'ward-round-pw-1234\n' | nalamdesk-admin user add --username doctor1 --name Dr --role doctor >/dev/null
if PATH=$T/bin:$PATH nalamdesk-admin restore "$pre" >"$T/restore.log" 2>&1 &&
	[[ $(paste -sd, "$T/systemctl.log") == "stop nalamdesk.target,start nalamdesk.target" ]] &&
	[[ $(stat -c %U "$S/db/nalamdesk.db") == nalamdesk ]] && [[ $(nalamdesk-admin user count) == 2 ]]; then
	ok "restore via nalamdesk-admin: stops and starts nalamdesk.target, keeps ownership"
else
	fail "restore via nalamdesk-admin: stops and starts nalamdesk.target, keeps ownership" \
		"$(paste -sd, "$T/systemctl.log" 2>/dev/null) owner $(stat -c %U "$S/db/nalamdesk.db") $(tail -2 "$T/restore.log" | tr '\n' ' ')"
fi

# The sysadmin's copy in root's private directory (as from a USB disk mounted for root): the
# service user cannot read it, restore still can, and the result is the service user's.
mkdir -p "$T/rootonly"
chmod 0700 "$T/rootonly"
cp "$pre" "$T/rootonly/copy.db"
chmod 0600 "$T/rootonly/copy.db"
if PATH=$T/bin:$PATH nalamdesk-admin restore "$T/rootonly/copy.db" >"$T/restore2.log" 2>&1 &&
	[[ $(stat -c %U "$S/db/nalamdesk.db") == nalamdesk ]] && [[ $(nalamdesk-admin user count) == 2 ]]; then
	ok "restore from a file only root can read"
else
	fail "restore from a file only root can read" "$(tail -2 "$T/restore2.log" | tr '\n' ' ')"
fi

# sudo nalamdesk-admin backup/verify with files and a passphrase only root can read or write.
printf 'root only passphrase\n' >"$T/rootonly/pass"
chmod 0600 "$T/rootonly/pass"
if nalamdesk-admin backup "$T/rootonly/b.db" >"$T/b.log" 2>&1 &&
	nalamdesk-admin verify "$T/rootonly/b.db" >"$T/v.log" 2>&1 &&
	nalamdesk-admin backup --passphrase-file "$T/rootonly/pass" "$T/rootonly/b.db.enc" >>"$T/b.log" 2>&1 &&
	nalamdesk-admin verify --passphrase-file "$T/rootonly/pass" "$T/rootonly/b.db.enc" >>"$T/v.log" 2>&1 &&
	grep -q "^$T/rootonly/b.db.enc: good" "$T/v.log" && ! ls -A "$S/backups" | grep -q '^\.'; then
	ok "sudo backup and verify to and from places only root can reach (plain and encrypted)"
else
	fail "sudo backup and verify to and from places only root can reach" "$(tail -2 "$T/b.log" | tr '\n' ' ') $(tail -2 "$T/v.log" | tr '\n' ' ')"
fi

make --no-print-directory uninstall >"$T/uninstall.log" 2>&1
if [[ ! -e /usr/local/lib/nalamdesk && ! -e /etc/systemd/system/nalamdesk@.service &&
	! -e /etc/nginx/sites-enabled/nalamdesk.conf && -e $S/db/nalamdesk.db && -e /etc/nalamdesk/network.conf ]] &&
	! nft list table inet nalamdesk >/dev/null 2>&1 && nginx -t -q 2>/dev/null; then
	ok "sudo make uninstall removes programs, units, site and firewall table, keeps the data"
else
	fail "sudo make uninstall removes programs, units, site and firewall table, keeps the data" "$(tail -2 "$T/uninstall.log" | tr '\n' ' ')"
fi
make --no-print-directory uninstall PURGE=1 >"$T/purge.log" 2>&1
# The user goes too, unless it was there before (e.g. made by `make run` as root, whose pools may
# be running on this machine: processes are shared with the host, and userdel refuses then).
if [[ ! -e $S && ! -e /etc/nalamdesk ]] && { ((USER_BEFORE)) || ! id -u nalamdesk >/dev/null 2>&1; }; then
	ok "sudo make uninstall PURGE=1 removes the data, configuration and user"
else
	fail "sudo make uninstall PURGE=1 removes the data, configuration and user" "$(tail -2 "$T/purge.log" | tr '\n' ' ')"
fi
exit "$FAILED"
INNER
rc=$?
((rc == 0)) && rm -rf "$T"
exit "$rc"

#!/usr/bin/env bash
# deploy/install.sh — what `make install`, `make uninstall` and `make configure` run.
#
#   install    [--prefix P] [--destdir D] --bin DIR --src DIR
#   uninstall  [--prefix P] [--destdir D] [--purge]
#   configure  [--prefix P] [--destdir D]
#
# Without DESTDIR this is a system install on Debian 12 / Ubuntu 22.04+, as root:
#   packages; the system user nalamdesk; programs in P/lib/nalamdesk, `nalamdesk-admin` in
#   P/bin; the front end and templates in P/share/nalamdesk; config in /etc/nalamdesk; state
#   in /var/lib/nalamdesk (0700, nalamdesk only); systemd units (one socket + one pool per
#   program, a target for all, the firewall, the backup and certificate timers); the nginx
#   site; the clinic CA and server certificate; the firewall rules. Then the database is
#   migrated, the first user made, and everything (re)started.
# Run again, it upgrades in place: it takes a checked backup first
# (/var/lib/nalamdesk/backups/pre-upgrade-<time>.db), stops the pools, replaces the programs,
# migrates, starts them. Data, configuration, CA and certificate are kept.
#
# With DESTDIR (packaging, tests): the same files under DESTDIR, the configuration generated
# there (CA and certificate included), and no change to the running system: no packages, no
# user, no systemctl, no database.
set -euo pipefail
umask 022
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

readonly PROGRAMS=(auth admin patients queue appointments billing visits changes export)
readonly SVC_USER=nalamdesk WEB_USER=www-data
readonly SYSCONF=/etc/nalamdesk STATE=/var/lib/nalamdesk RUNDIR=/run/nalamdesk
readonly UNITDIR=/etc/systemd/system TMPFILES=/etc/tmpfiles.d/nalamdesk.conf
readonly NGINX_SITES=/etc/nginx/sites-available NGINX_ENABLED=/etc/nginx/sites-enabled
readonly UNITS=(nalamdesk@.socket nalamdesk@.service nalamdesk.target nalamdesk-firewall.service
	nalamdesk-backup.service nalamdesk-backup.timer nalamdesk-cert.service nalamdesk-cert.timer)
# Run-time packages (the build needs the -dev ones: deploy/deps.sh).
# libpwquality1 with cracklib-runtime (its dictionary) checks new passwords; ICU (libicuNN, its
# number is the release's: the one the build linked) puts names in normal form.
ICU_PKG=$(dpkg-query -W -f='${Package}\n' 'libicu[0-9]*' 2>/dev/null | grep -E '^libicu[0-9]+$' | head -n 1) || true
readonly PACKAGES=(nginx multiwatch sqlite3 openssl nftables libfcgi0ldbl libyajl2 libargon2-1 libmd0
	libqrencode4 libsqlite3-0 ca-certificates libpwquality1 cracklib-runtime "${ICU_PKG:-libicu72}")

say() { printf 'install: %s\n' "$*"; }
warn() { printf 'install: warning: %s\n' "$*" >&2; }
die() { printf 'install: error: %s\n' "$*" >&2; exit 1; }

CMD=${1:-}
[[ $CMD == install || $CMD == uninstall || $CMD == configure ]] ||
	die "usage: deploy/install.sh install|uninstall|configure [options] (see the file's header)"
shift
PREFIX=/usr/local DESTDIR="" BIN="" SRC="" PURGE=0
while (($#)); do
	case $1 in
	--prefix) PREFIX=${2:?}; shift ;;
	--destdir) DESTDIR=${2-}; shift ;;
	--bin) BIN=${2:?}; shift ;;
	--src) SRC=${2:?}; shift ;;
	--purge) PURGE=1 ;;
	*) die "unknown option $1" ;;
	esac
	shift
done
[[ $PREFIX == /* && $PREFIX != *[[:space:]]* ]] || die "PREFIX must be an absolute path without spaces"
[[ -z $DESTDIR || $DESTDIR == /* ]] || DESTDIR=$(pwd)/$DESTDIR
DESTDIR=${DESTDIR%/}
readonly BINDIR=$PREFIX/bin LIBEXEC=$PREFIX/lib/nalamdesk SHARE=$PREFIX/share/nalamdesk
readonly HTDOCS=$PREFIX/share/nalamdesk/htdocs
D=$DESTDIR
SYSTEM=0
[[ -n $DESTDIR ]] || SYSTEM=1
SYSTEMD=0
[[ -d /run/systemd/system ]] && SYSTEMD=1
if ((SYSTEM)) && ((EUID != 0)); then
	die "a system $CMD needs root: sudo make $CMD (or give DESTDIR=... to stage the files)"
fi

# Fills the @PLACEHOLDERS@ of a deploy/ file with this install's paths.
subst() {
	sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@LIBEXEC@|$LIBEXEC|g" -e "s|@SHARE@|$SHARE|g" \
		-e "s|@ND_HTDOCS@|$HTDOCS|g" -e "s|@SYSCONF@|$SYSCONF|g" -e "s|@STATE@|$STATE|g" \
		-e "s|@RUNDIR@|$RUNDIR|g" -e "s|@NGINX_SITES@|$NGINX_SITES|g" \
		-e "s|@NGINX_ENABLED@|$NGINX_ENABLED|g" -- "$1"
}

# put MODE SRC DEST: install a file with its placeholders filled.
put() {
	local tmp
	mkdir -p -- "$(dirname "$3")"
	tmp=$(mktemp "$3.XXXXXX")
	subst "$2" >"$tmp"
	chmod "$1" "$tmp"
	mv -f -- "$tmp" "$3"
}

# ------------------------------------------------------------------ system parts

install_packages() {
	local p missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	command -v apt-get >/dev/null || die "not Debian/Ubuntu (no apt-get): install ${missing[*]} yourself"
	say "installing packages: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get could not install ${missing[*]} (try: apt-get update)"
}

ensure_user() {
	if ! id -u "$SVC_USER" >/dev/null 2>&1; then
		useradd --system --user-group --home-dir "$STATE" --no-create-home \
			--shell /usr/sbin/nologin --comment "NalamDesk clinic server" "$SVC_USER"
		say "created the system user $SVC_USER"
	fi
	id -u "$WEB_USER" >/dev/null 2>&1 || die "no user $WEB_USER (Debian's nginx package makes it)"
}

# The running system's database, backed up (and checked) by the NEW tool before anything else
# changes. A failure stops the upgrade with nothing changed.
pre_upgrade_backup() {
	local f
	f=$STATE/backups/pre-upgrade-$(date -u +%Y%m%dT%H%M%SZ).db
	say "upgrade: backing up the database to $f"
	"$BIN/nalamdesk-admin" --var "$STATE" backup "$f" >/dev/null ||
		die "the backup before the upgrade failed (run: $BIN/nalamdesk-admin --var $STATE backup /tmp/x.db to see why); nothing was changed"
}

unit_instances() { # the units to enable for the programs that were installed (and signin)
	local p
	for p in "${INSTALLED[@]}" "${EXTRA_INSTALLED[@]}"; do
		printf 'nalamdesk@%s.socket nalamdesk@%s.service ' "$p" "$p"
	done
}

# nginx's part of the connection limits (conf/nginx.conf.in, events): the site file cannot set
# them, so the system nginx gets them here. Its open-file limit by a systemd drop-in; its
# worker_connections (Debian ships 768) raised in /etc/nginx/nginx.conf when lower, the file
# kept otherwise as the sysadmin left it.
nginx_limits() {
	local conf=$D/etc/nginx/nginx.conf dropin=$D/etc/systemd/system/nginx.service.d n
	mkdir -p -- "$dropin"
	printf '%s\n' "# Written by NalamDesk's install: 8192 connections per nginx worker need the files." \
		"[Service]" "LimitNOFILE=16384" >"$dropin/nalamdesk.conf"
	[[ -f $conf ]] || return 0
	n=$(sed -n 's/^[[:space:]]*worker_connections[[:space:]]\{1,\}\([0-9]\{1,\}\);.*/\1/p' "$conf" | head -n 1)
	if [[ -n $n ]] && ((n < 8192)); then
		sed -i.nalamdesk-bak 's/^\([[:space:]]*worker_connections[[:space:]]\{1,\}\)[0-9]\{1,\};/\18192;/' "$conf"
		say "raised nginx's worker_connections from $n to 8192 in /etc/nginx/nginx.conf (was kept as nginx.conf.nalamdesk-bak)"
	fi
	if ! grep -q '^[[:space:]]*worker_rlimit_nofile' "$conf"; then
		sed -i 's/^\([[:space:]]*worker_processes[^;]*;\)/\1\nworker_rlimit_nofile 16384;/' "$conf"
	fi
}

first_user() {
	local admin=$LIBEXEC/nalamdesk-admin count password generated=0
	count=$(NALAMDESK_SERVICE='' "$admin" --var "$STATE" user count) || die "'nalamdesk-admin user count' failed"
	((count == 0)) || return 0
	password=${NALAMDESK_ADMIN_PASSWORD:-}
	if [[ -z $password ]]; then
		password=$(openssl rand -base64 60 | tr -dc 'A-Za-z0-9')
		password=${password:0:20}
		generated=1
	fi
	printf '%s\n' "$password" | "$admin" --var "$STATE" user add --username admin \
		--name Administrator --role admin >/dev/null || die "could not create the user admin"
	if ((generated)); then
		printf '\n  ==================================================================\n'
		printf '    first sign-in:  admin / %s\n' "$password"
		printf '    write it down, it is not shown again\n'
		printf '  ==================================================================\n\n'
	else
		say "created the user admin with the password from NALAMDESK_ADMIN_PASSWORD"
	fi
}

# The LAN address and name for a new network.conf (the sysadmin checks them).
default_network_conf() {
	local addr name
	addr=$(ip -o -4 addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }') || true
	name=$(hostname -s 2>/dev/null || true)
	[[ $name =~ ^[A-Za-z0-9-]+$ ]] || name=""
	subst "$SRC/deploy/network.conf" |
		sed -e "s|@SERVER_ADDRESSES@|${addr}|" -e "s|@SERVER_NAMES@|\"${name:+$name $name.local}\"|"
}

# ------------------------------------------------------------------ install

do_install() {
	local p tmp stage
	[[ -n $BIN && -n $SRC ]] || die "install needs --bin and --src"
	[[ -x $BIN/nalamdesk-admin ]] || die "no $BIN/nalamdesk-admin: build first (make)"
	INSTALLED=() MISSING=()
	for p in "${PROGRAMS[@]}"; do
		if [[ -x $BIN/$p ]]; then INSTALLED+=("$p"); else MISSING+=("$p"); fi
	done
	((${#MISSING[@]} == 0)) || warn "not built, so not installed: ${MISSING[*]} (their /api/ paths answer 503)"
	# The sign-in pool runs the auth program on a socket of its own (deploy/run.sh EXTRA_POOLS).
	EXTRA_INSTALLED=()
	[[ ! -x $BIN/auth ]] || EXTRA_INSTALLED=(signin)

	UPGRADE=0
	if ((SYSTEM)); then
		install_packages
		ensure_user
		if [[ -e $STATE/db/nalamdesk.db ]]; then
			UPGRADE=1
			pre_upgrade_backup
			if ((SYSTEMD)); then
				systemctl stop nalamdesk.target 2>/dev/null || true
			fi
		fi
	fi

	# Programs: the pools run these copies, never the build tree.
	mkdir -p -- "$D$LIBEXEC" "$D$BINDIR"
	for p in nalamdesk-admin "${INSTALLED[@]}"; do
		install -m 0755 -- "$BIN/$p" "$D$LIBEXEC/$p"
	done
	((${#EXTRA_INSTALLED[@]} == 0)) || ln -sfn auth "$D$LIBEXEC/signin"
	put 0755 "$SRC/deploy/net.sh" "$D$LIBEXEC/nalamdesk-net"
	put 0755 "$SRC/deploy/nalamdesk-admin.in" "$D$BINDIR/nalamdesk-admin"

	# Templates, the front end and the documentation.
	mkdir -p -- "$D$SHARE/doc"
	install -m 0644 -- "$SRC/conf/nginx.conf.in" "$SRC/conf/security-headers.conf" \
		"$SRC/deploy/nginx-site.awk" "$D$SHARE/"
	put 0644 "$SRC/deploy/network.conf" "$D$SHARE/network.conf.example"
	[[ ! -e $SRC/docs/operations.md ]] || install -m 0644 -- "$SRC/docs/operations.md" "$D$SHARE/doc/"
	stage=$(mktemp -d "$D$SHARE/.htdocs.XXXXXX")
	cp -RL --preserve=timestamps -- "$SRC/htdocs/." "$stage/"
	bash "$SRC/deploy/shell-manifest.sh" "$stage"	# the offline worker's files (htdocs/sw.js)
	chmod -R u=rwX,go=rX "$stage"
	rm -rf -- "$D$HTDOCS"
	mv -- "$stage" "$D$HTDOCS"

	# systemd units and the socket directory.
	for p in "${UNITS[@]}"; do put 0644 "$SRC/deploy/systemd/$p" "$D$UNITDIR/$p"; done
	nginx_limits
	put 0644 "$SRC/deploy/tmpfiles.conf" "$D$TMPFILES"

	# Configuration: made once, then the sysadmin's.
	mkdir -p -- "$D$SYSCONF"
	chmod 0755 "$D$SYSCONF"
	if [[ ! -e $D$SYSCONF/network.conf ]]; then
		tmp=$(mktemp "$D$SYSCONF/.network.XXXXXX")
		default_network_conf >"$tmp"
		chmod 0644 "$tmp"
		mv -- "$tmp" "$D$SYSCONF/network.conf"
		say "created $SYSCONF/network.conf: check SERVER_ADDRESSES, add the front-desk PCs to ALLOW"
	fi
	[[ -e $D$SYSCONF/backup.conf ]] || put 0644 "$SRC/deploy/backup.conf" "$D$SYSCONF/backup.conf"
	if [[ ! -e $D$SYSCONF/backup.passphrase ]]; then
		# 24 characters of base32 in groups: ~120 bits, easy to copy onto paper.
		tmp=$(mktemp "$D$SYSCONF/.pass.XXXXXX")
		openssl rand 15 | base32 | tr -d '=\n' | sed 's/.\{4\}/&-/g; s/-$//' >"$tmp"
		echo >>"$tmp"
		chmod 0640 "$tmp"
		((!SYSTEM)) || chown "root:$SVC_USER" "$tmp"
		mv -- "$tmp" "$D$SYSCONF/backup.passphrase"
		say "made the passphrase of the encrypted backup copies: $SYSCONF/backup.passphrase (write it down)"
	fi

	# State: the service user's alone. The CA key inside it is root's alone.
	mkdir -p -- "$D$STATE/db" "$D$STATE/backups"
	chmod 0700 "$D$STATE" "$D$STATE/db" "$D$STATE/backups"
	if ((SYSTEM)); then
		chown "$SVC_USER:$SVC_USER" "$STATE" "$STATE/db" "$STATE/backups"
		chown -R "$SVC_USER:$SVC_USER" "$STATE/db" "$STATE/backups"
	fi

	# The VAR layout of docs/LAYOUT-NOTES.md, where the admin program's status screen looks
	# (VAR/app/bin: which pools run; VAR/tls/server.crt: when it expires), pointing at the
	# installed places. The server key there stays root's.
	mkdir -p -- "$D$STATE/app"
	chmod 0755 "$D$STATE/app"
	ln -sfn -- "$LIBEXEC" "$D$STATE/app/bin"
	ln -sfn -- "$SYSCONF/tls" "$D$STATE/tls"
	# The admin program seals the backups it takes with the same passphrase as the tool's copies.
	ln -sfn -- "$SYSCONF/backup.passphrase" "$D$STATE/backup.key"

	# Allow-list, certificate, nginx site, firewall rules: from network.conf.
	if ((SYSTEM)); then
		"$LIBEXEC/nalamdesk-net" apply --no-reload
	else
		"$D$LIBEXEC/nalamdesk-net" apply --root "$D" --no-reload
		say "staged under $D (no system change)"
		return 0
	fi

	# The running system.
	command -v systemd-tmpfiles >/dev/null && systemd-tmpfiles --create "$TMPFILES" || true
	NALAMDESK_SERVICE='' "$LIBEXEC/nalamdesk-admin" --var "$STATE" migrate | sed 's/^/install: /'
	first_user
	clock_zone_check
	# Debian's "Welcome to nginx" site would answer on port 80 to anyone: ours replaces it.
	if [[ -L $NGINX_ENABLED/default ]]; then
		rm -f -- "$NGINX_ENABLED/default"
		say "disabled nginx's default site ($NGINX_ENABLED/default; $NGINX_SITES/default is kept)"
	fi
	nginx -t -q || die "nginx -t failed (above)"
	nft -f "$SYSCONF/nalamdesk.nft" || warn "the firewall rules could not be loaded (nft -f $SYSCONF/nalamdesk.nft)"
	if ((SYSTEMD)); then
		systemctl daemon-reload
		# shellcheck disable=SC2046
		systemctl enable --quiet nalamdesk.target $(unit_instances) nalamdesk-firewall.service \
			nalamdesk-backup.timer nalamdesk-cert.timer
		systemctl restart nalamdesk-firewall.service
		systemctl start nalamdesk.target $(unit_instances)
		systemctl start nalamdesk-backup.timer nalamdesk-cert.timer
		systemctl enable --quiet nginx
		if systemctl is-active --quiet nginx; then systemctl reload nginx; else systemctl restart nginx; fi
	else
		warn "systemd is not running here: the units are installed but not started"
	fi
	if ((UPGRADE)); then
		say "upgraded in place; the database was backed up first into $STATE/backups"
	else
		say "installed. Next: edit $SYSCONF/network.conf, run 'sudo nalamdesk-admin net apply',"
		say "then on each front-desk PC open https://<this PC>/ca.crt (docs: $SHARE/doc/operations.md)"
	fi
}

# The backup timer keeps the PC's clock, not the clinic's settings.timezone: say so when the
# two keep other time (the admin's Status screen says it too).
clock_zone_check() {
	local zone
	zone=$(sqlite3 -readonly "$STATE/db/nalamdesk.db" "SELECT value FROM settings WHERE key = 'timezone'" 2>/dev/null) || return 0
	[[ -n $zone && -f /usr/share/zoneinfo/$zone && -e /etc/localtime ]] || return 0
	cmp -s /etc/localtime "/usr/share/zoneinfo/$zone" ||
		warn "this PC's clock is not in the clinic's time zone ($zone): the backups would run at the wrong hours; run: sudo timedatectl set-timezone $zone"
}

# ------------------------------------------------------------------ uninstall

do_uninstall() {
	local p u units=()
	for u in "${UNITS[@]}"; do [[ $u == *@.* ]] || units+=("$u"); done
	if ((SYSTEM && SYSTEMD)); then
		for p in "${PROGRAMS[@]}" signin; do units+=("nalamdesk@$p.socket" "nalamdesk@$p.service"); done
		systemctl disable --now --quiet "${units[@]}" 2>/dev/null || true
	fi
	if ((SYSTEM)); then
		nft delete table inet nalamdesk 2>/dev/null || true
	fi
	for u in "${UNITS[@]}"; do rm -f -- "$D$UNITDIR/$u"; done
	# nginx's raised limits (nginx_limits) stay: harmless, and the sysadmin's file now.
	((SYSTEM && SYSTEMD)) && systemctl daemon-reload
	rm -f -- "$D$NGINX_ENABLED/nalamdesk.conf" "$D$NGINX_SITES/nalamdesk.conf" "$D$TMPFILES" \
		"$D$BINDIR/nalamdesk-admin"
	rm -rf -- "$D$LIBEXEC" "$D$SHARE"
	if ((SYSTEM)); then
		rm -rf -- "$RUNDIR"
		if nginx -t -q 2>/dev/null; then
			if ((SYSTEMD)) && systemctl is-active --quiet nginx; then systemctl reload nginx; fi
		fi
	fi
	if ((PURGE)); then
		rm -rf -- "$D$STATE" "$D$SYSCONF"
		((SYSTEM)) && id -u "$SVC_USER" >/dev/null 2>&1 && userdel "$SVC_USER" 2>/dev/null || true
		say "removed NalamDesk, its DATA ($STATE: database, backups, CA) and its configuration"
	else
		say "removed the programs, units and site; kept the data ($STATE) and configuration ($SYSCONF)"
		say "(make uninstall PURGE=1 removes those too: copy $STATE/backups somewhere first)"
	fi
}

case $CMD in
install) do_install ;;
uninstall) do_uninstall ;;
configure)
	if ((SYSTEM)); then
		exec "$LIBEXEC/nalamdesk-net" apply
	else
		exec "$D$LIBEXEC/nalamdesk-net" apply --root "$D" --no-reload
	fi
	;;
esac

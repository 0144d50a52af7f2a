#!/usr/bin/env bash
# nalamdesk-net — turns /etc/nalamdesk/network.conf (the one file the sysadmin edits) into:
#   - /etc/nalamdesk/allow.conf        the nginx allow-list
#   - /etc/nalamdesk/tls/server.{crt,key}  a certificate from the clinic's own CA, with the
#                                      doctor's PC's addresses and names as SANs
#   - /etc/nalamdesk/tls/ca.crt        that CA's certificate, served at https://<pc>/ca.crt
#   - /etc/nginx/sites-available/nalamdesk.conf (+ the sites-enabled link), from
#     share/nalamdesk/nginx.conf.in through nginx-site.awk, plus the port-80 redirect
#   - /etc/nalamdesk/nalamdesk.nft     the firewall: the HTTPS and HTTP ports open to the
#                                      allowed addresses only
# then checks them (nft -c, nginx -t), and only then loads the rules and reloads nginx. When a
# check fails, the previous files are put back and nothing running changes.
#
# Usage: nalamdesk-net apply [--new-ca] | renew | check   (normally as `nalamdesk-admin net ...`)
#   apply     regenerate everything from network.conf, check, load, reload
#   renew     only renew the server certificate if it expires within 30 days (daily timer)
#   check     validate network.conf and print what apply would use
#   --new-ca  start a new clinic CA (every PC must then import the new ca.crt)
# Options for `make install DESTDIR=...` (no system changes): --root DIR (read and write every
# file under DIR, paths inside the files stay the real ones), --no-reload.
#
# The CA key (P-256) stays in /var/lib/nalamdesk/ca (root, 0700). The CA is name-constrained:
# it can vouch only for private addresses (10/8, 172.16/12, 192.168/16, fc00::/7, fe80::/10,
# loopback, and the addresses in network.conf when it was made) and LAN names (.local, .lan,
# .home.arpa, .internal, localhost and the names in network.conf when it was made), so a copy
# of its key cannot impersonate the bank's website to the front-desk browsers that trust it.
set -euo pipefail
umask 022
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

# Paths: filled in by deploy/install.sh.
SYSCONF=@SYSCONF@
STATE=@STATE@
SHARE=@SHARE@
HTDOCS=@ND_HTDOCS@
RUN=@RUNDIR@
NGINX_SITES=@NGINX_SITES@
NGINX_ENABLED=@NGINX_ENABLED@

readonly CA_DAYS=3650        # the CA every PC imports once: ten years
readonly CERT_DAYS=397       # the server certificate; renewed 30 days before it ends
readonly RENEW_SECONDS=$((30 * 86400))
readonly LOGIN_RATE=10r/m LOGIN_BURST=10 RETRY_AFTER=6

say() { printf 'nalamdesk-net: %s\n' "$*"; }
die() { printf 'nalamdesk-net: error: %s\n' "$*" >&2; exit 1; }

ROOT="" RELOAD=1 NEW_CA=0 CMD=""
while (($#)); do
	case $1 in
	apply | renew | check) CMD=$1 ;;
	--root) ROOT=${2:?--root DIR}; shift ;;
	--no-reload) RELOAD=0 ;;
	--new-ca) NEW_CA=1 ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (apply | renew | check; see --help)" ;;
	esac
	shift
done
[[ -n $CMD ]] || die "usage: nalamdesk-net apply | renew | check"
if ((RELOAD)) && [[ $CMD != check ]] && ((EUID != 0)); then
	die "run as root (sudo nalamdesk-admin net $CMD)"
fi

CONF=$ROOT$SYSCONF/network.conf
TLS=$ROOT$SYSCONF/tls
CA=$ROOT$STATE/ca

# ------------------------------------------------------------------ network.conf

# IPv4 address or CIDR, every octet 0-255.
is_ipv4() {
	local a=${1%/*} p o
	[[ $1 == */* ]] && { p=${1#*/}; [[ $p =~ ^[0-9]{1,2}$ ]] && ((p <= 32)) || return 1; }
	[[ $a =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
	for o in "${BASH_REMATCH[@]:1}"; do ((10#$o <= 255)) || return 1; done
}
# IPv6 address or CIDR: hex groups and colons (nginx and nft check the rest).
is_ipv6() {
	local a=${1%/*} p
	[[ $1 == */* ]] && { p=${1#*/}; [[ $p =~ ^[0-9]{1,3}$ ]] && ((p <= 128)) || return 1; }
	[[ $a == *:*:* || $a == *::* ]] && [[ $a =~ ^[0-9A-Fa-f:]+$ ]] && ((${#a} <= 39))
}
is_name() { [[ $1 =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$ ]]; }
is_port() { [[ $1 =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }

# Reads KEY=VALUE lines (no shell evaluation: this runs as root).
read_conf() {
	[[ -r $CONF ]] || die "no $CONF (see docs/operations.md, 'Install')"
	SERVER_ADDRESSES="" SERVER_NAMES="" ALLOW="" HTTPS_PORT=443 HTTP_PORT=80
	local line key val n=0
	while IFS= read -r line || [[ -n $line ]]; do
		n=$((n + 1))
		line=${line%%#*}
		[[ $line =~ ^[[:space:]]*$ ]] && continue
		[[ $line =~ ^[[:space:]]*([A-Z_]+)[[:space:]]*=[[:space:]]*(.*)$ ]] ||
			die "$CONF line $n: expected KEY=value, got: $line"
		key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		val=${val%"${val##*[![:space:]]}"}
		[[ $val == \"*\" ]] && val=${val:1:-1}
		case $key in
		SERVER_ADDRESSES | SERVER_NAMES | ALLOW | HTTPS_PORT | HTTP_PORT) printf -v "$key" '%s' "$val" ;;
		*) die "$CONF line $n: unknown setting $key" ;;
		esac
	done <"$CONF"
	local a
	for a in $SERVER_ADDRESSES; do
		is_ipv4 "$a" || is_ipv6 "$a" || die "$CONF: SERVER_ADDRESSES: '$a' is not an IP address"
		[[ $a != */* ]] || die "$CONF: SERVER_ADDRESSES: '$a': one address, not a network"
	done
	for a in $SERVER_NAMES; do is_name "$a" || die "$CONF: SERVER_NAMES: '$a' is not a host name"; done
	for a in $ALLOW; do
		is_ipv4 "$a" || is_ipv6 "$a" || die "$CONF: ALLOW: '$a' is not an address or network (e.g. 192.168.1.21 or 192.168.1.0/24)"
	done
	is_port "$HTTPS_PORT" || die "$CONF: HTTPS_PORT: '$HTTPS_PORT' is not a port"
	[[ $HTTP_PORT == off ]] || is_port "$HTTP_PORT" || die "$CONF: HTTP_PORT: '$HTTP_PORT' is not a port (or off)"
	[[ $HTTP_PORT != "$HTTPS_PORT" ]] || die "$CONF: HTTP_PORT and HTTPS_PORT are the same"
	[[ -n $SERVER_ADDRESSES ]] || say "warning: SERVER_ADDRESSES is empty: only https://localhost/ will have a valid certificate"
	[[ -n $ALLOW ]] || say "warning: ALLOW is empty: only this PC itself can use NalamDesk"
}

# ------------------------------------------------------------------ certificates

# SAN list for the server certificate: this PC's addresses and names, and loopback.
wanted_sans() {
	local s="DNS:localhost" a
	for a in $SERVER_NAMES; do s+=",DNS:$a"; done
	s+=",IP:127.0.0.1,IP:::1"
	for a in $SERVER_ADDRESSES; do s+=",IP:$a"; done
	printf '%s' "$s"
}

# The SANs asked for, in a canonical order. server.sans beside the certificate records what it
# was issued for (openssl prints IPv6 addresses in another form than network.conf's).
canon_sans() { printf '%s' "$1" | tr ',' '\n' | sort | paste -sd, -; }

make_ca() {
	local tmp dns="" a
	if [[ -s $CA/ca.key && -s $CA/ca.crt ]] && ((!NEW_CA)); then
		return 0
	fi
	if [[ -e $CA/ca.key ]]; then
		mv -- "$CA" "$CA.old-$(date -u +%Y%m%dT%H%M%SZ)"
		say "the previous CA was moved aside; every PC must import the new ca.crt"
	fi
	mkdir -p -- "$CA"
	chmod 0700 "$CA"
	tmp=$(mktemp -d "$CA/.new.XXXXXX")
	for a in local lan home.arpa internal localhost $SERVER_NAMES; do
		dns+=",permitted;DNS:$a"
	done
	# This PC's own addresses too, should one not be private.
	for a in $SERVER_ADDRESSES; do
		if [[ $a == *:* ]]; then
			dns+=",permitted;IP:$a/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
		else
			dns+=",permitted;IP:$a/255.255.255.255"
		fi
	done
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
		-days "$CA_DAYS" -keyout "$tmp/ca.key" -out "$tmp/ca.crt" \
		-subj "/O=NalamDesk/CN=NalamDesk clinic CA $(hostname -s 2>/dev/null || echo pc) $(date -u +%Y-%m-%d)" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash" \
		-addext "nameConstraints=critical,permitted;IP:10.0.0.0/255.0.0.0,permitted;IP:172.16.0.0/255.240.0.0,permitted;IP:192.168.0.0/255.255.0.0,permitted;IP:127.0.0.0/255.0.0.0,permitted;IP:fc00::/fe00::,permitted;IP:fe80::/ffc0::,permitted;IP:::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff$dns" \
		2>"$tmp/err" || { cat "$tmp/err" >&2; rm -rf -- "$tmp"; die "openssl could not make the CA"; }
	chmod 0600 "$tmp/ca.key"
	mv -f -- "$tmp/ca.key" "$CA/ca.key"
	mv -f -- "$tmp/ca.crt" "$CA/ca.crt"
	rm -rf -- "$tmp"
	say "made the clinic CA $CA/ca.crt (valid $CA_DAYS days)"
	NEW_CERT_REASON="new CA"
}

# Issues server.{crt,key} when missing, for other SANs, from another CA, or ending within 30 days.
# Sets CERT_CHANGED=1 when it did.
ensure_cert() {
	local want have tmp why=${NEW_CERT_REASON:-}
	CERT_CHANGED=0
	mkdir -p -- "$TLS"
	chmod 0755 "$TLS"
	want=$(canon_sans "$(wanted_sans)")
	if [[ -z $why ]]; then
		if [[ ! -s $TLS/server.crt || ! -s $TLS/server.key ]]; then
			why="no certificate yet"
		elif ! openssl verify -CAfile "$CA/ca.crt" "$TLS/server.crt" >/dev/null 2>&1; then
			why="not issued by the current CA"
		elif [[ $(cat -- "$TLS/server.sans" 2>/dev/null) != "$want" ]]; then
			why="addresses or names changed"
		elif ! openssl x509 -in "$TLS/server.crt" -noout -checkend "$RENEW_SECONDS" >/dev/null; then
			why="ends within 30 days"
		fi
	fi
	[[ -n $why ]] || return 0
	tmp=$(mktemp -d "$TLS/.new.XXXXXX")
	chmod 0700 "$tmp"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
		-subj "/O=NalamDesk/CN=NalamDesk server" -keyout "$tmp/server.key" -out "$tmp/server.csr" \
		2>"$tmp/err" || { cat "$tmp/err" >&2; rm -rf -- "$tmp"; die "openssl could not make a key"; }
	cat >"$tmp/ext" <<-EOF
		basicConstraints=critical,CA:FALSE
		keyUsage=critical,digitalSignature
		extendedKeyUsage=serverAuth
		subjectKeyIdentifier=hash
		authorityKeyIdentifier=keyid
		subjectAltName=$(wanted_sans)
	EOF
	openssl x509 -req -in "$tmp/server.csr" -CA "$CA/ca.crt" -CAkey "$CA/ca.key" \
		-set_serial "0x$(openssl rand -hex 16)" -days "$CERT_DAYS" -sha256 \
		-extfile "$tmp/ext" -out "$tmp/server.crt" 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; rm -rf -- "$tmp"; die "openssl could not sign the certificate"; }
	# The CA's name constraints must cover every SAN, or browsers refuse the certificate.
	if ! openssl verify -CAfile "$CA/ca.crt" "$tmp/server.crt" >"$tmp/err" 2>&1; then
		cat "$tmp/err" >&2
		rm -rf -- "$tmp"
		die "the clinic CA does not cover these addresses or names (it covers private addresses and .local/.lan/.home.arpa/.internal names and the names it was made with): change network.conf, or start a new CA with 'nalamdesk-admin net apply --new-ca' and import it again on every PC"
	fi
	chmod 0600 "$tmp/server.key"
	chmod 0644 "$tmp/server.crt"
	mv -f -- "$tmp/server.key" "$TLS/server.key"
	mv -f -- "$tmp/server.crt" "$TLS/server.crt"
	printf '%s\n' "$want" >"$TLS/server.sans"
	rm -rf -- "$tmp"
	install -m 0644 -- "$CA/ca.crt" "$TLS/ca.crt"
	CERT_CHANGED=1
	say "issued $SYSCONF/tls/server.crt ($why): $(wanted_sans), $CERT_DAYS days"
}

# ------------------------------------------------------------------ generated files

sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

render_allow() {
	local a
	printf '# GENERATED by nalamdesk-net from %s: edit that file, then run\n' "$SYSCONF/network.conf"
	printf '#   sudo nalamdesk-admin net apply\n'
	for a in $ALLOW; do printf 'allow %s;\n' "$a"; done
}

render_site() {
	local listen="" a redirect
	listen="\\1$(sed_escape "0.0.0.0:$HTTPS_PORT default_server")\\2\\n\\1$(sed_escape "[::]:$HTTPS_PORT default_server")\\2"
	printf '# GENERATED by nalamdesk-net from %s and %s:\n' "$SHARE/nginx.conf.in" "$SYSCONF/network.conf"
	printf '# edit network.conf and run `sudo nalamdesk-admin net apply`; this file is rewritten.\n'
	sed -e '/^[[:space:]]*#/b' \
		-e "s|^\\(.*\\)@LISTEN@\\(.*\\)\$|$listen|" \
		-e "s|@VAR@|$(sed_escape "$STATE")|g" \
		-e "s|@PORT@|$HTTPS_PORT|g" \
		-e "s|@HTDOCS@|$(sed_escape "$HTDOCS")|g" \
		-e "s|@RUN@|$(sed_escape "$RUN")|g" \
		-e "s|@TLSDIR@|$(sed_escape "$SYSCONF/tls")|g" \
		-e "s|@ALLOW_FILE@|$(sed_escape "$SYSCONF/allow.conf")|g" \
		-e "s|@CONFDIR@|$(sed_escape "$SYSCONF")|g" \
		-e "s|@LOGIN_RATE@|$LOGIN_RATE|g" \
		-e "s|@LOGIN_BURST@|$LOGIN_BURST|g" \
		-e "s|@RETRY_AFTER@|$RETRY_AFTER|g" \
		-e "s|@FASTCGI_KEEP_CONN@|on|g" \
		-- "$ROOT$SHARE/nginx.conf.in" |
		awk -v access_log=/var/log/nginx/nalamdesk-access.log \
			-v error_log=/var/log/nginx/nalamdesk-error.log -f "$ROOT$SHARE/nginx-site.awk"
	[[ $HTTP_PORT != off ]] || return 0
	redirect='https://$host$request_uri'
	[[ $HTTPS_PORT == 443 ]] || redirect="https://\$host:$HTTPS_PORT\$request_uri"
	cat <<-EOF

		# Plain http://<this PC>/ sends the browser to https; no page, no API. The one exception is
		# /ca.crt, the clinic CA, so that a front-desk PC that does not trust it yet can fetch it
		# without a certificate warning (it is public; the import steps compare its thumbprint).
		# The firewall keeps machines that are not allowed away from this port; for /ca.crt the
		# allow-list applies too (a return, below, runs before nginx checks access).
		server {
		    listen 0.0.0.0:$HTTP_PORT default_server;
		    listen [::]:$HTTP_PORT default_server;
		    server_name _;
		    server_tokens off;
		    access_log /var/log/nginx/nalamdesk-access.log nalamdesk buffer=64k flush=2s;
		    error_log /var/log/nginx/nalamdesk-error.log warn;
		    location = /ca.crt {
		        allow 127.0.0.1;
		        allow ::1;
		        include $SYSCONF/allow.conf;
		        deny all;
		        types { }
		        default_type application/x-x509-ca-cert;
		        alias $SYSCONF/tls/ca.crt;
		    }
		    location / {
		        return 301 $redirect;
		    }
		}
	EOF
}

render_nft() {
	local a v4="" v6="" ports=$HTTPS_PORT
	[[ $HTTP_PORT == off ]] || ports="$HTTP_PORT, $HTTPS_PORT"
	local e4="" e6=""
	for a in $ALLOW; do
		if [[ $a == *:* ]]; then v6+="${v6:+, }$a"; else v4+="${v4:+, }$a"; fi
	done
	[[ -z $v4 ]] || e4="elements = { $v4 }"
	[[ -z $v6 ]] || e6="elements = { $v6 }"
	cat <<-EOF
		#!/usr/sbin/nft -f
		# GENERATED by nalamdesk-net from $SYSCONF/network.conf: edit that file, then run
		#   sudo nalamdesk-admin net apply
		# NalamDesk's own table: the web ports ($ports) open to the allowed machines and to this PC
		# only. The programs listen on unix sockets, never on the network, so nothing else of
		# NalamDesk is reachable. Other ports are left to the machine's own firewall: a packet
		# must pass every table's input chain, so this table only ever takes away.
		table inet nalamdesk
		delete table inet nalamdesk
		table inet nalamdesk {
		    set allowed4 {
		        type ipv4_addr
		        flags interval
		        auto-merge
		        $e4
		    }
		    set allowed6 {
		        type ipv6_addr
		        flags interval
		        auto-merge
		        $e6
		    }
		    chain input {
		        type filter hook input priority filter - 10; policy accept;
		        iif "lo" accept
		        tcp dport { $ports } ip saddr @allowed4 accept
		        tcp dport { $ports } ip6 saddr @allowed6 accept
		        tcp dport { $ports } counter drop
		    }
		}
	EOF
}

# install_if_changed NEW DEST MODE: replaces DEST with NEW, keeping DEST.prev for rollback.
# Sets CHANGED+=1 when the content differs.
replace_file() {
	local new=$1 dest=$2 mode=$3
	chmod "$mode" "$new"
	if [[ -e $dest ]] && cmp -s -- "$new" "$dest"; then
		rm -f -- "$new"
		return 0
	fi
	[[ ! -e $dest ]] || cp -p -- "$dest" "$dest.prev"
	mv -f -- "$new" "$dest"
	CHANGED=$((CHANGED + 1))
	ROLLBACK+=("$dest")
}

rollback() {
	local f
	for f in "${ROLLBACK[@]}"; do
		if [[ -e $f.prev ]]; then mv -f -- "$f.prev" "$f"; else rm -f -- "$f"; fi
	done
	say "the previous files were put back; nothing running was changed"
}

nginx_reload() {
	if [[ -d /run/systemd/system ]]; then
		if systemctl is-active --quiet nginx; then systemctl reload nginx; else systemctl restart nginx; fi
	elif [[ -s /run/nginx.pid ]]; then
		nginx -s reload
	else
		say "nginx is not running here: start it (systemctl start nginx)"
	fi
}

apply() {
	local tmp
	read_conf
	CHANGED=0 ROLLBACK=()
	mkdir -p -- "$ROOT$SYSCONF" "$ROOT$NGINX_SITES" "$ROOT$NGINX_ENABLED"
	NEW_CERT_REASON=""
	make_ca
	ensure_cert

	tmp=$(mktemp "$ROOT$SYSCONF/.allow.XXXXXX")
	render_allow >"$tmp"
	replace_file "$tmp" "$ROOT$SYSCONF/allow.conf" 0644
	install -m 0644 -- "$ROOT$SHARE/security-headers.conf" "$ROOT$SYSCONF/security-headers.conf"
	tmp=$(mktemp "$ROOT$SYSCONF/.site.XXXXXX")
	render_site >"$tmp" || { rm -f -- "$tmp"; die "could not render the nginx site"; }
	# A placeholder added to the template but not filled here must fail now, not in nginx.
	if grep -n '@[A-Z_][A-Z_]*@' "$tmp" | grep -v '^[0-9]*:[[:space:]]*#' >&2; then
		rm -f -- "$tmp"
		die "placeholders above are not filled in by nalamdesk-net"
	fi
	replace_file "$tmp" "$ROOT$NGINX_SITES/nalamdesk.conf" 0644
	ln -sfn -- "$NGINX_SITES/nalamdesk.conf" "$ROOT$NGINX_ENABLED/nalamdesk.conf"
	tmp=$(mktemp "$ROOT$SYSCONF/.nft.XXXXXX")
	render_nft >"$tmp"
	replace_file "$tmp" "$ROOT$SYSCONF/nalamdesk.nft" 0644

	if ((!RELOAD)); then
		say "wrote the files under ${ROOT:-/} (not loaded: --no-reload)"
		rm -f -- "${ROLLBACK[@]/%/.prev}"
		return 0
	fi
	if ! nft -c -f "$SYSCONF/nalamdesk.nft"; then
		rollback
		die "nft rejected $SYSCONF/nalamdesk.nft"
	fi
	if ! nginx -t -q; then
		rollback
		die "nginx -t failed (above); a mistake in $SYSCONF/network.conf is the usual cause"
	fi
	nft -f "$SYSCONF/nalamdesk.nft"
	nginx_reload
	rm -f -- "${ROLLBACK[@]/%/.prev}"
	say "applied: allowed ${ALLOW:-nobody but this PC}; https port $HTTPS_PORT; certificate for $(wanted_sans)"
}

renew() {
	read_conf
	[[ -s $CA/ca.key ]] || die "no clinic CA yet: run 'nalamdesk-admin net apply'"
	NEW_CERT_REASON=""
	ensure_cert
	if ((CERT_CHANGED && RELOAD)); then
		nginx -t -q || die "nginx -t failed after renewing the certificate"
		nginx_reload
	fi
	((CERT_CHANGED)) || say "the certificate is good for more than 30 days: nothing to do"
}

case $CMD in
apply) apply ;;
renew) renew ;;
check)
	read_conf
	say "network.conf is valid"
	say "server: addresses ${SERVER_ADDRESSES:-none}, names ${SERVER_NAMES:-none}; https $HTTPS_PORT, http $HTTP_PORT"
	say "allowed: ${ALLOW:-nobody but this PC}"
	say "certificate SANs: $(wanted_sans)"
	;;
esac

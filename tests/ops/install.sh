#!/usr/bin/env bash
# install.sh — `make install DESTDIR=...` on this machine, without touching the system:
# the staged files and their permissions, the nginx site under `nginx -t` (in a temporary main
# nginx.conf that includes it like Debian's does, paths moved into DESTDIR) and then SERVING
# https with the clinic CA's certificate, the systemd units under `systemd-analyze verify`
# (and the pools' hardening score), the firewall rules under `nft -c` and then in a network
# namespace against allowed and other addresses, the server certificate under `openssl verify`
# with the expected SANs, re-install keeping configuration, CA and certificate, `net apply`
# after an address change, a bad network.conf refused with nothing changed, and uninstall
# (data kept; PURGE=1 removes it).
set -u
ROOT=${ND_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${ND_OUT:-/tmp}
T=$(mktemp -d "$OUT/ops-install.XXXXXX")
D=$T/root
FAILED=0
NGINX_PID="" POOL_PID="" NS="" HOST_IF=""

ok() { echo "install: $1... ok"; }
fail() { echo "install: $1... fail: $2"; FAILED=1; }
skip() { echo "install: $1... skip: $2"; }
check() { # check NAME WHY command...
	local name=$1 why=$2
	shift 2
	if "$@" >"$T/last.log" 2>&1; then ok "$name"; else fail "$name" "$why ($(tail -3 "$T/last.log" | tr '\n' ' '))"; fi
}
cleanup() {
	[[ -z $NGINX_PID ]] || kill "$NGINX_PID" 2>/dev/null
	[[ -z $POOL_PID ]] || kill -- -"$POOL_PID" 2>/dev/null
	[[ -z $HOST_IF ]] || ip link del "$HOST_IF" 2>/dev/null
	[[ -z $NS ]] || ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

mkdir -p "$D/etc/nalamdesk"
cat >"$D/etc/nalamdesk/network.conf" <<'EOF'
# a clinic: the doctor's PC at .10, two front-desk PCs and a small IPv6 network
SERVER_ADDRESSES="192.168.1.10 fd00:1::10"
SERVER_NAMES="doctor-pc doctor-pc.local"
ALLOW="192.168.1.21 192.168.1.22 fd00:1::/64"
HTTPS_PORT=443
HTTP_PORT=80
EOF

# ------------------------------------------------------------------ make install DESTDIR
if make -C "$ROOT" --no-print-directory install DESTDIR="$D" >"$T/install.log" 2>&1; then
	ok "make install DESTDIR= stages the files"
else
	fail "make install DESTDIR= stages the files" "$(tail -5 "$T/install.log" | tr '\n' ' ')"
	exit 1
fi
L=$D/usr/local/lib/nalamdesk
missing=""
for f in usr/local/bin/nalamdesk-admin usr/local/lib/nalamdesk/nalamdesk-admin \
	usr/local/lib/nalamdesk/nalamdesk-net usr/local/lib/nalamdesk/auth \
	usr/local/share/nalamdesk/htdocs/index.html etc/nginx/sites-available/nalamdesk.conf \
	etc/nginx/sites-enabled/nalamdesk.conf etc/systemd/system/nalamdesk@.service \
	etc/systemd/system/nalamdesk@.socket etc/systemd/system/nalamdesk-backup.timer \
	etc/nalamdesk/allow.conf etc/nalamdesk/nalamdesk.nft etc/nalamdesk/tls/server.crt \
	etc/nalamdesk/tls/server.key etc/nalamdesk/tls/ca.crt var/lib/nalamdesk/ca/ca.key \
	etc/nalamdesk/backup.conf etc/nalamdesk/backup.passphrase etc/tmpfiles.d/nalamdesk.conf; do
	[[ -e $D/$f || -L $D/$f ]] || missing+=" $f"
done
if [[ -z $missing ]]; then ok "every file is in place"; else fail "every file is in place" "missing:$missing"; fi
modes=$(stat -c '%a %n' "$D/var/lib/nalamdesk" "$D/var/lib/nalamdesk/db" "$D/var/lib/nalamdesk/ca" \
	"$D/var/lib/nalamdesk/ca/ca.key" "$D/etc/nalamdesk/tls/server.key" "$D/etc/nalamdesk/backup.passphrase" |
	awk '{ print $1 }' | paste -sd' ')
if [[ $modes == "700 700 700 600 600 640" ]]; then
	ok "state, CA key, server key and passphrase are private"
else
	fail "state, CA key, server key and passphrase are private" "modes $modes, want 700 700 700 600 600 640"
fi
want=$'allow 192.168.1.21;\nallow 192.168.1.22;\nallow fd00:1::/64;'
if [[ $(grep -v '^#' "$D/etc/nalamdesk/allow.conf") == "$want" ]]; then
	ok "allow-list generated from network.conf"
else
	fail "allow-list generated from network.conf" "got: $(tr '\n' ' ' <"$D/etc/nalamdesk/allow.conf")"
fi

# ------------------------------------------------------------------ certificates
CA=$D/etc/nalamdesk/tls/ca.crt CRT=$D/etc/nalamdesk/tls/server.crt
check "server certificate verifies against the clinic CA" "openssl verify" \
	openssl verify -CAfile "$CA" -purpose sslserver "$CRT"
sans=$(openssl x509 -in "$CRT" -noout -ext subjectAltName | tail -n +2 | tr -d ' ' | tr ',' '\n' | sort | paste -sd, -)
want_sans="DNS:doctor-pc,DNS:doctor-pc.local,DNS:localhost,IPAddress:0:0:0:0:0:0:0:1,IPAddress:127.0.0.1,IPAddress:192.168.1.10,IPAddress:FD00:1:0:0:0:0:0:10"
if [[ $sans == "$want_sans" ]]; then ok "server certificate SANs: the PC's addresses and names"; else fail "server certificate SANs: the PC's addresses and names" "got $sans"; fi
check "each SAN checks as a host or IP" "openssl verify -verify_hostname/-verify_ip" bash -c "
	openssl verify -CAfile '$CA' -verify_hostname doctor-pc.local '$CRT' &&
	openssl verify -CAfile '$CA' -verify_ip 192.168.1.10 '$CRT' &&
	openssl verify -CAfile '$CA' -verify_ip fd00:1::10 '$CRT' &&
	! openssl verify -CAfile '$CA' -verify_ip 192.168.1.11 '$CRT'"
check "server key matches its certificate" "public keys differ" bash -c "
	[ \"\$(openssl x509 -in '$CRT' -noout -pubkey)\" = \"\$(openssl pkey -in '$D/etc/nalamdesk/tls/server.key' -pubout)\" ]"
check "the CA is a name-constrained CA, not a server" "extensions" bash -c "
	openssl x509 -in '$CA' -noout -ext basicConstraints,nameConstraints | grep -q 'CA:TRUE' &&
	openssl x509 -in '$CA' -noout -ext nameConstraints | grep -q 'IP:192.168.0.0/255.255.0.0'"
# A certificate for a public name, signed by the same CA key, must not verify (name constraints).
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=x -keyout "$T/evil.key" \
	-out "$T/evil.csr" 2>/dev/null
printf 'subjectAltName=DNS:bank.example.com\n' >"$T/evil.ext"
openssl x509 -req -in "$T/evil.csr" -CA "$CA" -CAkey "$D/var/lib/nalamdesk/ca/ca.key" -days 2 \
	-extfile "$T/evil.ext" -out "$T/evil.crt" 2>/dev/null
if openssl verify -CAfile "$CA" "$T/evil.crt" >/dev/null 2>&1; then
	fail "the CA cannot vouch for a public site (name constraints)" "bank.example.com verified"
else
	ok "the CA cannot vouch for a public site (name constraints)"
fi
check "certificate renewal is due in more than 300 days" "-checkend" \
	openssl x509 -in "$CRT" -noout -checkend $((300 * 86400))

# ------------------------------------------------------------------ nginx -t and serving
port=$((20000 + RANDOM % 20000))
http_port=$((port + 1))
N=$T/nginx
mkdir -p "$N/logs" "$N/tmp" "$N/run"
# Debian's main nginx.conf, reduced: it sets these at http level and includes the sites.
cat >"$N/nginx.conf" <<EOF
pid $N/nginx.pid;
error_log $N/logs/error.log;
events { worker_connections 64; }
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log $N/logs/access.log;
    gzip on;
    client_body_temp_path $N/tmp/body;
    fastcgi_temp_path $N/tmp/fastcgi;
    proxy_temp_path $N/tmp/proxy;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    include $N/site.conf;
}
EOF
sed -e "s|/etc/nalamdesk|$D/etc/nalamdesk|g" -e "s|/usr/local/share/nalamdesk|$D/usr/local/share/nalamdesk|g" \
	-e "s|/var/log/nginx|$N/logs|g" -e "s|/run/nalamdesk|$N/run|g" \
	-e "s|0\.0\.0\.0:443 default_server|127.0.0.1:$port default_server|" -e "/\[::\]:443/d" \
	-e "s|0\.0\.0\.0:80 default_server|127.0.0.1:$http_port default_server|" -e "/\[::\]:80/d" \
	"$D/etc/nginx/sites-available/nalamdesk.conf" >"$N/site.conf"
if nginx -t -q -c "$N/nginx.conf" -g "user $(id -un);" >"$T/nginx-t.log" 2>&1; then
	ok "nginx -t accepts the site inside Debian's http { }"
else
	fail "nginx -t accepts the site inside Debian's http { }" "$(tr '\n' ' ' <"$T/nginx-t.log")"
fi

# The auth pool on the site's socket, a database, nginx: https://doctor-pc.local/ trusted by
# the CA alone, /api/health answered by the pool, /ca.crt serving the CA.
V=$T/var
if command -v spawn-fcgi >/dev/null && [[ -x $L/auth ]]; then
	"$L/nalamdesk-admin" --var "$V" migrate >/dev/null
	setsid env NALAMDESK_DB="$V/db/nalamdesk.db" NALAMDESK_VAR="$V" \
		spawn-fcgi -n -s "$N/run/auth.sock" -M 0666 -- "$L/auth" >"$T/pool.log" 2>&1 &
	POOL_PID=$!
	nginx -c "$N/nginx.conf" -g "daemon off; user $(id -un);" >"$T/nginx.log" 2>&1 &
	NGINX_PID=$!
	for _ in $(seq 1 50); do
		[[ -S $N/run/auth.sock ]] && curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break
		sleep 0.1
	done
	body=$(curl -s --cacert "$CA" --resolve "doctor-pc.local:$port:127.0.0.1" \
		"https://doctor-pc.local:$port/api/health" 2>&1)
	if [[ $body == *'"status":"ok"'* ]]; then
		ok "the site serves https://doctor-pc.local/ trusted through the CA, API on the pool socket"
	else
		fail "the site serves https://doctor-pc.local/ trusted through the CA, API on the pool socket" "got: $body"
	fi
	if curl -s --cacert "$CA" --resolve "doctor-pc.local:$port:127.0.0.1" \
		"https://doctor-pc.local:$port/ca.crt" | cmp -s - "$CA"; then
		ok "/ca.crt offers the clinic CA"
	else
		fail "/ca.crt offers the clinic CA" "different or missing"
	fi
	if curl -s "http://127.0.0.1:$http_port/ca.crt" | cmp -s - "$CA"; then
		ok "http://<pc>/ca.crt offers the CA to a PC that does not trust it yet"
	else
		fail "http://<pc>/ca.crt offers the CA to a PC that does not trust it yet" "different or missing"
	fi
	loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: doctor-pc' "http://127.0.0.1:$http_port/queue")
	if [[ $loc == "301 https://doctor-pc/queue" ]]; then
		ok "port 80 redirects to https"
	else
		fail "port 80 redirects to https" "got $loc"
	fi
	kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; NGINX_PID=""
	kill -- -"$POOL_PID" 2>/dev/null; wait "$POOL_PID" 2>/dev/null; POOL_PID=""
else
	skip "the site serves https://doctor-pc.local/ ..." "needs spawn-fcgi and the auth program"
fi

# ------------------------------------------------------------------ systemd units
if command -v systemd-analyze >/dev/null; then
	U=$T/units
	mkdir -p "$U"
	for f in "$D"/etc/systemd/system/*; do
		sed "s|/usr/local/lib/nalamdesk|$L|g" "$f" >"$U/$(basename "$f")"
	done
	for p in auth patients; do
		cp "$U/nalamdesk@.service" "$U/nalamdesk@$p.service"
		cp "$U/nalamdesk@.socket" "$U/nalamdesk@$p.socket"
	done
	if SYSTEMD_UNIT_PATH=$U: systemd-analyze verify "$U"/nalamdesk@auth.service \
		"$U"/nalamdesk@auth.socket "$U"/nalamdesk@patients.service "$U"/nalamdesk.target \
		"$U"/nalamdesk-firewall.service "$U"/nalamdesk-backup.service "$U"/nalamdesk-backup.timer \
		"$U"/nalamdesk-cert.service "$U"/nalamdesk-cert.timer >"$T/verify.log" 2>&1 &&
		! grep -q . "$T/verify.log"; then
		ok "systemd-analyze verify: every unit"
	elif grep -qi 'system has not been booted\|failed to connect to bus\|No such file or directory.*systemd' "$T/verify.log"; then
		skip "systemd-analyze verify: every unit" "systemd-analyze cannot run here: $(head -1 "$T/verify.log")"
	else
		fail "systemd-analyze verify: every unit" "$(tr '\n' ' ' <"$T/verify.log")"
	fi
	h=$(grep -hE '^(User|NoNewPrivileges|ProtectSystem|ProtectHome|PrivateTmp|ReadWritePaths|RestrictAddressFamilies|SystemCallFilter|CapabilityBoundingSet)=' \
		"$U/nalamdesk@.service" | sort | paste -sd' ')
	want_h="CapabilityBoundingSet= NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes ProtectSystem=strict ReadWritePaths=/var/lib/nalamdesk RestrictAddressFamilies=AF_UNIX SystemCallFilter=@system-service User=nalamdesk"
	if [[ $h == "$want_h" ]]; then ok "pool unit hardening directives"; else fail "pool unit hardening directives" "got $h"; fi
	score=$(SYSTEMD_UNIT_PATH=$U: systemd-analyze security --offline=yes "$U/nalamdesk@auth.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [[ -z $score ]]; then
		skip "pool exposure score below 2.0 (systemd-analyze security)" "no score printed"
	elif awk -v s="$score" 'BEGIN { exit !(s < 2.0) }'; then
		ok "pool exposure score below 2.0 (systemd-analyze security: $score)"
	else
		fail "pool exposure score below 2.0 (systemd-analyze security)" "$score"
	fi
else
	skip "systemd-analyze verify: every unit" "no systemd-analyze (install systemd)"
fi

# ------------------------------------------------------------------ firewall
R=$D/etc/nalamdesk/nalamdesk.nft
if ! command -v nft >/dev/null; then
	skip "nft -c accepts the rules" "no nft (apt-get install nftables)"
elif nft -c -f "$R" >"$T/nft.log" 2>&1; then
	ok "nft -c accepts the rules"
elif grep -qi 'operation not permitted\|netlink' "$T/nft.log"; then
	skip "nft -c accepts the rules" "the kernel refuses netlink here: $(head -1 "$T/nft.log")"
else
	fail "nft -c accepts the rules" "$(tr '\n' ' ' <"$T/nft.log")"
fi
# In a network namespace of our own: the rules loaded there, a listener on 443, and a veth peer
# that connects first from an allowed address, then from another one.
if [[ $(id -u) == 0 ]] && command -v ip >/dev/null && command -v nft >/dev/null &&
	command -v python3 >/dev/null && ip netns add "ndfw$$" 2>/dev/null; then
	NS=ndfw$$ HOST_IF=ndf$$ peer=ndp$$
	ip link add "$HOST_IF" type veth peer name "$peer" &&
		ip link set "$peer" netns "$NS" &&
		ip addr add 192.168.1.21/24 dev "$HOST_IF" && ip addr add 192.168.1.99/24 dev "$HOST_IF" &&
		ip link set "$HOST_IF" up &&
		ip netns exec "$NS" ip addr add 192.168.1.10/24 dev "$peer" &&
		ip netns exec "$NS" ip link set "$peer" up &&
		ip netns exec "$NS" ip link set lo up &&
		ip netns exec "$NS" nft -f "$R"
	ip netns exec "$NS" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 443)); s.listen(8); s.settimeout(15)
try:
    while True:
        c, _ = s.accept(); c.close()
except Exception:
    pass' &
	lpid=$!
	sleep 0.5
	conn() { python3 -c '
import socket, sys
s = socket.socket(); s.settimeout(1.5); s.bind((sys.argv[1], 0))
try:
    s.connect((sys.argv[2], int(sys.argv[3]))); print("open")
except Exception:
    print("blocked")' "$@"; }
	a=$(conn 192.168.1.21 192.168.1.10 443)
	b=$(conn 192.168.1.99 192.168.1.10 443)
	kill "$lpid" 2>/dev/null
	if [[ $a == open && $b == blocked ]]; then
		ok "firewall: an allowed PC reaches 443, another one is dropped"
	else
		fail "firewall: an allowed PC reaches 443, another one is dropped" "allowed: $a, other: $b"
	fi
else
	skip "firewall: an allowed PC reaches 443, another one is dropped" "needs root, iproute2, nft, python3 and network namespaces"
fi

# ------------------------------------------------------------------ re-install, net apply
ca_before=$(openssl x509 -in "$CA" -noout -fingerprint -sha256)
crt_before=$(openssl x509 -in "$CRT" -noout -fingerprint -sha256)
echo "# the sysadmin's note" >>"$D/etc/nalamdesk/network.conf"
if make -C "$ROOT" --no-print-directory install DESTDIR="$D" >"$T/install2.log" 2>&1 &&
	grep -q "the sysadmin's note" "$D/etc/nalamdesk/network.conf" &&
	[[ $(openssl x509 -in "$CA" -noout -fingerprint -sha256) == "$ca_before" ]] &&
	[[ $(openssl x509 -in "$CRT" -noout -fingerprint -sha256) == "$crt_before" ]]; then
	ok "re-install keeps network.conf, the CA and the certificate"
else
	fail "re-install keeps network.conf, the CA and the certificate" "changed ($(tail -2 "$T/install2.log" | tr '\n' ' '))"
fi
sed -i 's/^SERVER_ADDRESSES=.*/SERVER_ADDRESSES="192.168.1.11"/' "$D/etc/nalamdesk/network.conf"
if "$L/nalamdesk-net" apply --root "$D" --no-reload >"$T/apply.log" 2>&1 &&
	openssl verify -CAfile "$CA" -verify_ip 192.168.1.11 "$CRT" >/dev/null 2>&1 &&
	[[ $(openssl x509 -in "$CA" -noout -fingerprint -sha256) == "$ca_before" ]]; then
	ok "net apply after an address change: new certificate, same CA"
else
	fail "net apply after an address change: new certificate, same CA" "$(tail -2 "$T/apply.log" | tr '\n' ' ')"
fi
# Renewal: a certificate ending in 10 days (same SANs, same CA) is replaced by `renew`, the
# daily job of nalamdesk-cert.timer; a fresh one is left alone.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=old \
	-keyout "$T/old.key" -out "$T/old.csr" 2>/dev/null
printf 'subjectAltName=IP:192.168.1.11\n' >"$T/old.ext"
openssl x509 -req -in "$T/old.csr" -CA "$CA" -CAkey "$D/var/lib/nalamdesk/ca/ca.key" -days 10 \
	-extfile "$T/old.ext" -out "$CRT" 2>/dev/null
cp "$T/old.key" "$D/etc/nalamdesk/tls/server.key"
"$L/nalamdesk-net" renew --root "$D" --no-reload >"$T/renew.log" 2>&1
"$L/nalamdesk-net" renew --root "$D" --no-reload >"$T/renew2.log" 2>&1
if grep -q 'ends within 30 days' "$T/renew.log" && grep -q 'nothing to do' "$T/renew2.log" &&
	openssl x509 -in "$CRT" -noout -checkend $((300 * 86400)) >/dev/null &&
	openssl verify -CAfile "$CA" -verify_ip 192.168.1.11 "$CRT" >/dev/null 2>&1; then
	ok "a certificate ending within 30 days is renewed; a fresh one is left alone"
else
	fail "a certificate ending within 30 days is renewed; a fresh one is left alone" "$(tr '\n' ' ' <"$T/renew.log") / $(tr '\n' ' ' <"$T/renew2.log")"
fi
cp "$D/etc/nalamdesk/allow.conf" "$T/allow.before"
sed -i 's/^ALLOW=.*/ALLOW="192.168.1.300"/' "$D/etc/nalamdesk/network.conf"
if ! "$L/nalamdesk-net" apply --root "$D" --no-reload >"$T/bad.log" 2>&1 &&
	grep -q "ALLOW: '192.168.1.300'" "$T/bad.log" && cmp -s "$T/allow.before" "$D/etc/nalamdesk/allow.conf"; then
	ok "a mistake in network.conf is named and changes nothing"
else
	fail "a mistake in network.conf is named and changes nothing" "$(tail -2 "$T/bad.log" | tr '\n' ' ')"
fi

# ------------------------------------------------------------------ uninstall
touch "$D/var/lib/nalamdesk/db/nalamdesk.db"
make -C "$ROOT" --no-print-directory uninstall DESTDIR="$D" >"$T/uninstall.log" 2>&1
if [[ ! -e $L && ! -e $D/usr/local/bin/nalamdesk-admin && ! -e $D/etc/systemd/system/nalamdesk@.service &&
	! -e $D/etc/nginx/sites-available/nalamdesk.conf && -e $D/var/lib/nalamdesk/db/nalamdesk.db &&
	-e $D/etc/nalamdesk/network.conf ]]; then
	ok "uninstall removes programs, units and site, keeps data and configuration"
else
	fail "uninstall removes programs, units and site, keeps data and configuration" "$(tail -2 "$T/uninstall.log" | tr '\n' ' ')"
fi
make -C "$ROOT" --no-print-directory uninstall DESTDIR="$D" PURGE=1 >"$T/purge.log" 2>&1
if [[ ! -e $D/var/lib/nalamdesk && ! -e $D/etc/nalamdesk ]]; then
	ok "uninstall PURGE=1 removes the data too"
else
	fail "uninstall PURGE=1 removes the data too" "still there"
fi

((FAILED == 0)) && rm -rf "$T"
exit "$FAILED"

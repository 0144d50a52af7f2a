#!/usr/bin/env bash
# deploy/run.sh — run NalamDesk in the foreground; what `make run` calls after building.
#
# Prepares the state directory VAR (layout and permissions of docs/LAYOUT-NOTES.md), copies the
# built programs and the front end into VAR/app, migrates the database, creates the first admin
# user and a self-signed certificate when missing, generates VAR/nginx/nginx.conf from
# conf/nginx.conf.in, then starts one FastCGI pool per program (spawn-fcgi + multiwatch) and
# nginx, and watches them: Ctrl-C (or TERM) stops everything it started, and if any of them dies
# on its own, everything is stopped and the script exits non-zero. The services never read the
# source tree, so a rebuild cannot change a running server underneath it.
#
# As root: the pools run as the system user `nalamdesk` (created if missing), nginx as
# `www-data` (even its master), the database is readable by nalamdesk alone. As anyone else:
# everything runs as that user.
set -euo pipefail

readonly PROGRAMS=(auth admin patients queue appointments billing visits changes export)
# Pools that run another program on a socket of their own: `signin` runs `auth` for
# /api/auth/login and /api/auth/password alone (nginx sends them there), so that a burst of
# argon2 hashing (0.2 s and 64 MiB each) waits in its own queue and never in front of
# /api/auth/me, /api/health or any other program. (Not at a lower CPU priority: on a busy
# machine that starved sign-in itself, and the kernel already favours the short requests of
# the other pools.)
readonly EXTRA_POOLS=(signin:auth)
readonly ADMIN_TOOL=nalamdesk-admin
readonly SVC_USER=nalamdesk     # runs the pools and owns the database
readonly WEB_USER=www-data      # runs nginx, reads the sockets and the TLS key
readonly STOP_GRACE=5           # seconds between TERM and KILL when stopping
# multiwatch gives up a worker slot after RETRIES deaths in a row, each within RETRY_MS of its
# start (the pool ends when every slot is given up, and then this launcher stops everything).
# Its defaults (3 deaths, 10 s) let four SIGKILLs in ten seconds shrink a pool for good; these
# still end a program that cannot start after ten quick tries, while a worker that served for a
# second counts as healthy again.
readonly POOL_RETRIES=10
readonly POOL_RETRY_MS=1000

# nginx, useradd and friends live in sbin, which a normal user's PATH lacks on Debian.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

usage() {
	cat <<EOF
Usage: deploy/run.sh [options]

Runs NalamDesk in the foreground at https://127.0.0.1:PORT/ until Ctrl-C.

  --var DIR            state directory: database, certificate, sockets, logs, copies of the
                       programs (env VAR; default: var/ in the checkout)
  --port N             TLS port on 127.0.0.1 (env PORT; default 8443)
  --listen 'A:P ...'   listen on these address:port pairs instead of 127.0.0.1:PORT,
                       e.g. '0.0.0.0:8443' to serve the LAN (add its machines to VAR/allow.conf)
  --bin DIR            where the built programs and $ADMIN_TOOL are (default: build/bin)
  --htdocs DIR         front end to serve (default: htdocs/ in the checkout)
  --workers N          processes per program (default 2)
  --login-rate R       sign-in attempts per client IP, nginx syntax Nr/m or Nr/s (default 10r/m)
  --login-burst N      attempts allowed at once above that rate (default 10)
  --no-fastcgi-keep-conn
                       open a new connection from nginx to a program for every request
                       (default: nginx keeps them open, fastcgi_keep_conn on; see
                       conf/nginx.conf.in); --fastcgi-keep-conn states the default
  --no-backup-schedule do not take the scheduled backups (the tests' stacks; default: taken
                       when the installed service's timer would: Monday to Saturday every hour
                       08:00-20:00 and every day at 21:30, see 'nalamdesk-admin backup-schedule')
  --check              only prepare VAR, write VAR/nginx/nginx.conf and test it with nginx -t
  --help               this text

Relative paths given on the command line are relative to the current directory.
Environment: NALAMDESK_ADMIN_PASSWORD is the password of the first user 'admin' when the
database has no user yet; without it a strong one is generated and printed once.

Every start: creates what is missing of the VAR layout and fixes its permissions, copies the
programs to VAR/app/bin and the front end to VAR/app/htdocs, runs '$ADMIN_TOOL migrate',
creates the user admin if there is none, creates a self-signed certificate (P-256, 825 days,
for 127.0.0.1, ::1 and localhost) if VAR/tls has none, copies conf/allow.conf to
VAR/allow.conf if missing, writes VAR/nginx/nginx.conf and checks it, starts the pools
(only programs that were built; the missing ones are named) and nginx. Data in VAR is kept.
The auth program runs in two pools: 'auth' (sessions, health) and 'signin' (sign-in and
password change: their argon2 hashing queues there), VAR/app/bin/signin a link to auth.
Only one launcher may serve a VAR at a time (lock file VAR/launcher.lock).

As root: pools run as '$SVC_USER' (created if missing), nginx as '$WEB_USER'; any directory
above VAR that they cannot enter gets o+x (search, not read), and the script says so.
EOF
}

say() { printf 'run.sh: %s\n' "$*"; }
warn() { printf 'run.sh: warning: %s\n' "$*" >&2; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ options

parse_args() {
	VAR_DIR=${VAR:-$SRC_ROOT/var}
	PORT_NUM=${PORT:-8443}
	LISTEN=""
	BIN_DIR=$SRC_ROOT/build/bin
	HTDOCS_SRC=$SRC_ROOT/htdocs
	WORKERS=2
	LOGIN_RATE=10r/m
	LOGIN_BURST=10
	KEEP_CONN=on
	CHECK_ONLY=0
	BACKUP_SCHEDULE=1

	local opt val
	while (($#)); do
		opt=$1 val=""
		# --opt=value and --opt value are both accepted.
		if [[ $opt == --*=* ]]; then
			val=${opt#*=} opt=${opt%%=*}
		elif [[ $opt =~ ^--(var|port|listen|bin|htdocs|workers|login-rate|login-burst)$ ]]; then
			(($# >= 2)) || die "$opt needs a value (see --help)"
			val=$2
			shift
		fi
		case $opt in
		--var) VAR_DIR=$val ;;
		--port) PORT_NUM=$val ;;
		--listen) LISTEN=$val ;;
		--bin) BIN_DIR=$val ;;
		--htdocs) HTDOCS_SRC=$val ;;
		--workers) WORKERS=$val ;;
		--login-rate) LOGIN_RATE=$val ;;
		--login-burst) LOGIN_BURST=$val ;;
		--fastcgi-keep-conn) KEEP_CONN=on ;;
		--no-fastcgi-keep-conn) KEEP_CONN=off ;;
		--check) CHECK_ONLY=1 ;;
		--no-backup-schedule) BACKUP_SCHEDULE=0 ;;
		-h | --help) usage; exit 0 ;;
		*) die "unknown option '$1' (see --help)" ;;
		esac
		shift
	done

	# `make run VAR=` passes an empty value: take it as "the default".
	[[ -n $VAR_DIR ]] || VAR_DIR=$SRC_ROOT/var
	[[ -n $PORT_NUM ]] || PORT_NUM=8443
	[[ $PORT_NUM =~ ^[1-9][0-9]{0,4}$ ]] && ((PORT_NUM <= 65535)) ||
		die "--port: '$PORT_NUM' is not a port number"
	[[ -n $LISTEN ]] || LISTEN=127.0.0.1:$PORT_NUM
	local a
	for a in $LISTEN; do
		[[ $a =~ ^(\[[0-9a-fA-F:.]+\]|[0-9.]+|\*):[0-9]{1,5}$ ]] ||
			die "--listen: '$a' is not ADDRESS:PORT (e.g. 127.0.0.1:8443, 0.0.0.0:443, [::]:443)"
	done
	[[ $WORKERS =~ ^[1-9][0-9]?$ ]] && ((WORKERS <= 64)) ||
		die "--workers: '$WORKERS' is not a number from 1 to 64"
	[[ $LOGIN_RATE =~ ^[1-9][0-9]*r/[sm]$ ]] || die "--login-rate: '$LOGIN_RATE' is not like 10r/m or 2r/s"
	[[ $LOGIN_BURST =~ ^[0-9]+$ ]] || die "--login-burst: '$LOGIN_BURST' is not a number"
}

# Absolute, symlink-free path of a directory (created when $2 is "create").
abs_dir() {
	[[ ${2:-} == create ]] && mkdir -p -- "$1"
	[[ -d $1 ]] || die "no such directory: $1"
	(cd -- "$1" && pwd -P)
}

# Paths go unquoted into nginx.conf and through sed: refuse anything that would need quoting.
check_path() {
	[[ $2 =~ ^/[A-Za-z0-9._/+,:~-]*$ ]] ||
		die "$1 '$2' contains characters nginx.conf cannot take unquoted (spaces, quotes, ;{}\$#@|&\\); use another path"
}

resolve_paths() {
	if ((CHECK_ONLY == 0)); then
		[[ -d $BIN_DIR ]] || die "no build output in $BIN_DIR: build first (make), or give --bin DIR"
		BIN_DIR=$(abs_dir "$BIN_DIR")
	fi
	VAR_DIR=$(abs_dir "$VAR_DIR" create)
	check_path "VAR" "$VAR_DIR"
	APP_BIN=$VAR_DIR/app/bin
	APP_HTDOCS=$VAR_DIR/app/htdocs
	RUN_DIR=$VAR_DIR/run
	TLS_DIR=$VAR_DIR/tls
	NGINX_DIR=$VAR_DIR/nginx
	DB_FILE=$VAR_DIR/db/nalamdesk.db
	ALLOW_FILE=$VAR_DIR/allow.conf
	# sun_path holds 107 bytes; the longest socket name is appointments.sock.
	((${#RUN_DIR} + 18 <= 107)) ||
		die "VAR path is too long for unix socket names (${#RUN_DIR} characters; at most 89): $VAR_DIR"
	if [[ -d $HTDOCS_SRC ]]; then
		HTDOCS_SRC=$(abs_dir "$HTDOCS_SRC")
	else
		warn "no front end at $HTDOCS_SRC: serving the API only"
		HTDOCS_SRC=""
	fi
}

# ------------------------------------------------------------------ environment

need_tools() {
	local missing=() t
	for t in nginx spawn-fcgi multiwatch openssl flock sed; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	if ((IS_ROOT)); then
		for t in setpriv useradd; do command -v "$t" >/dev/null || missing+=("$t"); done
	fi
	((${#missing[@]} == 0)) ||
		die "missing: ${missing[*]} — install them with: deploy/deps.sh run"
	NGINX=$(command -v nginx)
	# spawn-fcgi exec()s its program without a PATH search: it needs an absolute path.
	MULTIWATCH=$(command -v multiwatch)
}

# One launcher per VAR: a second one would delete the first one's sockets and fight over the
# port. The lock fd is inherited by every process started here, so processes left behind by a
# launcher that was SIGKILLed still hold it, and a new launcher refuses to start beside them.
take_lock() {
	local lock=$VAR_DIR/launcher.lock owner
	exec {LOCK_FD}>>"$lock"
	if ! flock -n "$LOCK_FD"; then
		owner=$(<"$lock")
		if [[ $owner =~ ^[0-9]+$ ]] && alive "$owner"; then
			die "another launcher (pid $owner) is already serving $VAR_DIR"
		fi
		die "processes of a launcher that was killed still serve $VAR_DIR: stop them first (pids: $(lock_holders "$lock"))"
	fi
	printf '%s\n' "$$" >"$lock"   # who holds it, for the message above
}

lock_holders() { # pids with the lock file open, best effort (other users' fds need root)
	local fd pid out=""
	for fd in /proc/[0-9]*/fd/*; do
		[[ $(readlink "$fd" 2>/dev/null) == "$1" ]] || continue
		pid=${fd#/proc/} pid=${pid%%/*}
		[[ $pid == "$$" || " $out " == *" $pid "* ]] || out+="${out:+ }$pid"
	done
	printf '%s' "$out"
}

ensure_users() {
	((IS_ROOT)) || return 0
	if ! id -u "$SVC_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
		say "created the system user $SVC_USER (runs the NalamDesk programs)"
	fi
	id -u "$WEB_USER" >/dev/null 2>&1 || die "no user $WEB_USER (the Debian nginx package creates it)"
}

# Run a command as one of the service users when root, as ourselves otherwise.
as_user() {
	local user=$1
	shift
	if ((IS_ROOT)); then
		setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
	else
		"$@"
	fi
}

# ------------------------------------------------------------------ state directory

# mkdir_owned MODE OWNER:GROUP DIR [recursive]: create DIR, set its mode, and as root its owner
# (recursively for directories whose files the service itself writes).
mkdir_owned() {
	local mode=$1 owner=$2 dir=$3 recursive=${4:-}
	mkdir -p -- "$dir"
	if ((IS_ROOT)); then
		if [[ $recursive == recursive ]]; then
			chown -hR -- "$owner" "$dir"
		else
			chown -h -- "$owner" "$dir"
		fi
		chmod "$mode" "$dir"
	else
		# Alone, group and others need nothing: keep only the owner's bits.
		chmod "u=rwx,go=" "$dir"
	fi
}

make_layout() {
	if ((!IS_ROOT)) && [[ -d $VAR_DIR/db && ! -O $VAR_DIR/db ]]; then
		die "$VAR_DIR was set up by root for the user $SVC_USER; run as root, or use another --var"
	fi
	local svc=$SVC_USER web=$WEB_USER
	# The database and backups: the service user alone (LAYOUT-NOTES).
	mkdir_owned 0700 "$svc:$svc" "$VAR_DIR/db" recursive
	mkdir_owned 0700 "$svc:$svc" "$VAR_DIR/backups" recursive
	# The passphrase the admin program seals its backups with (docs/operations.md, Backups).
	if [[ ! -e $VAR_DIR/backup.key ]]; then
		local tmp
		tmp=$(mktemp "$VAR_DIR/.backup-key.XXXXXX")
		openssl rand 15 | base32 | tr -d '=\n' | sed 's/.\{4\}/&-/g; s/-$//' >"$tmp"
		echo >>"$tmp"
		chmod 0600 "$tmp"
		((IS_ROOT)) && chown "$svc:$svc" "$tmp"
		mv -- "$tmp" "$VAR_DIR/backup.key"
		say "made $VAR_DIR/backup.key: the passphrase of the backups taken from the admin screen (write it down)"
	fi
	# Sockets: the pools create them, nginx (group www-data) connects.
	mkdir_owned 0750 "$svc:$web" "$RUN_DIR"
	# The TLS key: readable by nginx's group, not by the service user.
	mkdir_owned 0751 "root:$web" "$TLS_DIR"	# x for others: the admin program reads server.crt (expiry); the key stays 0640
	# nginx writes its pid here, but must not be able to replace nginx.conf, which root writes:
	# sticky bit, so www-data can only remove or rename the files it owns.
	mkdir_owned 1770 "root:$web" "$NGINX_DIR"
	mkdir_owned 0750 "$web:$web" "$NGINX_DIR/logs" recursive
	mkdir_owned 0700 "$web:$web" "$NGINX_DIR/tmp" recursive
	mkdir -p -- "$VAR_DIR/app"
	chmod 0755 "$VAR_DIR/app"
	if [[ ! -e $ALLOW_FILE ]]; then
		install -m 0644 -- "$SRC_ROOT/conf/allow.conf" "$ALLOW_FILE"
		say "created $ALLOW_FILE (add the clinic's machines there)"
	fi
	# The pools and nginx reach everything through VAR: it must be enterable by others.
	((IS_ROOT)) && chmod o+x "$VAR_DIR"
	return 0
}

# VAR under a private directory (a 0700 mktemp -d, a home directory) is unreachable for the
# service users. Grant search permission (o+x: enter, not list) on just the directories in the
# way, top-down, and say so.
ensure_traversable() {
	((IS_ROOT)) || return 0
	local path="" part fixed=() parts
	IFS=/ read -ra parts <<<"${VAR_DIR#/}"
	for part in "${parts[@]}"; do
		path+=/$part
		if ! as_user "$SVC_USER" test -x "$path" || ! as_user "$WEB_USER" test -x "$path"; then
			chmod o+x "$path"
			fixed+=("$path")
		fi
	done
	((${#fixed[@]} == 0)) ||
		say "added o+x (search only) to ${fixed[*]} so that $SVC_USER and $WEB_USER can reach $VAR_DIR"
}

# Copies of the programs and the front end, replaced on every start: the services never read
# the source tree, and a half-finished rebuild cannot change a running server.
install_app() {
	local stage p present=() missing=()
	[[ -x $BIN_DIR/$ADMIN_TOOL ]] || die "no $BIN_DIR/$ADMIN_TOOL: build first (make), or give --bin DIR"
	rm -rf -- "$VAR_DIR"/app/.new.*   # left by a start that was interrupted while copying
	stage=$(mktemp -d "$VAR_DIR/app/.new.XXXXXX")
	mkdir "$stage/bin" "$stage/htdocs"
	for p in "$ADMIN_TOOL" "${PROGRAMS[@]}"; do
		if [[ -x $BIN_DIR/$p ]]; then
			install -m 0755 -- "$BIN_DIR/$p" "$stage/bin/$p"
			[[ $p == "$ADMIN_TOOL" ]] || present+=("$p")
		else
			missing+=("$p")
		fi
	done
	# The extra pools' names, links to their program (deploy/install.sh does the same).
	for p in "${EXTRA_POOLS[@]}"; do
		[[ ! -x $stage/bin/${p#*:} ]] || ln -s -- "${p#*:}" "$stage/bin/${p%%:*}"
	done
	# -L: copy what symlinks point to, not links back into the source tree. Timestamps are kept
	# because nginx's ETag is mtime+size: unchanged files stay cached across restarts.
	[[ -z $HTDOCS_SRC ]] || cp -RL --preserve=timestamps -- "$HTDOCS_SRC/." "$stage/htdocs/"
	# The offline service worker's list of files and their version (htdocs/sw.js).
	[[ -z $HTDOCS_SRC ]] || bash "$SRC_ROOT/deploy/shell-manifest.sh" "$stage/htdocs"
	chmod -R u=rwX,go=rX "$stage"
	((IS_ROOT)) && chown -R root:root "$stage"
	chmod 0755 "$stage"
	rm -rf -- "$APP_BIN" "$APP_HTDOCS"
	mv -- "$stage/bin" "$APP_BIN"
	mv -- "$stage/htdocs" "$APP_HTDOCS"
	rmdir -- "$stage"
	STARTABLE=("${present[@]}")
	((${#missing[@]} == 0)) || warn "not built, so not started: ${missing[*]} (their /api/ paths answer 502)"
}

# The admin tool runs as the service user, so the database files it creates are the service's
# (in VAR: the current directory may be one the service user cannot enter).
admin_tool() {
	(
		cd -- "$VAR_DIR"
		NALAMDESK_DB=$DB_FILE NALAMDESK_VAR=$VAR_DIR \
			as_user "$SVC_USER" "$APP_BIN/$ADMIN_TOOL" --var "$VAR_DIR" "$@"
	)
}

migrate_and_first_user() {
	admin_tool migrate || die "'$ADMIN_TOOL migrate' failed (output above)"
	local count password generated=0
	count=$(admin_tool user count) || die "'$ADMIN_TOOL user count' failed"
	[[ $count =~ ^[0-9]+$ ]] || die "'$ADMIN_TOOL user count' printed '$count', not a number"
	((count == 0)) || return 0

	password=$ADMIN_PASSWORD
	if [[ -z $password ]]; then
		# 20 characters of [A-Za-z0-9]: about 119 bits, and nothing to mistype when read aloud.
		password=$(openssl rand -base64 60 | tr -dc 'A-Za-z0-9')
		password=${password:0:20}
		generated=1
	fi
	printf '%s\n' "$password" |
		admin_tool user add --username admin --name Administrator --role admin ||
		die "could not create the user admin (output above)"
	if ((generated)); then
		printf '\n  %s\n  %s\n  %s\n  %s\n\n' \
			"==================================================================" \
			"  first sign-in:  admin / $password" \
			"  write it down, it is not shown again" \
			"=================================================================="
	else
		say "created the user admin with the password from NALAMDESK_ADMIN_PASSWORD"
	fi
}

# A self-signed certificate for this machine, when VAR/tls has none. deploy/install replaces it
# with one from the clinic's own CA (then /ca.crt serves that CA).
ensure_tls() {
	local crt=$TLS_DIR/server.crt key=$TLS_DIR/server.key tmp
	if [[ ! -s $crt || ! -s $key ]]; then
		tmp=$(mktemp -d "$TLS_DIR/.new.XXXXXX")
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 825 \
			-subj "/CN=NalamDesk" \
			-addext "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost" \
			-addext "basicConstraints=critical,CA:FALSE" \
			-addext "keyUsage=critical,digitalSignature" \
			-addext "extendedKeyUsage=serverAuth" \
			-keyout "$tmp/server.key" -out "$tmp/server.crt" 2>"$tmp/err" ||
			{ cat "$tmp/err" >&2; rm -rf -- "$tmp"; die "openssl could not create a certificate"; }
		mv -f -- "$tmp/server.key" "$key"
		mv -f -- "$tmp/server.crt" "$crt"
		rm -rf -- "$tmp"
		say "created a self-signed certificate $crt (127.0.0.1, ::1, localhost; 825 days)"
	fi
	chmod 0644 "$crt"
	[[ ! -e $TLS_DIR/ca.crt ]] || chmod 0644 "$TLS_DIR/ca.crt"
	if ((IS_ROOT)); then
		chown "root:$WEB_USER" "$key"
		chmod 0640 "$key"
	else
		chmod 0600 "$key"
	fi
}

# ------------------------------------------------------------------ nginx configuration

# Seconds a rate-limited client is told to wait: one token of the login rate.
retry_after() {
	local n=${LOGIN_RATE%r/*}
	case $LOGIN_RATE in
	*/m) echo $(((60 + n - 1) / n)) ;;
	*) echo 1 ;;
	esac
}

sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

render_nginx_conf() {
	local tmp a listen_repl="" conf_in=$SRC_ROOT/conf/nginx.conf.in
	# Atomic replace (temp file + rename) in a directory www-data may write to: never write
	# through a name www-data could have turned into a symlink.
	tmp=$(mktemp "$NGINX_DIR/.security-headers.XXXXXX")
	cat -- "$SRC_ROOT/conf/security-headers.conf" >"$tmp"
	chmod 0644 "$tmp"
	mv -f -- "$tmp" "$NGINX_DIR/security-headers.conf"

	# @LISTEN@: its whole line is repeated once per address.
	for a in $LISTEN; do
		listen_repl+="${listen_repl:+\\n}\\1$(sed_escape "$a")\\2"
	done
	tmp=$(mktemp "$NGINX_DIR/.nginx.conf.XXXXXX")
	printf '# GENERATED by deploy/run.sh from %s on every start: edit that file instead.\n' \
		"$conf_in" >"$tmp"
	# Comment lines are copied as they are (they name the placeholders).
	sed -e '/^[[:space:]]*#/b' \
		-e "s|^\\(.*\\)@LISTEN@\\(.*\\)\$|$listen_repl|" \
		-e "s|@VAR@|$(sed_escape "$VAR_DIR")|g" \
		-e "s|@PORT@|$PORT_NUM|g" \
		-e "s|@HTDOCS@|$(sed_escape "$APP_HTDOCS")|g" \
		-e "s|@RUN@|$(sed_escape "$RUN_DIR")|g" \
		-e "s|@TLSDIR@|$(sed_escape "$TLS_DIR")|g" \
		-e "s|@ALLOW_FILE@|$(sed_escape "$ALLOW_FILE")|g" \
		-e "s|@CONFDIR@|$(sed_escape "$NGINX_DIR")|g" \
		-e "s|@LOGIN_RATE@|$LOGIN_RATE|g" \
		-e "s|@LOGIN_BURST@|$LOGIN_BURST|g" \
		-e "s|@RETRY_AFTER@|$(retry_after)|g" \
		-e "s|@FASTCGI_KEEP_CONN@|$KEEP_CONN|g" \
		-- "$conf_in" >>"$tmp"
	# A placeholder added to the template but not here must fail now, not as odd nginx syntax.
	if grep -n '@[A-Z_][A-Z_]*@' "$tmp" | grep -v '^[0-9]*:[[:space:]]*#' >&2; then
		rm -f -- "$tmp"
		die "placeholders above are not filled in by deploy/run.sh"
	fi
	chmod 0644 "$tmp"
	mv -f -- "$tmp" "$NGINX_DIR/nginx.conf"
}

# NGINX_CMD: how to run nginx. As root, as www-data, master included; ports below 1024 need
# CAP_NET_BIND_SERVICE, which www-data lacks: give it that one capability (ambient, so it
# survives the exec), nothing else. An array, not a function, so that `"${NGINX_CMD[@]}" &`
# makes nginx itself the background job (a function would leave a bash subshell in between,
# and the TERM meant for nginx would stop only that subshell).
nginx_command() {
	NGINX_CMD=("$NGINX")
	((IS_ROOT)) || return 0
	local caps=() a
	for a in $LISTEN; do
		((${a##*:} >= 1024)) || caps=(--inh-caps=+net_bind_service --ambient-caps=+net_bind_service)
	done
	NGINX_CMD=(setpriv --reuid="$WEB_USER" --regid="$WEB_USER" --init-groups "${caps[@]}" -- "$NGINX")
}

test_nginx_conf() {
	local out
	if ! out=$("${NGINX_CMD[@]}" -t -q -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e stderr 2>&1); then
		printf '%s\n' "$out" >&2
		die "nginx rejected $NGINX_DIR/nginx.conf (a mistake in $ALLOW_FILE is the usual cause)"
	fi
}

# ------------------------------------------------------------------ processes

declare -A NAMES=()   # pid -> what it is, for every process started here
STOPPING=0

start_pools() {
	local p
	POOL_SOCKS=()
	rm -f -- "$RUN_DIR"/*.sock   # stale sockets of a previous run (we hold the lock)
	# One pool: VAR/app/bin/NAME on VAR/run/NAME.sock, labelled LABEL. spawn-fcgi (root) binds
	# the socket, hands it to nalamdesk:www-data, then drops to nalamdesk before exec'ing
	# multiwatch, which forks the workers and replaces dead ones.
	spawn_pool() {
		local name=$1 label=$2 args
		args=(-n -s "$RUN_DIR/$name.sock" -M 0660 -d "$VAR_DIR")
		((IS_ROOT)) && args+=(-U "$SVC_USER" -G "$WEB_USER" -u "$SVC_USER" -g "$SVC_USER")
		NALAMDESK_DB=$DB_FILE NALAMDESK_VAR=$VAR_DIR \
			spawn-fcgi "${args[@]}" -- "$MULTIWATCH" -f "$WORKERS" \
			-r "$POOL_RETRIES" -t "$POOL_RETRY_MS" -- "$APP_BIN/$name" &
		NAMES[$!]=$label
	}
	for p in "${STARTABLE[@]}"; do
		spawn_pool "$p" "pool $p"
	done
	local pool prog
	for pool in "${EXTRA_POOLS[@]}"; do
		prog=${pool#*:} pool=${pool%%:*}
		[[ " ${STARTABLE[*]} " == *" $prog "* && -e $APP_BIN/$pool ]] || continue
		# VAR/app/bin/<pool> is a link to the program: its workers are named by their pool.
		spawn_pool "$pool" "pool $pool ($prog)"
		POOL_SOCKS+=("$pool")
	done
	for p in "${STARTABLE[@]}" "${POOL_SOCKS[@]}"; do
		wait_for "socket of $p" test -S "$RUN_DIR/$p.sock"
	done
}

# nginx.conf lets each worker hold 8192 connections (worker_rlimit_nofile 16384): lift our
# soft limit of open files as far as the hard one allows (nginx, not root here, cannot go past
# it), so its master and workers start with room.
raise_nofile() {
	local hard
	hard=$(ulimit -Hn)
	[[ $hard == unlimited ]] || ((hard > 16384)) && hard=16384
	ulimit -Sn "$hard" 2>/dev/null || warn "could not raise the open-file limit to $hard"
}

# The scheduled backups, as nalamdesk-backup.timer takes them on an installed system: wait for the
# next time (nalamdesk-admin backup-wait: the timer's schedule, in cgi-bin/lib/backup.c), then
# backup-rotate (checked snapshot into VAR/backups, rotated; the newest copied, encrypted with
# VAR/backup.key, to the folder the admin set on the Backups screen). A failed backup is said and
# the next one is still taken. NALAMDESK_BACKUP_EVERY=S (seconds) shortens the wait for drills.
start_backups() {
	((BACKUP_SCHEDULE)) || return 0
	(
		trap 'exit 0' TERM INT HUP
		while :; do
			if ! admin_tool backup-wait; then
				sleep 60
				continue
			fi
			admin_tool backup-rotate ||
				warn "the scheduled backup failed (above); the next one is taken at its time"
		done
	) &
	NAMES[$!]="backup schedule"
}

start_nginx() {
	raise_nofile
	rm -f -- "$NGINX_DIR/nginx.pid"
	"${NGINX_CMD[@]}" -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e stderr -g 'daemon off;' &
	NAMES[$!]=nginx
	# nginx writes its pid file after it has bound the listening sockets.
	wait_for "nginx to listen" test -s "$NGINX_DIR/nginx.pid"
}

# wait_for WHAT CMD...: poll CMD for up to 10 s; fail at once if a started process died.
wait_for() {
	local what=$1 i
	shift
	for ((i = 0; i < 100; i++)); do
		"$@" && return 0
		check_children
		sleep 0.1
	done
	die "timed out waiting for $what"
}

alive() { # a process that exists and is not a zombie (bash reaps its children lazily)
	local line
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	line=${line##*) }
	[[ ${line%% *} != Z ]]
}

check_children() {
	local pid hint
	for pid in "${!NAMES[@]}"; do
		alive "$pid" && continue
		hint="its messages are above"
		[[ ${NAMES[$pid]} != nginx ]] || hint+="; see also $NGINX_DIR/logs/error.log"
		die "${NAMES[$pid]} (pid $pid) exited during start-up ($hint)"
	done
}

# What to stop, from /proc, with builtins only (a fork per process would make stopping take
# seconds). STOP_TREE: the given pids and all their descendants (nginx workers, pool workers).
# STOP_STRAYS: other processes running one of our program copies in VAR/app/bin, i.e. workers
# whose multiwatch was killed: re-parented to init, they would escape the tree.
find_stop_set() {
	local f line rest pid ppid arg0 i
	local -A kids=() in_tree=()
	local apps=()
	STOP_TREE=("$@") STOP_STRAYS=()
	for f in /proc/[0-9]*/stat; do
		{ read -r line <"$f"; } 2>/dev/null || continue
		pid=${f#/proc/} pid=${pid%/stat}
		rest=${line##*) } rest=${rest#* } ppid=${rest%% *}
		kids[$ppid]+=" $pid"
		{ IFS= read -r -d '' arg0 <"/proc/$pid/cmdline"; } 2>/dev/null || continue
		[[ $arg0 != "$APP_BIN"/* ]] || apps+=("$pid")
	done
	for ((i = 0; i < ${#STOP_TREE[@]}; i++)); do   # breadth-first: the array grows as we walk
		in_tree[${STOP_TREE[i]}]=1
		# shellcheck disable=SC2206
		STOP_TREE+=(${kids[${STOP_TREE[i]}]:-})
	done
	for pid in "${apps[@]}"; do
		[[ -n ${in_tree[$pid]:-} ]] || STOP_STRAYS+=("$pid")
	done
}

# Stop everything started here: TERM (nginx: fast shutdown; multiwatch: passes SIGUSR1 to its
# workers, libfcgi's "finish the request, then exit"), then KILL whatever is left after
# STOP_GRACE seconds, including workers that outlived their multiwatch.
stop_all() {
	((STOPPING == 0)) || return 0
	STOPPING=1
	local pids=("${!NAMES[@]}") all pid left=() t
	((${#pids[@]})) || return 0
	find_stop_set "${pids[@]}"
	all=("${STOP_TREE[@]}" "${STOP_STRAYS[@]}")
	kill -TERM "${pids[@]}" "${STOP_STRAYS[@]}" 2>/dev/null || true
	for ((t = 0; t < STOP_GRACE * 10; t++)); do
		left=()
		for pid in "${all[@]}"; do alive "$pid" && left+=("$pid"); done
		((${#left[@]})) || break
		sleep 0.1
	done
	if ((${#left[@]})); then
		kill -KILL "${left[@]}" 2>/dev/null || true
		say "killed ${#left[@]} process(es) that ignored SIGTERM for ${STOP_GRACE} s: ${left[*]}"
	fi
	wait 2>/dev/null || true
	rm -f -- "$RUN_DIR"/*.sock
	NAMES=()
}

on_signal() {
	# A second Ctrl-C while stopping must not cut the stop short and leave processes behind.
	((STOPPING == 0)) || return 0
	say "stopping (SIG$1)"
	stop_all
	say "stopped"
	trap - EXIT
	case $1 in INT) exit 130 ;; HUP) exit 129 ;; *) exit 143 ;; esac
}

on_exit() {
	local rc=$?
	stop_all
	exit "$rc"
}

# Wait for any child to end: that is never expected, so stop the rest and fail.
supervise() {
	local pid rc
	while :; do
		pid=""
		if wait -n -p pid; then rc=0; else rc=$?; fi
		if [[ -z $pid ]]; then
			((rc != 127)) || die "no process left to watch"
			continue   # interrupted by a signal whose trap returned
		fi
		say "${NAMES[$pid]:-process $pid} exited unexpectedly (status $rc); stopping NalamDesk"
		[[ ${NAMES[$pid]:-} != nginx ]] || say "nginx's log: $NGINX_DIR/logs/error.log"
		unset "NAMES[$pid]"
		exit 1
	done
}

banner() {
	local first=${LISTEN%% *} host port
	host=${first%:*} port=${first##*:}
	case $host in 0.0.0.0 | \*) host=127.0.0.1 ;; "[::]") host="[::1]" ;; esac
	say "database $DB_FILE, logs $NGINX_DIR/logs/, allow-list $ALLOW_FILE"
	say "${#STARTABLE[@]} program(s) × $WORKERS workers: ${STARTABLE[*]:-none}${POOL_SOCKS[*]:+; and pool(s) ${POOL_SOCKS[*]}}"
	echo "NalamDesk is serving https://$host:$port/ (Ctrl-C stops it)"
}

# A script that starts us in the background (`make run &`) hands us SIGINT ignored, and bash
# cannot trap a signal that was ignored when it started: then `kill -INT` (what Ctrl-C sends)
# would do nothing. Start again with SIGINT back to its default, once.
restore_sigint() {
	local key mask
	[[ -z ${NALAMDESK_RUN_SIGINT:-} ]] || { unset NALAMDESK_RUN_SIGINT; return 0; }
	while read -r key mask; do
		[[ $key == SigIgn: ]] || continue
		if (((16#$mask >> 1) & 1)); then
			NALAMDESK_RUN_SIGINT=1 exec env --default-signal=INT "$BASH" "$0" "$@"
		fi
	done </proc/$$/status
}

main() {
	# wait -n -p (which child ended) came with bash 5.1 (Debian 12 has 5.2).
	((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) || die "needs bash 5.1 or later"
	restore_sigint "$@"
	IS_ROOT=0
	((EUID == 0)) && IS_ROOT=1
	# Read once, then out of the environment: no service process inherits the password.
	ADMIN_PASSWORD=${NALAMDESK_ADMIN_PASSWORD:-}
	unset NALAMDESK_ADMIN_PASSWORD
	umask 022

	parse_args "$@"
	need_tools
	resolve_paths
	take_lock
	trap on_exit EXIT
	trap 'on_signal INT' INT
	trap 'on_signal TERM' TERM
	trap 'on_signal HUP' HUP

	ensure_users
	make_layout
	ensure_traversable
	ensure_tls
	nginx_command
	render_nginx_conf
	test_nginx_conf
	if ((CHECK_ONLY)); then
		say "$NGINX_DIR/nginx.conf is valid"
		exit 0
	fi
	install_app
	migrate_and_first_user

	start_pools
	start_nginx
	start_backups
	banner
	supervise
}

main "$@"

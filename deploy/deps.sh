#!/bin/sh
# deploy/deps.sh — install the Debian packages that one purpose of this repository needs.
#
#   deploy/deps.sh run|test|bench|fuzz ...
#
# Installs only what is missing (asked of dpkg-query), with one `apt-get update` at most, and
# says nothing when nothing is missing, so the Makefile can call it before every target.
# Not root: uses sudo if there is one, else prints what to install and fails.
# POSIX sh: the Makefile runs it with `sh`.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	cat <<EOF
Usage: deploy/deps.sh PURPOSE...

  run    build and serve: compiler, libfcgi, SQLite, yajl, argon2, OpenSSL, libqrencode, ICU
         and libpwquality headers (cracklib's dictionary), nginx, spawn-fcgi, multiwatch,
         openssl, sqlite3, curl, setpriv (util-linux)
  test   run's packages + chromium, fonts-noto-core, poppler-utils, zbar-tools (zbarimg
         reads the receipts' UPI QR codes), iproute2, node and npm
         (kept if node is already installed from elsewhere), then the npm packages of
         tests/package.json (no browser download: Debian's chromium is used)
  bench  wrk
  fuzz   clang and its libFuzzer/sanitizer runtime (libclang-rt-14-dev)
EOF
}

# Packages by purpose. nginx and node are checked by command, not by package name (below).
RUN_PKGS="build-essential pkg-config libfcgi-dev libsqlite3-dev libyajl-dev libargon2-dev
	libmd-dev libssl-dev libicu-dev libqrencode-dev libpwquality-dev cracklib-runtime spawn-fcgi
	multiwatch openssl sqlite3 curl util-linux"
TEST_PKGS="chromium fonts-noto-core poppler-utils zbar-tools iproute2 procps nftables python3 systemd
	clang libclang-rt-14-dev"
BENCH_PKGS="wrk"
FUZZ_PKGS="clang libclang-rt-14-dev"

WANTED=""
MISSING=""
NPM_NEEDED=0

say() { printf 'deps.sh: %s\n' "$*"; }
die() { printf 'deps.sh: %s\n' "$*" >&2; exit 1; }

want() { WANTED="$WANTED $*"; }

# MISSING = the WANTED packages that are not installed: one dpkg-query for all of them, as
# this runs before every make target.
find_missing() {
	# shellcheck disable=SC2086
	have=" $(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $WANTED 2>/dev/null |
		awk '$2 == "installed" { printf "%s ", $1 }') "
	for pkg in $WANTED; do
		case "$have $MISSING " in *" $pkg "*) ;; *) MISSING="$MISSING $pkg" ;; esac
	done
}

has_cmd() { (PATH=$PATH:/usr/sbin:/sbin; command -v "$1") >/dev/null 2>&1; }

want_run() {
	# shellcheck disable=SC2086
	want $RUN_PKGS
	# Any nginx flavour will do (nginx, nginx-light, nginx-full, ...); Debian 12's is `nginx`.
	has_cmd nginx || want nginx
}

want_test() {
	want_run
	# shellcheck disable=SC2086
	want $TEST_PKGS
	# A node installed from elsewhere (e.g. a newer one with its own npm) must not be
	# replaced or shadowed by Debian's: only install node/npm when there is none.
	if ! has_cmd node; then
		want nodejs npm
	elif ! has_cmd npm; then
		die "node is installed but npm is not: install the npm that belongs to that node"
	fi
	[ -f "$ROOT/tests/package.json" ] && NPM_NEEDED=1
	return 0
}

# Run as root, through sudo, or explain what to do.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "not root and no sudo: as root, run: apt-get update && apt-get install$MISSING"
	fi
}

install_missing() {
	[ -n "$MISSING" ] || return 0
	command -v apt-get >/dev/null 2>&1 || die "no apt-get (not Debian?): install$MISSING"
	say "installing:$MISSING"
	# The package lists may be missing or stale on a fresh machine; one update per call.
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MISSING
}

# tests/node_modules, installed again only when tests/package*.json changed since npm last
# wrote it (npm keeps node_modules/.package-lock.json).
install_npm() {
	[ "$NPM_NEEDED" -eq 1 ] || return 0
	dir=$ROOT/tests
	stamp=$dir/node_modules/.package-lock.json
	if [ -f "$stamp" ] && [ -z "$(find "$dir/package.json" "$dir/package-lock.json" \
		-newer "$stamp" 2>/dev/null)" ]; then
		return 0
	fi
	say "installing the npm packages of tests/package.json"
	# Debian's chromium is the browser: never let playwright download one.
	export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
	if [ -f "$dir/package-lock.json" ]; then
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	else
		(cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
	fi
}

main() {
	[ $# -gt 0 ] || { usage >&2; exit 2; }
	command -v dpkg-query >/dev/null 2>&1 || die "no dpkg-query: this script knows Debian packages only"
	for purpose in "$@"; do
		# shellcheck disable=SC2086 # the lists are meant to split into words
		case $purpose in
		run) want_run ;;
		test) want_test ;;
		bench) want_run; want $BENCH_PKGS ;;
		fuzz) want $FUZZ_PKGS ;;
		-h | --help) usage; exit 0 ;;
		*) usage >&2; die "unknown purpose '$purpose'" ;;
		esac
	done
	find_missing
	install_missing
	install_npm
}

main "$@"

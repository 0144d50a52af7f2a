#!/bin/bash
# shell-manifest.sh DIR — writes DIR/sw-manifest.js, the list of the front end's files that the
# service worker (htdocs/sw.js) keeps for working offline, and their version: a SHA-256 over
# every file's name and content. Run on every copy of the front end (deploy/run.sh, install.sh),
# so that any change of any file changes sw-manifest.js, which makes the browser install the new
# service worker, which keeps the new files under a new name: old and new are never mixed.
set -euo pipefail
dir=${1:?usage: shell-manifest.sh DIR}
cd -- "$dir"
# Every file but the worker itself, its manifest, documentation and dot files.
mapfile -t files < <(find . -type f ! -name '.*' ! -path '*/.*' ! -name 'sw.js' ! -name 'sw-manifest.js' \
	! -name '*.md' -printf '%P\n' | LC_ALL=C sort)
version=$(for f in "${files[@]}"; do printf '%s  ' "$f"; sha256sum -- "$f" | cut -c1-64; done | sha256sum | cut -c1-16)
{
	echo "// Written by deploy/shell-manifest.sh when the front end was installed: do not edit."
	echo "self.ND_SHELL = {"
	echo "	version: '$version',"
	echo "	files: ["
	echo "		'/',"
	for f in "${files[@]}"; do
		[[ $f =~ ^[A-Za-z0-9._/-]+$ ]] || { echo "shell-manifest.sh: odd file name: $f" >&2; exit 1; }
		echo "		'/$f',"
	done
	echo "	],"
	echo "};"
} > sw-manifest.js.tmp
chmod 0644 sw-manifest.js.tmp
mv -f sw-manifest.js.tmp sw-manifest.js

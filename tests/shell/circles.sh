#!/usr/bin/env bash
# circles.sh — the floors of the code have no circle: the file graph of
# cgi-bin/ (a .c file calling a function another .c file defines, or
# including that file's own header) and of htdocs/js/ (ES module imports)
# has no strongly connected component; a circle is named file by file
# (tests/lib/circles.js says how the graph is read).
set -u
node "${ND_ROOT:-.}/tests/lib/circles.js" "${ND_ROOT:-.}"

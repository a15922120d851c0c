#!/bin/sh
# test-lists.sh - write tests/lists.am, the lists of test files that make
# builds and runs, from the files there are (automake cannot glob).
#
#     sh tools/test-lists.sh [SRCDIR] > SRCDIR/tests/lists.am
#
# (make test-lists does this.)  TRACEES: tests/tracees/NAME for every
# program tests/tracees/NAME.c; E2E_CASES: every end-to-end case file
# tests/e2e/NAME.py.  tests/lists.test checks that tests/lists.am is what
# this writes.
set -eu
cd "${1:-$(dirname "$0")/..}"
LC_ALL=C
export LC_ALL

# One make variable: name = the given words, one a line.
list() {
	printf '%s =' "$1"
	shift
	for word in "$@"; do
		printf ' \\\n\t%s' "$word"
	done
	echo
}

echo "# tests/lists.am - every program tests/tracees/NAME.c and every end-to-end"
echo "# case file tests/e2e/NAME.py.  Written by tools/test-lists.sh (make"
echo "# test-lists); tests/lists.test checks that it is up to date."
echo
list TRACEES $(ls tests/tracees/*.c | sed 's/\.c$//')
echo
list E2E_CASES $(ls tests/e2e/*.py)

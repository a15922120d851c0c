#!/bin/sh
# py-test.sh FILE - how make check runs a test written in Python (a TESTS
# entry ending in .py): an end-to-end case file, tests/e2e/NAME.py, with
# tests/e2e.py; any other as a program.  Skips (77) without python3.
py=${PYTHON3:-python3}
command -v "$py" >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
case $1 in
*/e2e/*.py | e2e/*.py) exec "$py" "${srcdir:-.}/tests/e2e.py" "$1" ;;
*) exec "$py" "$1" ;;
esac

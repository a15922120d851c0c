#!/bin/sh
# report.sh - benchmark the HTML report at a million events (a measurement,
# not a test).
#
#   sh bench/report.sh [BUILD_DIR] [EVENTS] [ROUNDS]
#
# Builds tests/report_gen in BUILD_DIR (default: build) if needed, writes a
# synthetic report of EVENTS events (default 1000000) and a trace export,
# prints their sizes and write time, then opens the report in headless
# Chromium (bench/report_bench.js) for the open and zoom timings.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
events=${2:-1000000}
rounds=${3:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -C "$build" tests/report_gen >/dev/null
start=$(date +%s%N)
"$build/tests/report_gen" synth "$events" "$tmp/r.html" "$tmp/r.json" > "$tmp/r.manifest"
end=$(date +%s%N)
kept=$(sed 's/.*"kept":\([0-9]*\).*/\1/' "$tmp/r.manifest")
html=$(stat -c %s "$tmp/r.html")
json=$(stat -c %s "$tmp/r.json")
echo "events: $kept; report $html bytes ($(awk "BEGIN{printf \"%.1f\", $html/$kept}") per event)," \
	"trace export $json bytes; generating both took $(( (end - start) / 1000000 )) ms"
node "$here/report_bench.js" "$tmp/r.html" "$rounds"

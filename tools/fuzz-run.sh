#!/usr/bin/env bash
# fuzz-run.sh - run the libFuzzer harnesses for a while and report.
#
#     tools/fuzz-run.sh [-t SECONDS] [-b BUILDDIR] [-w WORKDIR] [-j JOBS] [HARNESS...]
#
# Runs each harness (record recording sockaddr json fdtable query dnsmsg by default)
# built by `make fuzz` in BUILDDIR (default .), a build configured with
# --enable-fuzzing, for SECONDS (default 30), JOBS at a time (default 1).
# New inputs go to WORKDIR/corpus/NAME (default BUILDDIR/fuzz-work); the
# seeds in the source tree's fuzz/corpus/NAME are read, never written.
# Prints executions per second and corpus size per harness, and exits 1 if
# any harness crashed, leaked, timed out or ran out of memory (the input is
# in WORKDIR/crashes/NAME/), 77 if none is built.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
secs=30
build=.
work=
jobs=1

usage() {
	sed -n '3,15s/^# \{0,1\}//p' "$0"
	exit 2
}

while getopts t:b:w:j:h opt; do
	case $opt in
	t) secs=$OPTARG ;;
	b) build=$OPTARG ;;
	w) work=$OPTARG ;;
	j) jobs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
names=${*:-record recording sockaddr json fdtable query dnsmsg}
build=$(cd "$build" && pwd) || exit 2
work=${work:-$build/fuzz-work}
mkdir -p "$work" || exit 2

# Largest input worth trying: a few records for the record stream.
max_len() {
	case $1 in
	record|recording) echo 8192 ;;
	*) echo 4096 ;;
	esac
}

# Run one harness for $secs seconds; its log is $work/NAME.log.
run_one() {
	local name=$1 bin=$build/fuzz/fuzz_$1
	local corpus=$work/corpus/$1 crashes=$work/crashes/$1/

	mkdir -p "$corpus" "$crashes"
	timeout -k 10 $((secs + 120)) "$bin" "$corpus" "$top/fuzz/corpus/$name" \
		-max_total_time="$secs" -max_len="$(max_len "$name")" -timeout=60 \
		-rss_limit_mb=2048 -artifact_prefix="$crashes" -print_final_stats=1 \
		>"$work/$name.log" 2>&1
	echo $? >"$work/$name.rc"
	times >"$work/$name.cpu"   # its second line: user and system time of the harness
}

# CPU seconds a harness used, from the "1m2.5s 0m0.3s" line times wrote.
cpu_secs() {
	tail -1 "$work/$1.cpu" 2>/dev/null | sed 's/m/ /g; s/s//g' |
		awk '{ printf "%.1f", $1 * 60 + $2 + $3 * 60 + $4 }'
}

# One line of results for a finished harness; returns 1 on failure.
report() {
	local name=$1 log=$work/$1.log rc execs corp files runs cpu
	rc=$(cat "$work/$name.rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cpu=$(cpu_secs "$name")
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[bKM]*b\?' "$log" | tail -1)
	files=$(find "$work/corpus/$name" -type f | wc -l)
	if [ "$rc" = 0 ]; then
		printf '%-16s ok  %7s execs/s, %s runs in %s CPU s; %s (%s files)\n' \
			"fuzz_$name" "${execs:-?}" "${runs:-?}" "${cpu:-?}" "${corp:-corp: ?}" "$files"
		return 0
	fi
	printf '%-16s FAIL  exit %s; input(s): %s\n' "fuzz_$name" "$rc" \
		"$(ls "$work/crashes/$name" 2>/dev/null | sed "s|^|$work/crashes/$name/|" | tr '\n' ' ')"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z]+:)|runtime error' "$log" | head -5 | sed 's/^/    /'
	return 1
}

built=""
for n in $names; do
	if [ -x "$build/fuzz/fuzz_$n" ]; then
		built="$built $n"
	else
		echo "fuzz_$n: not built (configure $build with --enable-fuzzing and run make fuzz)"
	fi
done
[ -n "$built" ] || exit 77

running=0
for n in $built; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	run_one "$n" &
	running=$((running + 1))
done
wait

status=0
for n in $built; do
	report "$n" || status=1
done
exit $status

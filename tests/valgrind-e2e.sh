#!/usr/bin/env bash
# valgrind-e2e.sh - the end-to-end cases with compendium-tui under memcheck.
#
#     tests/valgrind-e2e.sh [-b BUILDDIR] [-x 'EXTRA ARGS'] [-s] [-k] [CASE...]
#
# Runs every end-to-end case (tests/e2e/NAME.py, or the ones named) with
# COMPENDIUM set to valgrind memcheck around BUILDDIR/compendium-tui
# (default .), tracees from BUILDDIR/tests/tracees.  Valgrind writes to its
# own log per process (never to the tracer's stderr, which the cases
# compare).  A case fails on
# a memcheck error, a definite leak, a crash or an e2e harness error; a
# summary that differs from strace's is shown but only fails with -s, since
# valgrind itself changes what a case sees (its log fds are inherited, it
# lacks pidfd_open).  The cases trace with ptrace (COMPENDIUM_ENGINE=ptrace):
# memcheck does not know the bpf(2) commands the kernel engine makes, so it
# would report what are not errors (the engine runs under AddressSanitizer in
# .ci/run instead).  -x adds options to every compendium-tui run; when
# valgrind cannot make the seccomp(2) call the tracer needs, --no-seccomp is
# added and said.  -k keeps the logs.  Exit 0 when no case fails, 1
# otherwise, 77 when valgrind, python3 or strace is missing.
set -u
export COMPENDIUM_ENGINE=ptrace

top=$(cd "$(dirname "$0")/.." && pwd)
build=.
keep=0
strict=0
extra=

while getopts b:x:skh opt; do
	case $opt in
	b) build=$OPTARG ;;
	x) extra=$OPTARG ;;
	s) strict=1 ;;
	k) keep=1 ;;
	*) sed -n '3,19s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

py=${PYTHON3:-python3}
for tool in valgrind "$py" "${STRACE:-strace}"; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not found"; exit 77; }
done
build=$(cd "$build" && pwd) || exit 2
[ -x "$build/compendium-tui" ] || { echo "no $build/compendium-tui (run make)"; exit 2; }
[ -d "$build/tests/tracees" ] || { echo "no tracees in $build (run make check once)"; exit 2; }

cases=${*:-$("$py" "$top/tests/e2e.py" --list | awk '{print $1}')}
logs=$(mktemp -d "${TMPDIR:-/tmp}/compendium-vg.XXXXXX")
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
vg="$vg --show-leak-kinds=definite --track-origins=yes --log-file=$logs/%q{VG_CASE}.%p.log"

# Trace /bin/true once; fall back to --no-seccomp when valgrind refuses
# the seccomp(2) system call (valgrind 3.19 does not know number 317).
probe() {
	local p=$logs/probe
	mkdir -p "$p"
	valgrind -q --log-file="$p/%p.log" "$build/compendium-tui" $extra \
		--json -o "$p/out.json" -- /bin/true >/dev/null 2>&1 && return 0
	if cat "$p"/*.log 2>/dev/null | grep -q 'unhandled amd64-linux syscall: 317'; then
		echo "note: valgrind cannot run seccomp(2) (syscall 317); running with --no-seccomp"
		extra="$extra --no-seccomp"
	fi
}

# Errors and leaks valgrind logged for one case: "clean" or counts.
vg_verdict() {
	local all errs leaks
	all=$(cat "$logs/$1".*.log 2>/dev/null)
	[ -z "$all" ] && { echo clean; return; }
	errs=$(grep -cE '^==[0-9]+== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Process terminating)' <<<"$all")
	leaks=$(grep -c 'are definitely lost' <<<"$all")
	if [ "$errs" = 0 ] && [ "$leaks" = 0 ]; then
		echo "no errors, but: $(grep -m1 -o 'WARNING: .*' <<<"$all" || head -1 <<<"$all")"
		return
	fi
	echo "$errs error(s), $leaks definite leak(s)"
}

# Distinct error kinds with the place they happen, most frequent first.
vg_sites() {
	cat "$logs/$1".*.log 2>/dev/null | awk '
		/^==[0-9]+== [A-Z]/ && !/^==[0-9]+== (Thread|HEAP|LEAK|ERROR|For |Use --)/ {
			sub(/^==[0-9]+== /, ""); kind = $0; want = 1; next }
		want && /(at|by) 0x/ {
			sub(/^==[0-9]+== +(at|by) 0x[0-9A-F]+: /, ""); print kind " @ " $0; want = 0 }' |
		sort | uniq -c | sort -rn | head -n 8
}

# Did memcheck find nothing (warnings about valgrind itself aside)?
memcheck_ok() {
	case $1 in clean|"no errors, but"*) return 0 ;; esac
	return 1
}

# Does a case with e2e.py status $1 and memcheck verdict $2 fail?
case_failed() {
	memcheck_ok "$2" || return 0
	case $1 in
	0|77) return 1 ;;
	1) [ "$strict" = 1 ] ;;
	*) return 0 ;;
	esac
}

probe
rm -rf "$logs/probe"
pass=0
fail=0
for c in $cases; do
	out=$(VG_CASE=$c COMPENDIUM="$vg $build/compendium-tui $extra" TRACEE_DIR="$build/tests/tracees" \
	      SHOWN="$build/tests/shown" \
	      E2E_TIMEOUT=${E2E_TIMEOUT:-600} "$py" "$top/tests/e2e.py" "$c" 2>&1)
	rc=$?
	grep -q '^FAIL: timed out' <<<"$out" && rc=124   # a hang is no mere difference
	verdict=$(vg_verdict "$c")
	case $rc in
	0) e2e=pass ;;
	77) e2e=skipped ;;
	1) e2e=differs ;;
	*) e2e="ERROR (e2e.py exit $rc)" ;;
	esac
	printf '%-18s e2e %-22s valgrind %s\n' "$c" "$e2e" "$verdict"
	[ "$rc" != 0 ] && [ "$rc" != 77 ] && echo "$out" | grep -E '^(  - |ERROR|FAIL: timed)' |
		head -n 8 | sed 's/^ */    | /'
	memcheck_ok "$verdict" || vg_sites "$c" | sed 's/^/    /'
	if case_failed "$rc" "$verdict"; then
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done

if cat "$logs"/*.log 2>/dev/null | grep -A1 uninitialised 2>/dev/null | grep -q on_syscall_stop; then
	echo "note: uninitialised values starting in on_syscall_stop come from PTRACE_GET_SYSCALL_INFO,"
	echo "      whose output valgrind does not mark as written; zero the struct before the call"
fi
echo "valgrind e2e: $pass passed, $fail failed"
if [ "$keep" = 1 ] || [ "$fail" -gt 0 ]; then
	echo "valgrind logs: $logs"
else
	rm -rf "$logs"
fi
[ "$fail" -eq 0 ]

#!/bin/sh
# run.sh [TEST...] — runs the stdlib tests through heapscope (`heapscope run`) and compares
# each output with tests/stdlib/<name>_test.expected (OTP 25's output, see gen_expected.sh).
# HEAPSCOPE names the binary (default bin/heapscope). With STDLIB_SRC=1 the current sources
# in runtime/stdlib are put first with -pa instead of the stdlib built into the binary.
# Tests listed in tests/stdlib/PENDING (name and the missing feature) are skipped with a notice
# until that feature exists. Prints "N passed, M failed, K skipped"; when heapscope cannot run
# programs yet it says so and prints "0 passed, 0 failed".
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-build/${MODE:-release}}
case "$build" in /*) ;; *) build=$root/$build ;; esac
hs=${HEAPSCOPE:-$build/bin/heapscope}
probe=$(mktemp -d /tmp/hs_stdlib_run.XXXXXX)
trap 'rm -rf "$probe"' EXIT
printf -- '-module(probe).\n-export([main/0]).\nmain() -> ok.\n' > "$probe/probe.erl"
if ! [ -x "$hs" ] || ! "$hs" run "$probe/probe.erl" > /dev/null 2>&1; then
    echo "notice: '$hs run' is not available yet; stdlib tests skipped"
    echo "0 passed, 0 failed"
    exit 0
fi
pa=""
[ "${STDLIB_SRC:-0}" = 1 ] && pa="-pa $root/runtime/stdlib"
pass=0
fail=0
skip=0
tests=${*:-$(cd "$here" && ls *_test.erl)}
for f in $tests; do
    t=$(basename "$f" .erl)
    why=$(sed -n "s/^$t[[:space:]]\{1,\}//p" "$here/PENDING" 2>/dev/null)
    if [ -n "$why" ]; then
        skip=$((skip + 1)); echo "skip $t: $why"
        continue
    fi
    "$hs" run $pa "$here/$t.erl" > "$probe/$t.out" 2>&1
    if cmp -s "$probe/$t.out" "$here/$t.expected"; then
        pass=$((pass + 1)); echo "ok   $t"
    else
        fail=$((fail + 1)); echo "FAIL $t"
        diff "$here/$t.expected" "$probe/$t.out" | head -${DIFF_LINES:-10}
    fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

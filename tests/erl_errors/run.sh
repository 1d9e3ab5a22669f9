#!/usr/bin/env bash
# Runs each tests/erl_errors/NAME.erl (a program that does not compile) with `heapscope run`
# and requires exit status 2 and stderr equal byte for byte to NAME.expected: what OTP 25's
# `erlc NAME.erl` printed for it, warnings removed. Runs from inside tests/erl_errors with a
# relative file name, as erlc was run, so the messages name the file the same way.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
root=$PWD
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
case "$HS" in /*) ;; *) HS=$root/$HS ;; esac # we cd below
passed=0 failed=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT
cd tests/erl_errors
for f in *.erl; do
    exp="${f%.erl}.expected"
    [ -f "$exp" ] || continue
    timeout 60 "$HS" run "$f" >/dev/null 2>"$err"
    st=$?
    if cmp -s "$err" "$exp" && [ "$st" = 2 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL tests/erl_errors/$f (exit $st, want 2)"
        diff "$exp" "$err" | head -n 10 | sed 's/^/  /'
    fi
done
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

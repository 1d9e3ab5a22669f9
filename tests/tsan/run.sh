#!/usr/bin/env bash
# The schedulers under ThreadSanitizer (make check): programs that spawn, send, link,
# monitor and time out run with 8 schedulers (on however many cores there are); any TSan
# report fails the run, and so does a wrong answer. The ring passes 20 tokens round 100k
# processes and checks that each comes back exactly once. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-tsan}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 ${TSAN_OPTIONS:-}"
passed=0 failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

run() { # name expected-stdout command...
    local name=$1 want=$2
    shift 2
    timeout 600 "$@" >"$out" 2>&1
    local rc=$?
    if grep -q "ThreadSanitizer" "$out"; then
        failed=$((failed + 1)); echo "FAIL $name: data race"; grep -A12 "WARNING: ThreadSanitizer" "$out" | head -40
    elif [ "$rc" -ne 0 ] || ! grep -qx -- "$want" "$out"; then
        failed=$((failed + 1)); echo "FAIL $name (exit $rc)"; tail -5 "$out"
    else
        passed=$((passed + 1)); echo "ok   $name"
    fi
}

if ! [ -x "$HS" ]; then
    echo "notice: $HS is not built; TSan tests skipped"
    echo "0 passed, 0 failed"
    exit 0
fi
run ring_100k "true" "$HS" run --schedulers 8 tests/tsan/ring.erl 100000 20 1
run ring_tokens "true" "$HS" run --schedulers 8 tests/tsan/ring.erl 1000 500 3
run gen_server "ignore" "$HS" run --schedulers 8 tests/stdlib/gen_server_test.erl
run timer "{error,badarg}" "$HS" run --schedulers 8 tests/stdlib/timer_test.erl
# ETS: 32 processes insert/update/delete/look up/select in one public set and one ordered_set
# while readers walk them, insert_new races and tables churn; exact sizes and counters.
run ets_hammer "true" "$HS" run --schedulers 8 tests/tsan/ets_hammer.erl
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

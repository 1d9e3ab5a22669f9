#!/usr/bin/env bash
# DETS auto_save against a kill -9 (the file layer's own kill -9 test is
# tests/unit/dets/test_dets.c kill9_after_sync): a writer opens a table with {auto_save, A},
# inserts 100 objects, then idles without sync or close; 600 ms later it is killed with
# SIGKILL and a reader reopens the file with {repair, false}.
#   A = 200:      the idle table was saved: it opens and holds every object.
#   A = infinity: nothing saved it: needs_repair.
# The expected lines are what OTP 25 prints (`WAIT=3 run.sh otp` runs the same programs on
# erl: OTP saves after one to two idle periods, and under load its 600 ms are not always enough).
# Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
tmp=$(mktemp -d /tmp/hs_dets_autosave.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
otp=0
[ "${1:-}" = otp ] && { otp=1; erlc -o "$tmp" "$here"/dets_autosave_[wr].erl || exit 1; }
passed=0 failed=0

one() { # auto_save expected
    local f=$tmp/t$1.dets w r pid out
    rm -f "$f"
    if [ $otp = 1 ]; then
        erl -noshell -pa "$tmp" -run dets_autosave_w main "$f" "$1" >"$tmp/w.out" 2>&1 &
    else
        "$HS" run "$here/dets_autosave_w.erl" "$f" "$1" >"$tmp/w.out" 2>&1 &
    fi
    pid=$!
    for _ in $(seq 300); do grep -q inserted "$tmp/w.out" && break; sleep 0.1; done
    sleep "${WAIT:-0.6}" # three periods of 200 ms, idle
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    if [ $otp = 1 ]; then
        out=$(erl -noshell -pa "$tmp" -run dets_autosave_r main "$f" -s init stop 2>&1)
    else
        out=$("$HS" run "$here/dets_autosave_r.erl" "$f" 2>&1)
    fi
    if [ "$out" = "$2" ]; then passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL auto_save $1: want '$2', got '$out' (writer: $(cat "$tmp/w.out"))"
    fi
}

one 200 "size 100, 42 -> [{42,1764}]"
one infinity "needs repair"
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Runs each tests/erl/NAME.erl with `heapscope run` and compares its stdout byte for byte with
# NAME.expected (what OTP 25 printed: scripts/otp-expect.sh). Programs listed in
# tests/erl/PENDING (name, space, reason: known runtime bugs) are skipped with a notice.
# ERL_SKIP names one more such list (tests/gcstress/run.sh: its EXCLUDE, skipped quietly),
# ERL_TIMEOUT the seconds allowed per program (120), ERL_WHAT a note added to each FAIL line.
# Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
export HEAPSCOPE_GC_VERIFY=${HEAPSCOPE_GC_VERIFY:-1} # check the heap after every GC
passed=0 failed=0 skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for f in tests/erl/*.erl; do
    exp="${f%.erl}.expected"
    [ -f "$exp" ] || continue
    if [ -n "${ERL_SKIP:-}" ] && grep -q "^$(basename "$f" .erl)[[:space:]]" "$ERL_SKIP"; then
        skipped=$((skipped + 1))
        continue
    fi
    why=$(sed -n "s/^$(basename "$f" .erl)[[:space:]]\{1,\}//p" tests/erl/PENDING 2>/dev/null)
    if [ -n "$why" ]; then
        skipped=$((skipped + 1))
        echo "skip $f: $why"
        continue
    fi
    # DETS programs keep their files at fixed names in /tmp (the same program runs on OTP):
    # a run that was killed must not leave a dirty file behind for the next one.
    case "$f" in */dets_*) rm -f /tmp/hs_"$(basename "$f" .erl)"_*.dets ;; esac
    timeout "${ERL_TIMEOUT:-120}" "$HS" run "$f" >"$out" 2>/dev/null
    st=$?
    want=0
    [ -f "${f%.erl}.status" ] && want=$(cat "${f%.erl}.status")
    if cmp -s "$out" "$exp" && [ "$st" = "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $f${ERL_WHAT:-} (exit $st, want $want)"
        diff "$exp" "$out" | head -n 10 | sed 's/^/  /'
    fi
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]

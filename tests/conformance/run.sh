#!/usr/bin/env bash
# Runs the shared conformance programs whose needs are met (see SUPPORTED) with `heapscope run`
# and compares stdout byte for byte with NAME.expected; also under GC stress. Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
export HEAPSCOPE_GC_VERIFY=${HEAPSCOPE_GC_VERIFY:-1} # check the heap after every GC
SUPPORTED="sizes heap sharing"
passed=0 failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for name in $SUPPORTED; do
    f=tests/conformance/$name.erl
    for stress in 0 1; do
        HEAPSCOPE_GC_STRESS=$stress timeout 120 "$HS" run "$f" >"$out" 2>/dev/null
        if cmp -s "$out" "tests/conformance/$name.expected"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL $f (GC stress $stress)"
            diff "tests/conformance/$name.expected" "$out" | head -n 10 | sed 's/^/  /'
        fi
    done
done
# --sharing-preserving (OTP's SHCOPY build): the receiver gets what the sender had, so its
# flat/shared sizes equal the sender's in OTP's own sharing.expected; ETS copies stay flat.
sed -E 's|sender=([0-9]+)/([0-9]+) receiver=[0-9]+/[0-9]+|sender=\1/\2 receiver=\1/\2|' \
    tests/conformance/sharing.expected >"$out.want"
timeout 120 "$HS" run --sharing-preserving tests/conformance/sharing.erl >"$out" 2>/dev/null
if cmp -s "$out" "$out.want"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL tests/conformance/sharing.erl --sharing-preserving"
    diff "$out.want" "$out" | head -n 10 | sed 's/^/  /'
fi
rm -f "$out.want"
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# tests/gcstress/run.sh — every tests/erl program again under GC stress, stdout compared with
# its OTP-made .expected as tests/erl/run.sh does (issue 3: "every test passes ... under GC
# stress"). Two passes (runtime/heap.h HeapStress):
#   1. HEAPSCOPE_GC_STRESS=1, a collection at every heap reservation: every program except
#      those in tests/gcstress/EXCLUDE (name, space, reason). The reason's first word says
#      why: "figures" (prints heap figures, which move when every reservation collects), "slow"
#      (too slow under stress for `make test`), "quadratic" (too slow for any pass).
#   2. HEAPSCOPE_GC_STRESS=move, the young block moved to a fresh block of the same size at
#      every reservation (every figure stays as without stress): the programs in
#      tests/gcstress/MOVE (the "figures" ones, and ets_order_large: its select/3 chunks once
#      left an unwritten hole in the heap that only a move met).
# With GCSTRESS_FULL=1 (`make check`) pass 1 also runs the "slow" programs and pass 2 every
# program but the "quadratic" ones, with a long timeout each. Release builds only (a sanitizer build under stress is
# several times slower again); other modes skip with a notice. Ends with one
# "N passed, N failed, N skipped" line for both passes.
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
if [ "$MODE" != release ]; then
    echo "notice: GC-stress pass over tests/erl runs in release builds only (MODE=$MODE)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
full=${GCSTRESS_FULL:-0}
timeout=60
[ "$full" = 1 ] && timeout=1800
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# tests/erl/run.sh's loop, which takes a skip list (ERL_SKIP) and ends with its totals.
pass() { # mode skip-list what out: prints all but the totals, which go to the file out
    HEAPSCOPE_GC_STRESS=$1 ERL_SKIP=$2 ERL_TIMEOUT=$timeout ERL_WHAT=" $3" HEAPSCOPE="$HS" \
        tests/erl/run.sh >"$tmp/out" 2>&1
    grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/out"
    tail -n 1 "$tmp/out" >"$4"
}
count() { # field ("passed", "failed", "skipped") of a totals line; 0 when there is none
    local n
    n=$(sed -n "s/.*\b\([0-9]\{1,\}\) $1.*/\1/p" <<<"$2")
    echo "${n:-0}"
}

# Pass 1's skip list: EXCLUDE, less its "slow" programs in a full run.
if [ "$full" = 1 ]; then
    grep -v -E '^[^[:space:]]+[[:space:]]+slow' tests/gcstress/EXCLUDE >"$tmp/skip1"
else
    cp tests/gcstress/EXCLUDE "$tmp/skip1"
fi
# Pass 2's: every program not in MOVE (in a full run: the "quadratic" ones).
grep -E '^[^[:space:]]+[[:space:]]+quadratic' tests/gcstress/EXCLUDE >"$tmp/skip2"
if [ "$full" != 1 ]; then
    for f in tests/erl/*.erl; do
        n=$(basename "$f" .erl)
        grep -q "^$n\$" tests/gcstress/MOVE || echo "$n not in tests/gcstress/MOVE" >>"$tmp/skip2"
    done
fi

pass 1 "$tmp/skip1" "under GC stress" "$tmp/t1"
pass move "$tmp/skip2" "under GC stress=move" "$tmp/t2"
t1=$(cat "$tmp/t1") t2=$(cat "$tmp/t2")
passed=$(($(count passed "$t1") + $(count passed "$t2")))
failed=$(($(count failed "$t1") + $(count failed "$t2")))
# A pass that printed no totals (its loop died) counts as a failure.
for t in "$t1" "$t2"; do grep -q -E '^[0-9]+ passed, [0-9]+ failed' <<<"$t" || failed=$((failed + 1)); done
# A program skipped by pass 1 and run by pass 2 was not skipped.
if [ "$full" = 1 ]; then
    skipped=$(count skipped "$t2")
else
    moved=$(awk 'NR == FNR { m[$1] = 1; next } ($1 in m)' tests/gcstress/MOVE tests/gcstress/EXCLUDE | wc -l)
    skipped=$(($(count skipped "$t1") - moved))
fi
echo "notice: GC stress: $t1 (collect at every reservation); $t2 (move)"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]

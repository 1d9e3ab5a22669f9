#!/usr/bin/env bash
# tests/gcstress/run.sh — every tests/erl program again under GC stress
# (HEAPSCOPE_GC_STRESS=1: a collection at every heap reservation), stdout compared with its
# OTP-made .expected as tests/erl/run.sh does (issue 3: "every test passes ... under GC
# stress"). Programs listed in tests/gcstress/EXCLUDE (name, space, reason) are skipped: those
# that print heap figures (which move when every allocation collects) and those too slow
# under stress for the suite. Release builds only (a sanitizer build under stress is several
# times slower again); other modes skip with a notice. Ends with "N passed, N failed, N skipped".
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
# The same loop as tests/erl/run.sh, which this runs with stress on and EXCLUDE as a skip list.
HEAPSCOPE_GC_STRESS=1 ERL_SKIP=tests/gcstress/EXCLUDE ERL_TIMEOUT=60 ERL_WHAT=" under GC stress" \
    HEAPSCOPE="$HS" tests/erl/run.sh
st=$?
echo "notice: programs of tests/erl in tests/gcstress/EXCLUDE are skipped under GC stress"
exit $st

#!/usr/bin/env bash
# Differential test against OTP 25 (scripts/difftest.py): a fixed set of random programs, each
# run with `heapscope run` and with erl, stdout and exit status compared byte for byte.
# Skipped (with a notice) when erl is not installed. Longer runs by hand:
#   scripts/difftest.py --seeds 1000
# Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
if ! command -v erl >/dev/null || ! command -v erlc >/dev/null; then
    echo "notice: erl not found, difftest skipped"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
exec python3 scripts/difftest.py --seeds "${DIFFTEST_SEEDS:-40}" --first "${DIFFTEST_FIRST:-1}" --heapscope "$HS"

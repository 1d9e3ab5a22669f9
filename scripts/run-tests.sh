#!/usr/bin/env bash
# Runs every test binary of build/$MODE (and the script-driven suites), adds up their
# "N passed, N failed" lines and ends with the total in the same form.
#   --runtime-only   only tests/unit/runtime (the GC-stress pass of `make check`)
set -u
cd "$(dirname "$0")/.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
only_runtime=0
[ "${1:-}" = --runtime-only ] && only_runtime=1

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

account() { # name status  — adds a binary's own totals, or one failure if it printed none
    local name=$1 status=$2 line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        local p f s=0
        p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
        case "$line" in *skipped) s=${line##*failed, }; s=${s%% skipped} ;; esac
        passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
        if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "FAIL $name exited $status"; fi
    else
        failed=$((failed + 1)); echo "FAIL $name: exited $status without a result line"
        tail -n 20 "$log"
    fi
}

run_bin() { # binary [timeout]
    local b=$1 t=${2:-600}
    echo "== $b"
    timeout "$t" "$b" >"$log" 2>&1
    local st=$?
    grep -E '^(FAIL|skip|notice|  )' "$log" | head -n 40
    account "$b" "$st"
}

for b in $(find "$BUILD/tests" -type f -perm -u+x 2>/dev/null | sort); do
    case "$b" in
        */tests/unit/runtime/*) ;;
        *) [ $only_runtime = 1 ] && continue ;;
    esac
    run_bin "$b"
done

if [ $only_runtime = 0 ]; then
    for s in tests/*/run.sh; do
        [ -x "$s" ] || continue
        echo "== $s"
        MODE=$MODE "$s" >"$log" 2>&1
        st=$?
        grep -E '^(FAIL|skip|notice|  )' "$log" | head -n 40
        account "$s" "$st"
    done
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]

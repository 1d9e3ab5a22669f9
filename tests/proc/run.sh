#!/usr/bin/env bash
# tests/proc/run.sh [--regen] — process-level checks that a stdout comparison cannot make:
#   crash_reports  the error reports of crashing spawned processes (heapscope prints them on
#                  stderr; OTP's logger on stdout): compared with crash_reports.expected after
#                  normalising times, pids and the figures of the max_heap_size report
#                  (--regen rewrites the expected file from a local OTP 25).
#   million        one million idle processes alive at once: erlang:memory(total) and the
#                  peak RSS (VmHWM) must stay under 4 GB (about 10 s and 2.5 GB in a release
#                  build). It runs in MODE=release when the machine has 6 GB available, else it
#                  is skipped (sanitizer builds multiply both figures); HEAPSCOPE_MILLION=1
#                  forces it, HEAPSCOPE_MILLION=0 skips it. million.erl prints the figures.
#                  It measures the runtime: `run --no-agent` (the agent's per-process series
#                  add about 2 GB at this scale); HEAPSCOPE_MILLION_ARGS replaces --no-agent.
# Checks listed in tests/proc/PENDING (name, space, reason: known runtime bugs) are skipped.
# Prints "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE:-$BUILD/bin/heapscope}
here=tests/proc
tmp=$(mktemp -d /tmp/hs_proc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0

# Times, pids and the sizes in the max_heap_size report vary between runs and runtimes.
normalise() {
    sed -E -e 's/^=ERROR REPORT==== .* ===$/=ERROR REPORT==== TIME ===/' \
           -e 's/<[0-9]+\.[0-9]+\.[0-9]+>/<PID>/g' \
           -e 's/\{line,[0-9]+\}/{line,N}/g' \
           -e '/Total Heap Size:/s/[0-9]+/N/' \
           -e 's/\{([a-z_]+),[0-9]+\}/{\1,N}/g'
}

if [ "${1:-}" = --regen ]; then
    command -v erlc >/dev/null || { echo "run.sh: erlc not found" >&2; exit 1; }
    erlc -o "$tmp" "$here/crash_reports.erl"
    (cd "$tmp" && erl -noshell -pa "$tmp" -s crash_reports main -s init stop) | normalise \
        > "$here/crash_reports.expected"
    echo "wrote $here/crash_reports.expected"
    exit 0
fi

pending() { sed -n "s/^$1[[:space:]]\{1,\}//p" "$here/PENDING" 2>/dev/null; }

# crash_reports
why=$(pending crash_reports)
if [ -n "$why" ]; then
    skipped=$((skipped + 1))
    echo "skip crash_reports: $why"
else
timeout 60 "$HS" run "$here/crash_reports.erl" >"$tmp/out" 2>"$tmp/err"
st=$?
normalise <"$tmp/err" >"$tmp/err.norm"
if [ $st -eq 0 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/err.norm" "$here/crash_reports.expected"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL crash_reports (exit $st)"
    diff "$here/crash_reports.expected" "$tmp/err.norm" | head -n 20 | sed 's/^/  /'
fi
fi

# million
avail_kb=$(sed -n 's/^MemAvailable:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/meminfo 2>/dev/null)
million=${HEAPSCOPE_MILLION:-}
if [ -z "$million" ]; then
    million=0
    [ "$MODE" = release ] && [ "${avail_kb:-0}" -gt $((6 * 1024 * 1024)) ] && million=1
fi
if [ "$million" = 1 ]; then
    limit=$((4 * 1024 * 1024 * 1024))
    start=$(date +%s)
    "$HS" run ${HEAPSCOPE_MILLION_ARGS---no-agent} "$here/million.erl" >"$tmp/million.out" 2>"$tmp/million.err" &
    pid=$!
    # The peak resident size, sampled from outside while it runs (VmHWM is the kernel's own peak).
    hwm=0
    while kill -0 "$pid" 2>/dev/null; do
        h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
        [ -n "$h" ] && hwm=$h
        sleep 0.5
    done
    wait "$pid"
    st=$?
    secs=$(($(date +%s) - start))
    total=$(sed -n 's/^total \([0-9]*\)$/\1/p' "$tmp/million.out")
    echo "notice: million: exit $st, ${secs}s, peak RSS $((hwm / 1024)) MB, erlang:memory(total) ${total:-?}"
    sed 's/^/  /' "$tmp/million.out"
    if [ $st -eq 0 ] && grep -qx 'alive 1000000' "$tmp/million.out" && [ -n "$total" ] &&
        [ "$total" -lt $limit ] && [ $((hwm * 1024)) -lt $limit ] && grep -qx 'stopped 0' "$tmp/million.out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL million"
        tail -n 5 "$tmp/million.err" | sed 's/^/  /'
    fi
else
    skipped=$((skipped + 1))
    echo "skip million: MODE=$MODE, ${avail_kb:-?} kB available (HEAPSCOPE_MILLION=1 forces it)"
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The dashboard in a real terminal (tmux): a fake runtime (test_live --serve: the agent and
# its control socket over tests/agent/fakehost.h, with a leaky server that keeps growing) and
# `heapscope top` (test_live --top, the same viewer_top_main the CLI calls) in a tmux pane.
# Checks: it attaches and shows the processes; selecting the leaky server and pressing G shows
# the before/after in place with the heap shrinking; resizes keep the layout whole (and a
# small terminal gets the message); killing the runtime shows DETACHED with the last data; a
# new runtime of the same program is reattached; q and SIGTERM both leave the terminal restored
# (no alternate screen, cursor visible); no sanitizer report. Ends with "N passed, N failed".
#
# When examples/demo.erl runs under `heapscope run --top`, the same checks apply to it
# (HEAPSCOPE_TOP_CMD can name another viewer command; it gets the socket path as argument).
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
BIN=${HS_VIEWER_TEST_BIN:-$BUILD/tests/viewer/test_live}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/  /' | head -30; }

if ! command -v tmux >/dev/null; then echo "skip: tmux is not installed"; echo "0 passed, 0 failed"; exit 0; fi
if [ ! -x "$BIN" ]; then echo "skip: $BIN is not built"; echo "0 passed, 0 failed"; exit 0; fi

work=$(mktemp -d /tmp/hs-viewer-tmux.XXXXXX)
sock_dir=$work/sock
mkdir -m 700 "$sock_dir"
export ASAN_OPTIONS="log_path=$work/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$work/ubsan:print_stacktrace=1"
tm() { tmux -L "hs-viewer-$$" "$@"; }
serve_pid=
cleanup() {
    tm kill-server 2>/dev/null
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

start_runtime() { # sets serve_pid and sock (not in a subshell: the pid is ours to kill)
    : >"$work/serve.out"
    "$BIN" --serve "$sock_dir" >"$work/serve.out" 2>"$work/serve.err" &
    serve_pid=$!
    for _ in $(seq 50); do [ -s "$work/serve.out" ] && break; sleep 0.1; done
    sock=$(head -n 1 "$work/serve.out")
}
screen() { tm capture-pane -p -t "$1"; }
# wait_for PANE TEXT [SECONDS]: true when TEXT shows in the pane in time
wait_for() {
    local i
    for i in $(seq $((${3:-5} * 10))); do
        screen "$1" | grep -qF -- "$2" && return 0
        sleep 0.1
    done
    return 1
}
check() { # name pane text [seconds]
    if wait_for "$2" "$3" "${4:-5}"; then ok; else bad "$1" "$(screen "$2")"; fi
}

start_runtime
[ -S "$sock" ] || { bad fake_runtime_starts "$(cat "$work/serve.err")"; echo "$passed passed, $failed failed"; exit 1; }
viewer=${HEAPSCOPE_TOP_CMD:-$BIN --top}
tm new-session -d -s v -x 100 -y 30 "env LANG=C.UTF-8 $viewer '$sock'; echo VIEWER-EXIT=\$?; sleep 60"

check attaches v:0 "examples/demo.erl  os pid"
check shows_processes v:0 "<0.42.0> leaky_server"
check shows_sparklines v:0 "total "

# select the leaky server with the filter, then a major GC
tm send-keys -t v:0 / l e a k y Enter
sleep 0.3
tm send-keys -t v:0 G
if wait_for v:0 "major GC: heap" 5; then
    line=$(screen v:0 | grep -F "major GC: heap" | head -n 1)
    before=$(printf '%s' "$line" | sed -n 's/.*heap \([0-9.k]*\)→\([0-9.k]*\) .*/\1/p')
    after=$(printf '%s' "$line" | sed -n 's/.*heap \([0-9.k]*\)→\([0-9.k]*\) .*/\2/p')
    tonum() { case "$1" in *k) awk -v v="${1%k}" 'BEGIN{printf "%d", v*1000}' ;; *) echo "${1:-0}" ;; esac; }
    if [ -n "$before" ] && [ "$(tonum "$after")" -lt "$(tonum "$before")" ]; then ok
    else bad gc_heap_shrinks "$line"; fi
    check gc_status v:0 "major GC of <0.42.0> done"
else
    bad major_gc_before_after "$(screen v:0)"
fi

# resizing: wide (two columns), too small (a message), back (whole again)
tm resize-window -t v -x 160 -y 48
check wide_layout_splits v:0 "│ <0.42.0> leaky_server"
tm resize-window -t v -x 70 -y 20
check small_terminal_message v:0 "heapscope top needs at least 80x24"
tm resize-window -t v -x 100 -y 30
check layout_whole_again v:0 " 1 Processes  2 Detail  3 GC  4 ETS  5 Sharing  6 Leaks"
if screen v:0 | head -n 1 | grep -qF " heapscope top  examples/demo.erl"; then ok; else bad title_row_after_resize "$(screen v:0)"; fi

# the runtime dies: detached, the last data stays
kill -KILL "$serve_pid"; wait "$serve_pid" 2>/dev/null; serve_pid=
check shows_detached v:0 "DETACHED"
if screen v:0 | grep -qF "<0.42.0> leaky_server"; then ok; else bad keeps_last_data "$(screen v:0)"; fi

# a runtime of the same program comes back: reattached
start_runtime
check reattaches v:0 "reattached to examples/demo.erl" 8
check attached_again v:0 "  attached  every"

# q quits and gives the terminal back
tm send-keys -t v:0 q
check quits v:0 "VIEWER-EXIT=0"
if [ "$(tm display -p -t v:0 '#{alternate_on}')" = 0 ] && [ "$(tm display -p -t v:0 '#{cursor_flag}')" = 1 ]; then ok
else bad terminal_restored_after_q "alternate_on=$(tm display -p -t v:0 '#{alternate_on}') cursor=$(tm display -p -t v:0 '#{cursor_flag}')"; fi
if screen v:0 | grep -qF "1 Processes"; then bad screen_cleared_after_q "$(screen v:0)"; else ok; fi

# SIGTERM: the signal handler restores the terminal, then the signal kills the viewer
tm new-window -t v -n t "env LANG=C.UTF-8 $viewer '$sock'; echo VIEWER-EXIT=\$?; sleep 60"
check second_viewer_attaches v:t "<0.42.0> leaky_server"
shell_pid=$(tm display -p -t v:t '#{pane_pid}')
vpid=$(ps -o pid= --ppid "$shell_pid" | tr -d ' ' | head -n 1)
if [ -n "$vpid" ]; then
    kill -TERM "$vpid"
    check killed_by_sigterm v:t "VIEWER-EXIT=143"
    if [ "$(tm display -p -t v:t '#{alternate_on}')" = 0 ] && [ "$(tm display -p -t v:t '#{cursor_flag}')" = 1 ]; then ok
    else bad terminal_restored_after_sigterm "alternate_on=$(tm display -p -t v:t '#{alternate_on}')"; fi
else
    bad viewer_pid "no child of $shell_pid"
fi

if ls "$work"/asan* "$work"/ubsan* >/dev/null 2>&1; then bad sanitizers "$(cat "$work"/asan* "$work"/ubsan* 2>/dev/null | head -40)"; else ok; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

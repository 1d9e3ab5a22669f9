#!/usr/bin/env bash
# The viewer against the real runtime: examples/demo.erl under `heapscope run`.
#
# Part 1, `heapscope top --once` (no terminal needed): a runtime started in the background is
# found without a TARGET (and by its OS pid); one frame, plain and UTF-8, has the demo's
# processes with their names and initial calls, sorted by memory, the page_cache table, and the
# reporter's send site with OTP 25's flat/shared ratio for its message (erts_debug:flat_size/1
# 2417 over erts_debug:size/1 217 = 11.14); the detail panel of request_log (OTP's
# process_info: current_function {demo,log_server,1}, no dictionary, links, monitors, on_heap).
#
# Part 2, a real terminal (tmux): `heapscope run --top examples/demo.erl` in a pane. It
# attaches; the filter selects the leaky server (request_log) and G shows the before/after in
# place with the used words shrinking; resizes keep the layout whole (wide: two columns; too
# small: the message; back: whole again); q gives the terminal back (no alternate screen, cursor
# visible) while the program runs on; a second viewer (`heapscope top`) on the same runtime
# shows DETACHED with the last data when the runtime is killed, and reattaches when the
# program runs again; q and SIGTERM restore its terminal too; a short `run --top` leaves the
# dashboard when its program ends, with the terminal restored and exit status 0.
#
# Both parts: no sanitizer report (MODE=asan). Waits poll the screen with timeouts (a loaded
# 2-core machine is slow, not wrong). Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
HS=${HEAPSCOPE_BIN:-$BUILD/bin/heapscope}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/  /' | head -40; }
expect() { # name condition-status [details]
    if [ "$2" -eq 0 ]; then ok; else bad "$1" "${3:-}"; fi
}

if [ ! -x "$HS" ]; then echo "skip: $HS is not built"; echo "0 passed, 0 failed"; exit 0; fi
HS=$(cd "$(dirname "$HS")" && pwd)/$(basename "$HS")

work=$(mktemp -d /tmp/hs-viewer.XXXXXX)
export HEAPSCOPE_DIR=$work/sock
mkdir -m 700 "$HEAPSCOPE_DIR"
export ASAN_OPTIONS="log_path=$work/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$work/ubsan:print_stacktrace=1"
export LANG=C.UTF-8
unset NO_COLOR
tm() { tmux -L "hs-viewer-$$" "$@"; }
bg_pids=()
cleanup() {
    command -v tmux >/dev/null && tm kill-server 2>/dev/null
    for p in "${bg_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

# wait_until SECONDS COMMAND...: true as soon as COMMAND succeeds, polling every 0.1 s
wait_until() {
    local t=$1 i
    shift
    for i in $(seq $((t * 10))); do "$@" && return 0; sleep 0.1; done
    "$@"
}
sock_up() { [ -S "$HEAPSCOPE_DIR/$1.sock" ]; }
# the program in the background; sets demo to its OS pid (the heapscope process itself). Not
# in a subshell: the process must be this shell's child to be waited for.
start_demo() { # seconds
    "$HS" run examples/demo.erl "$1" >"$work/demo.out" 2>>"$work/demo.err" </dev/null &
    demo=$!
    bg_pids+=("$demo")
    wait_until 30 sock_up "$demo"
}

# ---- part 1: --once ------------------------------------------------------------------------

if ! start_demo 60; then
    bad demo_starts "$(cat "$work/demo.err")"
    echo "$passed passed, $failed failed"
    exit 1
fi
# the demo's processes exist once main has spawned them; two snapshots so rates show
has_rows() { "$HS" top --once --plain --cols 100 --rows 30 >"$work/once.txt" 2>"$work/once.err" && grep -q pool_worker_4 "$work/once.txt"; }
wait_until 20 has_rows
expect once_exits_0 $? "$(cat "$work/once.err" "$work/once.txt")"
f=$work/once.txt
# shape: exactly 30 rows of at most 100 columns, ASCII only with --plain
[ "$(wc -l <"$f")" -eq 30 ] && awk 'length($0) > 100 { exit 1 }' "$f"
expect once_frame_shape $? "$(cat "$f")"
LC_ALL=C grep -q '[^ -~]' "$f"; expect once_plain_is_ascii $(( ! $? )) "$(cat "$f")"
grep -qF " heapscope top  examples/demo.erl  os pid $demo  attached  every 500 ms" "$f"
expect once_title $? "$(head -n 1 "$f")"
for cat in total processes ets binary atom code; do
    grep -qE "(^| )$cat +[0-9.]+[BKMG] " "$f"; expect "once_memory_$cat" $? "$(sed -n 2,4p "$f")"
done
grep -qE "^ GC [0-9.]+/s .* p99 [0-9.]+ms  lost sharing [0-9.kM]+ w/s .* dropped [0-9]+  procs 8 *$" "$f"
expect once_rates_and_procs $? "$(sed -n 5p "$f")"
# names: the registered name, else the initial call (OTP's initial_call of spawn(demo, F, A))
for name in request_log router report_sink pool_worker_1 pool_worker_2 pool_worker_3 \
            pool_worker_4 demo:main/1; do
    grep -qE "^ <0\.[0-9]+\.0> $name " "$f"; expect "once_row_$name" $? "$(cat "$f")"
done
# sorted by memory: the MEMORY column never increases down the table
sed -n '/^ PID /,/^q quit/p' "$f" | grep -E '^ <0\.' | awk '
    function bytes(s,  n, u) { n = s + 0; u = substr(s, length(s));
        return u == "K" ? n * 1024 : u == "M" ? n * 1048576 : u == "G" ? n * 1073741824 : n }
    { v = bytes($(NF - 3)); if (NR > 1 && v > last) exit 1; last = v }'
expect once_sorted_by_memory $? "$(cat "$f")"
grep -q "sort memory" "$f"; expect once_sort_shown $?

# UTF-8 without --plain, and no escapes when stdout is not a terminal
"$HS" top "$demo" --once --cols 80 --rows 24 >"$work/utf8.txt" 2>&1
expect once_by_os_pid $? "$(cat "$work/utf8.txt")"
grep -q "MEMORY▼" "$work/utf8.txt" && grep -q '[▁▂▃▄▅▆▇█]' "$work/utf8.txt"
expect once_utf8_sparklines $? "$(cat "$work/utf8.txt")"
grep -q $'\033' "$work/utf8.txt"; expect once_no_escapes_to_a_file $(( ! $? ))

# the other panels on the live runtime
"$HS" top --once --plain --cols 100 --rows 30 --panel ets >"$work/ets.txt" 2>&1
main_pid=$(grep -oE "^ <0\.[0-9]+\.0> demo:main/1 " "$f" | grep -oE "<[^>]*>")
grep -qE "^ page_cache +set +public +$main_pid " "$work/ets.txt"
expect once_ets_page_cache $? "$(cat "$work/ets.txt")"
"$HS" top --once --plain --cols 100 --rows 30 --panel sharing >"$work/sharing.txt" 2>&1
grep -qE "^ demo:loop/8:38 +[0-9.k]+ +[0-9.kM]+ +[0-9.k]+ +11\.14 " "$work/sharing.txt"
expect once_sharing_ratio_as_otp $? "$(cat "$work/sharing.txt")"
# each of its messages is 2417 words flat and 217 shared in OTP: FLAT = MSGS x 2417 and LOST =
# MSGS x 2200, as far as the compact numbers (3 digits) show them
grep -E "^ demo:loop/8:38 " "$work/sharing.txt" | awk '
    function num(s,  n, u) { n = s + 0; u = substr(s, length(s));
        return u == "k" ? n * 1000 : u == "M" ? n * 1000000 : n }
    function near(x, want) { d = x - want; if (d < 0) d = -d; return d <= want * 0.006 + 1 }
    { m = num($2); ok = m > 0 && near(num($3), m * 2417) && near(num($6), m * 2200) }
    END { exit !ok }'
expect once_sharing_flat_and_lost_as_otp $? "$(cat "$work/sharing.txt")"
rl=$(grep -oE "^ <0\.[0-9]+\.0> request_log " "$f" | grep -oE "<[^>]*>")
"$HS" top --once --plain --cols 100 --rows 30 --panel detail --select "$rl" >"$work/detail.txt" 2>&1
grep -qF " $rl request_log  demo:log_server/1" "$work/detail.txt" &&
    grep -qE "current demo:log_server/1  dict 0  links 0  monitors 0  queue on_heap" "$work/detail.txt" &&
    grep -qE "^ total heap, words \(max [0-9.k]+, [0-9]+ samples since spawn\)" "$work/detail.txt"
expect once_detail_request_log $? "$(cat "$work/detail.txt")"
# The verdict needs enough major GCs of request_log to fit a slope: under ASan on a loaded
# machine the demo may not have made them yet, so the panel is read again until it shows it.
leak_shown() {
    "$HS" top --once --plain --cols 100 --rows 30 --panel leaks >"$work/leaks.txt" 2>&1 &&
    grep -qE "^ LEAK +process_state +$rl request_log" "$work/leaks.txt" &&
    grep -A1 -E "^ LEAK +process_state +$rl request_log" "$work/leaks.txt" | tail -n 1 |
        grep -qE "^    live words after major GCs grew from [0-9]+ to [0-9]+ \(R2 [0-9.]+\)"
}
wait_until 30 leak_shown
expect once_leak_verdict_request_log $? "$(cat "$work/leaks.txt")"
kill -KILL "$demo" 2>/dev/null; wait "$demo" 2>/dev/null
"$HS" top --once --plain >"$work/none.txt" 2>&1
expect once_no_runtime_exits_1 $(( $? != 1 )) "$(cat "$work/none.txt")"

# ---- part 2: tmux --------------------------------------------------------------------------

if ! command -v tmux >/dev/null; then
    echo "skip: tmux is not installed (the real-terminal part)"
else
    screen() { tm capture-pane -p -t "$1"; }
    shows() { screen "$1" | grep -qF -- "$2"; }
    check() { # name pane text [seconds]
        if wait_until "${4:-10}" shows "$2" "$3"; then ok; else bad "$1" "$(screen "$2")"; fi
    }
    restored() { [ "$(tm display -p -t "$1" '#{alternate_on}')" = 0 ] && [ "$(tm display -p -t "$1" '#{cursor_flag}')" = 1 ]; }
    check_restored() { # name pane
        if wait_until 5 restored "$2"; then ok
        else bad "$1" "alternate_on=$(tm display -p -t "$2" '#{alternate_on}') cursor=$(tm display -p -t "$2" '#{cursor_flag}')"; fi
    }
    tonum() { awk -v v="$1" 'BEGIN { n = v + 0; u = substr(v, length(v));
        printf "%d", u == "k" ? n * 1000 : u == "M" ? n * 1000000 : n }'; }

    env_cmd="env HEAPSCOPE_DIR='$HEAPSCOPE_DIR' ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS' LANG=C.UTF-8"
    tm new-session -d -s v -x 100 -y 30 "$env_cmd '$HS' run --top examples/demo.erl 120; echo RUN-EXIT=\$?; sleep 120"
    check run_top_attaches v:0 "examples/demo.erl  os pid" 30
    check run_top_shows_request_log v:0 " request_log " 20
    run_pid=$(screen v:0 | head -n 1 | sed -n 's/.* os pid \([0-9]*\) .*/\1/p')
    bg_pids+=("${run_pid:-0}")
    rl=$(screen v:0 | grep -oE "<0\.[0-9]+\.0> request_log" | head -n 1 | cut -d' ' -f1)

    # select the leaky server with the filter, then a major GC: the used words shrink
    tm send-keys -t v:0 / r e q u e s t _ l o g Enter
    check filter_applied v:0 'filter "request_log"'
    tm send-keys -t v:0 G
    if wait_until 15 shows v:0 "major GC: used"; then
        gc_field() { printf '%s' "$line" | sed -n "s/.*used \([0-9.kM]*\)→\([0-9.kM]*\) (-\([0-9.kM]*\)).*/\\$1/p"; }
        # A major GC right after the server's own collection finds nothing to free (a loaded
        # machine makes that likelier): then G again, a second later, up to three times.
        for attempt in 1 2 3; do
            line=$(screen v:0 | grep -F "major GC: used" | head -n 1)
            before=$(gc_field 1) after=$(gc_field 2) freed=$(gc_field 3)
            [ -n "$freed" ] && [ "$(tonum "$freed")" -gt 0 ] && break
            [ $attempt -lt 3 ] && { sleep 1; tm send-keys -t v:0 G; sleep 2; }
        done
        # the before/after is right under request_log's row
        prev=$(screen v:0 | grep -B1 -F "major GC: used" | head -n 1)
        case "$prev" in *"$rl request_log "*) ok ;; *) bad gc_line_under_its_row "$prev" ;; esac
        if [ -n "$before" ] && [ "$(tonum "$freed")" -gt 0 ] && [ "$(tonum "$after")" -le "$(tonum "$before")" ]; then ok
        else bad gc_used_words_shrink "$line"; fi
        check gc_status v:0 "major GC of $rl done"
    else
        bad major_gc_before_after "$(screen v:0)"
    fi

    # resizing: wide (two columns, the detail on the right), too small (a message), back
    tm resize-window -t v -x 160 -y 48
    check wide_layout_splits v:0 "│ $rl request_log  demo:log_server/1"
    tm resize-window -t v -x 70 -y 20
    check small_terminal_message v:0 "heapscope top needs at least 80x24"
    tm resize-window -t v -x 100 -y 30
    check layout_whole_again v:0 " 1 Processes  2 Detail  3 GC  4 ETS  5 Sharing  6 Leaks"
    if screen v:0 | head -n 1 | grep -qF " heapscope top  examples/demo.erl  os pid $run_pid"; then ok
    else bad title_row_after_resize "$(screen v:0)"; fi
    if screen v:0 | grep -qF "$rl request_log "; then ok; else bad rows_after_resize "$(screen v:0)"; fi

    # a second viewer on the same runtime (found without a TARGET)
    tm new-window -t v -n w "$env_cmd '$HS' top; echo VIEWER-EXIT=\$?; sleep 120"
    check top_attaches v:w "examples/demo.erl  os pid $run_pid  attached" 20
    check top_shows_request_log v:w "$rl request_log " 20

    # q in the run's own dashboard: the terminal comes back, the program runs on
    tm send-keys -t v:0 q
    check_restored terminal_restored_after_q v:0
    if wait_until 5 eval '! shows v:0 "1 Processes"'; then ok; else bad screen_cleared_after_q "$(screen v:0)"; fi
    if kill -0 "$run_pid" 2>/dev/null; then ok; else bad program_runs_on_after_q; fi

    # the runtime dies: the other viewer says DETACHED and keeps the last data
    kill -KILL "$run_pid" 2>/dev/null
    check run_killed v:0 "RUN-EXIT=137"
    check shows_detached v:w "DETACHED"
    if screen v:w | grep -qF "$rl request_log "; then ok; else bad keeps_last_data "$(screen v:w)"; fi
    check detached_notice v:w "detached: the runtime went away"

    # the same program runs again: reattached (this run ends by itself: a clean exit under ASan)
    start_demo 10
    demo2=$demo
    check reattaches v:w "reattached to examples/demo.erl (os pid $demo2)" 20
    check attached_again v:w "os pid $demo2  attached"

    # q quits and gives the terminal back
    tm send-keys -t v:w q
    check quits v:w "VIEWER-EXIT=0"
    check_restored terminal_restored_after_top_q v:w
    if screen v:w | grep -qF "1 Processes"; then bad top_screen_cleared_after_q "$(screen v:w)"; else ok; fi

    # SIGTERM: the handler restores the terminal, then the signal ends the viewer
    tm new-window -t v -n t "$env_cmd '$HS' top $demo2; echo VIEWER-EXIT=\$?; sleep 120"
    check third_viewer_attaches v:t "$rl request_log " 20
    shell_pid=$(tm display -p -t v:t '#{pane_pid}')
    vpid=$(ps -o pid= --ppid "$shell_pid" | tr -d ' ' | head -n 1)
    if [ -n "$vpid" ]; then
        kill -TERM "$vpid"
        check killed_by_sigterm v:t "VIEWER-EXIT=143"
        check_restored terminal_restored_after_sigterm v:t
    else
        bad viewer_pid "no child of $shell_pid"
    fi
    # a short run under --top: when the program ends the dashboard leaves by itself, the
    # terminal is restored and the run's status is main's (0)
    tm new-window -t v -n e "$env_cmd '$HS' run --top examples/demo.erl 2; echo RUN-EXIT=\$?; sleep 120"
    check short_run_top_attaches v:e " request_log " 30
    check short_run_ends_0 v:e "RUN-EXIT=0" 30
    check_restored terminal_restored_at_program_end v:e

    # the second demo ends on its own (main returns after 10 s): exit 0
    if wait_until 30 eval '! kill -0 "$demo2" 2>/dev/null'; then wait "$demo2"; expect demo_exits_0 $? "$(cat "$work/demo.err")"
    else bad demo_ends; fi
fi

if ls "$work"/asan* "$work"/ubsan* >/dev/null 2>&1; then bad sanitizers "$(cat "$work"/asan* "$work"/ubsan* 2>/dev/null | head -60)"; else ok; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# tests/fuzz/run.sh — builds the libFuzzer targets of tests/fuzz/ with clang and runs each over
# its seeds for a few seconds, so that no target stops building or starts crashing unseen; the
# long runs of the issues use the same script:
#   tests/fuzz/run.sh [TARGET ...]      every target (parse, dets, etf, protocol) or the named
#   FUZZ_SECONDS=600 tests/fuzz/run.sh parse     one for ten minutes (default 5 s each)
# New corpus units go to $FUZZ_DIR/corpus_TARGET (default a temporary directory), never into the
# seed directories. A crash, leak or timeout fails the target; libFuzzer's reproducer is kept
# in $FUZZ_DIR. Needs clang with libFuzzer (scripts/deps.sh installs clang and libclang-rt-dev);
# without it the suite skips with a notice. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
root=$PWD
SECS=${FUZZ_SECONDS:-5}
CC_FUZZ=${CC_FUZZ:-clang}
if ! command -v "$CC_FUZZ" >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' |
     "$CC_FUZZ" -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then
    echo "notice: no clang with libFuzzer; the fuzz targets are not built"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
if [ -n "${FUZZ_DIR:-}" ]; then mkdir -p "$FUZZ_DIR"; dir=$FUZZ_DIR
else dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT; fi

CFLAGS=(-std=c11 -D_GNU_SOURCE -g -O1 -DHS_TEST_HOOKS -DHS_HAVE_ZLIB -Iruntime -Iagent -Itests
        -I/usr/include/cjson)
SAN=(-fsanitize=address,undefined)
L=runtime/lang
RT=(runtime/atom.c runtime/bignum.c runtime/bin.c runtime/copy.c runtime/gc.c
    runtime/gc_verify.c runtime/heap.c runtime/literal.c runtime/map.c runtime/print.c
    runtime/strbuf.c runtime/term.c runtime/etf.c runtime/probe.c)
FRONT=($L/arena.c $L/diag.c $L/lex.c $L/pp.c $L/pp_eval.c $L/ast.c $L/parse.c $L/parse_type.c
       $L/absform.c $L/check.c $L/check_type.c $L/front.c runtime/strbuf.c)

# target: its sources, libraries, seed directories and libFuzzer options
sources() {
    case $1 in
    parse) echo tests/fuzz/fuzz_parse.c "${FRONT[@]}" ;;
    dets) echo tests/fuzz/fuzz_dets.c runtime/dets.c "${RT[@]}" ;;
    etf) echo tests/fuzz/fuzz_etf.c "${RT[@]}" ;;
    protocol) echo tests/fuzz/fuzz_protocol.c agent/server.c ;;
    esac
}
libs() {
    case $1 in
    parse) echo -lm ;;
    protocol) echo -lcjson -lm -pthread ;;
    *) echo -lgmp -lz -lm -pthread ;;
    esac
}
seeds() {
    case $1 in
    parse) echo tests/unit/lang/cases ;;
    dets) echo tests/fuzz/corpus/dets ;;
    etf) echo tests/fuzz/etf_seeds ;;
    protocol) echo tests/fuzz/corpus/protocol ;;
    esac
}
options() {
    case $1 in
    parse) echo -max_len=4096 -dict=tests/fuzz/erlang.dict ;;
    dets) echo -max_len=32768 ;;
    *) echo -max_len=4096 ;;
    esac
}

# Each source is compiled once (instrumented, not linked with libFuzzer's main) and shared by
# the targets that name it; two at a time.
objects() { # target -> its object files
    local s
    for s in $(sources "$1"); do echo "$dir/obj/${s//\//_}.o"; done
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse dets etf protocol)
for t in "${targets[@]}"; do
    [ -n "$(sources "$t")" ] || { echo "unknown target $t (parse, dets, etf, protocol)" >&2; exit 2; }
done

mkdir -p "$dir/obj"
for t in "${targets[@]}"; do sources "$t"; done | tr ' ' '\n' | sort -u > "$dir/srcs"
build_one() { # source
    "$CC_FUZZ" "${CFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer-no-link -c "$1" \
        -o "$dir/obj/${1//\//_}.o" 2>>"$dir/build.log"
}
pids=()
while read -r s; do
    build_one "$s" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done < "$dir/srcs"
wait

passed=0 failed=0
for t in "${targets[@]}"; do
    bin=$dir/fuzz_$t
    # shellcheck disable=SC2046
    if ! "$CC_FUZZ" "${SAN[@]}" -fsanitize=fuzzer $(objects "$t") $(libs "$t") -o "$bin" \
            2>>"$dir/build.log"; then
        echo "FAIL fuzz_$t: does not build"
        tail -n 20 "$dir/build.log"
        failed=$((failed + 1))
        continue
    fi
    corpus=$dir/corpus_$t
    mkdir -p "$corpus"
    # shellcheck disable=SC2046
    (cd "$dir" && "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
        $(options "$t" | sed "s|-dict=|-dict=$root/|") "$corpus" "$root/$(seeds "$t")") \
        >"$dir/fuzz_$t.log" 2>&1
    st=$?
    runs=$(grep -oE '^Done [0-9]+ runs' "$dir/fuzz_$t.log" | grep -oE '[0-9]+')
    if [ $st -eq 0 ] && [ -n "$runs" ]; then
        passed=$((passed + 1))
        echo "ok fuzz_$t: ${runs} inputs in ${SECS} s, $(grep -oE 'cov: [0-9]+' "$dir/fuzz_$t.log" | tail -n 1)"
    else
        failed=$((failed + 1))
        echo "FAIL fuzz_$t: exit $st"
        grep -E 'ERROR|SUMMARY|Test unit written' "$dir/fuzz_$t.log" | head -n 10 | sed 's/^/  /'
    fi
done
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]

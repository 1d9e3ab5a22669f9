#!/usr/bin/env bash
# tests/otpcheck/run.sh — when erl is installed, checks that every expected file the suite
# compares our runtime with is still what OTP 25 prints (issue 3: "`make test` also checks that
# every expected file is still what OTP prints"):
#   tests/erl/NAME.expected          erl -noshell -s NAME main -s init stop, stdout (as
#                                    scripts/otp-expect.sh makes it, "init terminating" lines
#                                    dropped)
#   tests/stdlib/NAME.expected       erl -noshell -eval 'NAME:main(), halt().' (gen_expected.sh)
#   tests/conformance/NAME.expected  erl -noshell -s NAME main -s init stop
#   tests/erl_errors/NAME.expected   erlc NAME.erl in that directory, warnings removed
#   tests/cli/expected/*             tests/cli/run.sh --regen into a scratch copy
# Programs run OTPCHECK_JOBS at a time (default 2); a mismatch is retried alone. Skipped with
# a notice without erl.
# Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
if ! command -v erl >/dev/null || ! command -v erlc >/dev/null; then
    echo "notice: erl not found, expected files not checked against OTP"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
root=$PWD
tmp=$(mktemp -d /tmp/hs_otpcheck.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/erl" "$tmp/stdlib" "$tmp/conf" "$tmp/res"

# Every tests/erl module together, so that programs calling each other's modules run.
erlc -o "$tmp/erl" tests/erl/*.erl >/dev/null 2>&1
erlc -o "$tmp/stdlib" tests/stdlib/*_test.erl >/dev/null 2>&1
erlc -o "$tmp/conf" tests/conformance/*.erl >/dev/null 2>&1

# One check: KIND FILE.erl; writes ok or a diff into $tmp/res.
check_one() {
    local kind=$1 f=$2 m exp out
    m=$(basename "$f" .erl)
    exp="${f%.erl}.expected"
    out="$tmp/res/$kind.$m"
    case $kind in
        erl)
            [ -f "$tmp/erl/$m.beam" ] || { echo "does not compile with erlc" >"$out.fail"; return; }
            (cd "$tmp/erl" && erl -noshell -pa "$tmp/erl" -s "$m" main -s init stop 2>/dev/null |
                grep -a -v -e '^{"init terminating in do_boot"' -e '^init terminating in do_boot') \
                >"$out.got" ;;
        stdlib)
            (cd "$tmp/stdlib" && erl -noshell -pa "$tmp/stdlib" -eval "$m:main(), halt()." 2>&1) >"$out.got" ;;
        conf)
            (cd "$tmp/conf" && erl -noshell -pa "$tmp/conf" -s "$m" main -s init stop 2>/dev/null) >"$out.got" ;;
        err)
            # erlc prints each message as a block: "F:L:C: text", the source lines, a blank line.
            (cd tests/erl_errors && erlc -o "$tmp" "$m.erl" 2>&1) |
                awk '/^[^ %].*:[0-9]+:[0-9]+: / { skip = ($0 ~ /: Warning: /) } !skip' >"$out.got" ;;
    esac
    if cmp -s "$out.got" "$exp"; then : >"$out.ok"
    else diff "$exp" "$out.got" | head -n 8 >"$out.fail"; fi
}
export -f check_one
export tmp

{
    for f in tests/erl/*.erl; do [ -f "${f%.erl}.expected" ] && echo "erl $f"; done
    for f in tests/stdlib/*_test.erl; do [ -f "${f%.erl}.expected" ] && echo "stdlib $f"; done
    for f in tests/conformance/*.erl; do [ -f "${f%.erl}.expected" ] && echo "conf $f"; done
    for f in tests/erl_errors/*.erl; do [ -f "${f%.erl}.expected" ] && echo "err $f"; done
} | xargs -P "${OTPCHECK_JOBS:-2}" -L 1 bash -c 'check_one "$0" "$1"'

# A mismatch is tried again alone, twice: erl's own "init terminating" text (a crashing main)
# can interleave with the program's output when the box is loaded.
for r in "$tmp"/res/*.fail; do
    [ -e "$r" ] || continue
    n=$(basename "$r" .fail); kind=${n%%.*}; m=${n#*.}
    case $kind in erl) f=tests/erl/$m.erl ;; stdlib) f=tests/stdlib/$m.erl ;;
                  conf) f=tests/conformance/$m.erl ;; err) f=tests/erl_errors/$m.erl ;; esac
    for _ in 1 2; do
        rm -f "$r"
        check_one "$kind" "$f"
        [ -e "$r" ] || break
    done
done

# tests/cli: its own --regen, on a scratch copy of the directory.
mkdir -p "$tmp/clitree/tests"
cp -r tests/cli "$tmp/clitree/tests/cli"
rm -rf "$tmp/clitree/tests/cli/expected"
(cd "$tmp/clitree" && tests/cli/run.sh --regen >/dev/null 2>&1)
for e in tests/cli/expected/*; do
    n=$(basename "$e")
    if cmp -s "$e" "$tmp/clitree/tests/cli/expected/$n"; then : >"$tmp/res/cli.$n.ok"
    else diff "$e" "$tmp/clitree/tests/cli/expected/$n" 2>&1 | head -n 8 >"$tmp/res/cli.$n.fail"; fi
done

passed=$(find "$tmp/res" -name '*.ok' | wc -l)
failed=0
for r in "$tmp"/res/*.fail; do
    [ -e "$r" ] || continue
    failed=$((failed + 1))
    n=$(basename "$r" .fail)
    echo "FAIL ${n%%.*} ${n#*.}: the expected file is not what OTP prints now"
    sed 's/^/  /' "$r"
done
echo "${passed} passed, ${failed} failed, 0 skipped"
[ "$failed" -eq 0 ]

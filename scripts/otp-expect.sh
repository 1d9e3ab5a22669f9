#!/usr/bin/env bash
# otp-expect.sh [FILE.erl...] — regenerates tests/erl/*.expected (or the given files') from a
# local OTP 25: erlc, then `erl -noshell -s MOD main -s init stop`, stdout only. The lines init
# prints when main crashes ("init terminating in do_boot") are dropped: heapscope prints its
# crash report to stderr instead. --check compares instead of writing (exit 1 on a difference).
set -u
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
files=("$@")
[ ${#files[@]} -eq 0 ] && files=(tests/erl/*.erl)
command -v erlc >/dev/null || { echo "otp-expect: erlc not found" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
# Every test module, so that programs calling each other's modules run (as heapscope finds
# them beside the program).
erlc -o "$tmp" tests/erl/*.erl >/dev/null 2>&1
for f in "${files[@]}"; do
    m=$(basename "$f" .erl)
    exp="${f%.erl}.expected"
    erlc -o "$tmp" "$f" >/dev/null 2>&1 || { echo "otp-expect: $f does not compile" >&2; bad=1; continue; }
    out=$(cd "$tmp" && erl -noshell -pa "$tmp" -s "$m" main -s init stop 2>/dev/null | grep -a -v -e '^{"init terminating in do_boot"' -e '^init terminating in do_boot'; echo x)
    out=${out%x}
    if [ $check = 1 ]; then
        printf '%s' "$out" | cmp -s - "$exp" || { echo "otp-expect: $exp differs from OTP" >&2; bad=1; }
    else
        printf '%s' "$out" > "$exp"
    fi
done
exit $bad

#!/bin/sh
# check_otp.sh [TEST...] — runs the stdlib tests on real OTP 25 with OUR modules
# (runtime/stdlib/*.erl) in place of OTP's, and compares the output with the .expected
# files (which OTP's own modules produced; see gen_expected.sh).
#
# Our modules cannot simply shadow OTP's in a running erl (the kernel itself uses lists,
# maps, ...; and our lists/maps leave out the functions the heapscope runtime has as BIFs),
# so every module M is compiled as hs_M, every call M:F in our modules and in the tests is
# rewritten to hs_M:F, and with -DOTP_CHECK our lists and maps add forwarders to OTP's BIF
# functions (lists:reverse/2, maps:put/3, ...). Prints "N passed, M failed"; exits 1 on any
# failure.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/hs_stdlib_chk.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# The modules of this stdlib (others in runtime/stdlib, like ets, are tested elsewhere).
mods="lists maps proplists string orddict ordsets sets queue gen_server timer rand random"
alt=$(echo $mods | sed 's/ /\\|/g')
rename() {
    sed -e "s/^-module(\($alt\))\./-module(hs_\1)./" \
        -e "s/\([^a-zA-Z0-9_@']\|^\)\($alt\):/\1hs_\2:/g" "$1"
}
for m in $mods; do
    rename "$root/runtime/stdlib/$m.erl" > "$tmp/hs_$m.erl"
    erlc -DOTP_CHECK -o "$tmp" "$tmp/hs_$m.erl"
done
# lists' merge machinery: its own name already, its lists: calls renamed.
rename "$root/runtime/stdlib/hs_lists_merge.erl" > "$tmp/hs_lists_merge.erl"
erlc -o "$tmp" "$tmp/hs_lists_merge.erl"
pass=0
fail=0
tests=${*:-$(cd "$here" && ls *_test.erl)}
for f in $tests; do
    t=$(basename "$f" .erl)
    mkdir -p "$tmp/t"
    rename "$here/$t.erl" > "$tmp/t/$t.erl"
    if ! erlc -o "$tmp" "$tmp/t/$t.erl" 2> "$tmp/err"; then
        cat "$tmp/err"; fail=$((fail + 1)); echo "FAIL $t (compile)"; continue
    fi
    erl -noshell -pa "$tmp" -eval "$t:main(), halt()." > "$tmp/$t.out" 2>&1 || true
    if cmp -s "$tmp/$t.out" "$here/$t.expected"; then
        pass=$((pass + 1)); echo "ok   $t"
    else
        fail=$((fail + 1)); echo "FAIL $t"
        diff "$here/$t.expected" "$tmp/$t.out" | head -20
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

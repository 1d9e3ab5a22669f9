#!/bin/sh
# diff_otp.sh — random differential tests (tests/stdlib/otp_diff/*.erl) of our modules
# against OTP 25's on the local erl: each module M of runtime/stdlib is compiled as hs_M
# (as check_otp.sh does) and every program's main/0 must print its "all ok" / "bad 0" line.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/hs_stdlib_diff.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# The modules of this stdlib (others in runtime/stdlib, like ets, are tested elsewhere).
mods="lists maps proplists string orddict ordsets sets queue gen_server timer"
alt=$(echo $mods | sed 's/ /\\|/g')
for m in $mods; do
    sed -e "s/^-module(\($alt\))\./-module(hs_\1)./" \
        -e "s/\([^a-zA-Z0-9_@']\|^\)\($alt\):/\1hs_\2:/g" "$root/runtime/stdlib/$m.erl" > "$tmp/hs_$m.erl"
    erlc -DOTP_CHECK -o "$tmp" "$tmp/hs_$m.erl"
done
# lists' merge machinery: its own name already, its lists: calls renamed.
sed -e "s/\([^a-zA-Z0-9_@']\|^\)\($alt\):/\1hs_\2:/g" "$root/runtime/stdlib/hs_lists_merge.erl" \
    > "$tmp/hs_lists_merge.erl"
erlc -o "$tmp" "$tmp/hs_lists_merge.erl"
status=0
for f in "$here"/otp_diff/*.erl; do
    m=$(basename "$f" .erl)
    erlc -o "$tmp" "$f"
    out=$(erl -noshell -pa "$tmp" -eval "$m:main(), halt()." 2>&1 | tail -1)
    echo "$m: $out"
    case "$out" in "all ok"|"bad 0") ;; *) status=1 ;; esac
done
exit $status

#!/bin/sh
# gen_expected.sh [TEST...] — regenerates tests/stdlib/<name>_test.expected by running each
# test program on the local OTP 25 against OTP's OWN stdlib modules, so that the expected
# output is what OTP prints. Needs erl/erlc on PATH.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d /tmp/hs_stdlib_exp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
tests=${*:-$(ls *_test.erl)}
for f in $tests; do
    m=$(basename "$f" .erl)
    erlc -o "$tmp" "$m.erl"
    erl -noshell -pa "$tmp" -eval "$m:main(), halt()." > "$m.expected"
    echo "wrote $m.expected"
done

#!/usr/bin/env bash
# Regenerates the expected outputs of the front end's golden tests from OTP 25:
#   cases/NAME.erl         -> cases/NAME.forms   what epp:parse_file(F, [{location,{1,1}}])
#                                                returns, one ~w form per line
#   cases/broken/NAME.erl  -> cases/broken/NAME.errors   erlc's error lines (no source
#                                                excerpts, no warnings), and NAME.out: the
#                                                same with erlc's quoted source lines
# It also checks that every valid case compiles with erlc. Run from anywhere; needs erl.
set -eu
shopt -s nullglob
cd "$(dirname "$0")/cases"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for f in *.erl; do
    n=${f%.erl}
    erl -noshell -eval "{ok,Fs}=epp:parse_file(\"$f\",[{location,{1,1}}]), [io:format(\"~w~n\",[F]) || F <- Fs], halt()." > "$n.forms"
    if ! erlc -o "$out" "$f" > "$out/log" 2>&1; then
        echo "note: $f does not compile with erlc:"; cat "$out/log"
    fi
done
cd broken
for f in *.erl; do
    n=${f%.erl}
    erlc -o "$out" "$f" > "$out/all" 2>&1 || true
    grep -E '^[^%[:space:]][^:]*:[0-9]+(:[0-9]+)?: ' "$out/all" | grep -v ': Warning: ' > "$n.errors" || true
    # the full text erlc prints for the errors, with the quoted source lines
    awk 'BEGIN{w=0} /^[^%[:space:]][^:]*:[0-9]+:[0-9]+: /{w=($0 ~ /: Warning: /)} {if(!w) print}' \
        "$out/all" > "$n.out"
    [ -s "$n.errors" ] || echo "warning: $f gave no error"
done
echo "regenerated $(ls ../*.forms | wc -l) forms files, $(ls *.errors | wc -l) error files"

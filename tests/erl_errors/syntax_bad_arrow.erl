-module(syntax_bad_arrow).
-export([main/0]).
main() =>
    ok.

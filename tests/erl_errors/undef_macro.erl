-module(undef_macro).
-export([main/0]).
main() ->
    ?NOPE.

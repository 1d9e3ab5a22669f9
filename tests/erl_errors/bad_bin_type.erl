-module(bad_bin_type).
-export([main/0]).
main() ->
    <<1:8/foo>>.

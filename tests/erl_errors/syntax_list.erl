-module(syntax_list).
-export([main/0]).
main() ->
    [1, 2,, 3].

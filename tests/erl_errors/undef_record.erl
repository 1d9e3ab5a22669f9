-module(undef_record).
-export([main/0]).
main() ->
    #point{x = 1}.

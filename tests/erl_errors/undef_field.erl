-module(undef_field).
-export([main/0]).
-record(point, {x, y}).
main() ->
    #point{z = 1}.

-module(undef_field_access).
-export([main/0]).
-record(point, {x, y}).
main() ->
    P = #point{x = 1},
    P#point.z.

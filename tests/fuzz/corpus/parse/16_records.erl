-module('16_records').
-export([f/1]).

-record(point, {x = 0, y = 0}).
-record(person, {name, age = 0 :: integer(), email :: string() | undefined}).
-record(empty, {}).
-record(nested, {p = #point{} :: #point{}, l = [] :: list()}).

f(R) ->
    P = #point{x = 1, y = 2},
    P2 = P#point{x = 3},
    X = P#point.x,
    I = #point.y,
    #point{x = X1} = P,
    E = #empty{},
    N = #nested{p = #point{_ = 5}},
    Y = (N#nested.p)#point.y,
    Z = N#nested.p#point.x,
    R#person{name = "bob", age = 3},
    is_record(R, person),
    W = R#person.name,
    {P, P2, X, I, X1, E, N, Y, Z, W, record_info(fields, point), record_info(size, point)}.

-module(records).
-export([main/0]).
-record(person, {name, age = 0, email = none}).
-record(pt, {x = 0, y = 0}).
older(#person{age = A} = P) -> P#person{age = A + 1}.
main() ->
    P = #person{name = "Ann", age = 30},
    io:format("~p~n", [P]),
    io:format("~p~n", [P#person.name]),
    P2 = older(P),
    io:format("~p~n", [P2#person.age]),
    io:format("~p~n", [#pt{}]),
    io:format("~p~n", [is_record(P, person)]),
    io:format("~p~n", [record_info(fields, person)]),
    io:format("~p~n", [#person.age]),
    #person{name = N} = P2,
    io:format("~p~n", [N]),
    io:format("~p~n", [[X || #pt{x = X} <- [#pt{x = 1}, #pt{x = 2, y = 3}]]]),
    ok.

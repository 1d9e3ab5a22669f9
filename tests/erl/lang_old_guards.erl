-module(lang_old_guards).
%% Old-style type tests at the top of a guard test (erlc accepts them, warning that they are
%% obsolete): integer(X) is is_integer(X), float(X) is is_float(X) (no conversion there),
%% record(X, r) is is_record(X, r). Inside an expression float/1 is the conversion.
-export([main/0]).
-record(r, {a}).

kind(X) when integer(X) -> integer;
kind(X) when float(X) -> float;
kind(X) when atom(X) -> atom;
kind(X) when record(X, r) -> r;
kind(X) when tuple(X) -> tuple;
kind(X) when binary(X) -> binary;
kind(X) when list(X), number(hd(X)) -> numbers;
kind(X) when function(X) -> function;
kind(X) when pid(X); port(X); reference(X) -> process_thing;
kind(_) -> other.

conv(X) when float(X) > 1.0 -> big;
conv(_) -> small.

main() ->
    io:format("~p~n", [[kind(X) || X <- [1, 1.5, a, #r{}, {x}, <<>>, [1, 2], "", fun main/0, self(), make_ref()]]]),
    io:format("~p~n", [[conv(X) || X <- [1, 2, 0.5, 3.0, x]]]),
    R = if integer(3), float(3.0) -> yes; true -> no end,
    io:format("~p~n", [R]).

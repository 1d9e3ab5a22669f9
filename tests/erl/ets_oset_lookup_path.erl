%% ets:lookup on ordered_sets in the orders that resume a search from the previous lookup's
%% path (ascending, descending, strides, repeats, misses) mixed with inserts, deletes and
%% replaces between lookups, keys of other kinds on the path (1 and 1.0 are one key; floats,
%% bignums, atoms, tuples), the small-integer limits, and two tables looked up in turn: every
%% result must be that of a walk from the root.
-module(ets_oset_lookup_path).
-export([main/0]).

p(X) -> io:format("~w~n", [X]).

%% The values found for Keys, in order ([] for a miss).
look(T, Keys) -> [case ets:lookup(T, K) of [{_, V}] -> V; [] -> none end || K <- Keys].

sum(T, Keys) -> lists:sum([V || K <- Keys, {_, V} <- ets:lookup(T, K)]).

main() ->
    T = ets:new(t, [ordered_set]),
    ets:insert(T, [{I, I * 3} || I <- lists:seq(1, 2000, 2)]),
    p(sum(T, lists:seq(-5, 2005))),
    p(sum(T, lists:seq(2005, -5, -1))),
    p(sum(T, lists:seq(1, 2000, 7))),
    p(look(T, [1, 1, 3, 3, 2, 2, 1999, 1999, 2001, 0, -1, 1001, 1000, 999])),
    %% changes between lookups
    R1 = [begin
              V = ets:lookup(T, K),
              ets:insert(T, {K + 1, K}),
              ets:delete(T, K - 2),
              V
          end || K <- lists:seq(101, 141, 2)],
    p(R1),
    p(look(T, lists:seq(95, 145))),
    ets:insert(T, {143, replaced}),
    p(look(T, [141, 143, 143, 145])),
    ets:delete_all_objects(T),
    p(look(T, [141, 143])),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 50)]),
    p(sum(T, lists:seq(1, 60))),
    %% keys of other kinds: 1.0 is key 1; floats, bignums and atoms between the integers
    M = ets:new(m, [ordered_set]),
    ets:insert(M, [{I, int} || I <- lists:seq(1, 40)]),
    ets:insert(M, [{I + 0.5, float} || I <- lists:seq(1, 40, 3)]),
    ets:insert(M, [{10.0, float_ten}, {a, atom}, {{1}, tuple}, {1 bsl 70, big}, {-(1 bsl 70), negbig}]),
    p(look(M, lists:seq(-2, 45))),
    p(look(M, [10, 10.0, 10, 11, 1.5, 2, 1 bsl 70, 1 bsl 70 + 1, a, 3, {1}, 4])),
    p(look(M, lists:seq(45, -2, -1))),
    %% the small-integer limits (2^59 - 1 and -2^59 on a 64-bit OTP) and their neighbours
    L = ets:new(l, [ordered_set]),
    Max = (1 bsl 59) - 1,
    Min = -(1 bsl 59),
    Ks = [Min - 1, Min, Min + 1, -1, 0, 1, Max - 1, Max, Max + 1],
    ets:insert(L, [{K, I} || {I, K} <- lists:zip(lists:seq(1, length(Ks)), Ks)]),
    p(look(L, Ks)),
    p(look(L, lists:reverse(Ks))),
    p(look(L, [Max, Min, Max, Max + 1, Min - 1, 0])),
    %% two tables in turn, and a keypos other than 1
    A = ets:new(a, [ordered_set]),
    B = ets:new(b, [ordered_set, {keypos, 2}]),
    ets:insert(A, [{I, a} || I <- lists:seq(1, 100)]),
    ets:insert(B, [{b, I} || I <- lists:seq(50, 150)]),
    p([{ets:lookup(A, I), ets:lookup(B, I)} || I <- lists:seq(45, 105, 5)]),
    ets:delete(A),
    p(try ets:lookup(A, 50) catch error:E -> E end),
    p(ets:lookup(B, 50)),
    %% a bag-free lookup_element and member follow the same walk
    p([ets:lookup_element(B, I, 1) || I <- [50, 51, 149, 150]]),
    p([ets:member(B, I) || I <- [49, 50, 150, 151]]).

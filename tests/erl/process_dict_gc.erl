-module(process_dict_gc).
-export([main/0]).
%% The dictionary's terms survive collections: values built on the heap, churned with garbage,
%% replaced (in place for immediates, by new tuples otherwise), erased until the table shrinks.
main() ->
    [put(I, lists:seq(1, I rem 17)) || I <- lists:seq(1, 2000)],
    garbage(200),
    io:format("~p~n", [check(2000)]),
    [put(I, I * 2) || I <- lists:seq(1, 2000, 3)],
    [put(I, {I, integer_to_list(I)}) || I <- lists:seq(2, 2000, 3)],
    garbage(200),
    io:format("~p~n", [lists:sum([value_sum(get(I)) || I <- lists:seq(1, 2000)])]),
    [erase(I) || I <- lists:seq(31, 2000)],
    garbage(50),
    io:format("~p~n", [get()]),
    io:format("~p~n", [get_keys(undefined)]),
    io:format("~p~n", [lists:sort(get_keys({5, "5"}))]),
    ok.

garbage(0) -> ok;
garbage(N) -> _ = lists:reverse(lists:seq(1, 500)), garbage(N - 1).

check(N) -> lists:all(fun(I) -> get(I) =:= lists:seq(1, I rem 17) end, lists:seq(1, N)).

value_sum(V) when is_integer(V) -> V;
value_sum({I, S}) -> I + length(S);
value_sum(L) when is_list(L) -> lists:sum(L).

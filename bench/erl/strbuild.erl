%% String building: 200 000 rounds of integer_to_list, ++ onto a short prefix, and an iolist
%% accumulated then flattened once. Exercises list allocation and the copying of ++.
-module(strbuild).
-export([main/0]).

-define(REPS, 5).

-define(N, 200000).

build(0, Acc) -> Acc;
build(K, Acc) -> build(K - 1, [["item", integer_to_list(K) ++ ",", $\s] | Acc]).

main() ->
    _ = lists:flatten(build(1000, [])),
    #{result := S} = T = benchlib:time_reps(?REPS, fun() -> lists:flatten(build(?N, [])) end),
    benchlib:report("strbuild", T, length(S)).

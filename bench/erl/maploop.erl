%% Map-heavy loop: 200 000 updates of a map keyed by 1000 small integers (a large, hashed map),
%% each a maps:get then a := update, then a fold over the result.
-module(maploop).
-export([main/0]).

-define(REPS, 5).

-define(KEYS, 1000).
-define(N, 200000).

init() -> maps:from_list([{K, 0} || K <- lists:seq(0, ?KEYS - 1)]).

loop(0, M) -> M;
loop(K, M) ->
    Key = (K * 7919) rem ?KEYS,
    V = maps:get(Key, M),
    loop(K - 1, M#{Key := V + K}).

main() ->
    _ = loop(1000, init()),
    M0 = init(),
    #{result := M} = T = benchlib:time_reps(?REPS, fun() -> loop(?N, M0) end),
    benchlib:report("maploop", T, maps:fold(fun(K, V, A) -> A + K * V end, 0, M)).

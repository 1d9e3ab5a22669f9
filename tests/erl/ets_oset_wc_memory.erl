%% ets:info(T, memory) of an ordered_set with write_concurrency (its byte count is spread over
%% the inserting threads) while two processes insert, a third deletes, four insert again and the
%% owner reads. The last phase's figure is printed as a bound: four inserters contend, and OTP's
%% contention-adapting tree then splits into route nodes whose words it counts (100133 with no
%% split, up to ~100800 seen over runs); ours is one tree and gives the unsplit figure.
-module(ets_oset_wc_memory).
-export([main/0]).

par(Fs) ->
    Me = self(),
    Ps = [spawn(fun() -> F(), Me ! {done, self()} end) || F <- Fs],
    [receive {done, P} -> ok end || P <- Ps].

main() ->
    T = ets:new(t, [ordered_set, public, {write_concurrency, true}]),
    Empty = ets:info(T, memory),
    par([fun() -> [ets:insert(T, {I, I}) || I <- lists:seq(K, 10000, 2)] end || K <- [1, 2]]),
    Full = ets:info(T, memory),
    par([fun() -> [ets:delete(T, I) || I <- lists:seq(1, 10000, 3)] end]),
    Less = ets:info(T, memory),
    par([fun() -> [ets:insert(T, {I, [I]}) || I <- lists:seq(K, 10000, 4)] end || K <- [1, 2, 3, 4]]),
    Lists = ets:info(T, memory),
    io:format("~p~n", [{Empty, Full, Less, Lists >= 100133, ets:info(T, size)}]),
    ets:delete(T),
    ok.

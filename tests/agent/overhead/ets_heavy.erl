%% Agent overhead benchmark (scripts/bench.sh): ETS-heavy. 4 processes insert, look up and
%% delete 250,000 keys each in one public table.
-module(ets_heavy).
-export([main/0]).

main() ->
    T = ets:new(bench, [set, public]),
    Self = self(),
    Ps = [spawn(fun() -> work(T, W, 250000), Self ! done end) || W <- lists:seq(1, 4)],
    [receive done -> ok end || _ <- Ps],
    ok.

work(_T, _W, 0) -> ok;
work(T, W, N) ->
    K = {W, N},
    ets:insert(T, {K, N, [N]}),
    [{K, N, _}] = ets:lookup(T, K),
    case N rem 2 of 0 -> ets:delete(T, K); _ -> ok end,
    work(T, W, N - 1).

%% Agent overhead benchmark (scripts/bench.sh): GC-heavy. 4 processes build and drop lists of
%% tuples, keeping a bounded window alive, for thousands of collections.
-module(gc_heavy).
-export([main/0]).

main() ->
    Self = self(),
    Ps = [spawn(fun() -> churn(2000, []), Self ! done end) || _ <- lists:seq(1, 4)],
    [receive done -> ok end || _ <- Ps],
    ok.

churn(0, _Keep) -> ok;
churn(N, Keep) ->
    L = [{N, I, [I, I]} || I <- lists:seq(1, 2000)],
    churn(N - 1, lists:sublist([lists:nth(N rem 100 + 1, L) | Keep], 200)).

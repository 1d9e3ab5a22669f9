%% fib(30) by naive double recursion: function calls and small-integer arithmetic.
%% Prints {"name":"fib30","seconds":Median,...,"check":832040} (scripts/bench.sh, docs/bench.md).
-module(fib30).
-export([main/0]).

-define(REPS, 5).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).

main() ->
    _ = fib(20),
    #{result := R} = T = benchlib:time_reps(?REPS, fun() -> fib(30) end),
    benchlib:report("fib30", T, R).

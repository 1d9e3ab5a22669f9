-module(stacktraces).
-export([main/0, a/1, b/1, c/1, plus/1, deep/1]).
a(X) -> b(X) + 1.
b(X) -> c(X) * 2.
c(X) -> X + plus(X).
plus(X) when is_integer(X) -> X + foo;
plus(X) -> X.
deep(0) -> error(bottom);
deep(N) when N > 0 -> [deep(N - 1)];
deep(_) -> [].
main() ->
    try a(1) catch error:badarith:S -> io:format("~p~n", [S]) end,
    try deep(3) catch error:bottom:S2 -> io:format("~p~n", [S2]) end,
    try deep(20) catch error:bottom:S5 -> io:format("~p~n", [length(S5)]) end,
    ok.

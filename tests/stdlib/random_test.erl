%% The deprecated random module (old programs still call it). Expected output from OTP 25.
-module(random_test).
-compile(nowarn_deprecated_function).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

t(F) -> try F() catch C:R -> {C, R} end.

main() ->
    p(random:seed0()),
    p([random:uniform() || _ <- lists:seq(1, 3)]),
    p([random:uniform(100) || _ <- lists:seq(1, 5)]),
    p(random:seed()),
    p(random:uniform()),
    p(random:seed(1, 2, 3)),
    p([random:uniform(6) || _ <- lists:seq(1, 10)]),
    p(random:seed({-5, 100000, 30323})),
    p(get(random_seed)),
    p(random:seed(123456789012345)),
    p(get(random_seed)),
    p(lists:sum([random:uniform(1000) || _ <- lists:seq(1, 10000)])),
    p(random:uniform_s({1, 2, 3})),
    p(random:uniform_s(10, {1, 2, 3})),
    p(t(fun() -> random:uniform(0) end)),
    p(t(fun() -> random:uniform(a) end)),
    p(t(fun() -> random:uniform_s(0, {1, 2, 3}) end)),
    p(t(fun() -> random:seed(a) end)),
    p(t(fun() -> random:uniform_s(x) end)),
    erase(random_seed),
    p(random:seed()).

%% erlang BIFs: crc32/1,2, adler32/1,2, crc32_combine/3, adler32_combine/3, md5/1, append/2, subtract/2, is_builtin/3, yield/0,
%% bump_reductions/1, system_info/1 (the emulator's identity), calendar time conversions and
%% time_offset/0,1.
-module(erlang_misc2).
-export([main/0]).

id(X) -> X.

p(F) -> io:format("~w~n", [try F() catch C:E -> {C, E} end]).

main() ->
    [p(fun() -> erlang:crc32(id(D)) end)
     || D <- [<<>>, <<"hello">>, "hello", [<<"he">>, $l, "lo"], [256], a, <<1:3>>, lists:seq(0, 255),
              binary:part(list_to_binary(lists:seq(1, 200)), 3, 150)]],
    [p(fun() -> erlang:crc32(id(C), id(D)) end)
     || {C, D} <- [{0, <<"hello">>}, {907060870, <<" world">>}, {-1, <<"a">>}, {1 bsl 32, <<"a">>},
                   {4294967295, "a"}, {a, "a"}, {0, a}]],
    [p(fun() -> erlang:adler32(id(D)) end)
     || D <- [<<>>, <<"hello">>, "hello", a, lists:seq(0, 255), list_to_binary(lists:duplicate(6000, 255))]],
    [p(fun() -> erlang:adler32(id(C), id(D)) end)
     || {C, D} <- [{1, <<"hello">>}, {5, <<" world">>}, {-1, <<"a">>}, {1 bsl 32, <<"a">>}]],
    [p(fun() -> erlang:crc32_combine(id(X), id(Y), id(L)) end)
     || {X, Y, L} <- [{907060870, erlang:crc32(<<" world">>), 6}, {0, 0, 0}, {5, 9, 0},
                      {4294967295, 4294967295, 100000}, {1, 2, 4294967295}, {1, 2, 1 bsl 32},
                      {4294967296, 0, 0}, {0, 4294967296, 0}, {1, 2, -1}, {1, 2, a}]],
    [p(fun() -> erlang:adler32_combine(id(X), id(Y), id(L)) end)
     || {X, Y, L} <- [{103547413, erlang:adler32(<<" world">>), 6}, {1, 1, 0},
                      {4294967295, 4294967295, 100000}, {123456, 654321, 65521}, {123456, 654321, 65520},
                      {7, 8, 4294967295}, {1, 2, 1 bsl 32}, {4294967296, 0, 0}, {1, 2, -1}]],
    [p(fun() -> erlang:md5(id(D)) end)
     || D <- [<<>>, <<"abc">>, "abc", [<<"a">>, [$b | <<"c">>]], lists:seq(0, 255),
              list_to_binary(lists:duplicate(1000, $x)), binary:part(list_to_binary(lists:seq(1, 120)), 1, 55),
              list_to_binary(lists:seq(1, 56)), list_to_binary(lists:seq(1, 64)), a, <<1:7>>, [300]]],
    p(fun() -> erlang:append(id([1]), id([2])) end),
    p(fun() -> erlang:append(id(a), id([2])) end),
    p(fun() -> erlang:subtract(id([1, 2, 1]), id([1])) end),
    p(fun() -> erlang:subtract(id(a), id([1])) end),
    [p(fun() -> erlang:is_builtin(id(M), id(F), id(A)) end)
     || {M, F, A} <- [{erlang, length, 1}, {erlang, apply, 3}, {lists, reverse, 2}, {lists, map, 2},
                      {erlang, foo, 1}, {"a", b, 1}, {erlang, length, a}, {erlang, length, -1}]],
    p(fun() -> erlang:yield() end),
    [p(fun() -> erlang:bump_reductions(id(N)) end) || N <- [1, 0, -1, a, 1 bsl 64, 100000]],
    [p(fun() -> erlang:system_info(id(K)) end)
     || K <- [otp_release, version, wordsize, {wordsize, internal}, {wordsize, external}, machine,
              smp_support, {wordsize, x}, bad_key]],
    [p(fun() -> erlang:localtime_to_universaltime(erlang:universaltime_to_localtime(id(T))) =:= T end)
     || T <- [{{2020, 1, 1}, {0, 0, 0}}, {{2021, 7, 15}, {12, 30, 45}}, {{2000, 2, 29}, {23, 59, 59}}]],
    [p(fun() -> erlang:universaltime_to_localtime(id(T)) end)
     || T <- [{{2020, 2, 30}, {0, 0, 0}}, {{2019, 2, 29}, {0, 0, 0}}, a, {{2020, 1, 1}, {24, 0, 0}},
              {{2020, 1, 1}, {0, 60, 0}}, {{2020, 13, 1}, {0, 0, 0}}, {{2020, 1, 1}, {0, 0}}]],
    [p(fun() -> erlang:localtime_to_universaltime(id(T)) end) || T <- [{{2020, 2, 30}, {0, 0, 0}}, a]],
    [p(fun() -> is_integer(erlang:time_offset(id(U))) end) || U <- [second, native, bad]],
    p(fun() -> is_integer(erlang:time_offset()) end),
    {{Y, _, _}, {_, _, _}} = erlang:universaltime(),
    {{Y2, _, _}, {_, _, _}} = erlang:localtime(),
    io:format("~w~n", [Y >= 2024 andalso abs(Y2 - Y) =< 1]),
    ok.

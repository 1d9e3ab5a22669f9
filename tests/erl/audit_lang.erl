-module(audit_lang).
-export([main/0]).
%% Front-end points of issue 3 that the other tests/erl programs leave out or show only in
%% the C tests: -ifndef, nested -ifdef, -undef, ?FUNCTION_ARITY, ?MODULE_STRING, an -include
%% beside the module with a record, record_info(fields|size), the bytes type, "abc" ++ Rest in
%% heads and case patterns, fun M:F/A with variables, a named fun, apply/2,3, dynamic calls,
%% term_to_binary/binary_to_term, float conversions, io_lib:format, unicode basics, math.
-include("audit_lang.hrl").
-define(TWICE(X), (2 * (X))).
-ifndef(NOT_DEFINED).
-define(IFNDEF, taken).
-else.
-define(IFNDEF, not_taken).
-endif.
-ifdef(TWICE).
-ifdef(NOT_DEFINED).
-define(NESTED, wrong).
-else.
-define(NESTED, inner_else).
-endif.
-endif.
-define(GONE, 1).
-undef(GONE).
-ifdef(GONE).
-define(UNDEF_WORKED, no).
-else.
-define(UNDEF_WORKED, yes).
-endif.

where() -> {?FUNCTION_NAME, ?FUNCTION_ARITY}.
where(_, _) -> {?FUNCTION_NAME, ?FUNCTION_ARITY}.

prefix("get " ++ Rest) -> {get, Rest};
prefix("put " ++ Rest) -> {put, Rest};
prefix([$x | _] = S) -> {x, S};
prefix(Other) -> {other, Other}.

bytes(<<Head:2/bytes, Tail/bytes>>) -> {Head, Tail};
bytes(<<B/binary>>) -> {short, B}.

main() ->
    io:format("~p~n", [[?IFNDEF, ?NESTED, ?UNDEF_WORKED, ?FROM_HRL, ?TWICE(1 + 2), ?MODULE_STRING]]),
    io:format("~p ~p~n", [where(), where(a, b)]),
    io:format("~p~n", [[record_info(fields, pt), record_info(size, pt)]]),
    P = #pt{x = 1, tag = t},
    io:format("~p ~p ~p~n", [P, P#pt{y = 9}, [X || #pt{x = X} <- [P, #pt{x = 5}, {pt, 7, 0, a}, {other}]]]),
    io:format("~p~n", [[prefix(S) || S <- ["get key", "put k v", "xyz", "get", ""]]]),
    case "abc" ++ "def" of "abc" ++ T -> io:format("~p~n", [T]) end,
    io:format("~p~n", [[bytes(<<"hello">>), bytes(<<"h">>), bytes(<<>>)]]),
    io:format("~p~n", [<<"ab", 1:16/little, -1:8/signed, 2.5/float, "ü"/utf8>>]),
    M = lists, F = reverse,
    G = fun M:F/1,
    io:format("~p ~p ~p~n", [G([1, 2, 3]), apply(M, F, [[a, b]]), apply(fun erlang:'+'/2, [1, 2])]),
    io:format("~p~n", [M:F("abc")]),
    Fact = fun Loop(0) -> 1; Loop(N) -> N * Loop(N - 1) end,
    io:format("~p~n", [Fact(25)]),
    Term = {[1, 2.5, "s", <<"b">>, #{k => v}], atom, -12345678901234567890, {}},
    Bin = term_to_binary(Term),
    io:format("~p ~p ~p~n", [Bin, binary_to_term(Bin) =:= Term, byte_size(term_to_binary(lists:seq(1, 100)))]),
    io:format("~p~n", [binary_to_term(<<131, 104, 2, 100, 0, 1, 97, 97, 7>>)]),
    io:format("~p~n", [[list_to_float("1.5e3"), float_to_list(0.1), float_to_list(2.5, [{decimals, 3}]),
                        float_to_binary(1.0e-7), binary_to_float(<<"-2.25">>), list_to_integer("-ff", 16),
                        integer_to_list(255, 2), integer_to_binary(-42), round(2.5), trunc(-2.5)]]),
    io:format("~s~n", [io_lib:format("~p|~5.2f|~-4w|", [ab, 3.14159, x])]),
    io:format("~p~n", [lists:flatten(io_lib:format("~w", [{1, "a"}]))]),
    io:format("~p~n", [[unicode:characters_to_binary("héllo"), unicode:characters_to_list(<<"héllo"/utf8>>),
                        unicode:characters_to_binary([<<"a">>, 955, "b"])]]),
    io:format("~p~n", [[math:sqrt(2), math:pow(2, 10), math:pi(), math:log(math:exp(1)), math:sin(0),
                        math:floor(-1.5), math:ceil(1.2), math:log2(1024), math:log10(1000)]]),
    io:format("~p~n", [[16#ff, 2#1010, 8#777, 36#zz, $a, $\n, $\x{41}, 1_000_000]]),
    ok.

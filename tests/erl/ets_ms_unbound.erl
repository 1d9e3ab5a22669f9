%% A match specification whose guard or body names a variable its head does not bind is
%% refused when the spec is compiled, as OTP 25 does: badarg in select/2,3, select_reverse,
%% select_count, select_delete, select_replace and match_spec_compile; ets:test_ms/2 and
%% erlang:match_spec_test/3 list the errors in OTP's compile order ('$01' is no variable,
%% '$0' is one; a call's arguments last first, andalso's first first; errors stop at the first
%% clause that has any). Specs that bind everything they use still run.
-module(ets_ms_unbound).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

t(F) -> try F() catch C:E -> {C, E} end.

specs() ->
    [[{{'$1', '_'}, [{'>', '$9', 1}], ['$_']}],
     [{{'$1', '_'}, [], ['$9']}],
     [{{'$1', '_'}, [], [{{'$1', '$2'}}]}],
     [{{'$1', '_'}, [{'==', '$1', 1}], ['$1']}, {{'$1', '_'}, [], ['$3']}],
     [{'_', [], ['$1']}],
     [{'$1', [], ['$1']}],
     [{{'$1', '_'}, [{is_integer, '$0'}], ['$1']}],
     [{{'$0', '_'}, [{is_integer, '$0'}], ['$0']}],
     [{{'$1', '_'}, [], [{element, 1, '$5'}]}],
     [{{'$1', '_'}, [], [{const, '$5'}]}],
     [{{'$1', '_'}, [], ['$$']}],
     [{{'$1', '_'}, [], ['$*']}],
     [{{'$1', '_'}, [], ['$100']}],
     [{{'$1', '_'}, [], ['$01']}],
     [{{'$1', '$2'}, [{'andalso', {is_integer, '$1'}, {'<', '$2', '$3'}}], ['$2']}],
     [{{'$1', ['$2' | '$3']}, [], [{{'$3', '$2'}}]}],
     [{{'$1', '_'}, [], ['$1']}, {{'$1', '_'}, [], ['$7']}]].

run(MS) ->
    T = ets:new(t, [set]),
    ets:insert(T, [{1, a}, {2, b}]),
    O = ets:new(o, [ordered_set]),
    ets:insert(O, [{1, a}, {2, b}]),
    p(MS),
    p(t(fun() -> lists:sort(ets:select(T, MS)) end)),
    p(t(fun() -> ets:select(O, MS) end)),
    p(t(fun() -> element(1, ets:select(T, MS, 1)) end)),
    p(t(fun() -> ets:select_reverse(O, MS) end)),
    p(t(fun() -> ets:select_count(T, MS) end)),
    p(t(fun() -> ets:select_delete(ets:new(x, []), MS) end)),
    p(t(fun() -> ets:select_replace(ets:new(x, []), MS) end)),
    p(t(fun() -> ets:match_spec_run([{1, a}], ets:match_spec_compile(MS)) end)),
    p(t(fun() -> ets:test_ms({1, a}, MS) end)),
    p(t(fun() -> ets:test_ms({1, [x | y]}, MS) end)),
    p(t(fun() -> ets:is_compiled_ms(MS) end)),
    ets:delete(T),
    ets:delete(O).

main() ->
    lists:foreach(fun run/1, specs()),
    %% several errors in one clause, in OTP's order
    p(ets:test_ms({1}, [{{'$1'}, [{'>', {{'$2', '$3'}}, ['$4' | '$5']}],
                         [{'andalso', '$6', '$7'}, {'and', '$8', '$9'}]}])),
    p(ets:test_ms({1}, [{{'$1'}, [{foo, '$2'}], ['$7']}])),
    p(ets:test_ms({1}, [{'_', [], ['$_']}, {{'$1'}, [], [{'+', '$1', '$2'}]}])),
    p(ets:test_ms({1}, [{{'$1'}, [], [{'$1', 2}]}])),
    p(ets:test_ms({1}, [{{'$1', '$1000000'}, [], ['$1000000']}])),
    p(ets:test_ms({1}, [{{'$1'}, [], ['$1000000']}])),
    p(ets:test_ms({1}, [{{'$1'}, [], [{const, a, b}]}])),
    p(ets:test_ms({1}, notalist)),
    p(ets:test_ms({1}, [{{'$1'}, [], ['$1']} | x])),
    p(ets:test_ms({1}, [{{'$1'}, []}])),
    p(ets:test_ms(notatuple, [{'$1', [], ['$1']}])),
    p(erlang:match_spec_test({1, a}, [{{'$1', '_'}, [], ['$1']}], table)),
    p(erlang:match_spec_test({1, a}, [{{'$1', '_'}, [{is_atom, '$1'}], ['$1']}], table)),
    p(erlang:match_spec_test({1, a}, [{{'$1', '_'}, [], ['$2']}], table)),
    p(t(fun() -> erlang:match_spec_test({1, a}, [{{'$1', '_'}, [], ['$1']}], foo) end)),
    %% an empty body returns nothing: refused after the clause's other errors; [] selects
    %% nothing but does not compile
    p(ets:test_ms({1, a}, [{{1, a}, [], []}])),
    p(ets:test_ms({1, a}, [{{'$1', a}, ['$2'], []}])),
    p(ets:test_ms({1, a}, [{{'$1', a}, [], ['$2']}, {{1, a}, [], []}])),
    p(ets:test_ms({1, a}, [])),
    T = ets:new(t, []),
    ets:insert(T, {1, a}),
    p(t(fun() -> ets:select(T, [{{1, a}, [], []}]) end)),
    p(t(fun() -> ets:select_count(T, [{{1, a}, [], []}]) end)),
    p(ets:select(T, [])),
    p(ets:select_count(T, [])),
    p(ets:select(T, [], 1)),
    p(t(fun() -> ets:match_spec_compile([]) end)),
    p(ets:is_compiled_ms([])).

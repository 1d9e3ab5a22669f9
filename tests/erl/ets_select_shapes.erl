%% select on clause shapes the engine decodes once per call (a flat head of distinct variables,
%% '_' and immediate constants; guards comparing variables with constants; a body of one
%% variable or '$_') next to those it interprets (repeated variables, nested heads, other guards
%% and bodies), on a set and an ordered_set holding objects of several arities.
-module(ets_select_shapes).
-export([main/0]).

p(X) -> io:format("~w~n", [X]).

fill(T) ->
    ets:insert(T, [{I, I rem 4, if I rem 2 =:= 0 -> even; true -> odd end} || I <- lists:seq(1, 40)]),
    ets:insert(T, [{I, x} || I <- lists:seq(41, 45)]),
    ets:insert(T, [{I, I, I, I} || I <- lists:seq(46, 50)]),
    ets:insert(T, [{I, {I}, [I], 2.5} || I <- lists:seq(51, 53)]),
    ets:insert(T, {54, '$_', '_', '$1'}),
    ets:insert(T, {55, 1.0, 1, 100000000000000000000}),
    T.

specs() ->
    [[{{'$1', '$2', '_'}, [{'==', '$2', 0}], ['$1']}],
     [{{'$1', '_', even}, [], ['$1']}],
     [{{'$1', 3, odd}, [], ['$_']}],
     [{{'$1', '$1', '$1', '$1'}, [], ['$1']}],
     [{{'$1', '$2', '$2', '_'}, [], ['$$']}],
     [{{'$1', x}, [{'>', '$1', 42}], ['$1']}],
     [{{'$1', '$2'}, [], ['$2']}],
     [{{'$1', '$2', '$3', '$4'}, [{'<', '$1', '$2'}], [{{'$4', '$1'}}]}],
     [{{'$1', '$2', '$3', '$4'}, [{'=:=', '$4', 2.5}], ['$1']}],
     [{{'$1', '$2', '$3', '$4'}, [{'==', '$2', 1}], ['$1']}],
     [{{'$1', '$2', '$3', '$4'}, [{'=:=', '$2', 1}], ['$1']}],
     [{{'$1', '$2', '$3', '$4'}, [{'==', '$4', 100000000000000000000}], ['$1']}],
     [{{'$1', '$_', '_', '$1'}, [], ['$1']}],
     [{{'$1', '$_', '_', '$5'}, [], ['$5']}],
     [{{'$1', '_', '$3'}, [{'=/=', '$3', even}, {'<', '$1', 10}], ['$3']}],
     [{{'$1', '_', '$3'}, [{'<', '$1', {const, 5}}], ['$_']}],
     [{{'$1', '_', '$3'}, [{is_integer, '$1'}, {'<', '$1', 4}], ['$1']}],
     [{{'$1', '_', '$3'}, [{'<', '$1', 4}], ['$1', '$3']}],
     [{{'$1', '_', '$3'}, [{'<', '$1', 4}], [{'+', '$1', 1}]}],
     [{{'$1', '_', '$3'}, [{'<', '$1', 3}], ['$$']}, {{'$1', '$2'}, [], ['$2']}],
     [{{'$1', '_', '$3'}, [{'>', '$1', 38}], ['$1']}, {{'$1', '_', '_', '_'}, [{'>', '$1', 52}], [{{'$1'}}]}],
     [{{'$1', {'$2'}, ['$3'], '_'}, [], [{{'$2', '$3'}}]}],
     [{'_', [], [1]}],
     [{'$1', [{'==', {element, 2, '$1'}, x}], ['$1']}],
     [{{'$1', '_', '$3'}, [{'<', '$1', 3}, {'>', '$1', 1}, {'/=', '$1', 9}, {'=<', '$1', 2}, {'>=', '$1', 2}], ['$3']}],
     [{{'$1', '_', '$3'}, [{'<', '$1', 5}, {'<', '$1', 6}, {'<', '$1', 7}, {'<', '$1', 8}, {'<', '$1', 9}], ['$1']}]].

main() ->
    S = fill(ets:new(s, [set])),
    O = fill(ets:new(o, [ordered_set])),
    lists:foreach(fun(MS) ->
                      p({lists:sort(ets:select(S, MS)), ets:select(O, MS), ets:select_count(O, MS),
                         ets:select_reverse(O, MS)})
                  end, specs()),
    p(ets:match(O, {'$1', 3, '$2'})),
    p(ets:match_object(S, {'_', x}) -- [{I, x} || I <- lists:seq(41, 45)]),
    p(ets:select_delete(S, [{{'_', '_', odd}, [], [true]}])),
    p(ets:select_delete(O, [{{'$1', '_', '_'}, [{'>', '$1', 30}], [true]}])),
    p({ets:info(S, size), ets:info(O, size)}),
    ok.

%% lookup, lookup_element, match_object and tab2list copy objects of every kind of term out of
%% set, bag and ordered_set tables: floats, bignums, binaries (heap, refc and sub-binaries),
%% maps (flat and large), funs, refs, pids, nested lists and tuples, and shared subterms.
-module(ets_lookup_terms).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

objs() ->
    Big = lists:seq(1, 40),
    Refc = binary:copy(<<"r">>, 200),
    <<_:3/binary, Sub:50/binary, _/binary>> = Refc,
    Sh = {shared, [1, 2, 3]},
    [{1, 2.5},
     {2, 123456789012345678901234567890, -98765432109876543210},
     {3, <<"heap">>, <<>>},
     {4, Refc},
     {5, Sub, <<1:3>>},
     {6, #{a => 1, b => [x, y]}},
     {7, maps:from_list([{K, K * K} || K <- Big])},
     {8, Big, [a | b], [[[]]], "str"},
     {9, {{{deep}}}, {}},
     {10, Sh, Sh, [Sh, Sh]},
     {11, fun(X) -> X + 1 end},
     {12, self()},
     {13, make_ref()},
     {{k, 14}, [{1.0, 2.0}], #{}}].

show(Obj) ->
    case Obj of
        {11, F} -> {11, F(41)};
        {13, R} -> {13, is_reference(R)};
        {12, P} -> {12, P =:= self()};
        _ -> Obj
    end.

main() ->
    lists:foreach(
      fun(Type) ->
              T = ets:new(t, [Type]),
              Os = objs(),
              ets:insert(T, Os),
              p({memory, ets:info(T, memory)}),
              [begin T1 = ets:new(t1, [Type]), ets:insert(T1, O), p({O1, ets:info(T1, memory)}), ets:delete(T1) end
               || O <- Os, O1 <- [element(1, O)]],
              [p({Type, [show(O) || O <- ets:lookup(T, element(1, O0))]}) || O0 <- Os],
              p(ets:lookup_element(T, 8, 2)),
              p(ets:lookup_element(T, 10, 3)),
              p([show(O) || O <- lists:sort(ets:tab2list(T))]),
              p(ets:match_object(T, {'_', '_', '_'}) -- [O || O <- Os, tuple_size(O) =:= 3]),
              p(erts_debug:size(ets:lookup(T, 10))),
              p([byte_size(B) || {_, B} <- ets:lookup(T, 4)]),
              %% The copies stay whole once the table and its objects are gone and their memory
              %% holds other objects.
              Copies = [ets:lookup(T, element(1, O)) || O <- Os],
              ets:delete(T),
              T2 = ets:new(t2, [Type]),
              ets:insert(T2, [{I, [I, I], {I}} || I <- lists:seq(1, 2000)]),
              erlang:garbage_collect(),
              p([show(O) || [O | _] <- Copies]),
              ets:delete(T2)
      end, [set, ordered_set, bag]),
    ok.

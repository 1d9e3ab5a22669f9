-module(dz).
%% Random differential test: sets (v1 terms after random add/del), ordsets, orddict and
%% proplists against OTP's.
-export([main/0]).
t(F) -> try F() catch C:R -> {C,R} end.
el() -> case rand:uniform(5) of 1 -> rand:uniform(300); 2 -> float(rand:uniform(10)); 3 -> list_to_atom([96 + rand:uniform(5)]); 4 -> {rand:uniform(3)}; 5 -> rand:uniform(10) end.
cmp(N, A, B, In) -> case A =:= B of true -> ok; false -> io:format("DIFF ~p ~P~n otp ~P~n our ~P~n", [N, In, 12, A, 12, B, 12]), halt(1) end.
main() ->
  %% sets v1: random add/del sequences
  lists:foreach(fun(_) ->
     Ops = [{rand:uniform(3), el()} || _ <- lists:seq(1, rand:uniform(400))],
     F = fun(M) -> lists:foldl(fun({1, E}, S) -> M:del_element(E, S); ({_, E}, S) -> M:add_element(E, S) end, M:new(), Ops) end,
     A = F(sets), B = F(hs_sets),
     cmp(sets_ops, A, B, Ops),
     P = fun(X) -> is_integer(X) andalso X rem 3 =:= 0 end,
     cmp(sets_filter, sets:filter(P, A), hs_sets:filter(P, A), A),
     L2 = [el() || _ <- lists:seq(1, rand:uniform(100))],
     S2 = sets:from_list(L2),
     cmp(union, sets:union(A, S2), hs_sets:union(A, S2), L2),
     cmp(inter, sets:intersection(A, S2), hs_sets:intersection(A, S2), L2),
     cmp(subtract, sets:subtract(A, S2), hs_sets:subtract(A, S2), L2),
     cmp(subset, sets:is_subset(S2, A), hs_sets:is_subset(S2, A), L2),
     cmp(disj, sets:is_disjoint(S2, A), hs_sets:is_disjoint(S2, A), L2),
     O1 = ordsets:from_list([el() || _ <- lists:seq(1, rand:uniform(20))]),
     O2 = ordsets:from_list([el() || _ <- lists:seq(1, rand:uniform(20))]),
     [cmp({ordsets, Fn}, ordsets:Fn(O1, O2), hs_ordsets:Fn(O1, O2), {O1, O2}) || Fn <- [union, intersection, subtract, is_subset, is_disjoint]],
     E = el(),
     [cmp({ordsets, Fn}, ordsets:Fn(E, O1), hs_ordsets:Fn(E, O1), {E, O1}) || Fn <- [add_element, del_element, is_element]],
     D1 = orddict:from_list([{el(), I} || I <- lists:seq(1, rand:uniform(20))]),
     D2 = orddict:from_list([{el(), I} || I <- lists:seq(1, rand:uniform(20))]),
     cmp(from_list, D1, hs_orddict:from_list(orddict:to_list(D1)), D1),
     Pl = [{el(), I} || I <- lists:seq(1, rand:uniform(20))],
     cmp(dfrom, orddict:from_list(Pl), hs_orddict:from_list(Pl), Pl),
     cmp(merge, orddict:merge(fun(_, X, Y) -> X + Y end, D1, D2), hs_orddict:merge(fun(_, X, Y) -> X + Y end, D1, D2), {D1, D2}),
     [cmp({orddict, Fn}, t(fun() -> orddict:Fn(E, D1) end), t(fun() -> hs_orddict:Fn(E, D1) end), {E, D1}) || Fn <- [find, fetch, erase, take, is_key]],
     cmp(store, orddict:store(E, x, D1), hs_orddict:store(E, x, D1), {E, D1}),
     cmp(upd, orddict:update_counter(E, 1, D1), hs_orddict:update_counter(E, 1, D1), {E, D1}),
     PL = [case rand:uniform(3) of 1 -> el(); 2 -> {el(), el()}; 3 -> {el()} end || _ <- lists:seq(1, 15)],
     [cmp({proplists, Fn}, t(fun() -> proplists:Fn(E, PL) end), t(fun() -> hs_proplists:Fn(E, PL) end), {E, PL}) || Fn <- [get_value, get_all_values, lookup, lookup_all, is_defined, delete, get_bool, append_values]],
     cmp(keys, proplists:get_keys(PL), hs_proplists:get_keys(PL), PL),
     cmp(tomap, proplists:to_map(PL), hs_proplists:to_map(PL), PL),
     cmp(split, proplists:split(PL, [a, b, 1]), hs_proplists:split(PL, [a, b, 1]), PL)
  end, lists:seq(1, 1500)),
  io:format("all ok~n").

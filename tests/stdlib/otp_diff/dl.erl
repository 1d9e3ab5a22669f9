-module(dl).
%% Random differential test: our sorts and merges (hs_lists) against OTP's lists.
-export([main/0]).
el() -> case rand:uniform(4) of 1 -> rand:uniform(6); 2 -> float(rand:uniform(6)); 3 -> {rand:uniform(3), rand:uniform(3)}; 4 -> {float(rand:uniform(3)), rand:uniform(3)} end.
gen() -> [el() || _ <- lists:seq(1, rand:uniform(40) - 1)].
tgen() -> [{case rand:uniform(2) of 1 -> rand:uniform(4); 2 -> float(rand:uniform(4)) end, I} || I <- lists:seq(1, rand:uniform(30)-1)].
cmp(Name, A, B, In) -> case A =:= B of true -> ok; false -> io:format("DIFF ~p ~p~n otp ~p~n our ~p~n", [Name, In, A, B]), halt(1) end.

main() ->
  Funs = [fun(A,B) -> A =< B end, fun(A,B) -> A < B end, fun(A,B) -> A >= B end, fun(A,B) -> A > B end,
          fun(A,B) -> erlang:phash2(A) rem 3 =< erlang:phash2(B) rem 3 end],
  lists:foreach(fun(_) ->
     L = gen(), T = tgen(), L2 = gen(),
     cmp(sort, lists:sort(L), hs_lists:sort(L), L),
     cmp(usort, lists:usort(L), hs_lists:usort(L), L),
     [begin cmp({sort2,I}, lists:sort(F, L), hs_lists:sort(F, L), L),
            cmp({usort2,I}, lists:usort(F, L), hs_lists:usort(F, L), L) end || {I,F} <- lists:zip(lists:seq(1,length(Funs)), Funs)],
     cmp(keysort, lists:keysort(1, T), hs_lists:keysort(1, T), T),
     cmp(keysort2, lists:keysort(2, T), hs_lists:keysort(2, T), T),
     cmp(ukeysort, lists:ukeysort(1, T), hs_lists:ukeysort(1, T), T),
     S1 = lists:sort(L), S2 = lists:sort(L2), U1 = lists:usort(L), U2 = lists:usort(L2),
     cmp(merge, lists:merge(S1, S2), hs_lists:merge(S1, S2), {S1,S2}),
     cmp(merge1, lists:merge([S1, S2, S1]), hs_lists:merge([S1, S2, S1]), {S1,S2}),
     cmp(merge3, lists:merge3(S1, S2, S1), hs_lists:merge3(S1, S2, S1), {S1,S2}),
     cmp(umerge, lists:umerge(U1, U2), hs_lists:umerge(U1, U2), {U1,U2}),
     cmp(umerge1, lists:umerge([U1, U2, U1]), hs_lists:umerge([U1, U2, U1]), {U1,U2}),
     U3 = lists:usort(gen()), cmp(umerge3, lists:umerge3(U1, U2, U3), hs_lists:umerge3(U1, U2, U3), {U1,U2,U3}),
     F = fun(A,B) -> A =< B end,
     cmp(merge3f, lists:merge(F, S1, S2), hs_lists:merge(F, S1, S2), {S1,S2}),
     cmp(umerge3f, lists:umerge(F, U1, U2), hs_lists:umerge(F, U1, U2), {U1,U2}),
     K1 = lists:keysort(1, T), K2 = lists:keysort(1, tgen()),
     cmp(keymerge, lists:keymerge(1, K1, K2), hs_lists:keymerge(1, K1, K2), {K1,K2}),
     UK1 = lists:ukeysort(1, T), UK2 = lists:ukeysort(1, tgen()),
     cmp(ukeymerge, lists:ukeymerge(1, UK1, UK2), hs_lists:ukeymerge(1, UK1, UK2), {UK1,UK2}),
     ok
   end, lists:seq(1, 20000)),
  io:format("all ok~n").

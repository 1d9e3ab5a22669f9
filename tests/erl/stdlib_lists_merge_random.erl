%% Random lists (sorted, reversed or not; duplicates, 1 and 1.0, tuples) through every sort
%% and merge of lists: OTP's algorithms give their own results on unsorted input. Prints the
%% first cases whole, then a phash2 of each case's results. Expected output from OTP 25.
-module(stdlib_lists_merge_random).
-export([main/0]).
lcg(S) -> (S * 6364136223846793005 + 1442695040888963407) band 16#FFFFFFFFFFFFFFFF.
r(S, N) -> S2 = lcg(S), {(S2 bsr 33) rem N, S2}.

elem(S0) ->
    {K, S1} = r(S0, 6),
    {V, S2} = r(S1, 5),
    case K of
        0 -> {V, S2};
        1 -> {float(V), S2};
        2 -> {{V rem 3, V}, S2};
        3 -> {{V rem 2, float(V)}, S2};
        _ -> {V rem 3, S2}
    end.
list(S0) ->
    {N, S1} = r(S0, 25),
    list(N, S1, []).
list(0, S, Acc) -> {Acc, S};
list(N, S, Acc) -> {E, S2} = elem(S), list(N - 1, S2, [E | Acc]).
tlist(S0) ->
    {L, S1} = list(S0),
    {[case E of {_, _} -> E; _ -> {E, E} end || E <- L], S1}.
maybe_sort(L, S0) ->
    {K, S1} = r(S0, 3),
    {case K of 0 -> lists:sort(L); 1 -> lists:reverse(lists:sort(L)); _ -> L end, S1}.

t(F) -> try F() catch C:R -> {C, R} end.

main() -> loop(1, 300, 987654321).
loop(I, N, _) when I > N -> ok;
loop(I, N, S0) ->
    {A0, S1} = list(S0), {A, S2} = maybe_sort(A0, S1),
    {B0, S3} = list(S2), {B, S4} = maybe_sort(B0, S3),
    {C0, S5} = list(S4), {C, S6} = maybe_sort(C0, S5),
    {TA0, S7} = tlist(S6), {TA, S8} = maybe_sort(TA0, S7),
    {TB0, S9} = tlist(S8), {TB, S10} = maybe_sort(TB0, S9),
    {Fk, S11} = r(S10, 3),
    F = element(Fk + 1, {fun(X, Y) -> X =< Y end, fun(X, Y) -> X < Y end, fun(X, Y) -> X >= Y end}),
    {Ki, S12} = r(S11, 2),
    Kx = Ki + 1,
    R = [t(fun() -> lists:sort(A) end),
         t(fun() -> lists:sort(F, A) end),
         t(fun() -> lists:usort(A) end),
         t(fun() -> lists:usort(F, A) end),
         t(fun() -> lists:merge(A, B) end),
         t(fun() -> lists:merge(F, A, B) end),
         t(fun() -> lists:merge([A, B, C]) end),
         t(fun() -> lists:merge3(A, B, C) end),
         t(fun() -> lists:umerge(A, B) end),
         t(fun() -> lists:umerge(F, A, B) end),
         t(fun() -> lists:umerge([A, B, C]) end),
         t(fun() -> lists:umerge3(A, B, C) end),
         t(fun() -> lists:keysort(Kx, TA) end),
         t(fun() -> lists:ukeysort(Kx, TA) end),
         t(fun() -> lists:keymerge(Kx, TA, TB) end),
         t(fun() -> lists:ukeymerge(Kx, TA, TB) end),
         t(fun() -> lists:rmerge(A, B) end),
         t(fun() -> lists:rmerge(F, A, B) end),
         t(fun() -> lists:rmerge3(A, B, C) end),
         t(fun() -> lists:rumerge(A, B) end),
         t(fun() -> lists:rumerge(F, A, B) end),
         t(fun() -> lists:rumerge3(A, B, C) end),
         t(fun() -> lists:rkeymerge(Kx, TA, TB) end),
         t(fun() -> lists:rukeymerge(Kx, TA, TB) end),
         t(fun() -> lists:merge([A, B, C, TA, TB]) end),
         t(fun() -> lists:umerge([A, [], B, C, TA, TB]) end)],
    case I =< 4 of
        true -> io:format("~w ~w~n", [I, R]);
        false -> io:format("~w ~w~n", [I, erlang:phash2(R)])
    end,
    loop(I + 1, N, S12).

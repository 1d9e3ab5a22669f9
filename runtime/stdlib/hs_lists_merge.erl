%% hs_lists_merge — the machinery of lists' unique merges (umerge/1,2,3, umerge3/3 and their
%% reversed forms), key merges (keymerge/3, ukeymerge/3, rkeymerge/3, rukeymerge/3) and
%% keysort/2: OTP 25's algorithms step by step, because on input that is not sorted, or holds
%% equal elements that differ (1 and 1.0), the result depends on the algorithm.
%%
%% Not a user module: lists calls the exported entry points. It is apart from lists.erl so
%% that a program pays for compiling it only when it uses these functions (the embedded
%% stdlib is compiled on first use); stack frames inside show this module where OTP's show
%% lists.
-module(hs_lists_merge).

-export([umergel/3, umerge3_1/7, umerge2_2/4, ufmerge2_2/5, rumerge3_1/6, rumerge2_1/4,
         rufmerge2_1/5, ukeymerge2_2/6, rukeymerge2_1/6, keymerge2_1/6, rkeymerge2_1/6,
         keysort_1/5, keysplit_1/8, keysplit_2/8]).

umergel([[]|L], Acc, O) -> umergel(L, Acc, O);
umergel([T1, [H2|T2], [H3|T3]|L], Acc, asc) ->
    umergel(L, [umerge3_1(T1, [H2|H3], T2, H2, [], T3, H3)|Acc], asc);
umergel([[H3|T3], [H2|T2], T1|L], Acc, desc) ->
    umergel(L, [umerge3_1(T1, [H2|H3], T2, H2, [], T3, H3)|Acc], desc);
umergel([A, []|L], Acc, O) -> umergel([A|L], Acc, O);
umergel([A, B, []|L], Acc, O) -> umergel([A, B|L], Acc, O);
umergel([[H1|T1], T2|L], Acc, asc) -> umergel(L, [umerge2_2(T1, T2, [], H1)|Acc], asc);
umergel([T2, [H1|T1]|L], Acc, desc) -> umergel(L, [umerge2_2(T1, T2, [], H1)|Acc], desc);
umergel([L], [], _O) -> L;
umergel([L], Acc, O) -> rumergel([lists:reverse(L, [])|Acc], [], O);
umergel([], [], _O) -> [];
umergel([], Acc, O) -> rumergel(Acc, [], O).

rumergel([[H3|T3], [H2|T2], T1|L], Acc, asc) -> rumergel(L, [rumerge3_1(T1, T2, H2, [], T3, H3)|Acc], asc);
rumergel([T1, [H2|T2], [H3|T3]|L], Acc, desc) -> rumergel(L, [rumerge3_1(T1, T2, H2, [], T3, H3)|Acc], desc);
rumergel([[H2|T2], T1|L], Acc, asc) -> rumergel(L, [rumerge2_1(T1, T2, [], H2)|Acc], asc);
rumergel([T1, [H2|T2]|L], Acc, desc) -> rumergel(L, [rumerge2_1(T1, T2, [], H2)|Acc], desc);
rumergel([L], Acc, O) -> umergel([lists:reverse(L, [])|Acc], [], O);
rumergel([], Acc, O) -> umergel(Acc, [], O).

%% Three lists: T1 (head H1 when taken), T2 with head H2, T3 with head H3.
umerge3_1([H1|T1], HdM, T2, H2, M, T3, H3) when H1 =< H2 -> umerge3_12(T1, H1, T2, H2, M, T3, H3, HdM);
umerge3_1([H1|T1], HdM, T2, H2, M, T3, H3) when H2 == HdM -> umerge3_2(T1, H1, T2, H2, M, T3, H3);
umerge3_1([H1|T1], HdM, T2, H2, M, T3, H3) -> umerge3_21(T1, H1, T2, H2, M, T3, H3, HdM);
umerge3_1([], HdM, T2, H2, M, T3, H3) when H2 == HdM -> umerge2_1(T2, T3, M, HdM, H3);
umerge3_1([], _HdM, T2, H2, M, T3, H3) when H2 =< H3 -> umerge2_1(T2, T3, [H2|M], H2, H3);
umerge3_1([], HdM, T2, H2, M, T3, H3) when H3 == HdM -> umerge2_2(T2, T3, M, H2);
umerge3_1([], _HdM, T2, H2, M, T3, H3) -> umerge2_2(T2, T3, [H3|M], H2).

umerge3_2(T1, H1, [H2|T2], HdM, M, T3, H3) when H1 =< H2 -> umerge3_12(T1, H1, T2, H2, M, T3, H3, HdM);
umerge3_2(T1, H1, [H2|T2], HdM, M, T3, H3) -> umerge3_21(T1, H1, T2, H2, M, T3, H3, HdM);
umerge3_2(T1, H1, [], _HdM, M, T3, H3) when H1 =< H3 -> umerge2_1(T1, T3, [H1|M], H1, H3);
umerge3_2(T1, H1, [], HdM, M, T3, H3) when H3 == HdM -> umerge2_2(T1, T3, M, H1);
umerge3_2(T1, H1, [], _HdM, M, T3, H3) -> umerge2_2(T1, T3, [H3|M], H1).

umerge3_12(T1, H1, T2, H2, M, T3, H3, _HdM) when H1 =< H3 -> umerge3_1(T1, H1, T2, H2, [H1|M], T3, H3);
umerge3_12(T1, H1, T2, H2, M, T3, H3, HdM) when H3 == HdM -> umerge3_12_3(T1, H1, T2, H2, M, T3);
umerge3_12(T1, H1, T2, H2, M, T3, H3, _HdM) -> umerge3_12_3(T1, H1, T2, H2, [H3|M], T3).

umerge3_12_3(T1, H1, T2, H2, M, [H3|T3]) when H1 =< H3 -> umerge3_1(T1, H1, T2, H2, [H1|M], T3, H3);
umerge3_12_3(T1, H1, T2, H2, M, [H3|T3]) -> umerge3_12_3(T1, H1, T2, H2, [H3|M], T3);
umerge3_12_3(T1, H1, T2, H2, M, []) -> umerge2_1(T1, T2, [H1|M], H1, H2).

umerge3_21(T1, H1, T2, H2, M, T3, H3, _HdM) when H2 =< H3 -> umerge3_2(T1, H1, T2, H2, [H2|M], T3, H3);
umerge3_21(T1, H1, T2, H2, M, T3, H3, HdM) when H3 == HdM -> umerge3_21_3(T1, H1, T2, H2, M, T3);
umerge3_21(T1, H1, T2, H2, M, T3, H3, _HdM) -> umerge3_21_3(T1, H1, T2, H2, [H3|M], T3).

umerge3_21_3(T1, H1, T2, H2, M, [H3|T3]) when H2 =< H3 -> umerge3_2(T1, H1, T2, H2, [H2|M], T3, H3);
umerge3_21_3(T1, H1, T2, H2, M, [H3|T3]) -> umerge3_21_3(T1, H1, T2, H2, [H3|M], T3);
umerge3_21_3(T1, H1, T2, H2, M, []) -> umerge2_2(T1, T2, [H2|M], H1).

rumerge3_1([H1|T1], T2, H2, M, T3, H3) when H1 =< H2 -> rumerge3_12a(T1, H1, T2, H2, M, T3, H3);
rumerge3_1([H1|T1], T2, H2, M, T3, H3) when H1 =< H3 -> rumerge3_21_3(T1, T2, H2, M, T3, H3, H1);
rumerge3_1([H1|T1], T2, H2, M, T3, H3) -> rumerge3_1(T1, T2, H2, [H1|M], T3, H3);
rumerge3_1([], T2, H2, M, T3, H3) when H2 =< H3 -> rumerge2_2(T2, T3, M, H3, H2);
rumerge3_1([], T2, H2, M, T3, H3) -> rumerge2_1(T2, T3, [H2|M], H3).

rumerge3_12a(T1, H1, T2, H2, M, T3, H3) when H2 =< H3 -> rumerge3_12_3(T1, T2, H2, M, T3, H3, H1);
rumerge3_12a(T1, H1, T2, H2, M, T3, H3) -> rumerge3_2(T1, T2, H2, M, T3, H3, H1).

rumerge3_2(T1, [H2|T2], H2M, M, T3, H3, H1) when H1 =< H2 -> rumerge3_12b(T1, H1, T2, H2, M, T3, H3, H2M);
rumerge3_2(T1, [H2|T2], H2M, M, T3, H3, H1) when H1 == H2M -> rumerge3_1(T1, T2, H2, [H1|M], T3, H3);
rumerge3_2(T1, [H2|T2], H2M, M, T3, H3, H1) when H1 =< H3 -> rumerge3_21_3(T1, T2, H2, [H2M|M], T3, H3, H1);
rumerge3_2(T1, [H2|T2], H2M, M, T3, H3, H1) -> rumerge3_1(T1, T2, H2, [H1, H2M|M], T3, H3);
rumerge3_2(T1, [], H2M, M, T3, H3, H1) when H1 == H2M -> rumerge2_1(T1, T3, [H1|M], H3);
rumerge3_2(T1, [], H2M, M, T3, H3, H1) when H1 =< H3 -> rumerge2_2(T1, T3, [H2M|M], H3, H1);
rumerge3_2(T1, [], H2M, M, T3, H3, H1) -> rumerge2_1(T1, T3, [H1, H2M|M], H3).

rumerge3_12b(T1, H1, T2, H2, M, T3, H3, H2M) when H2 =< H3 -> rumerge3_12_3(T1, T2, H2, [H2M|M], T3, H3, H1);
rumerge3_12b(T1, H1, T2, H2, M, T3, H3, H2M) -> rumerge3_2(T1, T2, H2, [H2M|M], T3, H3, H1).

rumerge3_12_3(T1, T2, H2, M, [H3|T3], H3M, H1) when H2 =< H3 -> rumerge3_12_3(T1, T2, H2, [H3M|M], T3, H3, H1);
rumerge3_12_3(T1, T2, H2, M, [H3|T3], H3M, H1) when H2 == H3M -> rumerge3_2(T1, T2, H2, M, T3, H3, H1);
rumerge3_12_3(T1, T2, H2, M, [H3|T3], H3M, H1) -> rumerge3_2(T1, T2, H2, [H3M|M], T3, H3, H1);
rumerge3_12_3(T1, T2, H2, M, [], H3M, H1) when H2 == H3M -> rumerge2_2(T1, T2, M, H2, H1);
rumerge3_12_3(T1, T2, H2, M, [], H3M, H1) -> rumerge2_2(T1, T2, [H3M|M], H2, H1).

rumerge3_21_3(T1, T2, H2, M, [H3|T3], H3M, H1) when H1 =< H3 -> rumerge3_21_3(T1, T2, H2, [H3M|M], T3, H3, H1);
rumerge3_21_3(T1, T2, H2, M, [H3|T3], H3M, H1) when H1 == H3M -> rumerge3_1(T1, T2, H2, [H1|M], T3, H3);
rumerge3_21_3(T1, T2, H2, M, [H3|T3], H3M, H1) -> rumerge3_1(T1, T2, H2, [H1, H3M|M], T3, H3);
rumerge3_21_3(T1, T2, H2, M, [], H3M, H1) when H1 == H3M -> rumerge2_1(T1, T2, [H1|M], H2);
rumerge3_21_3(T1, T2, H2, M, [], H3M, H1) -> rumerge2_1(T1, T2, [H1, H3M|M], H2).

%% Two lists: umerge2_1 walks the first while its elements are =< H2 (the second's head);
%% umerge2_2 walks the second while its elements are below H1.
umerge2_1([H1|T1], T2, M, _HdM, H2) when H1 =< H2 -> umerge2_1(T1, T2, [H1|M], H1, H2);
umerge2_1([H1|T1], T2, M, HdM, H2) when H2 == HdM -> umerge2_2(T1, T2, M, H1);
umerge2_1([H1|T1], T2, M, _HdM, H2) -> umerge2_2(T1, T2, [H2|M], H1);
umerge2_1([], T2, M, HdM, H2) when H2 == HdM -> lists:reverse(T2, M);
umerge2_1([], T2, M, _HdM, H2) -> lists:reverse(T2, [H2|M]).

umerge2_2(T1, [H2|T2], M, H1) when H1 =< H2 -> umerge2_1(T1, T2, [H1|M], H1, H2);
umerge2_2(T1, [H2|T2], M, H1) -> umerge2_2(T1, T2, [H2|M], H1);
umerge2_2(T1, [], M, H1) -> lists:reverse(T1, [H1|M]).

rumerge2_1([H1|T1], T2, M, H2) when H1 =< H2 -> rumerge2_2(T1, T2, M, H2, H1);
rumerge2_1([H1|T1], T2, M, H2) -> rumerge2_1(T1, T2, [H1|M], H2);
rumerge2_1([], T2, M, H2) -> lists:reverse(T2, [H2|M]).

rumerge2_2(T1, [H2|T2], M, H2M, H1) when H1 =< H2 -> rumerge2_2(T1, T2, [H2M|M], H2, H1);
rumerge2_2(T1, [H2|T2], M, H2M, H1) when H1 == H2M -> rumerge2_1(T1, T2, [H1|M], H2);
rumerge2_2(T1, [H2|T2], M, H2M, H1) -> rumerge2_1(T1, T2, [H1, H2M|M], H2);
rumerge2_2(T1, [], M, H2M, H1) when H1 == H2M -> lists:reverse(T1, [H1|M]);
rumerge2_2(T1, [], M, H2M, H1) -> lists:reverse(T1, [H1, H2M|M]).

%% umerge/3 and rumerge/3: the same walk with Fun as =<; equal means Fun both ways.
ufmerge2_1([H1|T1], H2, Fun, T2, M, HdM) ->
    case Fun(H1, H2) of
        true -> ufmerge2_1(T1, H2, Fun, T2, [H1|M], H1);
        false ->
            case Fun(H2, HdM) of
                true -> ufmerge2_2(H1, T1, Fun, T2, M);
                false -> ufmerge2_2(H1, T1, Fun, T2, [H2|M])
            end
    end;
ufmerge2_1([], H2, Fun, T2, M, HdM) ->
    case Fun(H2, HdM) of
        true -> lists:reverse(T2, M);
        false -> lists:reverse(T2, [H2|M])
    end.

ufmerge2_2(H1, T1, Fun, [H2|T2], M) ->
    case Fun(H1, H2) of
        true -> ufmerge2_1(T1, H2, Fun, T2, [H1|M], H1);
        false -> ufmerge2_2(H1, T1, Fun, T2, [H2|M])
    end;
ufmerge2_2(H1, T1, _Fun, [], M) -> lists:reverse(T1, [H1|M]).

rufmerge2_1([H1|T1], H2, Fun, T2, M) ->
    case Fun(H1, H2) of
        true -> rufmerge2_2(H1, T1, Fun, T2, M, H2);
        false -> rufmerge2_1(T1, H2, Fun, T2, [H1|M])
    end;
rufmerge2_1([], H2, _Fun, T2, M) -> lists:reverse(T2, [H2|M]).

rufmerge2_2(H1, T1, Fun, [H2|T2], M, H2M) ->
    case Fun(H1, H2) of
        true -> rufmerge2_2(H1, T1, Fun, T2, [H2M|M], H2);
        false ->
            case Fun(H2M, H1) of
                true -> rufmerge2_1(T1, H2, Fun, T2, [H1|M]);
                false -> rufmerge2_1(T1, H2, Fun, T2, [H1, H2M|M])
            end
    end;
rufmerge2_2(H1, T1, Fun, [], M, H2M) ->
    case Fun(H2M, H1) of
        true -> lists:reverse(T1, [H1|M]);
        false -> lists:reverse(T1, [H1, H2M|M])
    end.

%% ukeymerge/3 and rukeymerge/3: umerge2_1/umerge2_2 on the keys (element I); E1, E2 are
%% the current heads' keys, HdM (EM) the key of the element last taken.
ukeymerge2_1(I, [H1|T1], E2, HdM, T2, M, H2) ->
    case element(I, H1) of
        E1 when E1 =< E2 -> ukeymerge2_1(I, T1, E2, E1, T2, [H1|M], H2);
        E1 when E2 == HdM -> ukeymerge2_2(I, T1, E1, H1, T2, M);
        E1 -> ukeymerge2_2(I, T1, E1, H1, T2, [H2|M])
    end;
ukeymerge2_1(_I, [], E2, HdM, T2, M, _H2) when E2 == HdM -> lists:reverse(T2, M);
ukeymerge2_1(_I, [], _E2, _HdM, T2, M, H2) -> lists:reverse(T2, [H2|M]).

ukeymerge2_2(I, T1, E1, H1, [H2|T2], M) ->
    case element(I, H2) of
        E2 when E1 =< E2 -> ukeymerge2_1(I, T1, E2, E1, T2, [H1|M], H2);
        _E2 -> ukeymerge2_2(I, T1, E1, H1, T2, [H2|M])
    end;
ukeymerge2_2(_I, T1, _E1, H1, [], M) -> lists:reverse(T1, [H1|M]).

rukeymerge2_1(I, [H1|T1], E2, T2, M, H2) ->
    case element(I, H1) of
        E1 when E1 =< E2 -> rukeymerge2_2(I, T1, E1, T2, M, E2, H2, H1);
        _E1 -> rukeymerge2_1(I, T1, E2, T2, [H1|M], H2)
    end;
rukeymerge2_1(_I, [], _E2, T2, M, H2) -> lists:reverse(T2, [H2|M]).

rukeymerge2_2(I, T1, E1, [H2|T2], M, E2M, H2M, H1) ->
    case element(I, H2) of
        E2 when E1 =< E2 -> rukeymerge2_2(I, T1, E1, T2, [H2M|M], E2, H2, H1);
        E2 when E1 == E2M -> rukeymerge2_1(I, T1, E2, T2, [H1|M], H2);
        E2 -> rukeymerge2_1(I, T1, E2, T2, [H1, H2M|M], H2)
    end;
rukeymerge2_2(_I, T1, E1, [], M, E2M, _H2M, H1) when E1 == E2M -> lists:reverse(T1, [H1|M]);
rukeymerge2_2(_I, T1, _E1, [], M, _E2M, H2M, H1) -> lists:reverse(T1, [H1, H2M|M]).

%% ---- keysort/2: OTP's run-detecting merge sort on element I ----
%% As sort/1's: ascending runs (keysplit_1) or descending ones (keysplit_2) are collected,
%% a run broken by one element keeps it aside (S, ES) for the next run, then runs are
%% merged three at a time, alternating ascending and reversed passes. EX, EY, EZ are the
%% keys of X, Y, Z. keysort_1 skips a prefix of whole-tuple duplicates.
keysort_1(I, X, EX, [Y|L], R) when X == Y -> keysort_1(I, Y, EX, L, [X|R]);
keysort_1(I, X, EX, [Y|L], R) ->
    case element(I, Y) of
        EY when EX =< EY -> keysplit_1(I, X, EX, Y, EY, L, R, []);
        EY -> keysplit_2(I, X, EX, Y, EY, L, R, [])
    end;
keysort_1(_I, X, _EX, [], R) -> lists:reverse(R, [X]).

keysplit_1(I, X, EX, Y, EY, [Z|L], R, Rs) ->
    case element(I, Z) of
        EZ when EY =< EZ -> keysplit_1(I, Y, EY, Z, EZ, L, [X|R], Rs);
        EZ when EX =< EZ -> keysplit_1(I, Z, EZ, Y, EY, L, [X|R], Rs);
        _EZ when R == [] -> keysplit_1(I, X, EX, Y, EY, L, [Z], Rs);
        EZ -> keysplit_1_1(I, X, EX, Y, EY, EZ, R, Rs, Z, L)
    end;
keysplit_1(I, X, _EX, Y, _EY, [], R, Rs) -> rkeymergel(I, [[Y, X|R]|Rs], [], asc).

keysplit_1_1(I, X, EX, Y, EY, ES, R, Rs, S, [Z|L]) ->
    case element(I, Z) of
        EZ when EY =< EZ -> keysplit_1_1(I, Y, EY, Z, EZ, ES, [X|R], Rs, S, L);
        EZ when EX =< EZ -> keysplit_1_1(I, Z, EZ, Y, EY, ES, [X|R], Rs, S, L);
        EZ when ES =< EZ -> keysplit_1(I, S, ES, Z, EZ, L, [], [[Y, X|R]|Rs]);
        EZ -> keysplit_1(I, Z, EZ, S, ES, L, [], [[Y, X|R]|Rs])
    end;
keysplit_1_1(I, X, _EX, Y, _EY, _ES, R, Rs, S, []) -> rkeymergel(I, [[S], [Y, X|R]|Rs], [], asc).

keysplit_2(I, X, EX, Y, EY, [Z|L], R, Rs) ->
    case element(I, Z) of
        EZ when EY > EZ -> keysplit_2(I, Y, EY, Z, EZ, L, [X|R], Rs);
        EZ when EX > EZ -> keysplit_2(I, Z, EZ, Y, EY, L, [X|R], Rs);
        _EZ when R == [] -> keysplit_2(I, X, EX, Y, EY, L, [Z], Rs);
        EZ -> keysplit_2_1(I, X, EX, Y, EY, EZ, R, Rs, Z, L)
    end;
keysplit_2(I, X, _EX, Y, _EY, [], R, Rs) -> keymergel(I, [[Y, X|R]|Rs], [], desc).

keysplit_2_1(I, X, EX, Y, EY, ES, R, Rs, S, [Z|L]) ->
    case element(I, Z) of
        EZ when EY > EZ -> keysplit_2_1(I, Y, EY, Z, EZ, ES, [X|R], Rs, S, L);
        EZ when EX > EZ -> keysplit_2_1(I, Z, EZ, Y, EY, ES, [X|R], Rs, S, L);
        EZ when ES > EZ -> keysplit_2(I, S, ES, Z, EZ, L, [], [[Y, X|R]|Rs]);
        EZ -> keysplit_2(I, Z, EZ, S, ES, L, [], [[Y, X|R]|Rs])
    end;
keysplit_2_1(I, X, _EX, Y, _EY, _ES, R, Rs, S, []) -> keymergel(I, [[S], [Y, X|R]|Rs], [], desc).

keymergel(I, [T1, [H2|T2], [H3|T3]|L], Acc, asc) ->
    M = keymerge3_1(I, T1, [], asc, element(I, H2), H2, T2, element(I, H3), H3, T3),
    keymergel(I, L, [M|Acc], asc);
keymergel(I, [[H3|T3], [H2|T2], T1|L], Acc, desc) ->
    M = keymerge3_1(I, T1, [], desc, element(I, H2), H2, T2, element(I, H3), H3, T3),
    keymergel(I, L, [M|Acc], desc);
keymergel(I, [T1, [H2|T2]|L], Acc, asc) ->
    keymergel(I, L, [keymerge2_1(I, T1, element(I, H2), H2, T2, [])|Acc], asc);
keymergel(I, [[H2|T2], T1|L], Acc, desc) ->
    keymergel(I, L, [keymerge2_1(I, T1, element(I, H2), H2, T2, [])|Acc], desc);
keymergel(_I, [L], [], _O) -> L;
keymergel(I, [L], Acc, O) -> rkeymergel(I, [lists:reverse(L, [])|Acc], [], O);
keymergel(I, [], Acc, O) -> rkeymergel(I, Acc, [], O).

rkeymergel(I, [[H3|T3], [H2|T2], T1|L], Acc, asc) ->
    M = rkeymerge3_1(I, T1, [], asc, element(I, H2), H2, T2, element(I, H3), H3, T3),
    rkeymergel(I, L, [M|Acc], asc);
rkeymergel(I, [T1, [H2|T2], [H3|T3]|L], Acc, desc) ->
    M = rkeymerge3_1(I, T1, [], desc, element(I, H2), H2, T2, element(I, H3), H3, T3),
    rkeymergel(I, L, [M|Acc], desc);
rkeymergel(I, [[H2|T2], T1|L], Acc, asc) ->
    rkeymergel(I, L, [rkeymerge2_1(I, T1, element(I, H2), H2, T2, [])|Acc], asc);
rkeymergel(I, [T1, [H2|T2]|L], Acc, desc) ->
    rkeymergel(I, L, [rkeymerge2_1(I, T1, element(I, H2), H2, T2, [])|Acc], desc);
rkeymergel(I, [L], Acc, O) -> keymergel(I, [lists:reverse(L, [])|Acc], [], O);
rkeymergel(I, [], Acc, O) -> keymergel(I, Acc, [], O).

%% Three runs; D is the tail that equal keys of run 1 and 2 are checked against.
keymerge3_1(I, [H1|T1], M, D, E2, H2, T2, E3, H3, T3) ->
    case element(I, H1) of
        E1 when E1 =< E2 -> keymerge3_12(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, D);
        E1 -> keymerge3_21(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, T2)
    end;
keymerge3_1(I, [], M, _D, E2, H2, T2, E3, H3, T3) when E2 =< E3 ->
    keymerge2_1(I, T2, E3, H3, T3, [H2|M]);
keymerge3_1(I, [], M, _D, E2, H2, T2, _E3, H3, T3) ->
    keymerge2_2(I, T2, E2, H3, T3, M, H2).

keymerge3_2(I, E1, H1, T1, [H2|T2], M, D, E3, H3, T3) ->
    case element(I, H2) of
        E2 when E1 =< E2 -> keymerge3_12(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, T1);
        E2 -> keymerge3_21(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, D)
    end;
keymerge3_2(I, E1, H1, T1, [], M, _D, E3, H3, T3) when E1 =< E3 ->
    keymerge2_1(I, T1, E3, H3, T3, [H1|M]);
keymerge3_2(I, E1, H1, T1, [], M, _D, _E3, H3, T3) ->
    keymerge2_2(I, T1, E1, H3, T3, M, H1).

keymerge3_12(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, D) when E1 =< E3 ->
    keymerge3_1(I, T1, [H1|M], D, E2, H2, T2, E3, H3, T3);
keymerge3_12(I, E1, H1, T1, E2, H2, T2, _E3, H3, T3, M, _D) ->
    keymerge3_12_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M]).

keymerge3_12_3(I, E1, H1, T1, E2, H2, T2, [H3|T3], M) ->
    case element(I, H3) of
        E3 when E1 =< E3 -> keymerge3_1(I, T1, [H1|M], T1, E2, H2, T2, E3, H3, T3);
        _E3 -> keymerge3_12_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M])
    end;
keymerge3_12_3(I, _E1, H1, T1, E2, H2, T2, [], M) ->
    keymerge2_1(I, T1, E2, H2, T2, [H1|M]).

keymerge3_21(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, D) when E2 =< E3 ->
    keymerge3_2(I, E1, H1, T1, T2, [H2|M], D, E3, H3, T3);
keymerge3_21(I, E1, H1, T1, E2, H2, T2, _E3, H3, T3, M, _D) ->
    keymerge3_21_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M]).

keymerge3_21_3(I, E1, H1, T1, E2, H2, T2, [H3|T3], M) ->
    case element(I, H3) of
        E3 when E2 =< E3 -> keymerge3_2(I, E1, H1, T1, T2, [H2|M], T2, E3, H3, T3);
        _E3 -> keymerge3_21_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M])
    end;
keymerge3_21_3(I, E1, H1, T1, _E2, H2, T2, [], M) ->
    keymerge2_2(I, T1, E1, H2, T2, M, H1).

rkeymerge3_1(I, [H1|T1], M, D, E2, H2, T2, E3, H3, T3) ->
    case element(I, H1) of
        E1 when E1 =< E2 -> rkeymerge3_12(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, T2);
        E1 -> rkeymerge3_21(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, D)
    end;
rkeymerge3_1(I, [], M, _D, E2, H2, T2, E3, H3, T3) when E2 =< E3 ->
    rkeymerge2_2(I, E2, T2, H3, T3, M, H2);
rkeymerge3_1(I, [], M, _D, _E2, H2, T2, E3, H3, T3) ->
    rkeymerge2_1(I, T2, E3, H3, T3, [H2|M]).

rkeymerge3_2(I, E1, H1, T1, [H2|T2], M, D, E3, H3, T3) ->
    case element(I, H2) of
        E2 when E1 =< E2 -> rkeymerge3_12(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, D);
        E2 -> rkeymerge3_21(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, T1)
    end;
rkeymerge3_2(I, E1, H1, T1, [], M, _D, E3, H3, T3) when E1 =< E3 ->
    rkeymerge2_2(I, E1, T1, H3, T3, M, H1);
rkeymerge3_2(I, _E1, H1, T1, [], M, _D, E3, H3, T3) ->
    rkeymerge2_1(I, T1, E3, H3, T3, [H1|M]).

rkeymerge3_12(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, _D) when E2 =< E3 ->
    rkeymerge3_12_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M]);
rkeymerge3_12(I, E1, H1, T1, _E2, H2, T2, E3, H3, T3, M, D) ->
    rkeymerge3_2(I, E1, H1, T1, T2, [H2|M], D, E3, H3, T3).

rkeymerge3_12_3(I, E1, H1, T1, E2, H2, T2, [H3|T3], M) ->
    case element(I, H3) of
        E3 when E2 =< E3 -> rkeymerge3_12_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M]);
        E3 -> rkeymerge3_2(I, E1, H1, T1, T2, [H2|M], T2, E3, H3, T3)
    end;
rkeymerge3_12_3(I, E1, H1, T1, _E2, H2, T2, [], M) ->
    rkeymerge2_2(I, E1, T1, H2, T2, M, H1).

rkeymerge3_21(I, E1, H1, T1, E2, H2, T2, E3, H3, T3, M, _D) when E1 =< E3 ->
    rkeymerge3_21_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M]);
rkeymerge3_21(I, _E1, H1, T1, E2, H2, T2, E3, H3, T3, M, D) ->
    rkeymerge3_1(I, T1, [H1|M], D, E2, H2, T2, E3, H3, T3).

rkeymerge3_21_3(I, E1, H1, T1, E2, H2, T2, [H3|T3], M) ->
    case element(I, H3) of
        E3 when E1 =< E3 -> rkeymerge3_21_3(I, E1, H1, T1, E2, H2, T2, T3, [H3|M]);
        E3 -> rkeymerge3_1(I, T1, [H1|M], T1, E2, H2, T2, E3, H3, T3)
    end;
rkeymerge3_21_3(I, _E1, H1, T1, E2, H2, T2, [], M) ->
    rkeymerge2_1(I, T1, E2, H2, T2, [H1|M]).

%% Two runs: keymerge2_1 walks run 1 while its keys are =< E2; keymerge2_2 holds H1 (key
%% E1) and walks run 2, HdM being run 2's element not yet put on M.
keymerge2_1(I, [H1|T1], E2, H2, T2, M) ->
    case element(I, H1) of
        E1 when E1 =< E2 -> keymerge2_1(I, T1, E2, H2, T2, [H1|M]);
        E1 -> keymerge2_2(I, T1, E1, H2, T2, M, H1)
    end;
keymerge2_1(_I, [], _E2, H2, T2, M) -> lists:reverse(T2, [H2|M]).

keymerge2_2(I, T1, E1, HdM, [H2|T2], M, H1) ->
    case element(I, H2) of
        E2 when E1 =< E2 -> keymerge2_1(I, T1, E2, H2, T2, [H1, HdM|M]);
        _E2 -> keymerge2_2(I, T1, E1, H2, T2, [HdM|M], H1)
    end;
keymerge2_2(_I, T1, _E1, HdM, [], M, H1) -> lists:reverse(T1, [H1, HdM|M]).

rkeymerge2_1(I, [H1|T1], E2, H2, T2, M) ->
    case element(I, H1) of
        E1 when E1 =< E2 -> rkeymerge2_2(I, E1, T1, H2, T2, M, H1);
        _E1 -> rkeymerge2_1(I, T1, E2, H2, T2, [H1|M])
    end;
rkeymerge2_1(_I, [], _E2, H2, T2, M) -> lists:reverse(T2, [H2|M]).

rkeymerge2_2(I, E1, T1, HdM, [H2|T2], M, H1) ->
    case element(I, H2) of
        E2 when E1 =< E2 -> rkeymerge2_2(I, E1, T1, H2, T2, [HdM|M], H1);
        E2 -> rkeymerge2_1(I, T1, E2, H2, T2, [H1, HdM|M])
    end;
rkeymerge2_2(_I, _E1, T1, HdM, [], M, H1) -> lists:reverse(T1, [H1, HdM|M]).

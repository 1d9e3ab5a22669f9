%% lists — heapscope's bundled list library, written to behave as OTP 25's lists module.
%%
%% The functions OTP implements in C (reverse/1,2, keyfind/3, keymember/3, keysearch/3,
%% member/2) are BIFs of the runtime: they are deliberately NOT defined here; this module
%% calls them as lists:reverse/2 etc. and the VM resolves them to the BIFs.
%%
%% sort/1 and sort/2 follow OTP's run-detecting merge sort step by step, because the result
%% is observable: sort/1 is not stable for terms that compare equal without being identical
%% (1 and 1.0), and sort/2 with a fun that is not a total preorder (e.g. <) gives an order
%% that depends on the algorithm. The other sorts (usort, keysort, ukeysort, usort/2) are
%% stable merge sorts keeping the first of equal elements, which is OTP's documented result.
-module(lists).

-compile({no_auto_import, [max/2, min/2]}).

-export([append/2, append/1, subtract/2, nth/2, nthtail/2, prefix/2, suffix/2,
         droplast/1, last/1, seq/2, seq/3, sum/1, duplicate/2, min/1, max/1,
         sublist/2, sublist/3, delete/2, unzip/1, unzip3/1, zip/2, zip3/3,
         zipwith/3, zipwith3/4, sort/1, sort/2, merge/1, merge/2, merge/3,
         merge3/3, usort/1, usort/2, umerge/1, umerge/2, umerge/3, umerge3/3,
         concat/1, flatten/1, flatten/2, flatlength/1, keydelete/3, keyreplace/4,
         keytake/3, keystore/4, keysort/2, keymerge/3, ukeysort/2, ukeymerge/3,
         keymap/3, rkeymerge/3, rmerge/2, rmerge/3, rmerge3/3, rumerge/2, rumerge/3, rumerge3/3, rukeymerge/3, all/2, any/2, map/2, flatmap/2, foldl/3, foldr/3, filter/2,
         partition/2, zf/2, filtermap/2, mapfoldl/3, mapfoldr/3, foreach/2,
         takewhile/2, dropwhile/2, search/2, splitwith/2, split/2, join/2,
         enumerate/1, enumerate/2, uniq/1, uniq/2]).

-ifdef(OTP_CHECK).
%% Only for tests/stdlib/check_otp.sh, which runs this module on OTP as hs_lists: the
%% functions heapscope has as BIFs, forwarded to OTP's.
-export([reverse/1, reverse/2, keyfind/3, keymember/3, keysearch/3, member/2]).
reverse(L) -> erlang:apply(lists, reverse, [L]).
reverse(L, T) -> erlang:apply(lists, reverse, [L, T]).
keyfind(K, N, L) -> erlang:apply(lists, keyfind, [K, N, L]).
keymember(K, N, L) -> erlang:apply(lists, keymember, [K, N, L]).
keysearch(K, N, L) -> erlang:apply(lists, keysearch, [K, N, L]).
member(E, L) -> erlang:apply(lists, member, [E, L]).
-endif.

append(L1, L2) -> L1 ++ L2.

append([E]) -> E;
append([H|T]) -> H ++ append(T);
append([]) -> [].

subtract(L1, L2) -> L1 -- L2.

nth(1, [H|_]) -> H;
nth(N, [_|T]) when N > 1 -> nth(N - 1, T).

nthtail(1, [_|T]) -> T;
nthtail(N, [_|T]) when N > 1 -> nthtail(N - 1, T);
nthtail(0, L) when is_list(L) -> L.

prefix([X|PreTail], [X|Tail]) -> prefix(PreTail, Tail);
prefix([], List) when is_list(List) -> true;
prefix([_|_], List) when is_list(List) -> false.

suffix(Suffix, List) ->
    Delta = length(List) - length(Suffix),
    Delta >= 0 andalso nthtail(Delta, List) =:= Suffix.

droplast([_T]) -> [];
droplast([H|T]) -> [H|droplast(T)].

last([E|Es]) -> last(E, Es).

last(_, [E|Es]) -> last(E, Es);
last(E, []) -> E.

seq(First, Last) when is_integer(First), is_integer(Last), First - 1 =< Last ->
    seq_up(First, Last, []).

%% Built from the top down so the list is made in one pass without a reverse.
seq_up(First, X, Acc) when X >= First -> seq_up(First, X - 1, [X|Acc]);
seq_up(_, _, Acc) -> Acc.

seq(First, Last, Inc)
  when is_integer(First), is_integer(Last), is_integer(Inc),
       ((Inc > 0 andalso First - Inc =< Last) orelse (Inc < 0 andalso First - Inc >= Last)) ->
    N = (Last - First + Inc) div Inc,
    seq_step(N, Inc * (N - 1) + First, Inc, []);
seq(First, Last, 0) when is_integer(First), First =:= Last ->
    [First];
seq(First, Last, Inc) ->
    erlang:error(badarg, [First, Last, Inc]).

seq_step(0, _, _, Acc) -> Acc;
seq_step(N, X, D, Acc) -> seq_step(N - 1, X - D, D, [X|Acc]).

sum(L) -> sum(L, 0).

sum([H|T], Sum) -> sum(T, Sum + H);
sum([], Sum) -> Sum.

duplicate(N, X) when is_integer(N), N >= 0 -> duplicate(N, X, []).

duplicate(0, _, L) -> L;
duplicate(N, X, L) -> duplicate(N - 1, X, [X|L]).

min([H|T]) -> min(T, H).

min([H|T], Min) when H < Min -> min(T, H);
min([_|T], Min) -> min(T, Min);
min([], Min) -> Min.

max([H|T]) -> max(T, H).

max([H|T], Max) when H > Max -> max(T, H);
max([_|T], Max) -> max(T, Max);
max([], Max) -> Max.

sublist(List, 1, L) when is_list(List), is_integer(L), L >= 0 -> sublist(List, L);
sublist([], S, _L) when is_integer(S), S >= 2 -> [];
sublist([_H|T], S, L) when is_integer(S), S > 1 -> sublist(T, S - 1, L).

sublist(List, L) when is_integer(L), is_list(List) -> sublist_2(List, L).

sublist_2([H|T], L) when L > 0 -> [H|sublist_2(T, L - 1)];
sublist_2(_, 0) -> [];
sublist_2(List, L) when is_list(List), L > 0 -> [].

delete(Item, [Item|Rest]) -> Rest;
delete(Item, [H|Rest]) -> [H|delete(Item, Rest)];
delete(_, []) -> [].

zip([X|Xs], [Y|Ys]) -> [{X, Y}|zip(Xs, Ys)];
zip([], []) -> [].

unzip(Ts) -> unzip(Ts, [], []).

unzip([{X, Y}|Ts], Xs, Ys) -> unzip(Ts, [X|Xs], [Y|Ys]);
unzip([], Xs, Ys) -> {lists:reverse(Xs, []), lists:reverse(Ys, [])}.

zip3([X|Xs], [Y|Ys], [Z|Zs]) -> [{X, Y, Z}|zip3(Xs, Ys, Zs)];
zip3([], [], []) -> [].

unzip3(Ts) -> unzip3(Ts, [], [], []).

unzip3([{X, Y, Z}|Ts], Xs, Ys, Zs) -> unzip3(Ts, [X|Xs], [Y|Ys], [Z|Zs]);
unzip3([], Xs, Ys, Zs) ->
    {lists:reverse(Xs, []), lists:reverse(Ys, []), lists:reverse(Zs, [])}.

zipwith(F, [X|Xs], [Y|Ys]) -> [F(X, Y)|zipwith(F, Xs, Ys)];
zipwith(F, [], []) when is_function(F, 2) -> [].

zipwith3(F, [X|Xs], [Y|Ys], [Z|Zs]) -> [F(X, Y, Z)|zipwith3(F, Xs, Ys, Zs)];
zipwith3(F, [], [], []) when is_function(F, 3) -> [].

concat(List) -> flatmap(fun thing_to_list/1, List).

thing_to_list(X) when is_integer(X) -> integer_to_list(X);
thing_to_list(X) when is_float(X) -> float_to_list(X);
thing_to_list(X) when is_atom(X) -> atom_to_list(X);
thing_to_list(X) when is_list(X) -> X.

flatten(List) when is_list(List) -> do_flatten(List, []).

flatten(List, Tail) when is_list(List), is_list(Tail) -> do_flatten(List, Tail).

do_flatten([H|T], Tail) when is_list(H) -> do_flatten(H, do_flatten(T, Tail));
do_flatten([H|T], Tail) -> [H|do_flatten(T, Tail)];
do_flatten([], Tail) -> Tail.

flatlength(List) -> flatlength(List, 0).

flatlength([H|T], L) when is_list(H) -> flatlength(H, flatlength(T, L));
flatlength([_|T], L) -> flatlength(T, L + 1);
flatlength([], L) -> L.

%% ---- key functions ----

keydelete(K, N, L) when is_integer(N), N > 0 -> keydelete3(K, N, L).

keydelete3(Key, N, [H|T]) when element(N, H) == Key -> T;
keydelete3(Key, N, [H|T]) -> [H|keydelete3(Key, N, T)];
keydelete3(_, _, []) -> [].

keyreplace(K, N, L, New) when is_integer(N), N > 0, is_tuple(New) -> keyreplace3(K, N, L, New).

keyreplace3(Key, Pos, [Tup|Tail], New) when element(Pos, Tup) == Key -> [New|Tail];
keyreplace3(Key, Pos, [H|T], New) -> [H|keyreplace3(Key, Pos, T, New)];
keyreplace3(_, _, [], _) -> [].

keytake(Key, N, L) when is_integer(N), N > 0 -> keytake(Key, N, L, []).

keytake(Key, N, [H|T], L) when element(N, H) == Key -> {value, H, lists:reverse(L, T)};
keytake(Key, N, [H|T], L) -> keytake(Key, N, T, [H|L]);
keytake(_K, _N, [], _L) -> false.

keystore(K, N, L, New) when is_integer(N), N > 0, is_tuple(New) -> keystore2(K, N, L, New).

keystore2(Key, N, [H|T], New) when element(N, H) == Key -> [New|T];
keystore2(Key, N, [H|T], New) -> [H|keystore2(Key, N, T, New)];
keystore2(_Key, _N, [], New) -> [New].

%% The key sorts and merges look at their list in a case first, as OTP does (a non-list
%% raises {case_clause, Term}).
keysort(I, L) when is_integer(I), I > 0 ->
    case L of
        [] -> L;
        [_] -> L;
        [X, Y|T] ->
            case {element(I, X), element(I, Y)} of
                {EX, EY} when EX =< EY ->
                    case T of
                        [] -> L;
                        [Z] ->
                            case element(I, Z) of
                                EZ when EY =< EZ -> L;
                                EZ when EX =< EZ -> [X, Z, Y];
                                _EZ -> [Z, X, Y]
                            end;
                        _ when X == Y -> hs_lists_merge:keysort_1(I, Y, EY, T, [X]);
                        _ -> hs_lists_merge:keysplit_1(I, X, EX, Y, EY, T, [], [])
                    end;
                {EX, EY} ->
                    case T of
                        [] -> [Y, X];
                        [Z] ->
                            case element(I, Z) of
                                EZ when EX =< EZ -> [Y, X|T];
                                EZ when EY =< EZ -> [Y, Z, X];
                                _EZ -> [Z, Y, X]
                            end;
                        _ -> hs_lists_merge:keysplit_2(I, X, EX, Y, EY, T, [], [])
                    end
            end
    end.

ukeysort(I, L) when is_integer(I), I > 0 ->
    case L of
        [] -> L;
        [_] -> L;
        [_, _|_] ->
            dedup(fun(A, B) -> element(I, A) == element(I, B) end,
                  msort(fun(A, B) -> element(I, A) =< element(I, B) end, L))
    end.

keymerge(Index, T1, L2) when is_integer(Index), Index > 0 ->
    case L2 of
        [] -> T1;
        [H2|T2] -> lists:reverse(hs_lists_merge:keymerge2_1(Index, T1, element(Index, H2), H2, T2, []), [])
    end.

rkeymerge(Index, T1, L2) when is_integer(Index), Index > 0 ->
    case L2 of
        [] -> T1;
        [H2|T2] -> lists:reverse(hs_lists_merge:rkeymerge2_1(Index, T1, element(Index, H2), H2, T2, []), [])
    end.

ukeymerge(Index, L1, T2) when is_integer(Index), Index > 0 ->
    case L1 of
        [] -> T2;
        [H1|T1] -> lists:reverse(hs_lists_merge:ukeymerge2_2(Index, T1, element(Index, H1), H1, T2, []), [])
    end.

rukeymerge(Index, T1, L2) when is_integer(Index), Index > 0 ->
    case L2 of
        [] -> T1;
        [H2|T2] -> lists:reverse(hs_lists_merge:rukeymerge2_1(Index, T1, element(Index, H2), T2, [], H2), [])
    end.

keymap(Fun, Index, [Tup|Tail]) ->
    [setelement(Index, Tup, Fun(element(Index, Tup)))|keymap(Fun, Index, Tail)];
keymap(Fun, Index, []) when is_integer(Index), Index >= 1, is_function(Fun, 1) -> [].

%% ---- higher order ----

%% all, any, map and foldl look at the list in a case first, as OTP 25 does: a non-list
%% raises {case_clause, Term}, not function_clause.
all(Pred, List) when is_function(Pred, 1) ->
    case List of
        [Hd|Tail] ->
            case Pred(Hd) of
                true -> all_1(Pred, Tail);
                false -> false
            end;
        [] -> true
    end.

all_1(Pred, [Hd|Tail]) ->
    case Pred(Hd) of
        true -> all_1(Pred, Tail);
        false -> false
    end;
all_1(_Pred, []) -> true.

any(Pred, List) when is_function(Pred, 1) ->
    case List of
        [Hd|Tail] ->
            case Pred(Hd) of
                true -> true;
                false -> any_1(Pred, Tail)
            end;
        [] -> false
    end.

any_1(Pred, [Hd|Tail]) ->
    case Pred(Hd) of
        true -> true;
        false -> any_1(Pred, Tail)
    end;
any_1(_Pred, []) -> false.

map(F, List) when is_function(F, 1) ->
    case List of
        [Hd|Tail] -> [F(Hd)|map_1(F, Tail)];
        [] -> []
    end.

map_1(F, [Hd|Tail]) -> [F(Hd)|map_1(F, Tail)];
map_1(_F, []) -> [].

%% As in OTP 25, the fun is checked first: a bad fun raises function_clause, not badfun.
flatmap(F, List) when is_function(F, 1) -> flatmap_1(F, List).

flatmap_1(F, [Hd|Tail]) -> F(Hd) ++ flatmap_1(F, Tail);
flatmap_1(_F, []) -> [].

foldl(F, Accu, List) when is_function(F, 2) ->
    case List of
        [Hd|Tail] -> foldl_1(F, F(Hd, Accu), Tail);
        [] -> Accu
    end.

foldl_1(F, Accu, [Hd|Tail]) -> foldl_1(F, F(Hd, Accu), Tail);
foldl_1(_F, Accu, []) -> Accu.

foldr(F, Accu, List) when is_function(F, 2) -> foldr_1(F, Accu, List).

foldr_1(F, Accu, [Hd|Tail]) -> F(Hd, foldr_1(F, Accu, Tail));
foldr_1(_F, Accu, []) -> Accu.

filter(Pred, List) when is_function(Pred, 1) -> [E || E <- List, Pred(E)].

partition(Pred, L) when is_function(Pred, 1) -> partition_1(Pred, L, [], []).

partition_1(Pred, [H|T], As, Bs) ->
    case Pred(H) of
        true -> partition_1(Pred, T, [H|As], Bs);
        false -> partition_1(Pred, T, As, [H|Bs])
    end;
partition_1(_Pred, [], As, Bs) ->
    {lists:reverse(As, []), lists:reverse(Bs, [])}.

filtermap(F, List) when is_function(F, 1) -> filtermap_1(F, List).

filtermap_1(F, [Hd|Tail]) ->
    case F(Hd) of
        true -> [Hd|filtermap_1(F, Tail)];
        {true, Val} -> [Val|filtermap_1(F, Tail)];
        false -> filtermap_1(F, Tail)
    end;
filtermap_1(_F, []) -> [].

zf(F, L) -> filtermap(F, L).

foreach(F, List) when is_function(F, 1) -> foreach_1(F, List).

foreach_1(F, [Hd|Tail]) -> F(Hd), foreach_1(F, Tail);
foreach_1(_F, []) -> ok.

mapfoldl(F, Accu, List) when is_function(F, 2) -> mapfoldl_1(F, Accu, List).

mapfoldl_1(F, Accu0, [Hd|Tail]) ->
    {R, Accu1} = F(Hd, Accu0),
    {Rs, Accu2} = mapfoldl_1(F, Accu1, Tail),
    {[R|Rs], Accu2};
mapfoldl_1(_F, Accu, []) -> {[], Accu}.

mapfoldr(F, Accu, List) when is_function(F, 2) -> mapfoldr_1(F, Accu, List).

mapfoldr_1(F, Accu0, [Hd|Tail]) ->
    {Rs, Accu1} = mapfoldr_1(F, Accu0, Tail),
    {R, Accu2} = F(Hd, Accu1),
    {[R|Rs], Accu2};
mapfoldr_1(_F, Accu, []) -> {[], Accu}.

takewhile(Pred, List) when is_function(Pred, 1) -> takewhile_1(Pred, List).

takewhile_1(Pred, [Hd|Tail]) ->
    case Pred(Hd) of
        true -> [Hd|takewhile_1(Pred, Tail)];
        false -> []
    end;
takewhile_1(_Pred, []) -> [].

dropwhile(Pred, List) when is_function(Pred, 1) -> dropwhile_1(Pred, List).

dropwhile_1(Pred, [Hd|Tail] = Rest) ->
    case Pred(Hd) of
        true -> dropwhile_1(Pred, Tail);
        false -> Rest
    end;
dropwhile_1(_Pred, []) -> [].

search(Pred, List) when is_function(Pred, 1) -> search_1(Pred, List).

search_1(Pred, [Hd|Tail]) ->
    case Pred(Hd) of
        true -> {value, Hd};
        false -> search_1(Pred, Tail)
    end;
search_1(_Pred, []) -> false.

splitwith(Pred, List) when is_function(Pred, 1) -> splitwith_1(Pred, List, []).

splitwith_1(Pred, [Hd|Tail], Taken) ->
    case Pred(Hd) of
        true -> splitwith_1(Pred, Tail, [Hd|Taken]);
        false -> {lists:reverse(Taken, []), [Hd|Tail]}
    end;
splitwith_1(_Pred, [], Taken) ->
    {lists:reverse(Taken, []), []}.

split(N, List) when is_integer(N), N >= 0, is_list(List) ->
    case split(N, List, []) of
        {_, _} = Result -> Result;
        Fault when is_atom(Fault) -> erlang:error(Fault, [N, List])
    end;
split(N, List) ->
    erlang:error(badarg, [N, List]).

split(0, L, R) -> {lists:reverse(R, []), L};
split(N, [H|T], R) -> split(N - 1, T, [H|R]);
split(_, [], _) -> badarg.

join(_Sep, []) -> [];
join(Sep, [H|T]) -> [H|join_prepend(Sep, T)].

join_prepend(_Sep, []) -> [];
join_prepend(Sep, [H|T]) -> [Sep, H|join_prepend(Sep, T)].

enumerate(List1) when is_list(List1) -> enumerate_1(1, List1).

enumerate(Index, List1) when is_integer(Index), is_list(List1) -> enumerate_1(Index, List1).

enumerate_1(Index, [H|T]) -> [{Index, H}|enumerate_1(Index + 1, T)];
enumerate_1(_Index, []) -> [].

uniq(L) -> uniq_1(L, #{}).

uniq_1([X|Xs], M) ->
    case maps:is_key(X, M) of
        true -> uniq_1(Xs, M);
        false -> [X|uniq_1(Xs, M#{X => true})]
    end;
uniq_1([], _) -> [].

uniq(F, L) when is_function(F, 1) -> uniq_2(L, F, #{}).

uniq_2([X|Xs], F, M) ->
    Key = F(X),
    case maps:is_key(Key, M) of
        true -> uniq_2(Xs, F, M);
        false -> [X|uniq_2(Xs, F, M#{Key => true})]
    end;
uniq_2([], _, _) -> [].

%% ---- merges ----

%% merge/1,2,3 and merge3/3 share sort/1's merging machinery (mergel, merge2_1, merge3_1,
%% fmerge2_1 below), as in OTP.
merge(L) -> mergel(L, []).

merge3(L1, [], L3) -> merge(L1, L3);
merge3(L1, L2, []) -> merge(L1, L2);
merge3(L1, [H2|T2], [H3|T3]) -> lists:reverse(merge3_1(L1, [], H2, T2, H3, T3), []).

merge(T1, []) -> T1;
merge(T1, [H2|T2]) -> lists:reverse(merge2_1(T1, H2, T2, []), []).

merge_le([H1|T1], [H2|_] = L2) when H1 =< H2 -> [H1|merge_le(T1, L2)];
merge_le([_|_] = L1, [H2|T2]) -> [H2|merge_le(L1, T2)];
merge_le([], L2) -> L2;
merge_le(L1, []) -> L1.

merge(Fun, T1, [H2|T2]) when is_function(Fun, 2) -> lists:reverse(fmerge2_1(T1, H2, Fun, T2, []), []);
merge(Fun, T1, []) when is_function(Fun, 2) -> T1.

%% The unique merges are OTP's step by step: on lists that are not sorted, or hold
%% duplicates, what they return depends on the algorithm, and programs see it. An
%% accumulator M is built in reverse; HdM is the element last put on it (an element of the
%% second list equal to it is dropped). umerge/1 merges its lists pairwise and three at a
%% time, alternating ascending and reversed passes (umergel/rumergel), as usort's runs are.
%% The machinery of these merges and of keysort/2 is in hs_lists_merge, compiled only when a
%% program calls one of them (the embedded stdlib is compiled on first use).
umerge(L) -> hs_lists_merge:umergel(L, [], asc).

umerge3(L1, [], L3) -> umerge(L1, L3);
umerge3(L1, L2, []) -> umerge(L1, L2);
umerge3(L1, [H2|T2], [H3|T3]) -> lists:reverse(hs_lists_merge:umerge3_1(L1, [H2|H3], T2, H2, [], T3, H3), []).

umerge([], T2) -> T2;
umerge([H1|T1], T2) -> lists:reverse(hs_lists_merge:umerge2_2(T1, T2, [], H1), []).

umerge(Fun, [], T2) when is_function(Fun, 2) -> T2;
umerge(Fun, [H1|T1], T2) when is_function(Fun, 2) -> lists:reverse(hs_lists_merge:ufmerge2_2(H1, T1, Fun, T2, []), []).

%% rmerge/2,3 and rmerge3/3: merges of lists sorted descending (exported as OTP exports them).
rmerge3(L1, [], L3) -> rmerge(L1, L3);
rmerge3(L1, L2, []) -> rmerge(L1, L2);
rmerge3(L1, [H2|T2], [H3|T3]) -> lists:reverse(rmerge3_1(L1, [], H2, T2, H3, T3), []).

rmerge(T1, []) -> T1;
rmerge(T1, [H2|T2]) -> lists:reverse(rmerge2_1(T1, H2, T2, []), []).

rmerge(Fun, T1, [H2|T2]) when is_function(Fun, 2) -> lists:reverse(rfmerge2_1(T1, H2, Fun, T2, []), []);
rmerge(Fun, T1, []) when is_function(Fun, 2) -> T1.

%% The reversed merges: their inputs are sorted descending, their result ascending once
%% reversed (umerge/1's alternate passes; exported as OTP exports them).
rumerge3(L1, [], L3) -> rumerge(L1, L3);
rumerge3(L1, L2, []) -> rumerge(L1, L2);
rumerge3(L1, [H2|T2], [H3|T3]) -> lists:reverse(hs_lists_merge:rumerge3_1(L1, T2, H2, [], T3, H3), []).

rumerge(T1, []) -> T1;
rumerge(T1, [H2|T2]) -> lists:reverse(hs_lists_merge:rumerge2_1(T1, T2, [], H2), []).

rumerge(Fun, T1, []) when is_function(Fun, 2) -> T1;
rumerge(Fun, T1, [H2|T2]) when is_function(Fun, 2) -> lists:reverse(hs_lists_merge:rufmerge2_1(T1, H2, Fun, T2, []), []).

%% Stable merge: on ties the element of the first list comes first.
merge_by(Le, [H1|T1], [H2|T2]) ->
    case Le(H1, H2) of
        true -> [H1|merge_by(Le, T1, [H2|T2])];
        false -> [H2|merge_by(Le, [H1|T1], T2)]
    end;
merge_by(_, [], L2) -> L2;
merge_by(_, L1, []) -> L1.


%% ---- usort/1, usort/2 ----

usort([_, _|_] = L) -> dedup_eq(msort_std(L));
usort([_] = L) -> L;
usort([]) -> [].

dedup_eq([X, Y|T]) when X == Y -> dedup_eq([X|T]);
dedup_eq([X|T]) -> [X|dedup_eq(T)];
dedup_eq([]) -> [].

usort(Fun, [_] = L) when is_function(Fun, 2) -> L;
usort(Fun, [] = L) when is_function(Fun, 2) -> L;
usort(Fun, [_, _|_] = L) when is_function(Fun, 2) ->
    dedup(fun(A, B) -> Fun(A, B) andalso Fun(B, A) end, msort(Fun, L)).

dedup(Eq, [X, Y|T]) ->
    case Eq(X, Y) of
        true -> dedup(Eq, [X|T]);
        false -> [X|dedup(Eq, [Y|T])]
    end;
dedup(_, L) -> L.

%% Stable top-down merge sort on a "less or equal" fun.
msort(Le, L) -> msort(Le, L, length(L)).

msort(_, L, N) when N < 2 -> lists:sublist(L, N);
msort(Le, L, N) ->
    H = N div 2,
    {A, B} = lists:split(H, L),
    merge_by(Le, msort(Le, A, H), msort(Le, B, N - H)).

msort_std(L) -> msort_std(L, length(L)).

msort_std(L, N) when N < 2 -> lists:sublist(L, N);
msort_std(L, N) ->
    H = N div 2,
    {A, B} = lists:split(H, L),
    merge_le(msort_std(A, H), msort_std(B, N - H)).

%% ---- sort/1: OTP's algorithm ----
%% Runs are collected ascending (split_1) or descending (split_2), then merged three at a
%% time, alternating between ascending and reversed merges.

sort([X, Y|L] = L0) when X =< Y ->
    case L of
        [] -> L0;
        [Z] when Y =< Z -> L0;
        [Z] when X =< Z -> [X, Z, Y];
        [Z] -> [Z, X, Y];
        _ when X == Y -> sort_1(Y, L, [X]);
        _ -> split_1(X, Y, L, [], [])
    end;
sort([X, Y|L]) ->
    case L of
        [] -> [Y, X];
        [Z] when X =< Z -> [Y, X|L];
        [Z] when Y =< Z -> [Y, Z, X];
        [Z] -> [Z, Y, X];
        _ -> split_2(X, Y, L, [], [])
    end;
sort([_] = L) -> L;
sort([] = L) -> L.

sort_1(X, [Y|L], R) when X == Y -> sort_1(Y, L, [X|R]);
sort_1(X, [Y|L], R) when X < Y -> split_1(X, Y, L, R, []);
sort_1(X, [Y|L], R) -> split_2(X, Y, L, R, []);
sort_1(X, [], R) -> lists:reverse(R, [X]).

split_1(X, Y, [Z|L], R, Rs) when Z >= Y -> split_1(Y, Z, L, [X|R], Rs);
split_1(X, Y, [Z|L], R, Rs) when Z >= X -> split_1(Z, Y, L, [X|R], Rs);
split_1(X, Y, [Z|L], [], Rs) -> split_1(X, Y, L, [Z], Rs);
split_1(X, Y, [Z|L], R, Rs) -> split_1_1(X, Y, L, R, Rs, Z);
split_1(X, Y, [], R, Rs) -> rmergel([[Y, X|R]|Rs], []).

split_1_1(X, Y, [Z|L], R, Rs, S) when Z >= Y -> split_1_1(Y, Z, L, [X|R], Rs, S);
split_1_1(X, Y, [Z|L], R, Rs, S) when Z >= X -> split_1_1(Z, Y, L, [X|R], Rs, S);
split_1_1(X, Y, [Z|L], R, Rs, S) when S =< Z -> split_1(S, Z, L, [], [[Y, X|R]|Rs]);
split_1_1(X, Y, [Z|L], R, Rs, S) -> split_1(Z, S, L, [], [[Y, X|R]|Rs]);
split_1_1(X, Y, [], R, Rs, S) -> rmergel([[S], [Y, X|R]|Rs], []).

split_2(X, Y, [Z|L], R, Rs) when Z =< Y -> split_2(Y, Z, L, [X|R], Rs);
split_2(X, Y, [Z|L], R, Rs) when Z =< X -> split_2(Z, Y, L, [X|R], Rs);
split_2(X, Y, [Z|L], [], Rs) -> split_2(X, Y, L, [Z], Rs);
split_2(X, Y, [Z|L], R, Rs) -> split_2_1(X, Y, L, R, Rs, Z);
split_2(X, Y, [], R, Rs) -> mergel([[Y, X|R]|Rs], []).

split_2_1(X, Y, [Z|L], R, Rs, S) when Z =< Y -> split_2_1(Y, Z, L, [X|R], Rs, S);
split_2_1(X, Y, [Z|L], R, Rs, S) when Z =< X -> split_2_1(Z, Y, L, [X|R], Rs, S);
split_2_1(X, Y, [Z|L], R, Rs, S) when S > Z -> split_2(S, Z, L, [], [[Y, X|R]|Rs]);
split_2_1(X, Y, [Z|L], R, Rs, S) -> split_2(Z, S, L, [], [[Y, X|R]|Rs]);
split_2_1(X, Y, [], R, Rs, S) -> mergel([[S], [Y, X|R]|Rs], []).

mergel([[]|L], Acc) -> mergel(L, Acc);
mergel([T1, [H2|T2], [H3|T3]|L], Acc) -> mergel(L, [merge3_1(T1, [], H2, T2, H3, T3)|Acc]);
mergel([T1, [H2|T2]], Acc) -> rmergel([merge2_1(T1, H2, T2, [])|Acc], []);
mergel([L], []) -> L;
mergel([L], Acc) -> rmergel([lists:reverse(L, [])|Acc], []);
mergel([], []) -> [];
mergel([], Acc) -> rmergel(Acc, []);
mergel([A, []|L], Acc) -> mergel([A|L], Acc);
mergel([A, B, []|L], Acc) -> mergel([A, B|L], Acc).

rmergel([[H3|T3], [H2|T2], T1|L], Acc) -> rmergel(L, [rmerge3_1(T1, [], H2, T2, H3, T3)|Acc]);
rmergel([[H2|T2], T1], Acc) -> mergel([rmerge2_1(T1, H2, T2, [])|Acc], []);
rmergel([L], Acc) -> mergel([lists:reverse(L, [])|Acc], []);
rmergel([], Acc) -> mergel(Acc, []).

merge3_1([H1|T1], M, H2, T2, H3, T3) when H1 =< H2 -> merge3_12(T1, H1, H2, T2, H3, T3, M);
merge3_1([H1|T1], M, H2, T2, H3, T3) -> merge3_21(T1, H1, H2, T2, H3, T3, M);
merge3_1([], M, H2, T2, H3, T3) when H2 =< H3 -> merge2_1(T2, H3, T3, [H2|M]);
merge3_1([], M, H2, T2, H3, T3) -> merge2_2(T2, H3, T3, M, H2).

merge3_2(T1, H1, M, [H2|T2], H3, T3) when H1 =< H2 -> merge3_12(T1, H1, H2, T2, H3, T3, M);
merge3_2(T1, H1, M, [H2|T2], H3, T3) -> merge3_21(T1, H1, H2, T2, H3, T3, M);
merge3_2(T1, H1, M, [], H3, T3) when H1 =< H3 -> merge2_1(T1, H3, T3, [H1|M]);
merge3_2(T1, H1, M, [], H3, T3) -> merge2_2(T1, H3, T3, M, H1).

merge3_12(T1, H1, H2, T2, H3, T3, M) when H1 =< H3 -> merge3_1(T1, [H1|M], H2, T2, H3, T3);
merge3_12(T1, H1, H2, T2, H3, T3, M) -> merge3_12_3(T1, H1, H2, T2, [H3|M], T3).

merge3_12_3(T1, H1, H2, T2, M, [H3|T3]) when H1 =< H3 -> merge3_1(T1, [H1|M], H2, T2, H3, T3);
merge3_12_3(T1, H1, H2, T2, M, [H3|T3]) -> merge3_12_3(T1, H1, H2, T2, [H3|M], T3);
merge3_12_3(T1, H1, H2, T2, M, []) -> merge2_1(T1, H2, T2, [H1|M]).

merge3_21(T1, H1, H2, T2, H3, T3, M) when H2 =< H3 -> merge3_2(T1, H1, [H2|M], T2, H3, T3);
merge3_21(T1, H1, H2, T2, H3, T3, M) -> merge3_21_3(T1, H1, H2, T2, [H3|M], T3).

merge3_21_3(T1, H1, H2, T2, M, [H3|T3]) when H2 =< H3 -> merge3_2(T1, H1, [H2|M], T2, H3, T3);
merge3_21_3(T1, H1, H2, T2, M, [H3|T3]) -> merge3_21_3(T1, H1, H2, T2, [H3|M], T3);
merge3_21_3(T1, H1, H2, T2, M, []) -> merge2_2(T1, H2, T2, M, H1).

rmerge3_1([H1|T1], M, H2, T2, H3, T3) when H1 =< H2 -> rmerge3_12(T1, H1, H2, T2, H3, T3, M);
rmerge3_1([H1|T1], M, H2, T2, H3, T3) -> rmerge3_21(T1, H1, H2, T2, H3, T3, M);
rmerge3_1([], M, H2, T2, H3, T3) when H2 =< H3 -> rmerge2_2(T2, H3, T3, M, H2);
rmerge3_1([], M, H2, T2, H3, T3) -> rmerge2_1(T2, H3, T3, [H2|M]).

rmerge3_2(T1, H1, M, [H2|T2], H3, T3) when H1 =< H2 -> rmerge3_12(T1, H1, H2, T2, H3, T3, M);
rmerge3_2(T1, H1, M, [H2|T2], H3, T3) -> rmerge3_21(T1, H1, H2, T2, H3, T3, M);
rmerge3_2(T1, H1, M, [], H3, T3) when H1 =< H3 -> rmerge2_2(T1, H3, T3, M, H1);
rmerge3_2(T1, H1, M, [], H3, T3) -> rmerge2_1(T1, H3, T3, [H1|M]).

rmerge3_12(T1, H1, H2, T2, H3, T3, M) when H2 =< H3 -> rmerge3_12_3(T1, H1, H2, T2, [H3|M], T3);
rmerge3_12(T1, H1, H2, T2, H3, T3, M) -> rmerge3_2(T1, H1, [H2|M], T2, H3, T3).

rmerge3_12_3(T1, H1, H2, T2, M, [H3|T3]) when H2 =< H3 -> rmerge3_12_3(T1, H1, H2, T2, [H3|M], T3);
rmerge3_12_3(T1, H1, H2, T2, M, [H3|T3]) -> rmerge3_2(T1, H1, [H2|M], T2, H3, T3);
rmerge3_12_3(T1, H1, H2, T2, M, []) -> rmerge2_2(T1, H2, T2, M, H1).

rmerge3_21(T1, H1, H2, T2, H3, T3, M) when H1 =< H3 -> rmerge3_21_3(T1, H1, H2, T2, [H3|M], T3);
rmerge3_21(T1, H1, H2, T2, H3, T3, M) -> rmerge3_1(T1, [H1|M], H2, T2, H3, T3).

rmerge3_21_3(T1, H1, H2, T2, M, [H3|T3]) when H1 =< H3 -> rmerge3_21_3(T1, H1, H2, T2, [H3|M], T3);
rmerge3_21_3(T1, H1, H2, T2, M, [H3|T3]) -> rmerge3_1(T1, [H1|M], H2, T2, H3, T3);
rmerge3_21_3(T1, H1, H2, T2, M, []) -> rmerge2_1(T1, H2, T2, [H1|M]).

merge2_1([H1|T1], H2, T2, M) when H1 =< H2 -> merge2_1(T1, H2, T2, [H1|M]);
merge2_1([H1|T1], H2, T2, M) -> merge2_2(T1, H2, T2, M, H1);
merge2_1([], H2, T2, M) -> lists:reverse(T2, [H2|M]).

merge2_2(T1, HdM, [H2|T2], M, H1) when H1 =< H2 -> merge2_1(T1, H2, T2, [H1, HdM|M]);
merge2_2(T1, HdM, [H2|T2], M, H1) -> merge2_2(T1, H2, T2, [HdM|M], H1);
merge2_2(T1, HdM, [], M, H1) -> lists:reverse(T1, [H1, HdM|M]).

rmerge2_1([H1|T1], H2, T2, M) when H1 =< H2 -> rmerge2_2(T1, H2, T2, M, H1);
rmerge2_1([H1|T1], H2, T2, M) -> rmerge2_1(T1, H2, T2, [H1|M]);
rmerge2_1([], H2, T2, M) -> lists:reverse(T2, [H2|M]).

rmerge2_2(T1, HdM, [H2|T2], M, H1) when H1 =< H2 -> rmerge2_2(T1, H2, T2, [HdM|M], H1);
rmerge2_2(T1, HdM, [H2|T2], M, H1) -> rmerge2_1(T1, H2, T2, [H1, HdM|M]);
rmerge2_2(T1, HdM, [], M, H1) -> lists:reverse(T1, [H1, HdM|M]).

%% ---- sort/2: OTP's algorithm with a fun ----

sort(Fun, []) when is_function(Fun, 2) -> [];
sort(Fun, [_] = L) when is_function(Fun, 2) -> L;
sort(Fun, [X, Y|T]) ->
    case Fun(X, Y) of
        true -> fsplit_1(Y, X, Fun, T, [], []);
        false -> fsplit_2(Y, X, Fun, T, [], [])
    end.

fsplit_1(Y, X, Fun, [Z|L], R, Rs) ->
    case Fun(Y, Z) of
        true -> fsplit_1(Z, Y, Fun, L, [X|R], Rs);
        false ->
            case Fun(X, Z) of
                true -> fsplit_1(Y, Z, Fun, L, [X|R], Rs);
                false when R == [] -> fsplit_1(Y, X, Fun, L, [Z], Rs);
                false -> fsplit_1_1(Y, X, Fun, L, R, Rs, Z)
            end
    end;
fsplit_1(Y, X, Fun, [], R, Rs) -> rfmergel([[Y, X|R]|Rs], [], Fun, asc).

fsplit_1_1(Y, X, Fun, [Z|L], R, Rs, S) ->
    case Fun(Y, Z) of
        true -> fsplit_1_1(Z, Y, Fun, L, [X|R], Rs, S);
        false ->
            case Fun(X, Z) of
                true -> fsplit_1_1(Y, Z, Fun, L, [X|R], Rs, S);
                false ->
                    case Fun(S, Z) of
                        true -> fsplit_1(Z, S, Fun, L, [], [[Y, X|R]|Rs]);
                        false -> fsplit_1(S, Z, Fun, L, [], [[Y, X|R]|Rs])
                    end
            end
    end;
fsplit_1_1(Y, X, Fun, [], R, Rs, S) -> rfmergel([[S], [Y, X|R]|Rs], [], Fun, asc).

fsplit_2(Y, X, Fun, [Z|L], R, Rs) ->
    case Fun(Y, Z) of
        false -> fsplit_2(Z, Y, Fun, L, [X|R], Rs);
        true ->
            case Fun(X, Z) of
                false -> fsplit_2(Y, Z, Fun, L, [X|R], Rs);
                true when R == [] -> fsplit_2(Y, X, Fun, L, [Z], Rs);
                true -> fsplit_2_1(Y, X, Fun, L, R, Rs, Z)
            end
    end;
fsplit_2(Y, X, Fun, [], R, Rs) -> fmergel([[Y, X|R]|Rs], [], Fun, desc).

fsplit_2_1(Y, X, Fun, [Z|L], R, Rs, S) ->
    case Fun(Y, Z) of
        false -> fsplit_2_1(Z, Y, Fun, L, [X|R], Rs, S);
        true ->
            case Fun(X, Z) of
                false -> fsplit_2_1(Y, Z, Fun, L, [X|R], Rs, S);
                true ->
                    case Fun(S, Z) of
                        false -> fsplit_2(Z, S, Fun, L, [], [[Y, X|R]|Rs]);
                        true -> fsplit_2(S, Z, Fun, L, [], [[Y, X|R]|Rs])
                    end
            end
    end;
fsplit_2_1(Y, X, Fun, [], R, Rs, S) -> fmergel([[S], [Y, X|R]|Rs], [], Fun, desc).

fmergel([T1, [H2|T2]|L], Acc, Fun, asc) ->
    fmergel(L, [fmerge2_1(T1, H2, Fun, T2, [])|Acc], Fun, asc);
fmergel([[H2|T2], T1|L], Acc, Fun, desc) ->
    fmergel(L, [fmerge2_1(T1, H2, Fun, T2, [])|Acc], Fun, desc);
fmergel([L], [], _Fun, _O) -> L;
fmergel([L], Acc, Fun, O) -> rfmergel([lists:reverse(L, [])|Acc], [], Fun, O);
fmergel([], Acc, Fun, O) -> rfmergel(Acc, [], Fun, O).

rfmergel([[H2|T2], T1|L], Acc, Fun, asc) ->
    rfmergel(L, [rfmerge2_1(T1, H2, Fun, T2, [])|Acc], Fun, asc);
rfmergel([T1, [H2|T2]|L], Acc, Fun, desc) ->
    rfmergel(L, [rfmerge2_1(T1, H2, Fun, T2, [])|Acc], Fun, desc);
rfmergel([L], Acc, Fun, O) -> fmergel([lists:reverse(L, [])|Acc], [], Fun, O);
rfmergel([], Acc, Fun, O) -> fmergel(Acc, [], Fun, O).

fmerge2_1([H1|T1], H2, Fun, T2, M) ->
    case Fun(H1, H2) of
        true -> fmerge2_1(T1, H2, Fun, T2, [H1|M]);
        false -> fmerge2_2(H1, T1, Fun, T2, [H2|M])
    end;
fmerge2_1([], H2, _Fun, T2, M) -> lists:reverse(T2, [H2|M]).

fmerge2_2(H1, T1, Fun, [H2|T2], M) ->
    case Fun(H1, H2) of
        true -> fmerge2_1(T1, H2, Fun, T2, [H1|M]);
        false -> fmerge2_2(H1, T1, Fun, T2, [H2|M])
    end;
fmerge2_2(H1, T1, _Fun, [], M) -> lists:reverse(T1, [H1|M]).

rfmerge2_1([H1|T1], H2, Fun, T2, M) ->
    case Fun(H1, H2) of
        true -> rfmerge2_2(H1, T1, Fun, T2, [H2|M]);
        false -> rfmerge2_1(T1, H2, Fun, T2, [H1|M])
    end;
rfmerge2_1([], H2, _Fun, T2, M) -> lists:reverse(T2, [H2|M]).

rfmerge2_2(H1, T1, Fun, [H2|T2], M) ->
    case Fun(H1, H2) of
        true -> rfmerge2_2(H1, T1, Fun, T2, [H2|M]);
        false -> rfmerge2_1(T1, H2, Fun, T2, [H1|M])
    end;
rfmerge2_2(H1, T1, _Fun, [], M) -> lists:reverse(T1, [H1|M]).

%% random — OTP 25's deprecated random module (Wichmann-Hill, AS183), kept for old programs:
%% the same three-part state in the process dictionary under `random_seed`, the same default
%% seed, so a program using it prints what OTP prints. New code should use rand.
-module(random).

-export([seed0/0, seed/0, seed/1, seed/3, uniform/0, uniform/1, uniform_s/1, uniform_s/2]).

seed0() ->
    {3172, 9814, 20125}.

%% Resets to the default seed; returns the previous state (the default one if none).
seed() ->
    case put(random_seed, seed0()) of
        undefined -> seed0();
        {_, _, _} = Old -> Old
    end.

seed(Int) when is_integer(Int) ->
    A1 = (Int bsr 16) band 16#FFFFFFF,
    A2 = Int band 16#FFFFFF,
    A3 = (Int bsr 36) bor (A2 bsr 16),
    seed(A1, A2, A3);
seed({A1, A2, A3}) ->
    seed(A1, A2, A3).

seed(A1, A2, A3) ->
    put(random_seed, {(abs(A1) rem 30268) + 1, (abs(A2) rem 30306) + 1, (abs(A3) rem 30322) + 1}).

uniform() ->
    {A1, A2, A3} = case get(random_seed) of
                       undefined -> seed0();
                       State -> State
                   end,
    {F, Next} = step(A1, A2, A3),
    put(random_seed, Next),
    F.

uniform(N) when is_integer(N), N >= 1 ->
    trunc(uniform() * N) + 1.

uniform_s({A1, A2, A3}) ->
    step(A1, A2, A3).

uniform_s(N, State0) when is_integer(N), N >= 1 ->
    {F, State1} = uniform_s(State0),
    {trunc(F * N) + 1, State1}.

%% The three multiplicative generators; their sum's fraction is the float.
step(A1, A2, A3) ->
    B1 = (A1 * 171) rem 30269,
    B2 = (A2 * 172) rem 30307,
    B3 = (A3 * 170) rem 30323,
    R = B1 / 30269 + B2 / 30307 + B3 / 30323,
    {R - trunc(R), {B1, B2, B3}}.

-module('11_try').
-export([f/1]).

f(X) ->
    try X() of
        ok -> ok;
        {error, R} when R =/= none -> R
    catch
        throw:T -> {thrown, T};
        error:badarg:Stack -> {badarg, Stack};
        exit:Reason when is_atom(Reason) -> Reason;
        Class:Reason2:St -> {Class, Reason2, St};
        Thrown -> Thrown;
        {a, b} -> ab;
        _:_ -> other
    after
        cleanup
    end,
    try X() after done end,
    try X() catch _ -> ok end,
    try
        X(), X()
    of
        Y -> Y
    catch
        error:{badmatch, V} -> V;
        C:[_ | _] = L:S -> {C, L, S}
    end.

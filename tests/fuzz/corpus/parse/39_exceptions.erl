-module('39_exceptions').
-export([safe_div/2, classify/1, rethrow/1]).

safe_div(A, B) ->
    try A / B of
        R -> {ok, R}
    catch
        error:badarith -> {error, div_by_zero};
        error:Reason:Stack -> erlang:raise(error, Reason, Stack)
    end.

classify(F) ->
    case catch F() of
        {'EXIT', {Reason, _}} -> {crashed, Reason};
        Other -> {ok, Other}
    end.

rethrow(F) ->
    try F()
    catch
        throw:X -> throw({wrapped, X});
        exit:normal -> normal;
        C:E -> erlang:C(E)
    after
        io:format("done~n")
    end.

-module(unsafe_var).
-export([main/0]).
main() ->
    case self() of
        P when is_pid(P) -> Y = 1;
        _ -> ok
    end,
    Y.

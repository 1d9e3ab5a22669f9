-module(unsafe_try_of).
-export([main/0]).
main() ->
    try id(1) of
        Y -> Z = Y
    catch _:_ -> ok
    end,
    Z.
id(X) -> X.

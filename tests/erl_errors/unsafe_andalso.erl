-module(unsafe_andalso).
-export([main/0]).
main() ->
    _ = id(true) andalso (X = id(1)) > 0,
    X.
id(X) -> X.

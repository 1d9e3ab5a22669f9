-module(unsafe_nested_case).
-export([main/0]).
main() ->
    case id(1) of
        1 -> case id(2) of 2 -> Y = 2; _ -> Y = 3 end;
        _ -> ok
    end,
    Y.
id(X) -> X.

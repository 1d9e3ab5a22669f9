-module('19_strings_patterns').
-export([f/1]).

f("abc" ++ Rest) -> Rest;
f("a" "b" ++ R) -> R;
f([$a, $b | T]) -> T;
f("") -> empty;
f([]) -> nil;
f(X) when is_list(X) -> X.

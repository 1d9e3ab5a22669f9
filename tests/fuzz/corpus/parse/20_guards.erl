-module('20_guards').
-export([f/2]).

f(X, Y) when is_integer(X), X > 0; is_float(X), X < 0.0 -> a;
f(X, Y) when X =:= Y, Y =/= 0 -> b;
f(X, _) when is_tuple(X), tuple_size(X) == 2, element(1, X) == ok -> c;
f(X, _) when X andalso true; X orelse false -> d;
f(X, _) when length(X) > 2, hd(X) == 1, tl(X) /= [] -> e;
f(X, _) when is_map(X), map_size(X) > 0, is_map_key(a, X) -> f;
f(X, _) when is_binary(X), byte_size(X) > 1, bit_size(X) > 8 -> g;
f(X, _) when abs(X) > 1, X rem 2 == 0, X div 2 > 1, X band 1 == 0 -> h;
f(X, _) when is_function(X, 2); is_pid(X); is_reference(X); is_port(X) -> i;
f(X, _) when not is_atom(X), (X > 1) xor (X < 5) -> j;
f(X, _) when erlang:is_list(X), erlang:length(X) > 0 -> k;
f(_, _) -> z.

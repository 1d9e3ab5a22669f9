-module(b35_bit_types).
-export([f/1]).
f(X) ->
    A = <<X/foo>>,
    B = <<X/integer-float>>,
    C = <<X:8/utf8>>,
    D = <<X/unit:8>>,
    <<E/binary, F>> = X,
    {A, B, C, D, E, F}.

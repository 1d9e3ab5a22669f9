-module('18_binaries').
-export([f/2]).

f(X, B) ->
    A = <<>>,
    C = <<1, 2, 3>>,
    D = <<X:8, X:16/little, X:32/big-signed-integer, X:4/unit:8>>,
    E = <<1.5/float, 2.5:32/float, 3.0:64/float-little>>,
    F = <<B/binary, B:2/binary-unit:8, B/bitstring, B/bits, B/bytes>>,
    G = <<"abc", "de"/utf8, $a/utf16, X/utf32-little>>,
    <<H:8, T/binary>> = B,
    <<Size:16, Payload:Size/binary, Rest/bits>> = B,
    <<I:(X * 8)>> = <<1>>,
    J = <<-1:8/signed, (X + 1):8, (-X)/integer>>,
    K = <<X:8/integer-unsigned-big-unit:1>>,
    L = <<<<1>>/binary, <<2:4>>/bitstring>>,
    M = << "a" >>,
    {A, C, D, E, F, G, H, T, Size, Payload, Rest, I, J, K, L, M}.

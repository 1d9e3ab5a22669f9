-module('40_bin_patterns').
-export([parse/1, encode/1]).

parse(<<16#CAFE:16, Len:8, Body:Len/binary, Crc:32/little, Rest/binary>>) ->
    {Body, Crc, Rest};
parse(<<Type:4, Flags:4/bits, _:0, Payload/bitstring>>) ->
    {Type, Flags, Payload};
parse(<<"GET ", Path/binary>>) -> {get, Path};
parse(<<C/utf8, Rest/binary>>) -> {char, C, Rest};
parse(<<F:64/float, _/binary>>) -> {float, F};
parse(<<>>) -> empty.

encode({Type, Data}) when is_binary(Data) ->
    Size = byte_size(Data),
    <<Type:8, Size:16/big, Data/binary, 0:8>>;
encode(N) when is_integer(N) -> <<N:32/signed-little>>.

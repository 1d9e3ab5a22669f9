%% gen_bif_cases.erl — writes bif_cases.inc: BIF calls and what OTP 25 returns for them.
%%
%%   cd tests/unit/bif && erlc -o /tmp gen_bif_cases.erl && \
%%     erl -noshell -pa /tmp -run gen_bif_cases main -s init stop > bif_cases.inc
%%
%% Each case is {Module, Function, Args}. Its line in the .inc gives the arguments as
%% term_to_binary(Args) in hex and the outcome: "v:" ++ io_lib:format("~w", [Value]) or
%% "x:" ++ Class ++ ":" ++ ~w of the reason. test_bif_cases.c decodes the arguments, calls the
%% BIF through the registry and compares ~w of what it got.
-module(gen_bif_cases).
-export([main/0]).

big() -> 1 bsl 64.
nbig() -> -(1 bsl 70) + 12345.

%% Terms whose old hash (phash/2) takes a path Terms does not: integers at the 32- and
%% 64-bit digit edges, strings with non-byte elements, improper and nested lists, pids.
phash_terms() ->
    [4294967295, 4294967296, -4294967296, 1 bsl 63, 1 bsl 64 - 1, -(1 bsl 64), 1 bsl 96, 1 bsl 128 + 7,
     -0.0, 2.0, -1.0e-5, 123456.789,
     [1, 256, 2], [a, 1 | 2], [[1, 2], [3 | 4]], ["ab", "cd"], [<<1>> | <<2>>], [1.5],
     {[], {}}, {{{a}}}, [{}], <<1:1>>, <<1, 2, 3, 4, 5, 6:7>>,
     #{a => [1]}, #{}, {#{1 => 2}, x},
     list_to_pid("<0.0.0>"), list_to_pid("<0.1234.0>"), [list_to_pid("<0.99.0>")],
     fun erlang:phash/2, {fun lists:seq/2}].

cases() ->
    B = big(), N = nbig(),
    Long = list_to_binary(lists:seq(0, 199)),
    Map40 = maps:from_list([{I, I * I} || I <- lists:seq(1, 40)]),
    Terms = [0, 1, -1, 255, 256, -256, 2147483647, 2147483648, -2147483648, -2147483649,
             1 bsl 59 - 1, 1 bsl 59, -(1 bsl 59), B, N, 1 bsl 2100, -(1 bsl 2100),
             0.0, 1.5, -2.25, 1.0e300, 5.0e-324, 3.141592653589793,
             a, 'B c', '', 'caf\x{e9}', '\x{100}x', list_to_atom(lists:duplicate(255, $z)),
             [], "abc", [1, 2, 3], [a | b], [[]], [1, [2, [3 | c]]], lists:seq(1, 300),
             [256], [-1, 0],
             {}, {a}, {a, {b, c}}, list_to_tuple(lists:seq(1, 300)),
             <<>>, <<1, 2, 3>>, <<1:3>>, <<255, 1:1>>, Long, Long, binary:part(Long, 3, 100),
             #{}, #{a => 1, 1 => a, "k" => [v]}, Map40, #{#{x => y} => [#{}]},
             fun lists:map/2, fun erlang:'+'/2],
    Strs = ["0", "-0", "+12", "12a", "", "-", "1_000", " 1", "123456789012345678901234567890",
            "-99999999999999999999"],
    Floats = ["1.0", "+1.0", "-1.5e-3", "1.0E+10", "1e10", "1.", ".5", "1.0e400", "1.0e-400",
              "0.1", "1.5e", "1,5", "12.34x"],
    FOpts = [[], [short], [{decimals, 0}], [{decimals, 2}], [{decimals, 4}, compact],
             [{decimals, 0}, compact], [{scientific, 3}], [{scientific, 0}], [compact],
             [{decimals, 3}, short], [short, {decimals, 3}], [{decimals, 254}], [{scientific, 250}],
             [{decimals, 20}], [{decimals, 25}, compact], [bad], {decimals, 2}],
    FVals = [0.0, -0.0, 1.0, 2.5, 0.125, -1.005, 0.999, 123.19, 1.0e16, 1.0e22, 123456789012345680.0,
             1.0e100, 5.0e-324, 0.1, 1.0e-10, -3.75, 99.995, 1.5e300, 7.0, 2.0e-5],
    [{erlang, term_to_binary, [T]} || T <- Terms] ++
    [{erlang, term_to_binary, [T, [{minor_version, 0}]]} || T <- [1.5, -0.0, 1.0e300, [1.5]]] ++
    [{erlang, term_to_binary, [T, [{minor_version, 2}]]} || T <- [abc, 'caf\x{e9}', {a, "b"}]] ++
    [{erlang, term_to_binary, [T, [deterministic]]} || T <- [Map40, #{b => 1, a => 2}]] ++
    [{erlang, term_to_binary, [a, Bad]} || Bad <- [[{minor_version, 3}], [bad], x, [{compressed, 10}]]] ++
    [{erlang, binary_to_term, [term_to_binary(T)]} || T <- Terms] ++
    [{erlang, binary_to_term, [Bin]} || Bin <-
        [<<>>, <<131>>, <<130, 97, 1>>, <<131, 97>>, <<131, 98, 0, 0>>, <<131, 104, 2, 97, 1>>,
         <<131, 108, 0, 0, 0, 2, 97, 1, 97, 2>>, <<131, 108, 255, 255, 255, 255, 106>>,
         <<131, 116, 0, 0, 0, 2, 97, 1, 97, 1, 97, 1, 97, 2>>, <<131, 116, 0, 0, 0, 1, 97, 1>>,
         <<131, 77, 0, 0, 0, 1, 8, 255>>, <<131, 77, 0, 0, 0, 0, 0>>, <<131, 77, 0, 0, 0, 1, 0, 255>>,
         <<131, 77, 0, 0, 0, 1, 9, 255>>, <<131, 77, 0, 0, 0, 2, 3, 255, 255>>,
         <<131, 110, 0, 0>>, <<131, 110, 2, 0, 1, 0>>, <<131, 110, 1, 1, 0>>, <<131, 111, 0, 0, 0, 1, 1, 7>>,
         <<131, 108, 0, 0, 0, 0, 97, 1>>, <<131, 70, 127, 240, 0, 0, 0, 0, 0, 0>>,
         <<131, 70, 64, 9, 33, 251, 84, 68, 45, 24>>,
         <<131, 99, "1.50000000000000000000e+00", 0, 0, 0, 0, 0>>,
         <<131, 100, 0, 3, "abc">>, <<131, 115, 3, "abc">>, <<131, 118, 0, 2, 196, 128>>,
         <<131, 119, 2, 196, 128>>, <<131, 119, 2, 196>>, <<131, 119, 1, 255>>, <<131, 100, 1, 0>>,
         <<131, 107, 0, 3, 1, 2>>, <<131, 107, 0, 0>>, <<131, 105, 0, 0, 0, 0>>,
         <<131, 113, 100, 0, 5, "lists", 100, 0, 3, "map", 97, 2>>,
         <<131, 113, 100, 0, 5, "lists", 100, 0, 3, "map", 98, 0, 0, 0, 2>>,
         <<131, 80, 0, 0, 0, 1, 120, 156, 75, 4, 0, 0, 98, 0, 98>>,
         <<131, 97, 1, 0>>, <<131, 106, 106>>, <<131, 200>>, <<131, 109, 255, 255, 255, 255>>]] ++
    [{erlang, binary_to_term, [<<131, 97, 1, 0, 0>>, [used]]},
     {erlang, binary_to_term, [<<131, 100, 0, 7, "zzqqxy1">>, [safe]]},
     {erlang, binary_to_term, [<<131, 100, 0, 2, "ok">>, [safe]]},
     {erlang, binary_to_term, [<<131, 100, 0, 2, "ok">>, [bad]]},
     {erlang, binary_to_term, [<<1:3>>]}, {erlang, binary_to_term, [foo]}] ++
    [{erlang, list_to_integer, [S]} || S <- Strs] ++
    [{erlang, list_to_integer, [S, Base]} || S <- ["ff", "FF", "-z", "777", "102"], Base <- [2, 8, 16, 36, 37, 1]] ++
    [{erlang, binary_to_integer, [list_to_binary(S)]} || S <- Strs] ++
    [{erlang, binary_to_integer, [<<"zz">>, 36]}, {erlang, binary_to_integer, [<<1:9>>]},
     {erlang, list_to_integer, [[$1 | a]]}, {erlang, list_to_integer, [[300]]}] ++
    [{erlang, integer_to_list, [I]} || I <- [0, -1, 12345, B, N, 1 bsl 2100]] ++
    [{erlang, integer_to_list, [I, Base]} || I <- [255, -255, B], Base <- [2, 16, 36, 37, 1]] ++
    [{erlang, integer_to_binary, [I]} || I <- [0, -77, N, 1.0]] ++
    [{erlang, integer_to_binary, [I, 16]} || I <- [255, N]] ++
    [{erlang, list_to_float, [S]} || S <- Floats] ++
    [{erlang, binary_to_float, [list_to_binary(S)]} || S <- Floats] ++
    [{erlang, float_to_list, [F]} || F <- FVals] ++
    [{erlang, float_to_list, [F, O]} || F <- FVals, O <- FOpts] ++
    [{erlang, float_to_binary, [F, O]} || F <- [1.0, 2.5], O <- FOpts] ++
    [{erlang, float_to_list, [1]}, {erlang, float_to_binary, [1.5]}] ++
    [{erlang, Op, [X, Y]} || Op <- ['+', '-', '*', '/', 'div', 'rem', 'band', 'bor', 'bxor', 'bsl', 'bsr'],
                            X <- [7, -7, B, N, 2.5, a], Y <- [0, 2, -3, B, N, 0.5, 1.0e308, b]] ++
    [{erlang, Op, [X, Y]} || Op <- ['bsl', 'bsr'], X <- [1, -1, B], Y <- [64, 1000, -64, 1 bsl 40]] ++
    [{erlang, '*', [1.0e300, 1.0e300]}, {erlang, '-', [-1.0e308, 1.0e308]}, {erlang, '/', [1, 0.0]},
     {erlang, '/', [1 bsl 1100, 1]}, {erlang, '+', [1 bsl 1100, 1.0]}] ++
    [{erlang, Op, [X]} || Op <- ['-', '+', 'bnot', abs, round, trunc, ceil, floor, float],
                         X <- [0, 5, -5, B, N, 2.5, -2.5, -0.0, 1.0e20, 1 bsl 1100, a]] ++
    [{erlang, Op, [X, Y]} || Op <- ['=:=', '=/=', '==', '/=', '<', '>', '=<', '>=', min, max],
                            {X, Y} <- [{1, 1.0}, {1.0, 1}, {1, 2}, {a, 1}, {{a}, [a]}, {B, 1.0e30}, {"a", <<"a">>},
                                       {#{a => 1}, #{a => 1.0}}, {[1 | 2], [1 | 2.0]}]] ++
    [{erlang, Op, [X, Y]} || Op <- ['and', 'or', 'xor'], X <- [true, false, 1], Y <- [true, false]] ++
    [{erlang, 'not', [X]} || X <- [true, false, 0]] ++
    [{erlang, F, [T]} || F <- [is_atom, is_binary, is_bitstring, is_boolean, is_float, is_function,
                              is_integer, is_list, is_map, is_number, is_pid, is_port, is_reference,
                              is_tuple],
                        T <- [a, true, 1, B, 1.5, <<1>>, <<1:1>>, [], [a], {}, #{}, fun lists:map/2]] ++
    [{erlang, is_function, [fun lists:map/2, A]} || A <- [2, 3, -1, a, B]] ++
    [{erlang, element, [I, T]} || I <- [0, 1, 2, 3, B, a], T <- [{a, b}, [a]]] ++
    [{erlang, setelement, [I, {a, b}, x]} || I <- [0, 1, 2, 3]] ++
    [{erlang, F, [T]} || F <- [tuple_size, size, byte_size, bit_size, length, hd, tl, tuple_to_list,
                              list_to_tuple],
                        T <- [{}, {a, b}, <<>>, <<1, 2>>, <<1:9>>, [], [a, b], [a | b], a]] ++
    [{erlang, make_tuple, [N1, x]} || N1 <- [0, 3, -1, a]] ++
    [{erlang, make_tuple, [3, x, L]} || L <- [[], [{1, a}, {1, b}, {3, c}], [{4, a}], [{0, a}], [x], [{1, a} | b]]] ++
    [{erlang, append_element, [T, x]} || T <- [{}, {a}, a]] ++
    [{erlang, '++', [X, Y]} || X <- [[], [1, 2], [1 | 2], a], Y <- [[], [3], b]] ++
    [{erlang, '--', [X, Y]} || {X, Y} <- [{[1, 2, 3, 1, 2, 3], [3, 1, 1.0]}, {[a | b], []}, {[], [a | b]},
                                          {[a, b, a, c, a], [a, a, z]}, {lists:seq(1, 100), lists:seq(100, 1, -2)},
                                          {[1, 1.0, 1], [1.0]}, {[{a}, "x", <<1>>], [<<1>>, "x"]}, {a, []}]] ++
    [{erlang, list_to_atom, [L]} || L <- ["abc", "", [256], [16#D800], [-1], lists:duplicate(256, $a), [a], "caf\x{e9}"]] ++
    [{erlang, list_to_existing_atom, [L]} || L <- ["abc", "zzqqnope9"]] ++
    [{erlang, atom_to_list, [A]} || A <- [abc, '', 'caf\x{e9}', '\x{100}a', 1]] ++
    [{erlang, atom_to_binary, [A]} || A <- [abc, 'caf\x{e9}', '\x{100}a', 1]] ++
    [{erlang, atom_to_binary, [A, E]} || A <- [abc, 'caf\x{e9}', '\x{100}a'], E <- [latin1, utf8, unicode, bad]] ++
    [{erlang, binary_to_atom, [Bn, E]} || Bn <- [<<"abc">>, <<255>>, <<195, 169>>, <<1:9>>], E <- [latin1, utf8]] ++
    [{erlang, binary_to_atom, [<<"x">>]}, {erlang, binary_to_existing_atom, [<<"zzqqnope8">>]},
     {erlang, binary_to_existing_atom, [<<"ok">>, utf8]}] ++
    [{erlang, F, [L]} || F <- [list_to_binary, iolist_to_binary, iolist_size],
                        L <- [[], [1, <<2>>, [3, [4]] | <<5>>], [256], [-1], <<1, 2>>, <<1:3>>, [<<1:3>>], [a], [1 | 2], [[[]]]]] ++
    [{erlang, binary_to_list, [Bn]} || Bn <- [<<>>, <<1, 2, 3>>, <<1:9>>, a]] ++
    [{erlang, binary_to_list, [<<1, 2, 3>>, S, E]} || {S, E} <- [{1, 3}, {2, 2}, {2, 1}, {0, 1}, {1, 4}, {3, 3}]] ++
    [{erlang, split_binary, [Bn, P]} || Bn <- [<<1, 2, 3>>, <<1:9>>, Long], P <- [0, 1, 3, 4, -1]] ++
    [{erlang, binary_part, [<<1, 2, 3>>, P]} || P <- [{0, 3}, {3, -2}, {1, 1}, {0, 4}, {4, 0}, {3, 0}, {1, -2}, x]] ++
    [{erlang, binary_part, [Long, 10, 100]}, {erlang, binary_part, [<<1, 2, 3:4>>, 0, 1]}] ++
    [{erlang, phash2, [T]} || T <- Terms, not is_function(T)] ++
    [{erlang, phash2, [T, R]} || T <- [abc, {1, 2}, [1, 2]], R <- [1, 8, 1 bsl 27, 0, 1 bsl 33]] ++
    %% phash/2: OTP's old make_hash (sets version 1 depends on its exact values)
    [{erlang, phash, [T, 1 bsl 32]} || T <- Terms ++ phash_terms()] ++
    [{erlang, phash, [T, R]} || T <- [abc, {1, 2}, "abc", B], R <- [1, 7, 16, 1 bsl 32 - 1, 1 bsl 31]] ++
    [{erlang, phash, [a, R]} || R <- [0, -1, 1 bsl 32 + 1, 1 bsl 64, a, 1.0]] ++
    [{erlang, error, [x]}, {erlang, exit, [y]}, {erlang, throw, [z]}, {erlang, error, [{a, b}, [1]]},
     {erlang, raise, [foo, x, []]}, {erlang, raise, [throw, x, bad]}, {erlang, raise, [throw, x, [bad]]},
     {erlang, raise, [exit, x, [{m, f, 1, []}]]}, {erlang, node, []},
     {erlang, monotonic_time, [foo]}, {erlang, system_time, [bar]}] ++
    %% size_shared of a hashmap: OTP 25 counts HAMT nodes twice, we do not (copy.h)
    [{erts_debug, F, [T]} || F <- [flat_size, size, size_shared], T <- Terms, not is_function(T),
                             F =/= size_shared orelse not is_map(T) orelse map_size(T) =< 32] ++
    [{erts_debug, same, [a, a]}, {erts_debug, same, [1, 2]}] ++
    [{lists, reverse, [L]} || L <- [[], [1], [1, 2, 3], [1 | 2], [1, 2 | 3], a]] ++
    [{lists, reverse, [L, T]} || L <- [[], [1, 2], [1 | 2]], T <- [[], x]] ++
    [{lists, F, [K, P, L]} || F <- [keyfind, keymember, keysearch], K <- [1, a],
                              P <- [1, 2, 0], L <- [[{1.0}, {a, 1}], [{a} | b], [x, {b, a}, {a, a}], a]] ++
    [{lists, member, [E, L]} || E <- [1, a], L <- [[1.0], [a, 1], [2 | 3], [a | 3], a]] ++
    [{maps, get, [K, M]} || K <- [a, 1], M <- [#{a => 1}, #{1.0 => x}, x, Map40]] ++
    [{maps, get, [K, M, d]} || K <- [a, 1], M <- [#{a => 1}, x]] ++
    %% hashmaps only with keys that hash as on OTP (map.h: atoms hash by our atom index)
    [{maps, F, [K, M]} || F <- [find, remove, is_key, take], K <- [a, 5, 99], M <- [#{a => 1}, x]] ++
    [{maps, F, [K, Map40]} || F <- [find, remove, is_key, take], K <- [5, 99, <<"k">>]] ++
    [{maps, put, [K, v, M]} || K <- [a, z, 5, 99], M <- [#{a => 1}, x]] ++
    [{maps, update, [K, v, M]} || K <- [a, z, 5, 99], M <- [#{a => 1}, x]] ++
    [{maps, F, [K, v, Map40]} || F <- [put, update], K <- [5, 99, <<"k">>, {1, 2}]] ++
    [{maps, F, [M]} || F <- [keys, values, to_list, size], M <- [#{}, #{b => 1, a => 2}, Map40, x]] ++
    [{maps, from_list, [L]} || L <- [[], [{a, 1}, {a, 2}], [{I, I} || I <- lists:seq(1, 40)], [a], [{a, 1} | b], x]] ++
    [{maps, merge, [A, Bm]} || A <- [#{}, #{a => 1, b => 2}, x], Bm <- [#{}, #{a => 3}, y]] ++
    [{maps, merge, [A, Bm]} || {A, Bm} <- [{Map40, #{}}, {#{}, Map40}, {Map40, Map40}, {Map40, #{1 => x, 99 => y}},
                                            {#{1 => x, 99 => y}, Map40}, {Map40, x}]] ++
    [{maps, from_keys, [L, 0]} || L <- [[], [a, b, a], lists:seq(1, 40), [a | b], x]] ++
    [{maps, new, []}] ++
    [{erlang, map_size, [M]} || M <- [#{}, #{a => 1}, Map40, x]] ++
    [{erlang, F, [K, M]} || F <- [map_get, is_map_key], K <- [a, 5], M <- [#{a => 1}, Map40, x]] ++
    [{erlang, insert_element, [I, T, x]} || I <- [0, 1, 2, 3, 4, a], T <- [{}, {a, b}]] ++
    [{erlang, delete_element, [I, T]} || I <- [0, 1, 2, 3], T <- [{a}, {a, b}, a]] ++
    [{erlang, bitstring_to_list, [Bn]} || Bn <- [<<>>, <<1, 2:3>>, <<1, 2>>, <<7:5>>, a]] ++
    [{erlang, list_to_bitstring, [L]} || L <- [[], [<<2:3>>, 1], [1, <<2:3>>], [[<<1:1>>], <<1:1>> | <<1:6>>], [a], <<1:1>>]] ++
    [{erlang, pid_to_list, [self()]}, {erlang, pid_to_list, [a]}, {erlang, fun_to_list, [fun lists:map/2]},
     {erlang, fun_to_list, [fun erlang:'+'/2]}, {erlang, ref_to_list, [a]}, {erlang, port_to_list, [a]}] ++
    [{erlang, list_to_pid, [S]} || S <- ["<0.9.0>", "<0.77.0>", "<1.2.3>", "<0.9.0", "x", "<0.-1.0>", a]] ++
    [{erlang, convert_time_unit, [T, F, To]} || T <- [-1, 1500, -1500, 0], F <- [native, millisecond, 1000],
                                              To <- [second, microsecond, 7, bad]] ++
    [{erlang, convert_time_unit, [T, second, nanosecond]} || T <- [1 bsl 58, -(1 bsl 58)]] ++
    [{erlang, external_size, [T]} || T <- Terms] ++
    [{erlang, external_size, [T, O]} || T <- [1.5, abc], O <- [[{minor_version, 0}], [{minor_version, 2}], [bad]]] ++
    [{math, F, [X]} || F <- [sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, log, log2, log10, sqrt, ceil, floor],
                      X <- [0, 1, -1, 0.5, 2, 1000, 1 bsl 1100, a]] ++
    [{math, F, [X, Y]} || F <- [atan2, pow, fmod], X <- [0, 2, -8, 5.5], Y <- [0, 2, -1, 0.5, 1000]] ++
    [{math, pi, []}] ++
    [{binary, part, [<<1, 2, 3>>, P, L]} || P <- [0, 1, 3, 4, -1], L <- [0, 1, -1, 3]] ++
    [{binary, part, [<<1, 2, 3>>, {1, 2}]}, {binary, part, [<<1:9>>, {0, 1}]}] ++
    [{binary, at, [Bn, P]} || Bn <- [<<1, 2, 3>>, <<1:9>>], P <- [0, 2, 3, -1]] ++
    [{binary, F, [Bn]} || F <- [first, last], Bn <- [<<>>, <<1, 2>>, <<1:9>>]] ++
    [{binary, copy, [<<1, 2>>, K]} || K <- [0, 1, 3, -1, a]] ++ [{binary, copy, [<<1, 2>>]}, {binary, copy, [<<1:3>>]}] ++
    [{binary, split, [S, P]} || S <- [<<"a,b,,c,">>, <<>>, <<",">>], P <- [<<",">>, [<<",">>, <<"b">>], <<>>, []]] ++
    [{binary, split, [S, P, O]} || S <- [<<"a,b,,c,,">>, <<",a,b">>], P <- [<<",">>, [<<",">>, <<",,">>]],
                                   O <- [[global], [trim], [global, trim], [global, trim_all], [{scope, {2, 4}}], [global, {scope, {2, 4}}], [bad]]] ++
    [{binary, F, [S, P]} || F <- [match, matches], S <- [<<"abcabcd">>, <<"aaaa">>], P <- [<<"bc">>, [<<"b">>, <<"bcd">>], <<"aa">>, <<"x">>]] ++
    [{binary, match, [<<"abcabc">>, <<"bc">>, [{scope, {2, 4}}]]}, {binary, matches, [<<"abcabc">>, <<"bc">>, [{scope, {2, 4}}]]}] ++
    [{binary, replace, [<<"a,b,c">>, P, R]} || P <- [<<",">>, [<<",">>, <<"b">>]], R <- [<<";">>, <<>>, <<"--">>]] ++
    [{binary, replace, [<<"a,b,c">>, <<",">>, <<"[]">>, O]} || O <- [[global], [global, {insert_replaced, 1}], [{insert_replaced, [0, 2]}], [{scope, {2, 3}}, global], [trim]]] ++
    [{binary, list_to_bin, [L]} || L <- [[1, <<2>>], <<1>>, [a]]] ++
    [{binary, bin_to_list, [<<1, 2, 3>>]}, {binary, bin_to_list, [<<1, 2, 3>>, {3, -2}]}, {binary, bin_to_list, [<<1, 2, 3>>, 1, 2]},
     {binary, bin_to_list, [<<1, 2, 3>>, {4, 0}]}] ++
    [{binary, decode_unsigned, [Bn]} || Bn <- [<<>>, <<1, 0>>, <<255, 255, 255, 255, 255, 255, 255, 255, 255>>]] ++
    [{binary, decode_unsigned, [<<1, 0>>, little]}, {binary, decode_unsigned, [<<1, 0>>, bad]}] ++
    [{binary, encode_unsigned, [I]} || I <- [0, 256, -1, B, a]] ++
    [{binary, encode_unsigned, [I, little]} || I <- [256, B]] ++
    [{binary, referenced_byte_size, [Bn]} || Bn <- [<<1, 2>>, Long, <<1:3>>]] ++
    [{binary, F, [L]} || F <- [longest_common_prefix, longest_common_suffix],
                         L <- [[<<"abc">>, <<"abd">>], [<<"abc">>, <<"xbc">>], [], [<<"a">>], [<<"a">>, a]]] ++
    [{binary, encode_hex, [Bn]} || Bn <- [<<>>, <<1, 171, 255>>, Long, <<1:3>>, a]] ++
    [{binary, decode_hex, [Bn]} || Bn <- [<<>>, <<"01aBfF">>, <<"0">>, <<"zz">>, <<"0g">>, <<1:4>>, a]] ++
    [{unicode, characters_to_list, [D]} || D <- [<<"abc", 200>>, <<"ab", 195>>, [<<"a">>, 16#100, "b"], [a], [1 | a],
                                                <<"a", 226, 130>>, <<237, 160, 128>>, [$a, [$b, -1, $c], $d], <<"h", 195, 169>>, a,
                                                [<<"a">> | <<"b">>], [16#110000], <<255>>]] ++
    [{unicode, characters_to_list, [D, E]} || D <- [<<200, 201>>, [200, 300]], E <- [latin1, utf8, unicode]] ++
    [{unicode, characters_to_binary, [D]} || D <- [[16#100, $a], [$a, -1], [$a, 16#D800], [$a, <<"b", 255>>, $c],
                                                  [$a, [<<"b", 226, 130>>]], <<"ab">>, [<<"a">> | <<"b">>]]] ++
    [{unicode, characters_to_binary, [D, latin1]} || D <- [<<200>>, [300], [200, <<201>>]]] ++
    [{unicode, characters_to_binary, [D, I, O]} || D <- [<<200>>, [16#100, $a], [$a, 300, $b], <<"x", 196, 128>>],
                                                  I <- [latin1, unicode], O <- [latin1, utf8]] ++
    [{unicode, F, [D]} || F <- [characters_to_binary, characters_to_list],
                          D <- [[$a, [$b, -1, $c], $d], [$a, [<<255>>, $c], $d], [[<<255>>], $d], [<<"a">>, [<<255>>]],
                                [<<"a">>, <<255>>], [<<255>>, $c], [<<255>>], [[$b, -1]], [$a | <<255>>],
                                [$a, [$b | <<255>>], $c], [<<226, 130>>, $c], [<<226>>, [<<130>>, $x]], [<<226>>, <<130>>],
                                [<<226>>, <<130, 172>>], [[<<226>>], <<130, 172>>], [<<"ab", 226>>, <<"x">>],
                                [$a, <<200, 65>>, $b], [<<246>>], [<<"bc">>, <<247>>], [<<238>>, <<231>>, <<221>>, $f],
                                [<<226, 130>>, <<195, 169>>], [$d, [<<192>>, $f]]]] ++
    [{unicode, characters_to_binary, [<<"a">>, bad]}].

hex(Bin) -> [io_lib:format("~2.16.0b", [X]) || <<X>> <= Bin].

cstr(S) ->
    lists:flatmap(fun($") -> "\\\""; ($\\) -> "\\\\"; (C) when C >= 32, C < 127 -> [C];
                     (C) -> io_lib:format("\\~3.8.0b", [C]) end, S).

%% The arguments are decoded from their external format first, as the C side does: on the
%% heap, not literals (erts_debug:size_shared counts literals as 0).
outcome(M, F, A0) ->
    A = binary_to_term(term_to_binary(A0)),
    try apply(M, F, A) of
        V -> "v:" ++ lists:flatten(io_lib:format("~w", [V]))
    catch C:R -> "x:" ++ atom_to_list(C) ++ ":" ++ lists:flatten(io_lib:format("~w", [R]))
    end.

main() ->
    io:format("/* Generated by gen_bif_cases.erl on ~s from OTP ~s: do not edit. */~n",
              [erlang:system_info(system_architecture), erlang:system_info(otp_release)]),
    lists:foreach(
      fun({M, F, A}) ->
              Out = unicode:characters_to_binary(outcome(M, F, A)),
              io:format("{\"~s\", \"~s\", ~b, \"~s\", \"~s\"},~n",
                        [M, cstr(atom_to_list(F)), length(A), hex(term_to_binary(A)),
                         cstr(binary_to_list(Out))])
      end, cases()).

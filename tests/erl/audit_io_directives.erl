-module(audit_io_directives).
-export([main/0]).
%% Every io:format control sequence of issue 3 through the language runtime (tests/erl's
%% io_directives leaves out ~B ~x ~X ~# ~+), each with field width, precision, padding and
%% adjustment where the directive takes them.

%% Through io_lib:format so that a sequence OTP refuses shows as badarg and the run goes on;
%% io:format itself is used for the plain lines below.
p(F, A) ->
    try io_lib:format(F, A) of
        S -> io:put_chars(["[", S, "]\n"])
    catch C:R -> io:format("~s: ~p~n", [F, {C, R}])
    end.

main() ->
    %% ~p and ~P
    p("~p", [{a, "str", <<"bin">>, 1.5, [1, 2]}]),
    p("~40p", [[{key, value}, {other, [1, 2, 3]}, {third, "a string here"}]]),
    p("~10p", [[aaaa, bbbb, cccc, dddd]]),
    p("~-15p", [x]), p("~15p", [x]),
    p("~P", [lists:seq(1, 20), 5]),
    p("~P", [{a, {b, {c, {d}}}}, 3]),
    p("~lp", [[65, 66]]), p("~tp", [[1024, 1025]]),
    %% ~w and ~W
    p("~w", ["abc"]), p("~10w", [abc]), p("~-10w", [abc]), p("~3w", [abcdef]),
    p("~10.3w", [a]), p("~W", [[1, [2, [3, [4, [5]]]]], 3]), p("~W", [{1, 2, 3, 4, 5}, 3]),
    %% ~s
    p("~s", ["abc"]), p("~s", [abc]), p("~s", [<<"bin">>]), p("~s", [[$a, "bc", <<"de">>]]),
    p("~8s", ["abc"]), p("~-8s", ["abc"]), p("~2s", ["abcdef"]), p("~8.2s", ["abcdef"]),
    p("~8.2.*s", [$_, "abcdef"]), p("~.3s", ["abcdef"]), p("~-8.3.xs", ["abcdef"]),
    %% ~b ~B ~x ~X ~# ~+
    p("~b ~b ~b", [0, 255, -255]),
    p("~.2b ~.8b ~.16b ~.36b", [10, 10, 255, 35]),
    p("~8.16b|~-8.16b|~8.16.0b", [255, 255, 255]),
    p("~B ~.16B ~.2B ~.36B", [255, 255, 5, 1295]),
    p("~8.16B|~-8.16.*B", [-255, $_, 255]),
    p("~B", [123456789012345678901234567890]),
    p("~x ~.16x ~.16x", [255, "0x", 255, "#", -255, "-"]),
    p("~10.16x|~-10.16x", [255, "0x", 255, "0x"]),
    p("~X ~.16X ~.2X", [255, "0x", 255, "$", 5, "b"]),
    p("~10.16.0X", [255, "0x"]),
    p("~# ~.16# ~.2# ~.36#", [255, 255, 5, 1295]),
    p("~10.16#|~-10.16#", [255, -255]),
    p("~+ ~.16+ ~.2+", [255, 255, 5]),
    p("~10.16+|~-10.16+", [255, -255]),
    %% ~c
    p("~c", [$a]), p("~5c", [$a]), p("~-5c", [$a]), p("~.3c", [$z]), p("~5.3c", [$z]),
    p("~5.3.-c", [$z]),
    %% ~e ~f ~g
    p("~e ~e ~e", [0.0, 1.0e10, -3.14159]),
    p("~.3e ~.2e ~12.4e|~-12.4e", [123.456, 0.000123, 2.5, 2.5]),
    p("~f ~f ~f", [0.0, 1.5, -1000.125]),
    p("~.1f ~.5f", [0.05, 3.14159265]), p("~.0f", [2.5]),
    p("~10.2f|~-10.2f|~10.2.0f", [3.14159, 3.14159, 3.14159]),
    p("~g ~g ~g ~g", [0.1, 1.0e-5, 123456.0, 1.0e20]),
    p("~.3g ~12.4g|~-12.4g", [3.14159, 2.5, 2.5]),
    p("~f", [7]), p("~e", [7]), p("~g", [7]),
    %% ~n ~i ~~
    p("a~nb", []), p("~i~p", [hidden, shown]), p("~~~5~", []), p("~3n", []),
    %% * for width and precision
    p("~*w|~*.*f|~-*s", [6, x, 9, 2, 1.0, 5, "ab"]),
    %% errors
    p("~b", [1.5]), p("~s", [1]), p("~f", [a]), p("~x", [1, 2]),
    p("~.1b", [3]), p("~.37b", [3]), p("~e", ["x"]), p("~W", [a, b]), p("~P", [a, -1]),
    io:format("~w~~~4.2f ~s~n", [ok, 1.0, "direct"]),
    io:format("~10.3.-w|~-6c|~.2e~n", [abc, $q, 10.0]),
    ok.

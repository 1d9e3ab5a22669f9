#!/usr/bin/env escript
%% Random io_lib:format cases for a differential check of runtime/fmt.c against OTP 25:
%%   escript tests/unit/runtime/gen/fmt_random.escript SEED COUNT > cases.inc
%% Lines have the layout of fmt_cases.escript's. Some formats are malformed on purpose.
main([Seed, Count]) ->
    rand:seed(exsss, {list_to_integer(Seed), 7, 11}),
    [case_line() || _ <- lists:seq(1, list_to_integer(Count))],
    ok.

case_line() ->
    N = rand:uniform(3),
    {Fmt, Args} = lists:foldl(fun(_, {F, A}) ->
                                      {F1, A1} = directive(),
                                      {F ++ text() ++ F1, A ++ A1}
                              end, {"", []}, lists:seq(1, N)),
    line(Fmt ++ text(), Args).

line(F, A) ->
    Hex = lists:flatten([io_lib:format("~2.16.0b", [B]) || B <- tl(binary_to_list(term_to_binary({F, A})))]),
    Exp = try io_lib:format(F, A) of
              R -> case unicode:characters_to_binary(R) of
                       B when is_binary(B) -> cstr(B);
                       _ -> skip
                   end
          catch error:badarg -> "NULL"
          end,
    case Exp of
        skip -> ok;
        _ -> io:format("    {\"~s\",~n     ~s},~n", [Hex, Exp])
    end.

cstr(Bin) -> [$", [esc(B) || <<B>> <= Bin], $"].
esc($") -> "\\\"";
esc($\\) -> "\\\\";
esc($\n) -> "\\n";
esc($\t) -> "\\t";
esc(B) when B >= 32, B < 127, B =/= $? -> B;
esc(B) -> io_lib:format("\\~3.8.0b", [B]).

pick(L) -> lists:nth(rand:uniform(length(L)), L).

text() -> pick(["", "", " ", "ab", "\t", "\n", "x\ty", "| ", "long prefix text: "]).

directive() ->
    {W, WA} = pick([{"", []}, {"", []}, {"5", []}, {"12", []}, {"-8", []}, {"1", []}, {"0", []},
                    {"*", [pick([3, 10, -10, 0])]}, {"-*", [pick([4, -4])]}, {"40", []}]),
    {P, PA} = pick([{"", []}, {"", []}, {".3", []}, {".1", []}, {".0", []}, {".10", []}, {".16", []},
                    {".*", [pick([2, 5, 8])]}, {".", []}, {".2", []}]),
    {Pad, PadA} = case P of
                      "" -> {"", []};
                      _ -> pick([{"", []}, {"", []}, {".0", []}, {"._", []}, {".*", [pick([$#, $-, 1024])]}])
                  end,
    {C, A} = control(),
    %% ~lp / ~lP are left out: fmt.c does not honour l there (see fmt.h)
    Mod = case lists:member(C, "pP") of
              true -> pick(["", "", "t"]);
              false -> pick(["", "", "", "t", "l", "tl"])
          end,
    {"~" ++ W ++ P ++ Pad ++ Mod ++ [C], WA ++ PA ++ PadA ++ A}.

control() ->
    C = pick("pPwWsefgbBxX+#cni~"),
    {C, args(C)}.

args(C) when C =:= $e; C =:= $f; C =:= $g ->
    [pick([float_arg(), float_arg(), float_arg(), 3, abc])];
args(C) when C =:= $b; C =:= $B; C =:= $+; C =:= $# ->
    [pick([int_arg(), int_arg(), 1.5])];
args(C) when C =:= $x; C =:= $X ->
    [int_arg(), pick(["0x", '#', [[$$]], "", [1024]])];
args($c) -> [pick([$a, $z, 233, 1024, -1, 300])];
args($s) -> [pick([str_arg(), str_arg(), str_arg(), 42])];
args(C) when C =:= $w; C =:= $p -> [term_arg()];
args(C) when C =:= $W; C =:= $P -> [term_arg(), pick([0, 1, 2, 3, 5, 10, -1])];
args($i) -> [term_arg()];
args(_) -> [].

float_arg() ->
    pick([0.0, -0.0, 1.0, 3.14159, -2.5, 1.0e-5, 123456.789, 9.999, 0.05, 1.0e20, 2/3,
          rand:uniform() * 1000, -rand:uniform() * 10, rand:uniform() / 1000]).
int_arg() -> pick([0, 7, -7, 255, -255, 123456789, 1 bsl 64, -(1 bsl 70), rand:uniform(100000)]).
str_arg() ->
    pick(["hello", "", abc, 'Quoted Atom', <<"bin">>, ["deep", [$l], <<"ist">>], [1024, 1025],
          <<"ж"/utf8>>, "héllo", [200, 201], 'ж', <<200>>, "a much longer string than the field widths"]).
term_arg() ->
    pick([atom, 42, -1.5, "str", [1, 2, 3], {a, "b", <<"c">>}, lists:seq(1, 30),
          {config, [{name, "heapscope"}, {version, {0, 1, 0}}, {opts, [verbose, {depth, 3}]}]},
          #{k => v, list => lists:seq(1, 12)}, [1024, 1025], <<1, 2, 3>>, 'ж', [{K, K * K} || K <- lists:seq(1, 15)]]).

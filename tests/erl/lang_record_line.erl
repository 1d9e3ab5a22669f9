%% A record access fails (badrecord) at the line where its record expression starts, as OTP;
%% a case clause variable that matches a constant is that constant (so X + V keeps the
%% erlang:'+' frame of two constants); funs in a record are numbered as a tuple's elements.
-module(lang_record_line).
-export([main/0, id/1]).
-record(r, {a, b}).
id(X) -> X.
p(N, F) -> try F() catch _:R:S -> io:format("~p ~p ~p~n", [N, R, hd(S)]) end.
main() ->
    X = id(x),
    p(1, fun() ->
        X#r.a
      end),
    p(2, fun() ->
        Y = id(x),
        Y#r.a
      end),
    p(3, fun() -> (id(
        x))#r.a
      end),
    p(4, fun() -> Z = id(1),
        {Z, X#r{a = 1}}
      end),
    p(5, fun() -> Z = id(1),
        {Z, (id(
           x))#r{a = 1}}
      end),
    p(6, fun() -> case id(1) of
        1 -> X#r.b
      end end),
    p(7, fun() -> case 292 of
        3 -> 0;
        V when V > 17 -> X + V
      end end),
    R = #r{a = lists:map(fun(E) -> E end, [1]), b = [fun() -> ok end || _ <- [1]]},
    p(8, fun() -> throw(erlang:fun_info(hd(R#r.b), name)) end),
    ok.

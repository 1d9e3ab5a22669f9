-module('27_nested').
-export([f/1]).

f(X) ->
    case X of
        {a, Y} ->
            if Y > 0 ->
                   receive
                       {Y, Z} ->
                           try Z of
                               W -> [fun() -> case W of _ -> W end end]
                           catch
                               _:_ -> begin error end
                           end
                   after 0 -> timeout
                   end;
               true -> [[[[[[[Y]]]]]]]
            end;
        _ -> {{{{{{{X}}}}}}}
    end.

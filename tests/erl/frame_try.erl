-module(frame_try).
-export([main/0]).
%% Frames of functions with try or catch as OTP 25 allocates them (peep.c models the handler
%% edges: a value the handler reads keeps its slot through the protected code, the others go
%% as elsewhere), and exceptions reaching the right handler through nested trys and catches
%% whose tags share frames with other values (the innermost tag is its frame's highest slot).

st() -> {stack_size, S} = process_info(self(), stack_size), S.

mark() ->
    S = st(),
    case get(st) of
        D when is_integer(D), D >= S -> ok;
        _ -> put(st, S)
    end.

tr(0) -> mark(), [];
tr(N) -> try [N | tr(N - 1)] catch _:_ -> err end.

nested(0) -> mark(), [];
nested(N) ->
    try
        X = try nested(N - 1) catch throw:a -> [] end,
        [N | X]
    catch
        error:_ -> N
    end.

caught(0) -> mark(), [];
caught(N) -> case catch caught(N - 1) of L when is_list(L) -> [N | L]; _ -> [] end.

after_(0) -> mark(), [];
after_(N) -> try [N | after_(N - 1)] after put(k, N) end.

of_(0) -> mark(), [];
of_(N) -> try of_(N - 1) of L -> [N | L] catch _ -> [] end.

%% A and N are read by the handler: both keep slots across the protected call.
handler_reads(0, _) -> mark(), [];
handler_reads(N, A) -> try [A | handler_reads(N - 1, A + 1)] catch throw:X -> {X, A, N} end.

run(Name, F) -> io:format("~p: ~p~n", [Name, at(F, 10) - at(F, 0)]).

at(F, K) ->
    Self = self(),
    spawn(fun() -> F(K), Self ! {self(), get(st)} end),
    receive {_, S} -> S end.

%% Exceptions of each class raised at the bottom of N levels of nested handlers: which one
%% takes it, with the values it reads.
nest(0, C) -> erlang:C(boom);
nest(N, C) ->
    Y = N * 10,
    try
        Z = try nest(N - 1, C) of
                V -> [Y | V]
            catch
                throw:boom when N rem 2 =:= 0 -> [{inner, N, Y}]
            end,
        [N | Z]
    catch
        error:boom when N rem 3 =:= 0 -> [{outer, N, Y}];
        exit:boom when N > 4 -> catch exit({again, N, Y})
    end.

%% A catch inside a handler inside a try: the tags of one frame, nested three deep.
three(X) ->
    try
        throw({one, X})
    catch
        throw:{one, V} ->
            R = (catch try erlang:error({two, V}) catch error:{two, W} -> throw({three, W, X}) end),
            {R, X}
    end.

no_stack({'EXIT', {R, [_ | _]}}) -> {'EXIT', R};
no_stack(V) -> V.

main() ->
    run(tr, fun(K) -> tr(40 + K) end),
    run(nested, fun(K) -> nested(40 + K) end),
    run(caught, fun(K) -> caught(40 + K) end),
    run(after_, fun(K) -> after_(40 + K) end),
    run(of_, fun(K) -> of_(40 + K) end),
    run(handler_reads, fun(K) -> handler_reads(40 + K, 7) end),
    [io:format("~p ~p: ~p~n", [C, N, no_stack(catch nest(N, C))])
     || C <- [error, throw, exit], N <- [1, 2, 3, 6, 7]],
    io:format("three: ~p~n", [three(5)]),
    io:format("reads: ~p~n", [catch handler_reads(3, 1)]),
    ok.

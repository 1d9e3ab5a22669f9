-module(proc_dict).
-export([main/0]).
%% The process dictionary: put/get/erase/get_keys, and its memory as process_info(memory)
%% counts it (memory - total_heap_size * 8 is the process struct plus the dictionary table,
%% the part that does not depend on the compiler).

main() ->
    io:format("ops: ~p~n", [run(fun ops/0)]),
    io:format("other process: ~p~n", [other()]),
    io:format("memory beside the heap: ~p~n",
              [[beside(F) || F <- [fun() -> ok end,
                                   fun() -> put(a, 1) end,
                                   fun() -> [put(I, I) || I <- lists:seq(1, 10)] end,
                                   fun() -> [put(I, I) || I <- lists:seq(1, 100)] end,
                                   fun() -> [put(I, I) || I <- lists:seq(1, 100)],
                                            [erase(I) || I <- lists:seq(1, 100)] end,
                                   fun() -> [put(I, I) || I <- lists:seq(1, 1000)], erase() end]]]),
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> X end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    end.

ops() ->
    A = put(k, v1),
    B = put(k, v2),
    C = get(k),
    D = get(missing),
    put({t, 1}, [1, 2, 3]),
    put("str", <<"bin">>),
    E = lists:sort(get_keys()),
    F = get_keys(v2),
    put(k2, v2),
    G = lists:sort(get_keys(v2)),
    H = erase(k),
    I = erase(k),
    J = lists:sort(get()),
    K = lists:sort(erase()),
    L = {get(), get_keys()},
    {A, B, C, D, E, F, G, H, I, J, K, L}.

wait_blocked(P) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_blocked(P) end
    end.

other() ->
    P = spawn(fun() -> put(x, 1), put(y, {2, "two"}), receive stop -> ok end end),
    wait_blocked(P),
    {dictionary, D} = process_info(P, dictionary),
    P ! stop,
    lists:sort(D).

beside(F) ->
    P = spawn(fun() -> F(), receive stop -> ok end end),
    wait_blocked(P),
    [{memory, M}, {total_heap_size, T}] = process_info(P, [memory, total_heap_size]),
    P ! stop,
    M - T * 8.

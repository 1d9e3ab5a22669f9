%% gen_server's request ids (OTP 25): send_request, wait_response, receive_response,
%% check_response, one by one and in collections. Expected output from OTP 25.
-module(gen_server_req_test).
-behaviour(gen_server).
-export([main/0, init/1, handle_call/3, handle_cast/2, handle_info/2]).

init(N) -> {ok, N}.

handle_call({add, K}, _From, N) -> {reply, N + K, N + K};
handle_call({later, T, V}, From, N) ->
    erlang:send_after(T, self(), {answer, From, V}),
    {noreply, N};
handle_call(stop, _From, N) -> {stop, normal, stopped, N}.

handle_cast(_, N) -> {noreply, N}.

handle_info({answer, From, V}, N) -> gen_server:reply(From, V), {noreply, N}.

p(X) -> io:format("~p~n", [X]).

t(F) -> try F() catch C:R -> {C, R} end.

flush() -> receive _ -> flush() after 0 -> ok end.

%% Pids and references print differently on each run: show what they are.
shape({error, {Reason, P}}) when is_pid(P) -> {error, {Reason, pid}};
shape({R, L, C}) when is_map(C) -> {shape(R), L, lists:sort(maps:values(C))};
shape(X) -> X.

main() ->
    {ok, S} = gen_server:start(?MODULE, 10, []),
    R1 = gen_server:send_request(S, {add, 1}),
    p(is_reference(R1)),
    p(gen_server:wait_response(R1, 1000)),
    R2 = gen_server:send_request(S, {later, 200, slow}),
    p(gen_server:wait_response(R2, 10)),
    p(gen_server:wait_response(R2, 1000)),
    R3 = gen_server:send_request(S, {later, 100, late}),
    p(gen_server:receive_response(R3, 0)),
    timer:sleep(200),
    flush(), %% OTP drops the late reply (an alias); heapscope delivers it (docs/stdlib.md)
    R4 = gen_server:send_request(S, {add, 5}),
    Msg = receive M -> M end,
    p(gen_server:check_response(Msg, R4)),
    p(gen_server:check_response(other, make_ref())),
    p(t(fun() -> gen_server:check_response(Msg, not_a_ref) end)),
    R5 = gen_server:send_request(S, {add, 100}),
    p(gen_server:receive_response(R5, infinity)),
    Abs = {abs, erlang:monotonic_time(millisecond) + 1000},
    p(gen_server:wait_response(gen_server:send_request(S, {add, 0}), Abs)),
    %% Collections.
    C0 = gen_server:reqids_new(),
    p(gen_server:reqids_size(C0)),
    C1 = gen_server:send_request(S, {later, 50, b}, lb, C0),
    C2 = gen_server:send_request(S, {later, 10, a}, la, C1),
    C3 = gen_server:reqids_add(gen_server:send_request(S, {add, 1}), lc, C2),
    p(gen_server:reqids_size(C3)),
    p(lists:sort([L || {_, L} <- gen_server:reqids_to_list(C3)])),
    {A1, L1, C4} = gen_server:wait_response(C3, 1000, true),
    {A2, L2, C5} = gen_server:wait_response(C4, 1000, true),
    {A3, L3, C6} = gen_server:receive_response(C5, 1000, false),
    p(lists:sort([{L1, A1}, {L2, A2}, {L3, A3}])),
    p(gen_server:reqids_size(C6)),
    p(gen_server:wait_response(C0, 100, true)),
    p(gen_server:receive_response(C0, infinity, false)),
    p(gen_server:check_response(x, C0, true)),
    C7 = gen_server:send_request(S, {add, 2}, two, C0),
    Msg2 = receive M2 -> M2 end,
    p(gen_server:check_response(hello, C7, true) =:= no_reply),
    p(shape(gen_server:check_response(Msg2, C7, true))),
    C8 = gen_server:send_request(S, {later, 300, z}, z, C0),
    p(gen_server:receive_response(C8, 10, true)),
    timer:sleep(400),
    flush(),
    p(t(fun() -> gen_server:reqids_add(not_a_ref, x, C0) end)),
    R6 = make_ref(),
    p(t(fun() -> gen_server:reqids_add(R6, x, gen_server:reqids_add(R6, y, C0)) end)),
    p(t(fun() -> gen_server:reqids_size(x) end)),
    p(t(fun() -> gen_server:reqids_to_list(x) end)),
    p(t(fun() -> gen_server:wait_response(R1, -1) end)),
    p(t(fun() -> gen_server:wait_response(C0, 10, maybe) end)),
    %% A server that is gone, or a name that is not registered.
    p(gen_server:call(S, stop)),
    timer:sleep(50),
    p(shape(gen_server:wait_response(gen_server:send_request(S, {add, 1}), 1000))),
    p(gen_server:wait_response(gen_server:send_request(no_such_server, x), 1000)),
    p(shape(gen_server:wait_response(gen_server:send_request(S, x, lbl, C0), 1000, true))).

%% Story: a gen_server whose state keeps every request.
%% The server appends each request to its state and never drops one, so the words that stay
%% live after every major GC keep growing: heapscope's verdict is process_state / leak.
-module(leaky_server).
-behaviour(gen_server).
-export([main/0, init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2,
         code_change/3]).

main() ->
    {ok, Pid} = gen_server:start_link({local, request_log}, ?MODULE, [], []),
    client(Pid, 0, 60),
    ok.

%% 60 rounds of 150 requests, 30 ms apart: about 2.5 seconds.
client(_Pid, _N, 0) -> ok;
client(Pid, N, Rounds) ->
    N1 = burst(Pid, N, 150),
    receive after 30 -> ok end,
    client(Pid, N1, Rounds - 1).

burst(_Pid, N, 0) -> N;
burst(Pid, N, K) ->
    {ok, _} = gen_server:call(Pid, {request, N, <<"GET /item/", (integer_to_binary(N))/binary>>}),
    burst(Pid, N + 1, K - 1).

init([]) -> {ok, []}.

handle_call({request, N, Path}, _From, Seen) ->
    %% the bug: every request is kept
    {reply, {ok, N}, [{N, Path, erlang:monotonic_time()} | Seen]}.

handle_cast(_Msg, State) -> {noreply, State}.
handle_info(_Msg, State) -> {noreply, State}.
terminate(_Reason, _State) -> ok.
code_change(_Old, State, _Extra) -> {ok, State}.

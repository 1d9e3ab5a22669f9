%% gen_server — a compact generic server with the API and callback contract of OTP 25's
%% gen_server, written with spawn/monitor/receive only (no proc_lib, no sys).
%%
%% Same as OTP: start/3,4, start_link/3,4 ({ok,Pid} | ignore | {error,Reason}, with
%% {error,{already_started,Pid}} for a taken {local,Name}), call/2,3 (exits with
%% {Reason, {gen_server, call, Args}} when the server is dead or dies, and with
%% {timeout, {gen_server, call, Args}} on timeout), cast/2, reply/2, stop/1,3, the callback
%% returns of init/handle_call/handle_cast/handle_info/handle_continue (timeouts,
%% hibernate, {continue, C}, stop), terminate/2 when exported, and the message formats
%% {'$gen_call', From, Request} and {'$gen_cast', Msg}.
%%
%% Differences (docs/stdlib.md): From is {Pid, Ref} (OTP 25 uses an alias tag); hibernate
%% is a garbage collection, not erlang:hibernate/3; only local names and pids (no
%% global/via, no multi_call/abcast); unexpected messages without a
%% handle_info/2 are dropped silently; no sys messages except the terminate request used by stop/3; a server
%% that stops abnormally prints a shortened "Generic server terminating" report instead of
%% the logger's error and crash reports; code_change/format_status are never called.
-module(gen_server).

-export([start/3, start/4, start_link/3, start_link/4, start_monitor/3, start_monitor/4,
         call/2, call/3, cast/2, reply/2, stop/1, stop/3]).
-export([send_request/2, send_request/4, wait_response/2, wait_response/3,
         receive_response/2, receive_response/3, check_response/2, check_response/3,
         reqids_new/0, reqids_size/1, reqids_add/3, reqids_to_list/1]).
-export([init_it/6]).

%% What a callback may return as its time-out: anything else is a bad return value.
-define(is_wait(T), (T =:= infinity orelse (is_integer(T) andalso T >= 0) orelse
                     T =:= hibernate orelse (tuple_size(T) =:= 2 andalso element(1, T) =:= continue))).

start(Mod, Args, Options) -> do_start(nolink, self, Mod, Args, Options).

start(Name, Mod, Args, Options) -> do_start(nolink, Name, Mod, Args, Options).

start_link(Mod, Args, Options) -> do_start(link, self, Mod, Args, Options).

start_link(Name, Mod, Args, Options) -> do_start(link, Name, Mod, Args, Options).

start_monitor(Mod, Args, Options) -> do_start(monitor, self, Mod, Args, Options).

start_monitor(Name, Mod, Args, Options) -> do_start(monitor, Name, Mod, Args, Options).

do_start(Link, Name, Mod, Args, Options) ->
    Starter = self(),
    Pid = case Link of
              link -> spawn_link(?MODULE, init_it, [Starter, Starter, Name, Mod, Args, Options]);
              _ -> spawn(?MODULE, init_it, [Starter, Starter, Name, Mod, Args, Options])
          end,
    Mref = erlang:monitor(process, Pid),
    Timeout = start_timeout(Options),
    receive
        {ack, Pid, {ok, Pid}} when Link =:= monitor ->
            {ok, {Pid, Mref}};
        {ack, Pid, Return} when Link =:= monitor ->
            %% A failed start_monitor returns after the 'DOWN' message, as in OTP.
            receive {'DOWN', Mref, process, Pid, _} -> Return end;
        {ack, Pid, Return} ->
            erlang:demonitor(Mref, [flush]),
            Return;
        {'DOWN', Mref, process, Pid, Reason} ->
            {error, Reason}
    after Timeout ->
            erlang:demonitor(Mref, [flush]),
            unlink(Pid),
            exit(Pid, kill),
            {error, timeout}
    end.

start_timeout(Options) when is_list(Options) ->
    case lists:keyfind(timeout, 1, Options) of
        {timeout, T} -> T;
        false -> infinity
    end;
start_timeout(_) -> infinity.

%% ---------------------------------------------------------------------------
%% Server side

init_it(Starter, Parent, Name, Mod, Args, _Options) ->
    case register_name(Name) of
        true -> init_callback(Starter, Parent, Name, Mod, Args);
        {false, Pid} -> Starter ! {ack, self(), {error, {already_started, Pid}}}
    end.

register_name(self) -> true;
register_name({local, Name}) ->
    try register(Name, self()) of
        true -> true
    catch
        error:_ -> {false, whereis(Name)}
    end.

unregister_name({local, Name}) ->
    try unregister(Name) catch error:_ -> ok end;
unregister_name(_) -> ok.

init_callback(Starter, Parent, Name, Mod, Args) ->
    case run_init(Mod, Args) of
        {ok, {ok, State}} ->
            Starter ! {ack, self(), {ok, self()}},
            loop(Parent, Name, State, Mod, infinity);
        {ok, {ok, State, TimeoutOrCont}} when ?is_wait(TimeoutOrCont) ->
            Starter ! {ack, self(), {ok, self()}},
            loop(Parent, Name, State, Mod, TimeoutOrCont);
        {ok, {stop, Reason}} ->
            unregister_name(Name),
            Starter ! {ack, self(), {error, Reason}},
            exit(Reason);
        {ok, ignore} ->
            unregister_name(Name),
            Starter ! {ack, self(), ignore},
            exit(normal);
        {ok, Else} ->
            %% OTP leaves the name registered here; it goes away with the process.
            Error = {bad_return_value, Else},
            Starter ! {ack, self(), {error, Error}},
            exit(Error);
        {'EXIT', Class, Reason, Stacktrace} ->
            unregister_name(Name),
            ExitReason = terminate_reason(Class, Reason, Stacktrace),
            Starter ! {ack, self(), {error, ExitReason}},
            %% OTP re-raises inside proc_lib, whose crash report is not printed by default;
            %% exit/1 ends the process with the same reason and no error report.
            exit(ExitReason)
    end.

run_init(Mod, Args) ->
    try
        {ok, Mod:init(Args)}
    catch
        throw:R -> {ok, R};
        Class:R:S -> {'EXIT', Class, R, S}
    end.

terminate_reason(error, Reason, Stacktrace) -> {Reason, Stacktrace};
terminate_reason(exit, Reason, _Stacktrace) -> Reason.

%% Timeout is a time-out in ms, infinity, hibernate or {continue, C}.
loop(Parent, Name, State, Mod, {continue, Continue} = Msg) ->
    Reply = try_dispatch(Mod, handle_continue, [Continue, State]),
    handle_common_reply(Reply, Parent, Name, undefined, Msg, Mod, State);
loop(Parent, Name, State, Mod, hibernate) ->
    %% OTP hibernates (a full sweep that shrinks the heap); a collection is the closest.
    erlang:garbage_collect(),
    loop(Parent, Name, State, Mod, infinity);
loop(Parent, Name, State, Mod, Timeout) ->
    Msg = receive
              Input -> Input
          after Timeout ->
              timeout
          end,
    decode_msg(Msg, Parent, Name, State, Mod).

decode_msg({system, From, {terminate, Reason}}, _Parent, Name, State, Mod) ->
    terminate(Reason, Name, undefined, {system, From, terminate}, Mod, State);
decode_msg({'EXIT', Parent, Reason} = Msg, Parent, Name, State, Mod) ->
    terminate(Reason, Name, undefined, Msg, Mod, State);
decode_msg(Msg, Parent, Name, State, Mod) ->
    handle_msg(Msg, Parent, Name, State, Mod).

handle_msg({'$gen_call', From, Request} = Msg, Parent, Name, State, Mod) ->
    case try_dispatch(Mod, handle_call, [Request, From, State]) of
        {ok, {reply, Reply, NState}} ->
            reply(From, Reply),
            loop(Parent, Name, NState, Mod, infinity);
        {ok, {reply, Reply, NState, TimeoutOrCont}} when ?is_wait(TimeoutOrCont) ->
            reply(From, Reply),
            loop(Parent, Name, NState, Mod, TimeoutOrCont);
        {ok, {stop, Reason, Reply, NState}} ->
            try
                terminate(Reason, Name, From, Msg, Mod, NState)
            after
                reply(From, Reply)
            end;
        Other ->
            handle_common_reply(Other, Parent, Name, From, Msg, Mod, State)
    end;
handle_msg({'$gen_cast', Cast} = Msg, Parent, Name, State, Mod) ->
    Reply = try_dispatch(Mod, handle_cast, [Cast, State]),
    handle_common_reply(Reply, Parent, Name, undefined, Msg, Mod, State);
handle_msg(Info, Parent, Name, State, Mod) ->
    case erlang:function_exported(Mod, handle_info, 2) of
        true ->
            Reply = try_dispatch(Mod, handle_info, [Info, State]),
            handle_common_reply(Reply, Parent, Name, undefined, Info, Mod, State);
        false ->
            loop(Parent, Name, State, Mod, infinity)
    end.

try_dispatch(Mod, Fun, Args) ->
    try
        {ok, apply(Mod, Fun, Args)}
    catch
        throw:R -> {ok, R};
        Class:R:Stacktrace -> {'EXIT', Class, R, Stacktrace}
    end.

handle_common_reply(Reply, Parent, Name, From, Msg, Mod, State) ->
    case Reply of
        {ok, {noreply, NState}} ->
            loop(Parent, Name, NState, Mod, infinity);
        {ok, {noreply, NState, TimeoutOrCont}} when ?is_wait(TimeoutOrCont) ->
            loop(Parent, Name, NState, Mod, TimeoutOrCont);
        {ok, {stop, Reason, NState}} ->
            terminate(Reason, Name, From, Msg, Mod, NState);
        {'EXIT', Class, Reason, Stacktrace} ->
            terminate(Class, Reason, Stacktrace, Name, From, Msg, Mod, State);
        {ok, BadReply} ->
            terminate({bad_return_value, BadReply}, Name, From, Msg, Mod, State)
    end.

terminate(Reason, Name, From, Msg, Mod, State) ->
    terminate(exit, Reason, [], Name, From, Msg, Mod, State).

%% Runs Mod:terminate/2, reports an abnormal end, and exits with the reason (an error in a
%% callback ends the server with {Reason, Stacktrace}, as in OTP). The exit is exit/1 even
%% for errors: OTP's re-raise happens under proc_lib, which prints nothing more by default.
terminate(Class, Reason, Stacktrace, Name, _From, Msg, Mod, State) ->
    ExitReason = case Class of
                     error -> {Reason, Stacktrace};
                     _ -> Reason
                 end,
    case erlang:function_exported(Mod, terminate, 2) of
        true ->
            try
                Mod:terminate(ExitReason, State)
            catch
                throw:_ -> ok;
                C:R:S ->
                    TermReason = terminate_reason(C, R, S),
                    report(Name, Msg, State, TermReason),
                    exit(TermReason)
            end;
        false -> ok
    end,
    case ExitReason of
        normal -> ok;
        shutdown -> ok;
        {shutdown, _} -> ok;
        _ -> report(Name, Msg, State, ExitReason)
    end,
    exit(ExitReason).

report(Name, Msg, State, Reason) ->
    io:format("=ERROR REPORT====~n** Generic server ~p terminating~n"
              "** Last message in was ~p~n** When Server state == ~p~n"
              "** Reason for termination ==~n** ~p~n",
              [server_name(Name), Msg, State, Reason]).

server_name({local, Name}) -> Name;
server_name(_) -> self().

%% ---------------------------------------------------------------------------
%% Client side

%% call/2,3 raise the exit themselves, so that its stack shows gen_server:call/2 or call/3
%% as OTP's does.
call(Server, Request) ->
    case do_call(Server, Request, infinity) of
        {ok, Reply} -> Reply;
        {error, Why} -> exit({Why, {gen_server, call, [Server, Request]}})
    end.

call(Server, Request, Timeout) ->
    case do_call(Server, Request, Timeout) of
        {ok, Reply} -> Reply;
        {error, Why} -> exit({Why, {gen_server, call, [Server, Request, Timeout]}})
    end.

do_call(Server, Request, Timeout) ->
    case where(Server) of
        undefined -> {error, noproc};
        Pid when Pid =:= self() -> {error, calling_self};
        Pid ->
            Mref = erlang:monitor(process, Pid),
            Pid ! {'$gen_call', {self(), Mref}, Request},
            receive
                {Mref, Reply} ->
                    erlang:demonitor(Mref, [flush]),
                    {ok, Reply};
                {'DOWN', Mref, _, _, Reason} ->
                    {error, Reason}
            after Timeout ->
                    erlang:demonitor(Mref, [flush]),
                    {error, timeout}
            end
    end.

%% ---------------------------------------------------------------------------
%% Asynchronous calls (OTP 25's request ids): a request is a call whose reply the caller
%% picks up later. The request id is the monitor reference of the call's From {self(), Ref},
%% so the reply is {Ref, Reply}; a server that is gone answers {error, {Reason, Object}}
%% from its 'DOWN' message (Object its pid, or the name that was not registered).

send_request(Server, Request) ->
    case where(Server) of
        undefined ->
            Ref = make_ref(),
            self() ! {'DOWN', Ref, process, Server, noproc},
            Ref;
        Pid ->
            Ref = erlang:monitor(process, Pid),
            Pid ! {'$gen_call', {self(), Ref}, Request},
            Ref
    end.

send_request(Server, Request, Label, ReqIds) when is_map(ReqIds) ->
    maps:put(send_request(Server, Request), Label, ReqIds).

wait_response(ReqId, Timeout) ->
    T = timeout_value(Timeout),
    receive
        {ReqId, Reply} ->
            erlang:demonitor(ReqId, [flush]),
            {reply, Reply};
        {'DOWN', ReqId, _, Object, Reason} ->
            {error, {Reason, Object}}
    after T -> timeout
    end.

%% As wait_response/2, but the request is given up on a timeout (a late reply is dropped).
receive_response(ReqId, Timeout) ->
    T = timeout_value(Timeout),
    receive
        {ReqId, Reply} ->
            erlang:demonitor(ReqId, [flush]),
            {reply, Reply};
        {'DOWN', ReqId, _, Object, Reason} ->
            {error, {Reason, Object}}
    after T ->
            erlang:demonitor(ReqId, [flush]),
            receive
                {ReqId, Reply} -> {reply, Reply}
            after 0 -> timeout
            end
    end.

check_response(Msg, ReqId) when is_reference(ReqId) ->
    case Msg of
        {ReqId, Reply} ->
            erlang:demonitor(ReqId, [flush]),
            {reply, Reply};
        {'DOWN', ReqId, _, Object, Reason} ->
            {error, {Reason, Object}};
        _ ->
            no_reply
    end;
check_response(_, _) ->
    error(badarg).

%% The same on a collection of request ids (a map ReqId => Label): the result carries the
%% label and the collection, without the request when Delete is true.
wait_response(ReqIds, Timeout, Delete) when map_size(ReqIds) =:= 0, is_boolean(Delete) ->
    _ = timeout_value(Timeout),
    no_request;
wait_response(ReqIds, Timeout, Delete) when is_map(ReqIds), is_boolean(Delete) ->
    receive_collection(ReqIds, timeout_value(Timeout), Delete).

receive_response(ReqIds, Timeout, Delete) when map_size(ReqIds) =:= 0, is_boolean(Delete) ->
    _ = timeout_value(Timeout),
    no_request;
receive_response(ReqIds, Timeout, Delete) when is_map(ReqIds), is_boolean(Delete) ->
    case receive_collection(ReqIds, timeout_value(Timeout), Delete) of
        timeout ->
            maps:foreach(fun(ReqId, _Label) when is_reference(ReqId) ->
                                 erlang:demonitor(ReqId, [flush]);
                            (_, _) ->
                                 error(badarg)
                         end, ReqIds),
            flush_responses(ReqIds),
            timeout;
        Result ->
            Result
    end.

%% The first reply or 'DOWN' of a request in ReqIds, or timeout after T.
receive_collection(ReqIds, T, Delete) ->
    receive
        {ReqId, _} = Msg when is_map_key(ReqId, ReqIds) ->
            collection_result(Msg, ReqIds, Delete);
        {'DOWN', ReqId, _, _, _} = Msg when is_map_key(ReqId, ReqIds) ->
            collection_result(Msg, ReqIds, Delete)
    after T -> timeout
    end.

check_response(_Msg, ReqIds, Delete) when map_size(ReqIds) =:= 0, is_boolean(Delete) ->
    no_request;
check_response(Msg, ReqIds, Delete) when is_map(ReqIds), is_boolean(Delete) ->
    case Msg of
        {ReqId, _} when is_map_key(ReqId, ReqIds) ->
            collection_result(Msg, ReqIds, Delete);
        {'DOWN', ReqId, _, _, _} when is_map_key(ReqId, ReqIds) ->
            collection_result(Msg, ReqIds, Delete);
        _ ->
            no_reply
    end.

collection_result({'DOWN', ReqId, _, Object, Reason}, ReqIds, Delete) ->
    collection_result({error, {Reason, Object}}, ReqId, ReqIds, Delete);
collection_result({ReqId, Reply}, ReqIds, Delete) ->
    _ = erlang:demonitor(ReqId, [flush]),
    collection_result({reply, Reply}, ReqId, ReqIds, Delete).

collection_result(Resp, ReqId, ReqIds, false) ->
    {Resp, maps:get(ReqId, ReqIds), ReqIds};
collection_result(Resp, ReqId, ReqIds, true) ->
    {Label, NewReqIds} = maps:take(ReqId, ReqIds),
    {Resp, Label, NewReqIds}.

flush_responses(ReqIds) ->
    receive
        {ReqId, _Reply} when is_map_key(ReqId, ReqIds) -> flush_responses(ReqIds)
    after 0 -> ok
    end.

timeout_value(infinity) -> infinity;
timeout_value(T) when is_integer(T), 0 =< T, T =< 4294967295 -> T;
timeout_value({abs, T}) when is_integer(T) ->
    case T - erlang:monotonic_time(millisecond) of
        Left when Left < 0 -> 0;
        Left when Left > 4294967295 -> error(badarg);
        Left -> Left
    end;
timeout_value(_) -> error(badarg).

reqids_new() ->
    maps:new().

reqids_size(ReqIds) when is_map(ReqIds) -> maps:size(ReqIds);
reqids_size(_) -> error(badarg).

reqids_add(ReqId, _, ReqIds) when is_reference(ReqId), is_map_key(ReqId, ReqIds) ->
    error(badarg);
reqids_add(ReqId, Label, ReqIds) when is_reference(ReqId), is_map(ReqIds) ->
    maps:put(ReqId, Label, ReqIds);
reqids_add(_, _, _) ->
    error(badarg).

reqids_to_list(ReqIds) when is_map(ReqIds) -> maps:to_list(ReqIds);
reqids_to_list(_) -> error(badarg).

where(Pid) when is_pid(Pid) -> Pid;
where(Name) when is_atom(Name) -> whereis(Name);
where({local, Name}) when is_atom(Name) -> whereis(Name);
where({Name, Node}) when is_atom(Name), Node =:= node() -> whereis(Name).

cast(Server, Request) ->
    case where(Server) of
        undefined -> ok;
        Pid -> Pid ! {'$gen_cast', Request}, ok
    end.

reply({To, Tag}, Reply) ->
    To ! {Tag, Reply},
    ok.

stop(Server) -> stop(Server, normal, infinity).

%% Asks the server to terminate with Reason and waits until it is gone; exits with noproc
%% when there is no such server, with timeout when it takes too long, and with the
%% server's exit reason when terminate/2 fails.
stop(Server, Reason, Timeout) ->
    case where(Server) of
        undefined -> exit(noproc);
        Pid ->
            Mref = erlang:monitor(process, Pid),
            Pid ! {system, {self(), Mref}, {terminate, Reason}},
            receive
                {'DOWN', Mref, _, _, Reason} -> ok;
                {'DOWN', Mref, _, _, noproc} -> exit(noproc);
                {'DOWN', Mref, _, _, Other} -> exit(Other)
            after Timeout ->
                    erlang:demonitor(Mref, [flush]),
                    exit(timeout)
            end
    end.

%% timer — OTP 25's timer module without its gen_server: sleep/1, tc/1,2,3, the time unit
%% conversions, now_diff/2, and timers (send_after, send_interval, apply_after,
%% apply_interval, exit_after, kill_after, cancel).
%%
%% As in OTP 25, a time of 0 acts at once ({ok, {instant, Ref}}), send_after/3 to a local
%% pid is erlang:send_after/3 ({ok, {send_local, TimerRef}}), and the other timers return
%% {ok, {once, Ref}} or {ok, {interval, Ref}}. Those are run by one helper process each,
%% which a small registered process (timer_server, started on first use) finds again for
%% cancel/1; OTP runs them in its timer gen_server instead.
-module(timer).

-export([sleep/1, tc/1, tc/2, tc/3, now_diff/2, seconds/1, minutes/1, hours/1, hms/3]).
-export([send_after/2, send_after/3, send_interval/2, send_interval/3, apply_after/4,
         apply_interval/4, exit_after/2, exit_after/3, kill_after/1, kill_after/2,
         cancel/1, start/0]).
-export([server_loop/1, once/3, interval/4]).

sleep(T) ->
    receive
    after T -> ok
    end.

tc(F) ->
    T1 = erlang:monotonic_time(microsecond),
    Val = F(),
    T2 = erlang:monotonic_time(microsecond),
    {T2 - T1, Val}.

tc(F, A) ->
    T1 = erlang:monotonic_time(microsecond),
    Val = apply(F, A),
    T2 = erlang:monotonic_time(microsecond),
    {T2 - T1, Val}.

tc(M, F, A) ->
    T1 = erlang:monotonic_time(microsecond),
    Val = apply(M, F, A),
    T2 = erlang:monotonic_time(microsecond),
    {T2 - T1, Val}.

now_diff({A2, B2, C2}, {A1, B1, C1}) ->
    ((A2 - A1) * 1000000 + B2 - B1) * 1000000 + C2 - C1.

seconds(Seconds) -> 1000 * Seconds.

minutes(Minutes) -> 1000 * 60 * Minutes.

hours(Hours) -> 1000 * 60 * 60 * Hours.

hms(H, M, S) -> hours(H) + minutes(M) + seconds(S).

%% ---- timers ----

%% Time 0 acts at once and returns {ok, {instant, Ref}}, as in OTP 25.
send_after(0, Dest, Message) when is_pid(Dest); is_atom(Dest) ->
    Dest ! Message,
    {ok, {instant, make_ref()}};
send_after(0, {RegName, Node} = Dest, Message) when is_atom(RegName), is_atom(Node) ->
    Dest ! Message,
    {ok, {instant, make_ref()}};
%% (OTP also requires node(Pid) =:= node(); heapscope has a single node.)
send_after(Time, Pid, Message) when is_integer(Time), Time >= 0, is_pid(Pid) ->
    {ok, {send_local, erlang:send_after(Time, Pid, Message)}};
send_after(Time, Pid, Message) when is_pid(Pid) ->
    new_once(Time, {send, Pid, Message});
send_after(Time, RegName, Message) when is_atom(RegName) ->
    new_once(Time, {send, RegName, Message});
send_after(Time, {RegName, Node} = Dest, Message) when is_atom(RegName), is_atom(Node) ->
    new_once(Time, {send, Dest, Message});
send_after(_Time, _Dest, _Message) ->
    {error, badarg}.

send_after(Time, Message) -> send_after(Time, self(), Message).

apply_after(0, M, F, A) when is_atom(M), is_atom(F), is_list(A) ->
    fire({apply, M, F, A}),
    {ok, {instant, make_ref()}};
apply_after(Time, M, F, A) when is_atom(M), is_atom(F), is_list(A) ->
    new_once(Time, {apply, M, F, A});
apply_after(_Time, _M, _F, _A) ->
    {error, badarg}.

exit_after(Time, Pid, Reason) ->
    case apply_after(Time, erlang, exit, [Pid, Reason]) of
        {ok, {instant, _}} = Instant -> Instant;
        Other -> Other
    end.

exit_after(Time, Reason) -> exit_after(Time, self(), Reason).

kill_after(Time, Pid) -> exit_after(Time, Pid, kill).

kill_after(Time) -> exit_after(Time, self(), kill).

%% An interval timer stops when the process it is tied to dies: the caller for
%% apply_interval, the destination for send_interval (as in OTP 25).
apply_interval(Time, M, F, A) when is_integer(Time), Time >= 0, is_atom(M), is_atom(F), is_list(A) ->
    new_interval(Time, {apply, M, F, A}, self());
apply_interval(_Time, _M, _F, _A) ->
    {error, badarg}.

send_interval(Time, Pid, Message) when is_integer(Time), Time >= 0, is_pid(Pid) ->
    new_interval(Time, {send, Pid, Message}, Pid);
send_interval(Time, RegName, Message) when is_integer(Time), Time >= 0, is_atom(RegName) ->
    new_interval(Time, {send, RegName, Message}, whereis(RegName));
send_interval(Time, {RegName, Node} = Dest, Message)
  when is_integer(Time), Time >= 0, is_atom(RegName), is_atom(Node) ->
    new_interval(Time, {send, Dest, Message}, undefined);
send_interval(_Time, _Dest, _Message) ->
    {error, badarg}.

send_interval(Time, Message) -> send_interval(Time, self(), Message).

cancel({instant, Ref}) when is_reference(Ref) ->
    {ok, cancel};
cancel({send_local, Ref}) when is_reference(Ref) ->
    _ = erlang:cancel_timer(Ref),
    {ok, cancel};
cancel({Kind, Ref}) when (Kind =:= once orelse Kind =:= interval), is_reference(Ref) ->
    server() ! {cancel, Ref},
    {ok, cancel};
cancel(_) ->
    {error, badarg}.

start() ->
    _ = server(),
    ok.

new_once(Time, Action) when is_integer(Time), Time >= 0 ->
    Ref = make_ref(),
    Pid = spawn(?MODULE, once, [Time, Action, server()]),
    server() ! {add, Ref, Pid},
    {ok, {once, Ref}};
new_once(_Time, _Action) ->
    {error, badarg}.

new_interval(Time, Action, Owner) ->
    Ref = make_ref(),
    Pid = spawn(?MODULE, interval, [Time, Action, Owner, server()]),
    server() ! {add, Ref, Pid},
    {ok, {interval, Ref}}.

%% A one-shot timer process: fires once unless cancelled first.
once(Time, Action, Server) ->
    receive
        cancel -> ok
    after Time ->
            Server ! {done, self()},
            fire(Action)
    end.

%% An interval timer process: fires every Time ms until cancelled or its owner dies.
interval(Time, Action, Owner, Server) ->
    Mref = case is_pid(Owner) of
               true -> erlang:monitor(process, Owner);
               false -> none
           end,
    interval_loop(Time, Action, Mref, Server).

interval_loop(Time, Action, Mref, Server) ->
    receive
        cancel -> ok;
        {'DOWN', Mref, process, _, _} -> Server ! {done, self()}
    after Time ->
            fire(Action),
            interval_loop(Time, Action, Mref, Server)
    end.

%% Errors in the action (a dead registered name, a bad apply) end only the timer process.
fire({send, Dest, Message}) ->
    catch Dest ! Message,
    ok;
fire({apply, erlang, exit, [Name, Reason]}) ->
    %% OTP exits the process directly (a registered name is looked up first).
    Pid = case is_atom(Name) of
              true -> whereis(Name);
              false -> Name
          end,
    catch exit(Pid, Reason),
    ok;
fire({apply, M, F, A}) ->
    catch spawn(M, F, A),
    ok.

%% The registry of running timers: timer reference -> timer process.
server() ->
    case whereis(timer_server) of
        undefined ->
            Pid = spawn(?MODULE, server_loop, [#{}]),
            try register(timer_server, Pid) of
                true -> Pid
            catch
                error:badarg ->
                    exit(Pid, kill),
                    server()
            end;
        Pid -> Pid
    end.

server_loop(Timers) ->
    receive
        {add, Ref, Pid} -> server_loop(maps:put(Ref, Pid, Timers));
        {cancel, Ref} ->
            case maps:find(Ref, Timers) of
                {ok, Pid} ->
                    Pid ! cancel,
                    server_loop(maps:remove(Ref, Timers));
                error -> server_loop(Timers)
            end;
        {done, Pid} ->
            server_loop(maps:filter(fun(_, P) -> P =/= Pid end, Timers))
    end.

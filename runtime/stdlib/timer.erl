%% timer — OTP 25's timer module without its gen_server: sleep/1, tc/1,2,3, the time unit
%% conversions, now_diff/2, and timers (send_after, send_interval, apply_after,
%% apply_interval, exit_after, kill_after, cancel).
%%
%% As in OTP 25, send_after/3 to a pid is erlang:send_after/3 and returns
%% {ok, {send_local, TimerRef}}; the other timers return {ok, {once, Ref}} or
%% {ok, {interval, Ref}} and are run by one helper process each, which a small registered
%% process (timer_server, started on first use) finds again for cancel/1. Interval timers
%% stop when the process that created them dies, as in OTP.
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

send_after(Time, Pid, Message) when is_pid(Pid), is_integer(Time), Time >= 0 ->
    {ok, {send_local, erlang:send_after(Time, Pid, Message)}};
send_after(Time, Dest, Message) when is_integer(Time), Time >= 0 ->
    new_timer(once, Time, {send, Dest, Message});
send_after(_Time, _Dest, _Message) ->
    {error, badarg}.

send_after(Time, Message) -> send_after(Time, self(), Message).

send_interval(Time, Dest, Message) when is_integer(Time), Time >= 0 ->
    new_timer(interval, Time, {send, Dest, Message});
send_interval(_Time, _Dest, _Message) ->
    {error, badarg}.

send_interval(Time, Message) -> send_interval(Time, self(), Message).

apply_after(Time, M, F, A) when is_integer(Time), Time >= 0, is_atom(M), is_atom(F), is_list(A) ->
    new_timer(once, Time, {apply, M, F, A});
apply_after(_Time, _M, _F, _A) ->
    {error, badarg}.

apply_interval(Time, M, F, A) when is_integer(Time), Time >= 0, is_atom(M), is_atom(F), is_list(A) ->
    new_timer(interval, Time, {apply, M, F, A});
apply_interval(_Time, _M, _F, _A) ->
    {error, badarg}.

exit_after(Time, Pid, Reason) when is_integer(Time), Time >= 0 ->
    new_timer(once, Time, {exit, Pid, Reason});
exit_after(_Time, _Pid, _Reason) ->
    {error, badarg}.

exit_after(Time, Reason) -> exit_after(Time, self(), Reason).

kill_after(Time, Pid) -> exit_after(Time, Pid, kill).

kill_after(Time) -> exit_after(Time, self(), kill).

cancel({send_local, Ref}) when is_reference(Ref) ->
    erlang:cancel_timer(Ref),
    {ok, cancel};
cancel({Kind, Ref}) when (Kind =:= once orelse Kind =:= interval), is_reference(Ref) ->
    server() ! {cancel, Ref},
    {ok, cancel};
cancel(_) ->
    {error, badarg}.

start() ->
    _ = server(),
    ok.

new_timer(Kind, Time, Action) ->
    Ref = make_ref(),
    Pid = case Kind of
              once -> spawn(?MODULE, once, [Time, Action, server()]);
              interval -> spawn(?MODULE, interval, [Time, Action, self(), server()])
          end,
    server() ! {add, Ref, Pid},
    {ok, {Kind, Ref}}.

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
    Mref = erlang:monitor(process, Owner),
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
fire({apply, M, F, A}) ->
    catch spawn(M, F, A),
    ok;
fire({exit, Pid, Reason}) ->
    catch exit(Pid, Reason),
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

%% Exercises the bundled timer module (results only, never the time taken).
-module(timer_test).
-export([main/0, hello/1]).

p(X) -> io:format("~p~n", [X]).

hello(Pid) -> Pid ! hello_applied.

flush() ->
    receive M -> [M | flush()] after 0 -> [] end.

main() ->
    p({timer:seconds(2), timer:minutes(3), timer:hours(1), timer:hms(1, 2, 3)}),
    p(timer:now_diff({1, 2, 3}, {1, 1, 0})),
    p(timer:sleep(10)),
    {T, V} = timer:tc(fun() -> timer:sleep(20), done end),
    p({V, T >= 20000, is_integer(T)}),
    {_, V2} = timer:tc(fun(X) -> X * 2 end, [21]),
    {_, V3} = timer:tc(lists, reverse, [[1, 2, 3]]),
    p({V2, V3}),
    {ok, R1} = timer:send_after(30, self(), first),
    {ok, R2} = timer:send_after(10, self(), second),
    {ok, R3} = timer:send_after(20, third),
    p({element(1, R1), element(1, R2), element(1, R3)}),
    timer:sleep(80),
    p(flush()),
    {ok, C} = timer:send_after(30, self(), cancelled),
    p(timer:cancel(C)),
    register(timer_test_proc, self()),
    {ok, R4} = timer:send_after(10, timer_test_proc, by_name),
    p(element(1, R4)),
    {ok, R5} = timer:apply_after(10, ?MODULE, hello, [self()]),
    p(element(1, R5)),
    {ok, C2} = timer:apply_after(20, ?MODULE, hello, [self()]),
    p(timer:cancel(C2)),
    timer:sleep(80),
    p(lists:sort(flush())),
    {ok, I} = timer:send_interval(20, self(), tick),
    p(element(1, I)),
    timer:sleep(110),
    p(timer:cancel(I)),
    Ticks = flush(),
    p({length(Ticks) >= 3, length(Ticks) =< 6, lists:usort(Ticks)}),
    timer:sleep(60),
    p(flush()),
    Victim = spawn(fun() -> receive after infinity -> ok end end),
    {ok, K} = timer:kill_after(10, Victim),
    p(element(1, K)),
    timer:sleep(50),
    p(is_process_alive(Victim)),
    {ok, {instant, IR}} = timer:send_after(0, self(), now),
    p({is_reference(IR), flush()}),
    {ok, {instant, _}} = timer:apply_after(0, ?MODULE, hello, [self()]),
    timer:sleep(20),
    p(flush()),
    p(timer:cancel({instant, IR})),
    p(timer:apply_after(-5, ?MODULE, hello, [self()])),
    p({timer:send_interval(a, x), timer:apply_interval(1, "m", f, [])}),
    Owner = spawn(fun() -> receive stop -> ok end end),
    {ok, _} = timer:send_interval(10, Owner, tick),
    Owner ! stop,
    timer:sleep(40),
    p(is_process_alive(Owner)),
    p(timer:cancel(not_a_timer)),
    p(timer:send_after(-1, self(), x)),
    ok.

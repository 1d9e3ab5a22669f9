%% Exercises the bundled gen_server: start/start_link with and without a name, call (with
%% timeouts, to a dead or unknown server), cast, reply from another process, info messages,
%% callback timeouts and continue, stop/1,3 and terminate/2, ignore. (No init failures:
%% OTP prints a CRASH REPORT for them, with pids and heap sizes, whenever the logger gets
%% to it before halt.)
-module(gen_server_test).
-behaviour(gen_server).
-export([main/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, handle_continue/2, terminate/2]).

p(X) -> io:format("~p~n", [X]).

t(F) -> try F() catch C:R -> {C, R} end.

init({ok, N}) -> {ok, N};
init({timeout, N}) -> {ok, N, 50};
init({continue, N}) -> {ok, N, {continue, init_more}};
init(ignore) -> ignore;
init(stop) -> {stop, no_way};
init(crash) -> erlang:error(boom);
init(bad) -> what;
init(throw) -> throw({ok, thrown}).

handle_call(get, _From, N) -> {reply, N, N};
handle_call({add, M}, _From, N) -> {reply, ok, N + M};
handle_call(slow, _From, N) -> timer:sleep(200), {reply, late, N};
handle_call(later, From, N) ->
    spawn(fun() -> gen_server:reply(From, {deferred, N}) end),
    {noreply, N};
handle_call(with_timeout, _From, N) -> {reply, ok, N, 20};
handle_call(stop_me, _From, N) -> {stop, normal, stopping, N};
handle_call(throw_me, _From, _N) -> throw({reply, thrown_reply, 99});
handle_call(hib, _From, N) -> {reply, ok, N, hibernate};
handle_call(cont, _From, N) -> {reply, ok, N, {continue, more}};
handle_call(self_call, _From, N) ->
    {reply, catch gen_server:call(self(), get), N}.

handle_cast({set, M}, _N) -> {noreply, M};
handle_cast({notify, Pid}, N) -> Pid ! {state, N}, {noreply, N};
handle_cast(stop, N) -> {stop, normal, N}.

handle_info(timeout, N) -> {noreply, N + 1000};
handle_info({ping, Pid}, N) -> Pid ! {pong, N}, {noreply, N}.

handle_continue(init_more, N) -> {noreply, N * 2};
handle_continue(more, N) -> {noreply, N + 1}.

terminate(Reason, N) ->
    io:format("terminate ~p ~p~n", [Reason, N]).

main() ->
    {ok, P} = gen_server:start(?MODULE, {ok, 1}, []),
    p(is_pid(P)),
    p(gen_server:call(P, get)),
    p(gen_server:call(P, {add, 5})),
    p(gen_server:call(P, get, 1000)),
    p(gen_server:cast(P, {set, 42})),
    p(gen_server:call(P, get)),
    p(gen_server:call(P, later)),
    P ! {ping, self()},
    receive {pong, V} -> p({pong, V}) end,
    gen_server:cast(P, {notify, self()}),
    receive {state, S} -> p({state, S}) end,
    p(gen_server:call(P, with_timeout)),
    timer:sleep(100),
    p(gen_server:call(P, get)),
    p(gen_server:call(P, throw_me)),
    p(gen_server:call(P, get)),
    p(gen_server:call(P, hib)),
    p(gen_server:call(P, cont)),
    p(gen_server:call(P, get)),
    {'EXIT', {calling_self, {gen_server, call, [Self, get]}}} = gen_server:call(P, self_call),
    p(Self =:= P),
    p(t(fun() -> gen_server:call(P, slow, 50) end) =:= {exit, {timeout, {gen_server, call, [P, slow, 50]}}}),
    receive_stray(),
    p(gen_server:call(P, stop_me)),
    timer:sleep(20),
    p(is_process_alive(P)),
    p(t(fun() -> gen_server:call(P, get) end) =:= {exit, {noproc, {gen_server, call, [P, get]}}}),
    p(t(fun() -> gen_server:call(no_such_server, get) end)),
    p(t(fun() -> gen_server:call(no_such_server, get, 100) end)),
    p(gen_server:cast(no_such_server, hello)),
    {ok, N} = gen_server:start({local, named_srv}, ?MODULE, {ok, 7}, []),
    p(whereis(named_srv) =:= N),
    p(gen_server:call(named_srv, get)),
    p(element(1, gen_server:start({local, named_srv}, ?MODULE, {ok, 8}, []))),
    {error, {already_started, N2}} = gen_server:start({local, named_srv}, ?MODULE, {ok, 8}, []),
    p(N2 =:= N),
    p(gen_server:stop(named_srv)),
    p(whereis(named_srv)),
    {ok, L} = gen_server:start_link(?MODULE, {timeout, 3}, []),
    timer:sleep(100),
    p(gen_server:call(L, get)),
    p(gen_server:stop(L, normal, 1000)),
    {ok, C} = gen_server:start_link(?MODULE, {continue, 5}, []),
    p(gen_server:call(C, get)),
    gen_server:cast(C, stop),
    timer:sleep(20),
    p(is_process_alive(C)),
    p(gen_server:start(?MODULE, ignore, [])),
    {ok, Th} = gen_server:start(?MODULE, throw, []),
    p(gen_server:call(Th, get)),
    p(t(fun() -> gen_server:stop(no_such_server) end)),
    {ok, {Mp, Mref}} = gen_server:start_monitor(?MODULE, {ok, 11}, []),
    p(gen_server:call(Mp, get)),
    gen_server:cast(Mp, stop),
    receive {'DOWN', Mref, process, Mp, Why} -> p({down, Why}) end,
    p(gen_server:start_monitor({local, named3}, ?MODULE, ignore, [])),
    _ = flush(),
    ok.

flush() ->
    receive M -> [M | flush()] after 0 -> [] end.

receive_stray() ->
    receive _ -> receive_stray() after 300 -> ok end.

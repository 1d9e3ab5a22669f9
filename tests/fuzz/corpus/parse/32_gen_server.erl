-module('32_gen_server').
-behaviour(gen_server).
-export([start_link/0, stop/0, get/1, put/2]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2, code_change/3]).

-record(state, {tab = #{} :: map(), hits = 0 :: non_neg_integer()}).

-define(SERVER, ?MODULE).

start_link() -> gen_server:start_link({local, ?SERVER}, ?MODULE, [], []).
stop() -> gen_server:call(?SERVER, stop).
get(K) -> gen_server:call(?SERVER, {get, K}).
put(K, V) -> gen_server:cast(?SERVER, {put, K, V}).

init([]) -> {ok, #state{}}.

handle_call({get, K}, _From, #state{tab = T, hits = H} = S) ->
    Reply = case maps:find(K, T) of
                {ok, V} -> {ok, V};
                error -> not_found
            end,
    {reply, Reply, S#state{hits = H + 1}};
handle_call(stop, _From, S) ->
    {stop, normal, ok, S}.

handle_cast({put, K, V}, S = #state{tab = T}) ->
    {noreply, S#state{tab = T#{K => V}}}.

handle_info(_Msg, S) -> {noreply, S}.
terminate(_Reason, _S) -> ok.
code_change(_Old, S, _Extra) -> {ok, S}.

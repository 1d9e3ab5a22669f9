%% Agent overhead benchmark (scripts/bench.sh): message-heavy. 4 pairs ping-pong 50,000
%% messages each, every message a small tuple with a list.
-module(message_heavy).
-export([main/0, pong/0]).

main() ->
    Self = self(),
    Ps = [spawn(fun() -> Pong = spawn(?MODULE, pong, []), ping(Pong, 250000), Self ! done end)
          || _ <- lists:seq(1, 4)],
    [receive done -> ok end || _ <- Ps],
    ok.

ping(Pong, 0) -> Pong ! stop;
ping(Pong, N) ->
    Pong ! {ping, self(), N, [N, N + 1]},
    receive {pong, N} -> ping(Pong, N - 1) end.

pong() ->
    receive
        {ping, From, N, _L} -> From ! {pong, N}, pong();
        stop -> ok
    end.

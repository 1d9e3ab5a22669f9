%% Story: a process holding large binaries.
%% A router receives 64 KiB refc binaries and keeps only a small header of each, but as a
%% sub-binary: the sub-binary keeps the whole refc binary referenced. Its own heap stays small,
%% so it rarely collects, and the binaries it dropped stay referenced from its garbage until a
%% GC. A forced GC frees most of them: heapscope's verdict is binary / suspect (recon's
%% bin_leak), not a leak.
-module(binary_holder).
-export([main/0, router/1]).

main() ->
    R = spawn(?MODULE, router, [[]]),
    register(router, R),
    feed(R, 0, 40),
    R ! {stop, self()},
    receive stopped -> ok end.

%% 40 rounds of 8 packets, 50 ms apart: 2 seconds.
feed(_R, _N, 0) -> ok;
feed(R, N, Rounds) ->
    [R ! {packet, packet(N + I)} || I <- lists:seq(1, 8)],
    receive after 50 -> ok end,
    feed(R, N + 8, Rounds - 1).

packet(N) -> <<N:32, 0:(65536 * 8 - 32)>>.

%% Keeps the last 4 headers (bounded), each a sub-binary of its packet.
router(Headers) ->
    receive
        {packet, <<Hdr:4/binary, _/binary>>} ->
            router(lists:sublist([Hdr | Headers], 4));
        {stop, From} ->
            From ! stopped
    end.

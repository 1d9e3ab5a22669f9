%% Story: a send that explodes through loss of sharing.
%% The message holds the same 200-element list 16 times. On the sender's heap it is stored once
%% (about 430 words); a send copies it flat, 16 times over (about 6,400 words). heapscope's
%% verdict is lost_sharing / suspect at the send site below.
-module(lost_sharing).
-export([main/0, sink/0]).

main() ->
    Sink = spawn(?MODULE, sink, []),
    Row = lists:seq(1, 200),
    Table = list_to_tuple(lists:duplicate(16, Row)),
    send_all(Sink, Table, 300),
    Sink ! {done, self()},
    receive finished -> ok end.

send_all(_Sink, _Table, 0) -> ok;
send_all(Sink, Table, N) ->
    Sink ! {table, N, Table},
    send_all(Sink, Table, N - 1).

sink() ->
    receive
        {table, _N, T} -> _ = tuple_size(T), sink();
        {done, From} -> From ! finished
    end.

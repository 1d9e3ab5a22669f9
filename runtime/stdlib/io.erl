%% io — the parts of OTP 25's io module written in Erlang here; format/1,2,3, fwrite/1,2,3,
%% put_chars/1,2 and nl/0,1 are BIFs (runtime/bif/io.c), not defined in this file.
%%
%% Standard output is a pipe or a file as under `erl -noshell`: columns/rows are
%% {error, enotsup}, the printable range is OTP's default, latin1. Reading from standard input
%% (get_line, get_chars, read, fread, scan_erl_*, parse_erl_*), setopts/getopts and
%% request/requests are not bundled (docs/language.md).
-module(io).

-export([write/1, write/2, columns/0, columns/1, rows/0, rows/1, printable_range/0]).

write(Term) ->
    io:put_chars(io_lib:write(Term)).

write(Device, Term) ->
    io:put_chars(Device, io_lib:write(Term)).

columns() ->
    {error, enotsup}.

columns(_Device) ->
    {error, enotsup}.

rows() ->
    {error, enotsup}.

rows(_Device) ->
    {error, enotsup}.

printable_range() ->
    latin1.

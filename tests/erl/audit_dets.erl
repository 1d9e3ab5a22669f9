-module(audit_dets).
-export([main/0]).
%% dets:info(T, file_size) as OTP guarantees it (the formats differ, so the figures do): an
%% integer that grows when objects are written and is the same after close and reopen; and
%% the table kinds and access of info/1,2 on a reopened read-only table.

file(Name, Sx) -> "/tmp/hs_audit_dets_" ++ atom_to_list(Name) ++ Sx ++ ".dets".

%% OTP and heapscope write different formats: whichever finds the probe file in the other's
%% format uses a second set of names (as tests/erl/dets_query.erl does).
pick_names() ->
    case dets:open_file(audit_probe, [{file, file(audit_probe, "")}]) of
        {ok, audit_probe} -> dets:close(audit_probe), "";
        {error, _} -> "_2"
    end.

main() ->
    Sx = pick_names(),
    F = file(fs, Sx),
    {ok, fs} = dets:open_file(fs, [{file, F}, {type, duplicate_bag}]),
    ok = dets:delete_all_objects(fs),
    ok = dets:sync(fs),
    S0 = dets:info(fs, file_size),
    ok = dets:insert(fs, [{I rem 100, lists:seq(1, 50)} || I <- lists:seq(1, 2000)]),
    ok = dets:sync(fs),
    S1 = dets:info(fs, file_size),
    io:format("~p~n", [[{integer, is_integer(S0) andalso is_integer(S1)}, {grows, S1 > S0},
                        {holds_the_data, S1 - S0 > 2000 * 50}, {size, dets:info(fs, size)},
                        {no_keys, dets:info(fs, no_keys)}, {type, dets:info(fs, type)}]]),
    ok = dets:close(fs),
    {ok, fs} = dets:open_file(fs, [{file, F}, {type, duplicate_bag}, {access, read}]),
    S2 = dets:info(fs, file_size),
    io:format("~p~n", [[{same_after_reopen, S2 =:= S1}, {access, dets:info(fs, access)},
                        {filename, dets:info(fs, filename) =:= F}, {size, dets:info(fs, size)},
                        {lookup, length(dets:lookup(fs, 7))},
                        {insert_refused, dets:insert(fs, {x, y}) =:= {error, {access_mode, F}}}]]),
    ok = dets:close(fs),
    io:format("~p~n", [dets:info(fs, file_size)]),
    ok.

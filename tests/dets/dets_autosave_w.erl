-module(dets_autosave_w).
-export([main/1]).
%% Opens File with the auto_save given ("200" or "infinity"), writes 100 objects, says so, then
%% idles (no sync, no close) until killed.
main([File, Auto]) ->
    AutoSave = case Auto of "infinity" -> infinity; _ -> list_to_integer(Auto) end,
    {ok, t} = dets:open_file(t, [{file, File}, {auto_save, AutoSave}]),
    ok = dets:delete_all_objects(t),
    ok = dets:insert(t, [{I, I * I} || I <- lists:seq(1, 100)]),
    io:format("inserted~n"),
    timer:sleep(60000).

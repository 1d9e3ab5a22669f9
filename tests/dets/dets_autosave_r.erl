-module(dets_autosave_r).
-export([main/1]).
%% Reopens without repair: a table the auto_save left clean opens and holds every object; an
%% unsaved one needs repair.
main([File]) ->
    case dets:open_file(t, [{file, File}, {repair, false}]) of
        {ok, t} ->
            io:format("size ~p, 42 -> ~p~n", [dets:info(t, size), dets:lookup(t, 42)]),
            dets:close(t);
        {error, {needs_repair, _}} -> io:format("needs repair~n");
        Other -> io:format("~p~n", [Other])
    end.

-module(dets_basic).
-export([main/0]).

%% dets: open/close, every type, insert/lookup/delete, errors; outputs sorted where OTP's
%% order is its hash order.
err(F) ->
    try F() of V -> V catch C:R -> {C, R} end.

%% heapscope has no file module yet: a table left by an earlier run is emptied instead.
fresh(Name, Opts) ->
    {ok, Name} = dets:open_file(Name, Opts),
    ok = dets:delete_all_objects(Name),
    {ok, Name}.

%% OTP and heapscope write different formats: whichever finds the probe file in the other's
%% format uses a second set of names (file names are printed only as relations).
file(Name, Sx) -> "/tmp/hs_dets_basic_" ++ atom_to_list(Name) ++ Sx ++ ".dets".

pick_names() ->
    case dets:open_file(probe, [{file, file(probe, "")}]) of
        {ok, probe} -> dets:close(probe), "";
        {error, _} -> "_2"
    end.

main() ->
    Sx = pick_names(),
    {ok, s} = fresh(s, [{file, file(s, Sx)}]),
    io:format("~p~n", [dets:info(s, type)]),
    io:format("~p~n", [dets:info(s, keypos)]),
    io:format("~p~n", [dets:info(s, size)]),
    io:format("~p~n", [dets:info(s, filename) =:= file(s, Sx)]),
    io:format("~p~n", [[K || {K, _} <- dets:info(s)]]),
    io:format("~p~n", [dets:info(s, file_size) =:= dets:info(s, memory)]),
    io:format("~p~n", [dets:info(s, access)]),
    io:format("~p~n", [dets:info(s, auto_save)]),
    io:format("~p~n", [dets:info(s, bogus)]),
    ok = dets:insert(s, {a, 1}),
    ok = dets:insert(s, [{b, 2}, {c, 3}, {a, 4}]),
    io:format("~p~n", [dets:lookup(s, a)]),
    io:format("~p~n", [dets:lookup(s, zz)]),
    io:format("~p~n", [dets:member(s, b)]),
    io:format("~p~n", [dets:member(s, zz)]),
    io:format("~p~n", [dets:info(s, size)]),
    io:format("~p~n", [dets:insert_new(s, {a, 9})]),
    io:format("~p~n", [dets:insert_new(s, [{q, 1}, {b, 9}])]),
    io:format("~p~n", [dets:insert_new(s, [{q, 1}, {r, 2}])]),
    io:format("~p~n", [dets:insert_new(s, [])]),
    io:format("~p~n", [dets:insert(s, [])]),
    io:format("~p~n", [dets:lookup(s, q)]),
    io:format("~p~n", [dets:delete(s, q)]),
    io:format("~p~n", [dets:delete(s, nokey)]),
    io:format("~p~n", [dets:delete_object(s, {a, 1})]),
    io:format("~p~n", [dets:lookup(s, a)]),
    io:format("~p~n", [dets:delete_object(s, {a, 4})]),
    io:format("~p~n", [dets:lookup(s, a)]),
    io:format("~p~n", [dets:info(s, size)]),
    %% keys compare exactly: 1 and 1.0 differ
    ok = dets:insert(s, [{1, int}, {1.0, float}, {"str", list}, {<<"bin">>, binary},
                         {{t, 1}, tuple}, {#{m => 1}, map}]),
    io:format("~p~n", [[dets:lookup(s, K) || K <- [1, 1.0, "str", <<"bin">>, {t, 1}, #{m => 1}]]]),
    io:format("~p~n", [err(fun() -> dets:insert(s, {}) end)]),
    io:format("~p~n", [err(fun() -> dets:insert(s, [{ok, 1}, bad]) end)]),
    io:format("~p~n", [err(fun() -> dets:insert(s, notatuple) end)]),
    io:format("~p~n", [err(fun() -> dets:delete_object(s, {}) end)]),
    io:format("~p~n", [dets:lookup(s, ok)]),
    io:format("~p~n", [dets:sync(s)]),
    io:format("~p~n", [dets:all()]),
    io:format("~p~n", [dets:close(s)]),
    io:format("~p~n", [dets:all()]),
    io:format("~p~n", [dets:close(s)]),
    io:format("~p~n", [err(fun() -> dets:lookup(s, a) end)]),
    io:format("~p~n", [err(fun() -> dets:insert(s, {a, 1}) end)]),
    io:format("~p~n", [err(fun() -> dets:member(s, a) end)]),
    io:format("~p~n", [err(fun() -> dets:sync(s) end)]),
    io:format("~p~n", [err(fun() -> dets:delete(s, a) end)]),
    io:format("~p~n", [dets:info(s)]),
    io:format("~p~n", [dets:info(s, size)]),
    %% persistence
    {ok, s} = dets:open_file(s, [{file, file(s, Sx)}]),
    io:format("~p~n", [lists:sort(dets:match_object(s, '_'))]),
    io:format("~p~n", [dets:info(s, size)]),
    %% opening twice needs two closes
    io:format("~p~n", [dets:open_file(s, [{file, file(s, Sx)}])]),
    io:format("~p~n", [dets:open_file(s, [{file, file(s, Sx)}, {type, bag}])]),
    io:format("~p~n", [dets:open_file(s, [{file, file(x, Sx)}])]),
    io:format("~p~n", [dets:close(s)]),
    io:format("~p~n", [dets:all()]),
    io:format("~p~n", [dets:close(s)]),
    io:format("~p~n", [dets:all()]),
    %% bag and duplicate_bag
    {ok, b} = fresh(b, [{file, file(b, Sx)}, {type, bag}]),
    ok = dets:insert(b, [{k, 1}, {k, 2}, {k, 1.0}, {j, 3}]),
    ok = dets:insert(b, {k, 1}),
    ok = dets:insert(b, {k, 0}),
    io:format("~p~n", [dets:lookup(b, k)]),
    io:format("~p~n", [dets:info(b, size)]),
    io:format("~p~n", [dets:info(b, no_keys)]),
    io:format("~p~n", [dets:insert_new(b, {k, 5})]),
    ok = dets:delete_object(b, {k, 2}),
    io:format("~p~n", [dets:lookup(b, k)]),
    ok = dets:delete(b, k),
    io:format("~p~n", [dets:lookup(b, k)]),
    io:format("~p~n", [dets:info(b, size)]),
    ok = dets:close(b),
    {ok, d} = fresh(d, [{file, file(d, Sx)}, {type, duplicate_bag}]),
    ok = dets:insert(d, [{k, 1}, {k, 2}, {k, 1}, {j, 3}]),
    io:format("~p~n", [dets:lookup(d, k)]),
    io:format("~p~n", [dets:info(d, size)]),
    ok = dets:delete_object(d, {k, 1}),
    io:format("~p~n", [dets:lookup(d, k)]),
    io:format("~p~n", [dets:delete_all_objects(d)]),
    io:format("~p~n", [dets:info(d, size)]),
    io:format("~p~n", [dets:lookup(d, j)]),
    ok = dets:close(d),
    %% keypos
    {ok, k} = fresh(k, [{file, file(k, Sx)}, {keypos, 2}]),
    ok = dets:insert(k, [{rec, 1, a}, {rec, 2, b}, {other, 1, c}]),
    io:format("~p~n", [dets:lookup(k, 1)]),
    io:format("~p~n", [err(fun() -> dets:insert(k, {only}) end)]),
    io:format("~p~n", [dets:info(k, keypos)]),
    ok = dets:close(k),
    io:format("~p~n", [dets:open_file(k, [{file, file(k, Sx)}]) =:= {error, {keypos_mismatch, file(k, Sx)}}]),
    io:format("~p~n", [dets:open_file(k, [{file, file(k, Sx)}, {keypos, 2}, {type, bag}]) =:=
                       {error, {type_mismatch, file(k, Sx)}}]),
    {ok, k} = dets:open_file(k, [{file, file(k, Sx)}, {keypos, 2}]),
    io:format("~p~n", [dets:info(k, size)]),
    ok = dets:close(k),
    %% access read
    {ok, r} = dets:open_file(r, [{file, file(s, Sx)}, {access, read}]),
    io:format("~p~n", [dets:info(r, access)]),
    io:format("~p~n", [dets:insert(r, {a, 1}) =:= {error, {access_mode, file(s, Sx)}}]),
    io:format("~p~n", [dets:delete(r, a) =:= {error, {access_mode, file(s, Sx)}}]),
    io:format("~p~n", [dets:delete_object(r, {a, 1}) =:= {error, {access_mode, file(s, Sx)}}]),
    io:format("~p~n", [dets:lookup(r, b)]),
    ok = dets:close(r),
    %% bad arguments to open_file
    io:format("~p~n", [err(fun() -> dets:open_file(y, [{type, foo}]) end)]),
    io:format("~p~n", [err(fun() -> dets:open_file(y, [bogus]) end)]),
    io:format("~p~n", [err(fun() -> dets:open_file(y, [{keypos, 0}]) end)]),
    io:format("~p~n", [err(fun() -> dets:open_file(y, [{repair, maybe}]) end)]),
    io:format("~p~n", [err(fun() -> dets:open_file(y, [{access, write}]) end)]),
    io:format("~p~n", [err(fun() -> dets:open_file(y, [{auto_save, -1}]) end)]),
    io:format("~p~n", [err(fun() -> dets:open_file(y, notalist) end)]),
    io:format("~p~n", [dets:open_file(y, [{file, "/tmp/hs_dets_no_such_dir/y.dets"}])]),
    io:format("~p~n", [dets:open_file(y, [{file, file(y, Sx)}, {access, read}]) =:=
                       {error, {file_error, file(y, Sx), enoent}}]),
    io:format("~p~n", [dets:all()]),
    ok.

%% gc_bench — OTP 25's side of bench/bench_gc.c: the same live data, the same three
%% collections, timed the same way. scripts/bench.sh compiles it into a temporary directory,
%% runs gc_bench:main() and pairs each entry with the C benchmark of the same name.
%%
%% Prints one JSON object on one line:
%%   {"gc_major": {"words": W, "seconds": S, "words_per_sec": R, "reps": N, ...}, ...}
%% where W is the live data the collection copies (erts_debug:flat_size of the roots),
%% S the median wall time of one collection and R = W / S.
%%
%% The data: a list of ELEMS 3-tuples {I, [I, I+1, I+2], float(I)}: cons 2 + tuple 4 +
%% short list 6 + float 2 = 14 words an element, no sharing, nothing literal.
%%
%% Each benchmark runs in a fresh process whose min_heap_size is large enough that building
%% the data never collects, so the only collections are the ones this module asks for:
%%   gc_major          erlang:garbage_collect(): a fullsweep copies all the data into a new block.
%%   gc_minor_young    the data was built after the last collection (above the high-water mark)
%%                     and an old heap exists: a minor copies it within the young generation.
%%   gc_minor_promote  the data survived a major (below the high-water mark): the next minor
%%                     creates the old heap and promotes all of it there.
%% Each measured collection is checked (minor_gcs went up by one, the data sits in the
%% generation it should) and the data is walked and checksummed after every repetition.
-module(gc_bench).
-export([main/0, main/1]).

-define(ELEMS, 75000).
-define(WORDS_PER_ELEM, 14).
-define(REPS, 9).
%% Words; OTP rounds it up through the heap-size table (4000000 -> 4145207).
-define(MIN_HEAP, 4000000).

main() -> main([]).

main(_Args) ->
    Results = [{Name, run_isolated(Name)} || Name <- [gc_major, gc_minor_young, gc_minor_promote]],
    io:put_chars([json_object(Results), $\n]).

%% Runs one benchmark in a fresh process and returns its result (a proplist).
run_isolated(Name) ->
    Parent = self(),
    {Pid, Ref} = spawn_opt(fun() -> Parent ! {self(), bench(Name)} end,
                           [monitor, {min_heap_size, ?MIN_HEAP}, {fullsweep_after, 65535}]),
    receive
        {Pid, Result} ->
            receive {'DOWN', Ref, process, Pid, _} -> ok end,
            Result;
        {'DOWN', Ref, process, Pid, Why} ->
            erlang:error({benchmark_crashed, Name, Why})
    end.

bench(gc_major) ->
    Data = build(?ELEMS),
    Words = check_size(Data),
    Sum = checksum(Data),
    erlang:garbage_collect(),                    % warm-up: settles the heap sizes
    Times = [major_once(Data, Sum) || _ <- lists:seq(1, ?REPS)],
    result(Words, Times);
bench(gc_minor_young) ->
    Keep = build(100),                           % mature data, so a minor can make an old heap
    Sum = checksum(build(?ELEMS)),
    Times = [minor_young_once(Keep, Sum) || _ <- lists:seq(1, ?REPS + 1)],
    result(?ELEMS * ?WORDS_PER_ELEM, tl(Times)); % the first repetition is a warm-up
bench(gc_minor_promote) ->
    Data = build(?ELEMS),
    Words = check_size(Data),
    Sum = checksum(Data),
    Times = [minor_promote_once(Data, Sum) || _ <- lists:seq(1, ?REPS + 1)],
    result(Words, tl(Times)).

major_once(Data, Sum) ->
    T = timed(fun() -> erlang:garbage_collect() end),
    Sum = checksum(Data),
    T.

%% One repetition in its own call, so that the previous repetition's data is unreachable (its
%% stack frame is gone) when the next one begins.
minor_young_once(Keep, Sum) ->
    erlang:garbage_collect(),                    % old heap freed; Keep is mature
    minor(),                                     % Keep promoted to a new old heap
    {_, OldBefore} = gc_info(old_heap_size),
    Data = build(?ELEMS),                        % young, above the high-water mark
    Minors = minor_gcs(),
    T = timed(fun minor/0),
    Minors1 = Minors + 1,
    Minors1 = minor_gcs(),                       % it was a minor ...
    {_, OldBefore} = gc_info(old_heap_size),     % ... that promoted nothing ...
    {_, Survived} = gc_info(recent_size),        % ... and copied the data within the young
    true = Survived >= ?ELEMS * ?WORDS_PER_ELEM, % heap, below the new high-water mark
    Sum = checksum(Data),
    check_size(Data),
    100 = length(Keep),
    T.

minor_promote_once(Data, Sum) ->
    erlang:garbage_collect(),                    % the data is now below the high-water mark
    Minors = minor_gcs(),
    T = timed(fun minor/0),
    Minors1 = Minors + 1,
    Minors1 = minor_gcs(),
    {_, Old} = gc_info(old_heap_size),
    true = Old >= ?ELEMS * ?WORDS_PER_ELEM,      % all of it went to the old heap
    {_, 0} = gc_info(recent_size),
    Sum = checksum(Data),
    T.

minor() -> true = erlang:garbage_collect(self(), [{type, minor}]).

timed(F) ->
    T0 = erlang:monotonic_time(nanosecond),
    F(),
    T1 = erlang:monotonic_time(nanosecond),
    (T1 - T0) / 1.0e9.

minor_gcs() ->
    {garbage_collection, L} = process_info(self(), garbage_collection),
    proplists:get_value(minor_gcs, L).

gc_info(Key) ->
    {garbage_collection_info, L} = process_info(self(), garbage_collection_info),
    lists:keyfind(Key, 1, L).

%% ---- the data ------------------------------------------------------------------------

build(N) -> build(N, []).
build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, [{N, [N, N + 1, N + 2], float(N)} | Acc]).

check_size(Data) ->
    Words = erts_debug:flat_size(Data),
    Words = length(Data) * ?WORDS_PER_ELEM,
    Words.

checksum(L) -> checksum(L, 1, 0).
checksum([], _, Acc) -> Acc;
checksum([{I, [I, J, K], F} | T], I, Acc) when J =:= I + 1, K =:= I + 2, F =:= float(I) ->
    checksum(T, I + 1, (Acc + I + J + K + trunc(F)) band 16#FFFFFFFFFFFF).

%% ---- results ---------------------------------------------------------------------------

result(Words, Times) ->
    S = median(Times),
    [{words, Words}, {seconds, S}, {words_per_sec, Words / S}, {reps, length(Times)},
     {min_seconds, lists:min(Times)}, {max_seconds, lists:max(Times)}].

median(L) ->
    S = lists:sort(L),
    N = length(S),
    case N rem 2 of
        1 -> lists:nth(N div 2 + 1, S);
        0 -> (lists:nth(N div 2, S) + lists:nth(N div 2 + 1, S)) / 2
    end.

json_object(Pairs) ->
    ["{", lists:join(", ", [[json_string(K), ": ", json_value(V)] || {K, V} <- Pairs]), "}"].

json_value(V) when is_list(V) -> json_object(V);
json_value(V) when is_integer(V) -> integer_to_list(V);
json_value(V) when is_float(V) -> io_lib:format("~w", [V]).

json_string(A) when is_atom(A) -> [$", atom_to_list(A), $"].

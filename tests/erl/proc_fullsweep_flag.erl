-module(proc_fullsweep_flag).
-export([main/0]).
%% process_flag(fullsweep_after, N) (proc_spawn shows the other flags): the old value comes
%% back, process_info and garbage_collection show the new one, and with 0 every collection of
%% the process is a fullsweep (no minor GCs counted); badarg for a bad value; OTP keeps it in
%% 16 bits (70000 reads back as 4464).

err(F) -> try F() catch C:E -> {C, E} end.

gc_counts() ->
    {garbage_collection, G} = process_info(self(), garbage_collection),
    {proplists:get_value(fullsweep_after, G), proplists:get_value(minor_gcs, G)}.

churn(0, Acc) -> length(Acc);
churn(N, Acc) -> churn(N - 1, [{N, N} | lists:sublist(Acc, 50)]).

main() ->
    Me = self(),
    spawn(fun() ->
              Old = process_flag(fullsweep_after, 0),
              New = process_info(self(), fullsweep_after),
              Before = gc_counts(),
              churn(3000, []),
              {FA, Minor} = gc_counts(),
              Again = process_flag(fullsweep_after, 10),
              Me ! {r, [{old, Old}, New, {before, Before}, {after_churn, {FA, Minor}},
                        {again, Again},
                        process_info(self(), fullsweep_after),
                        {bad_neg, err(fun() -> process_flag(fullsweep_after, -1) end)},
                        {bad_atom, err(fun() -> process_flag(fullsweep_after, never) end)},
                        process_info(self(), fullsweep_after),
                        {wrap, process_flag(fullsweep_after, 70000),
                               process_info(self(), fullsweep_after)},
                        {big, err(fun() -> process_flag(fullsweep_after, 1 bsl 70) end)},
                        {float, err(fun() -> process_flag(fullsweep_after, 1.0) end)}]}
          end),
    receive {r, R} -> io:format("~p~n", [R]) after 60000 -> io:format("no reply~n") end,
    %% A minor collection count grows without the flag.
    spawn(fun() ->
              {_, M0} = gc_counts(),
              churn(3000, []),
              {_, M1} = gc_counts(),
              Me ! {m, M0 =:= 0, M1 > 0}
          end),
    receive {m, A, B} -> io:format("~p ~p~n", [A, B]) after 60000 -> io:format("no reply~n") end,
    ok.

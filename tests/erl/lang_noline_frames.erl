%% A frame of code without line information (module_info/1) has no location: [] as in OTP,
%% not [{file, F}].
-module(lang_noline_frames).
-export([main/0]).
main() ->
    try lang_noline_frames:module_info(foo) catch _:R:S -> io:format("~p~n~p~n", [R, S]) end,
    try module_info(foo) catch _:R3:S3 -> io:format("~p~n~p~n", [R3, S3]) end.

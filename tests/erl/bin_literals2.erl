-module(bin_literals2).
-export([main/0]).
s(B) -> erts_debug:size_shared(B).
main() -> io:format("~p~n", [[s(<<0:64>>), s(<<0:65>>), s(<<0:128>>), s(<<0:256>>), s(<<0:257>>), s(<<0:512>>), s(<<0:256, 0:256, 0:256>>), s(<<0:8/unit:8>>), s(<<0:9/unit:8>>), s(<<1:72>>)]]).

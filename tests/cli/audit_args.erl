-module(audit_args).
-export([main/0, main/1]).
main() -> io:format("main/0~n").
main(Args) -> io:format("~p~n", [Args]).

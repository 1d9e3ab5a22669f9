-module(export_twice_undef).
-export([main/0]).
main() -> spawn(fun loop/1).

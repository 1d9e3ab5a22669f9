-module(receive_guard_unbound).
-export([main/0]).
main() -> receive X when X > Z -> X after 0 -> ok end.

-module(b28_bad_char).
-export([f/0]).
f() -> [$\x{zz}, 16#, 1.0e, 37#1, $

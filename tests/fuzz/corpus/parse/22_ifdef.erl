-module('22_ifdef').
-export([f/0]).

-define(DEBUG, true).

-ifdef(DEBUG).
debug() -> on.
-else.
debug() -> off.
-endif.

-ifndef(DEBUG).
x() -> 1.
-else.
x() -> 2.
-endif.

-ifdef(UNDEFINED).
-ifdef(DEBUG).
nested() -> hidden.
-else.
nested() -> hidden2.
-endif.
y() -> hidden.
-else.
y() -> shown.
-endif.

-undef(DEBUG).
-ifdef(DEBUG).
z() -> 1.
-else.
z() -> 2.
-endif.

-ifdef(MODULE).
m() -> ?MODULE.
-endif.

-ifndef(OTP_RELEASE).
-error("old").
-endif.

-if(?OTP_RELEASE >= 25).
r() -> new.
-elif(?OTP_RELEASE >= 21).
r() -> mid.
-else.
r() -> old.
-endif.

-if(defined(DEBUG)).
d() -> yes.
-elif(1 + 1 == 2).
d() -> two.
-endif.

f() -> {debug(), x(), y(), z(), m(), r(), d()}.

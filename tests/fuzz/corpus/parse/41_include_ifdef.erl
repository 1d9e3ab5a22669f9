-module('41_include_ifdef').
-export([f/0]).
-define(USE_INC, 1).
-ifdef(USE_INC).
-include("41_include_ifdef.hrl").
-else.
-define(FROM_INC, none).
-endif.

f() -> {?FROM_INC, ?INNER(3), ?LINE, ?FILE}.

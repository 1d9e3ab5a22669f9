%% an include with its own conditionals
-ifndef(FROM_INC).
-define(FROM_INC, included).
-endif.
-define(INNER(X), {inner, X, ?LINE}).

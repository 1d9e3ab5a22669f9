%% Included by audit_lang.erl from beside it.
-define(FROM_HRL, from_hrl).
-record(pt, {x = 0, y = 0, tag}).

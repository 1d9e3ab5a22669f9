-define(INC_VALUE, 42).
-record(inc_rec, {a = ?INC_VALUE, b}).

inc_fun() -> ?FILE.

-module(audit_pa_lib).
-export([double/1]).
%% Found only through -pa tests/cli/pa (it is not beside audit_pa_main.erl).
double(X) -> {audit_pa_lib, 2 * X}.

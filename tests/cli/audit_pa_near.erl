-module(audit_pa_near).
-export([triple/1]).
triple(X) -> {audit_pa_near, 3 * X}.

-module(if_bad_bif).
-export([main/0]).
% erlc refuses a call that is not a guard BIF in an -if condition: its wording, not ours.
-if(atom_to_list(a) == "a").
-define(X, yes).
-endif.
main() -> ok.

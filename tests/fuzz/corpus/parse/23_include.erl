-module('23_include').
-export([f/0]).
-include("23_include.hrl").

f() -> {?INC_VALUE, #inc_rec{}, inc_fun()}.

-module('01_atoms').
-export([f/0]).

f() ->
    [a, abc_def, aB@c, 'hello world', 'Quoted', 'with\'quote', '', 'tab\there',
     'new\nline', 'é', 'über', ok, 'end', 'case', 'maybe', else, 'cond', 'Ab',
     true, false, '\x{263a}', 'a\\b', '\101\102', '\s\d\e'].

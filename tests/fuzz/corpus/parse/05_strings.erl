-module('05_strings').
-export([f/0]).

f() ->
    ["", "abc", "with \"quotes\"", "tab\tand\nnewline", "\x{263a} smile",
     "concat" "enated" " strings", "a" "", "" "b", "octal \101\102\103",
     "unicode: é ü €", "esc \e\d\s\v\b\f\r", "caret \^A\^Z",
     "multi
line string",
     "x\
continued", "percent % not a comment"].

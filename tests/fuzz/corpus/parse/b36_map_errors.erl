-module(b36_map_errors).
-export([f/1]).
f(#{a => X}) -> #{b := X}.

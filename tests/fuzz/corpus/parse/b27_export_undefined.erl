-module(b27_export_undefined).
-export([f/0, f/1, g/2]).
f() -> ok.

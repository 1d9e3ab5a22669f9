-module('24_attributes').
-vsn("1.0.0").
-author("someone").
-author(someone).
-compile([export_all, nowarn_export_all]).
-compile({inline, [f/1, g/2]}).
-behaviour(gen_server).
-behavior(supervisor).
-dialyzer({nowarn_function, f/1}).
-dialyzer([no_return, {no_match, [f/1]}]).
-import(lists, [map/2, foldl/3]).
-export([f/1]).
-export([]).
-export_type([t/0]).
-on_load(init/0).
-custom({a, -1, 2.5, "str", [1 | 2], $c, -$d, fun lists:map/2}).
-custom2([]).
-custom3(#{a => 1}).
-deprecated([{f, 1, "use g"}]).
-nifs([]).

-type t() :: term().

f(X) -> X.
g(X, Y) -> {X, Y}.
init() -> ok.

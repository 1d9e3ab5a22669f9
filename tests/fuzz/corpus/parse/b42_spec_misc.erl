-module(b42_spec_misc).
-export([f/0]).
-record(r, {a :: integer(), b :: Undefined}).
-spec f() -> #r{c :: integer()}.
f() -> ok.
-spec f() -> ok.
-spec other:f() -> ok.
-callback cb(X) -> ok.
-callback cb(X) -> X.

-module(b41_types).
-export([f/1, g/2]).
-export_type([nope/0]).
-type t(X) :: {X, undefined_t()}.
-type t(X) :: X.
-type integer() :: atom().
-type r() :: 5..1 | #norec{} | <<_:-1>>.
-spec f(t(integer())) -> ok.
f(_) -> ok.
-spec g(A, B) -> C when A :: integer().
g(_, _) -> ok.
-spec f(integer(), atom()) -> ok.
-spec h() -> ok.

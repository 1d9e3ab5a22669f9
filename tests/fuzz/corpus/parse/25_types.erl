-module('25_types').
-export([f/1]).
-export_type([t1/0, t2/1]).
-record(t8, {a, b :: atom()}).

-type t1() :: integer() | atom() | float() | binary() | list() | tuple() | map().
-type t2(X) :: {X, [X]} | #{X => X} | #{atom() := integer(), _ => _}.
-type t3() :: 1..10 | -5..-1 | 0 | -1 | 1 bsl 4 | 2 * 3 + 1 | $a.
-type t4() :: fun() | fun((...) -> ok) | fun(() -> t1()) | fun((a, b) -> c).
-type t5() :: <<>> | <<_:8>> | <<_:_*8>> | <<_:4, _:_*2>>.
-type t6() :: [integer()] | [] | [atom(), ...] | nonempty_list(t1()) | string().
-type t7() :: {} | {a} | {a, b, c} | tuple() | #t8{} | #t8{a :: integer()}.
-type t8() :: lists:list() | erlang:timestamp() | orddict:orddict(atom(), term()).
-type t9() :: any() | none() | no_return() | term() | pid() | port() | reference()
            | node() | module() | mfa() | arity() | byte() | char() | number()
            | iodata() | iolist() | identifier() | timeout() | boolean() | bitstring().
-opaque t10() :: {opaque, term()}.
-type t11(A, B) :: {A, B} | A.
-type t12() :: (a | b) | (c).
-type t13() :: X :: integer().

-callback init(Args :: term()) -> {ok, State :: term()} | {stop, Reason :: term()}.
-callback handle(term()) -> ok.

-spec f(t1()) -> t2(atom()).
f(_) -> #{}.

-spec g(X) -> X when X :: integer();
       (atom()) -> atom().
g(X) -> X.

-spec h(A :: integer(), B :: list()) -> {integer(), list()}.
h(A, B) -> {A, B}.

-spec i(X) -> Y when X :: t1(), Y :: t1(), is_subtype(X, integer()).
i(X) -> X.

-spec '25_types':j() -> ok.
j() -> ok.

-spec(k(integer()) -> integer()).
k(X) -> X.


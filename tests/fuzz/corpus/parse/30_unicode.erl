-module('30_unicode').
-export([f/0]).

%% Ünïcödé comment
f() ->
    S = "héllo wörld ☺",
    A = 'atöm',
    C = $ü,
    B = <<"ö"/utf8>>,
    Ä = 1, Ö = Ä + 1,
    {S, A, C, B, Ö, "€"}.

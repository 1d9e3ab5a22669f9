-module(stdlib_mix).
-export([main/0]).
main() ->
    R = [string:trim("  hi  "), string:split("a,b,c", ",", all), string:replace("aXbXc", "X", "-", all),
         string:to_upper("abc"), string:lexemes("a  b c", " "), string:pad("ab", 5), string:find("hello", "ll"),
         string:length("héllo"), string:reverse("abc"), string:slice("hello", 1, 3), string:str("hello", "l"),
         string:substr("hello", 2, 3), string:titlecase("hello"), string:is_empty(""), string:concat("a", "b"),
         string:chr("abc", $b), string:strip("  x  "), string:left("ab", 4, $.), string:right("ab", 4, $.),
         string:casefold("ABC"), string:equal("a", "a"), string:prefix("prefix", "pre"), string:words("a b c"),
         string:sub_word("a b c", 2), string:to_integer("42abc"), string:to_float("1.5x"),
         lists:keystore(b, 1, [{a,1}], {b,2}), lists:keydelete(a, 1, [{a,1},{b,2}]), lists:partition(fun(X) -> X > 2 end, [1,2,3,4]),
         lists:flatmap(fun(X) -> [X, X] end, [1,2]), lists:zipwith(fun(A, B) -> A + B end, [1,2], [3,4]),
         lists:takewhile(fun(X) -> X < 3 end, [1,2,3,1]), lists:dropwhile(fun(X) -> X < 3 end, [1,2,3,1]),
         lists:last([1,2,3]), lists:min([3,1,2]), lists:nthtail(2, [1,2,3,4]), lists:subtract([1,2,3], [2]),
         lists:sort(fun(A, B) -> A > B end, [1,3,2]), lists:merge([1,3], [2,4]), lists:umerge([1,2], [2,3]),
         lists:mapfoldl(fun(X, S) -> {X * 2, S + X} end, 0, [1,2,3]), lists:enumerate([a,b]),
         lists:splitwith(fun(X) -> X < 2 end, [1,2,3]), lists:any(fun(X) -> X > 2 end, [1,3]), lists:all(fun(X) -> X > 0 end, [1,2]),
         lists:foreach(fun(_) -> ok end, [1]), lists:prefix([1], [1,2]), lists:suffix([2], [1,2]), lists:seq(5, 1, -2),
         lists:keyreplace(a, 1, [{a,1}], {a,9}), lists:ukeysort(1, [{b,1},{a,2},{b,3}]), lists:droplast([1,2,3]),
         lists:join(x, [1,2,3]), lists:uniq([1,2,1,3]), lists:search(fun(X) -> X > 1 end, [1,2,3]),
         maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], #{a => 1, b => 2}), maps:filter(fun(_, V) -> V > 1 end, #{a => 1, b => 2}),
         maps:merge(#{a => 1}, #{b => 2}), maps:with([a], #{a => 1, b => 2}), maps:without([a], #{a => 1, b => 2}),
         maps:update_with(a, fun(V) -> V + 1 end, #{a => 1}), maps:groups_from_list(fun(X) -> X rem 2 end, [1,2,3])],
    io:format("~p~n", [R]).

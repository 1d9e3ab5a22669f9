-module(const_folding).
-export([main/0]).
s(B) -> erts_debug:size_shared(B).
main() -> io:format("~p~n", [[s(list_to_binary("abc")), s(atom_to_list(abc)), s([1] ++ [2]), s([1,2,3] -- [2]), s(tuple_to_list({a,b})), s(lists:reverse([1,2])), s(list_to_tuple([1,2])), s(setelement(1,{a,b},c)), s(integer_to_list(123)), s(float(1)), s(erlang:make_tuple(2, a)), s(erlang:append_element({a}, b)), s(iolist_to_binary(["a"])), s(lists:seq(1,3)), s(atom_to_binary(abc)), s(1.5 * 2), s(maps:from_list([{a,1}])), s(lists:duplicate(2,x)), s(binary_to_list(<<"ab">>)), s(lists:append([1],[2])), s(erlang:phash2(a) + 0.5), s(element(1, {{a}}))]]).

-module(syntax_attr).
-export([main/0).
main() -> ok.

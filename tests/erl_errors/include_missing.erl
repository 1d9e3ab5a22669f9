-module(include_missing).
-export([main/0]).
-include("no_such_file.hrl").
main() -> ok.

%% A file full of comments and odd spacing
-module('28_comments'). % trailing comment
%%% another
-export([f/0 % inside
        ]).

% comment before function
f() -> % after arrow
    [1, % one
     2 % two
    ] % end
    .%dot followed by comment
g()->ok.	% tab before comment
h()	->	tab	.
i() ->
	  ok.

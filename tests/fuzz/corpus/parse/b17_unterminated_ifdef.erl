-module(b17_unterminated_ifdef).
-ifdef(FOO).
f() -> ok.

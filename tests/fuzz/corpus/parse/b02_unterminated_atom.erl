-module(b02_unterminated_atom).
f() -> 'abc.

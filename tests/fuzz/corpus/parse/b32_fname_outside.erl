-module(b32_fname_outside).
-x(?FUNCTION_NAME).
?FUNCTION_NAME() -> ok.

-module( '36_spacing' ) .
-export( [ f / 1 ] ) .
f(X)->X+1
  .
g ( Y ) when Y>0->Y;g(_)->0.
h(A,B)->{A,B}. h2()->ok.
	i()	->
		ok.
j()->[1,2|[]].
k()->#{}#{a=>1}.
l()->"a""b""c".

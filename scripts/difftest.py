#!/usr/bin/env python3
"""difftest.py — differential testing of heapscope against OTP 25.

Generates random, valid, deterministic Erlang modules from seeds (a grammar over the subset
docs/language.md describes), runs each with `heapscope run` and with OTP (erlc, then
`erl -noshell -s M main -s init stop`, as scripts/otp-expect.sh does) and compares stdout and
the exit status byte for byte.

    scripts/difftest.py --seeds 40            # seeds 1..40
    scripts/difftest.py --first 1000 --seeds 200
    scripts/difftest.py --show 17             # print the module of seed 17
    scripts/difftest.py --keep DIR ...        # keep every module and both outputs in DIR

Exit status 0 when every program printed the same bytes and exited alike, 1 otherwise (each
mismatch is listed with its seed and the first differing lines). Without erl/erlc it prints a
notice and exits 0.

What the generated programs leave out, and why (docs/language.md, "Differential testing"):
funs are never printed (their #Fun<...> text carries OTP's MD5-based uniq numbers); stack frames
of stdlib modules are printed without their location (OTP's stdlib sources are not ours, so the
line numbers differ); binary comprehension frames ('-f/N-lbc$^0/2-0-') are dropped and their
segments cannot fail (heapscope compiles binary comprehensions inline; list comprehension frames
are compared); maps stay far below 33 keys (hash order); helper functions are exported, so that
OTP's type inference cannot specialise them on their call sites' constants; values OTP's types
would see through (a list given to lists:foldl or lists:zip, a failing list_to_float literal)
go through id/1.

Session 4 widened the grammar (the w_* forms, about 30% of expressions): the bit syntax with
sizes from variables, signed/little/native, floats, utf8/16/32, bitstring tails; list
comprehensions whose templates, filters and generators fail, with several generators, skipping
patterns and nesting; binary comprehensions with several generators and filters; nested
try/catch/after with rethrow (erlang:raise/3, good and bad stacktraces); receive after 0 with
several messages sent to self; records (nested, update of several fields, _ = V, #r.f
indexes, a second record with typed defaults); maps (:= of several keys, patterns in case,
maps/orddict/ordsets/sets/proplists/queue calls); string functions; io_lib:format of integers
and floats at every directive, ~p of deep and wide terms at widths and depths; term order
across all types; guards that raise; term_to_binary / binary_to_term round trips and
hand-written external-format binaries.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ATOMS = ["a", "b", "c", "ok", "error", "foo", "bar", "'hello world'", "'A'", "true", "false",
         "undefined", "x", "y", "z"]
KEYS = ["a", "b", "c", "d", "e"]
TYPES = ["int", "float", "atom", "bool", "list", "tuple", "bin", "map", "str", "rec", "any"]


class Module:
    def __init__(self, seed, name, depth=3, cases=14):
        self.r = random.Random(seed)
        self.name = name
        self.maxdepth = depth
        self.ncases = cases
        self.nvar = 0
        self.wide_p = 0.3        # how often an expression comes from the w_* forms
        self.funcs = []          # (name, [param types], ret type)
        self.defs = []           # function source texts
        self.exports = ["main/0", "st/1", "san/1", "apply1/2", "id/1", "int/1"]

    # ---- helpers -----------------------------------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def var(self):
        self.nvar += 1
        return "V%d" % self.nvar

    def vars_of(self, env, t):
        return [v for v, vt in env.items() if vt == t or (t == "any" and vt != "fun")]

    # ---- literals ----------------------------------------------------------------------------
    def lit(self, t):
        r = self.r
        if t == "int":
            k = r.random()
            if k < 0.6:
                return str(r.randint(-10, 300))
            if k < 0.8:
                return str(r.choice([255, 256, 65535, 1 << 27, (1 << 59) - 1, 1 << 59, 1 << 60, -(1 << 59)]))
            return str(r.randint(-10 ** 30, 10 ** 30))
        if t == "float":
            if r.random() < 0.2:
                # printing edge cases: shortest round trip, exponent thresholds, extremes
                return r.choice(["5.0e-324", "1.7976931348623157e308", "1.0e15", "1.0e16", "1.0e17",
                                 "123456789012345680.0", "0.30000000000000004", "9007199254740993.0",
                                 "1.0e-5", "0.0001", "2.2250738585072014e-308", "-1.0e-10", "1.0e21",
                                 "1.0e22", "4.35", "0.5e-6", "100.0", "999999.9999999999"])
            return r.choice(["0.0", "1.5", "-2.25", "3.0e10", "1.0e-3", "0.1", "123.456", "-0.5",
                             "6.02e23", "2.0"])
        if t == "atom":
            return r.choice(ATOMS)
        if t == "bool":
            return r.choice(["true", "false"])
        if t == "list":
            return "[" + ", ".join(self.lit("int") for _ in range(r.randint(0, 5))) + "]"
        if t == "str":
            return '"' + r.choice(["", "abc", "hello world", "Erlang", "a,b,,c", "  pad  ",
                                   "x\\ny", "tab\\there", "123"]) + '"'
        if t == "tuple":
            return "{" + ", ".join(self.lit(r.choice(["int", "atom", "str", "float"]))
                                   for _ in range(r.randint(0, 4))) + "}"
        if t == "bin":
            k = r.random()
            if k < 0.4:
                return "<<" + ", ".join(str(r.randint(0, 255)) for _ in range(r.randint(0, 6))) + ">>"
            if k < 0.7:
                return '<<"' + r.choice(["", "abc", "bin data", "xyz"]) + '">>'
            return "<<%d:%d>>" % (r.randint(0, 1000), r.choice([8, 16, 24, 32]))
        if t == "map":
            ks = r.sample(KEYS, r.randint(0, 4))
            return "#{" + ", ".join("%s => %s" % (k, self.lit("int")) for k in ks) + "}"
        if t == "rec":
            return "#r{a = %s}" % self.lit("int")
        return self.lit(r.choice(["int", "float", "atom", "list", "tuple", "bin", "str", "map"]))

    # ---- expressions -------------------------------------------------------------------------
    def expr(self, t, env, d):
        """An expression of type t (or, rarely, a wrong one that makes it fail)."""
        r = self.r
        vs = self.vars_of(env, t)
        if d <= 0 or r.random() < 0.25:
            if vs and r.random() < 0.6:
                return r.choice(vs)
            if r.random() < 0.3:
                return "id(%s)" % self.lit(t)
            return self.lit(t)
        if r.random() < self.wide_p:
            w = getattr(self, "w_" + t, None)
            e = w(env, d - 1) if w else None
            if e is not None:
                return e
        g = getattr(self, "e_" + t)
        return g(env, d - 1)

    def bad(self, t, env, d):
        """Mostly an expression of type t; now and then one of another type (an error case),
        passed through id/1 so that OTP's compiler cannot see the failure coming (it compiles
        calls it knows will fail in ways of its own)."""
        if self.chance(0.06):
            return "id(%s)" % self.expr(self.pick([x for x in TYPES if x not in (t, "any")]), env, d)
        return self.expr(t, env, d)

    def e_int(self, env, d):
        r = self.r
        k = r.randint(0, 22)
        if k <= 5:
            op = r.choice(["+", "-", "*", "+", "-", "div", "rem", "band", "bor", "bxor"])
            a, b = self.bad("int", env, d), self.bad("int", env, d)
            if op in ("div", "rem") and self.chance(0.7):
                b = "(%s bor 1)" % b if self.chance(0.5) else str(r.randint(1, 9))
            if self.chance(0.3):
                b = str(r.randint(-3, 9))
            return "(%s %s %s)" % (a, op, b)
        if k == 6:
            return "(%s %s %d)" % (self.bad("int", env, d), r.choice(["bsl", "bsr"]), r.randint(0, 70))
        if k == 7:
            return "%s(%s)" % (r.choice(["abs", "-", "bnot ", "+"]), self.bad("int", env, d))
        if k == 8:
            return "length(%s)" % self.bad("list", env, d)
        if k == 9:
            return "byte_size(%s)" % self.bad("bin", env, d)
        if k == 10:
            return "tuple_size(%s)" % self.bad("tuple", env, d)
        if k == 11:
            return "map_size(%s)" % self.bad("map", env, d)
        if k == 12:
            return self.call("int", env, d)
        if k == 13:
            return "%s(%s)" % (r.choice(["trunc", "round"]), self.bad("float", env, d))
        if k == 14:
            return "lists:sum(%s)" % self.bad("list", env, d)
        if k == 15:
            x, acc = self.var(), self.var()
            e2 = dict(env); e2[x] = "int"; e2[acc] = "int"
            # (the list through id/1: OTP's types know foldl's result over a literal list)
            return "lists:foldl(fun(%s, %s) -> %s end, %s, id(%s))" % (
                x, acc, self.expr("int", e2, d), self.expr("int", env, d), self.bad("list", env, d))
        if k == 16:
            # (a map: OTP's maps:get/3 is an Erlang function, a tail call to it leaves no frame
            # of the caller; heapscope's is a BIF)
            return "maps:get(%s, %s, %s)" % (self.pick(KEYS), self.expr("map", env, d), self.expr("int", env, d))
        if k == 17:
            return "(%s)#r.a" % self.bad("rec", env, d)
        if k == 18:
            return self.binmatch_int(env, d)
        if k == 19:
            return "element(%d, %s)" % (r.randint(1, 3), self.expr("tuple", env, d)) if False else \
                "lists:nth(%d, %s)" % (r.randint(1, 3), self.bad("list", env, d))
        return self.control("int", env, d)

    def binmatch_int(self, env, d):
        r = self.r
        v, rest = self.var(), self.var()
        sz = r.choice([8, 16, 4, 32])
        spec = r.choice(["", "/little", "/signed", "/big-signed", "/unsigned-little"])
        return "begin <<%s:%d%s, %s/bitstring>> = <<(%s):%d%s, 7:3>>, %s end" % (
            v, sz, spec, rest, self.bad("int", env, d), sz, spec, v)

    def e_float(self, env, d):
        r = self.r
        k = r.randint(0, 7)
        if k <= 2:
            op = r.choice(["+", "-", "*", "/"])
            a = self.bad(r.choice(["float", "int"]), env, d)
            b = self.bad(r.choice(["float", "int"]), env, d)
            if op == "/" and self.chance(0.8):
                b = r.choice(["2", "3.0", "0.5", "7"])
            if op != "/" and not any(x in a + b for x in ".e"):
                a = "float(%s)" % a
            return "(%s %s %s)" % (a, op, b)
        if k == 3:
            return "float(%s)" % self.bad("int", env, d)
        if k == 4:
            return "math:sqrt(abs(%s))" % self.bad("float", env, d)
        if k == 5:
            return self.call("float", env, d)
        if k == 6:
            return "(%s / %s)" % (self.bad("int", env, d), r.choice(["2", "4", "0", "1.0e-300"]))
        return self.control("float", env, d)

    def e_atom(self, env, d):
        k = self.r.randint(0, 4)
        if k == 0:
            return "list_to_atom(%s)" % self.bad("str", env, d)
        if k == 1:
            return "element(1, {%s, %s})" % (self.expr("atom", env, d), self.expr("any", env, d))
        if k == 2:
            return self.call("atom", env, d)
        return self.control("atom", env, d)

    def e_bool(self, env, d):
        r = self.r
        k = r.randint(0, 8)
        if k <= 2:
            return "(%s %s %s)" % (self.expr("any", env, d),
                                   r.choice(["<", ">", "=<", ">=", "==", "/=", "=:=", "=/="]),
                                   self.expr("any", env, d))
        if k == 3:
            return "(%s %s %s)" % (self.bad("bool", env, d), r.choice(["and", "or", "xor", "andalso", "orelse"]),
                                   self.bad("bool", env, d))
        if k == 4:
            return "not %s" % self.bad("bool", env, d)
        if k == 5:
            return "%s(%s)" % (r.choice(["is_integer", "is_atom", "is_list", "is_tuple", "is_binary",
                                         "is_map", "is_float", "is_number", "is_function"]),
                               self.expr("any", env, d))
        if k == 6:
            return "lists:member(%s, %s)" % (self.expr("int", env, d), self.bad("list", env, d))
        if k == 7:
            return "is_record(%s, r)" % self.expr(r.choice(["rec", "tuple"]), env, d)
        return "maps:is_key(%s, %s)" % (self.pick(KEYS), self.bad("map", env, d))

    def e_list(self, env, d):
        r = self.r
        k = r.randint(0, 14)
        if k == 0:
            return "[%s | %s]" % (self.expr("int", env, d), self.expr("list", env, d))
        if k == 1:
            return "(%s ++ %s)" % (self.bad("list", env, d), self.expr("list", env, d))
        if k == 2:
            return "(%s -- %s)" % (self.bad("list", env, d), self.expr("list", env, d))
        if k == 3:
            return "lists:%s(%s)" % (r.choice(["reverse", "sort", "usort"]), self.bad("list", env, d))
        if k == 4:
            return "lists:seq(%d, %s)" % (r.randint(-2, 3), r.choice(["5", "0", "12", "-3"]))
        if k == 5:
            x = self.var()
            e2 = dict(env); e2[x] = "int"
            return "lists:map(fun(%s) -> %s end, %s)" % (x, self.bad("int", e2, d), self.bad("list", env, d))
        if k == 6:
            x = self.var()
            e2 = dict(env); e2[x] = "int"
            # (not a bad list: OTP's filter is a comprehension, whose frame heapscope lacks)
            # (a predicate that cannot fail: OTP's filter is a comprehension, whose frame heapscope's
            # lacks)
            return "lists:filter(fun(%s) -> try %s catch _:_ -> false end end, %s)" % (
                x, self.expr("bool", e2, d), self.expr("list", env, d))
        if k in (7, 8):
            return self.lc(env, d)
        if k == 9:
            return "binary_to_list(%s)" % self.bad("bin", env, d)
        if k == 10:
            return "maps:values(%s)" % self.bad("map", env, d)
        if k == 11:
            return self.call("list", env, d)
        if k == 12:
            return "lists:sublist(%s, %d)" % (self.bad("list", env, d), r.randint(0, 4))
        if k == 13:
            x, y = self.var(), self.var()
            # (through id/1: OTP's types know lists:zip([], [_ | _]) fails, and make the call
            # a tail call)
            return "[%s || {%s, %s} <- lists:zip(id(%s), id(%s))]" % (
                self.pick(["%s * %s" % (x, y), "%s - %s" % (x, y), x]), x, y,
                self.expr("list", env, d), self.expr("list", env, d))
        return self.control("list", env, d)

    def lc(self, env, d):
        r = self.r
        x = self.var()
        e2 = dict(env); e2[x] = "int"
        gen = "%s <- %s" % (x, self.bad("list", env, d))
        if self.chance(0.3):
            gen = "<<%s:8>> <= %s" % (x, self.bad("bin", env, d))
        quals = [gen]
        if self.chance(0.5):
            quals.append(self.expr("bool", e2, d))
        if self.chance(0.2):
            y = self.var()
            quals.append("%s <- [1, 2]" % y)
            e2[y] = "int"
        # The template cannot fail: OTP raises in the comprehension's own frame, which heapscope
        # (inline comprehensions) lacks.
        return "[try %s catch _:_ -> 0 end || %s]" % (self.bad("int", e2, d), ", ".join(quals))

    def e_str(self, env, d):
        r = self.r
        k = r.randint(0, 7)
        if k == 0:
            return "(%s ++ %s)" % (self.bad("str", env, d), self.expr("str", env, d))
        if k == 1:
            return "integer_to_list(%s)" % self.bad("int", env, d)
        if k == 2:
            return "atom_to_list(%s)" % self.bad("atom", env, d)
        if k == 3:
            # (good strings only: OTP's string module fails inside other functions than ours)
            return "string:%s(%s)" % (r.choice(["to_upper", "to_lower", "reverse", "trim"]), self.expr("str", env, d))
        if k == 4:
            return "lists:flatten(io_lib:format(%s, [%s]))" % (
                r.choice(['"~p"', '"~w"', '"<~s>"', '"~10.2f"']), self.expr("any", env, d))
        if k == 5:
            return "string:join(string:tokens(%s, \",\"), %s)" % (self.expr("str", env, d), r.choice(['"-"', '""', '", "']))
        if k == 6:
            return "float_to_list(%s, [{decimals, %d}])" % (self.bad("float", env, d), r.randint(0, 6))
        return self.control("str", env, d)

    def e_tuple(self, env, d):
        r = self.r
        k = r.randint(0, 5)
        if k <= 1:
            return "{" + ", ".join(self.expr(self.pick(TYPES[:-1]), env, d) for _ in range(r.randint(0, 4))) + "}"
        if k == 2:
            return "setelement(%d, %s, %s)" % (r.randint(1, 3), self.bad("tuple", env, d), self.expr("any", env, d))
        if k == 3:
            return "list_to_tuple(%s)" % self.bad("list", env, d)
        if k == 4:
            return "erlang:append_element(%s, %s)" % (self.bad("tuple", env, d), self.expr("atom", env, d))
        return self.control("tuple", env, d)

    def e_bin(self, env, d):
        r = self.r
        k = r.randint(0, 7)
        if k <= 1:
            segs = []
            for _ in range(r.randint(1, 4)):
                s = r.randint(0, 5)
                if s == 0:
                    segs.append("(%s):%d" % (self.bad("int", env, d), r.choice([8, 16, 32])))
                elif s == 1:
                    segs.append("(%s):16/little" % self.bad("int", env, d))
                elif s == 2:
                    segs.append("(%s)/float" % self.bad("float", env, d))
                elif s == 3:
                    segs.append("(%s)/binary" % self.bad("bin", env, d))
                elif s == 4:
                    segs.append("(%s)/%s" % (r.choice(["$a", "955", "16#1F600", self.bad("int", env, d)]),
                                             r.choice(["utf8", "utf16", "utf32", "utf16-little"])))
                else:
                    segs.append('"%s"' % r.choice(["ab", "", "xyz"]))
            return "<<" + ", ".join(segs) + ">>"
        if k == 2:
            return "list_to_binary(%s)" % self.bad("str", env, d)
        if k == 3:
            return "term_to_binary(%s)" % self.expr(r.choice(["int", "atom", "tuple", "list"]), env, d)
        if k == 4:
            x = self.var()
            e2 = dict(env); e2[x] = "int"
            # (no failing segment: OTP fails in the comprehension's own frame, which heapscope,
            # compiling it inline, lacks)
            return "<< <<(int(try %s catch _:_ -> 0 end)):8>> || %s <- %s >>" % (self.expr("int", e2, d), x, self.bad("list", env, d))
        if k == 5:
            return "binary:part(%s, 0, %d)" % (self.bad("bin", env, d), r.randint(0, 3))
        if k == 6:
            v, rest = self.var(), self.var()
            return "begin <<%s:8, %s/binary>> = %s, %s end" % (v, rest, self.bad("bin", env, d), rest)
        return self.control("bin", env, d)

    def e_map(self, env, d):
        r = self.r
        k = r.randint(0, 6)
        if k <= 1:
            ks = r.sample(KEYS, r.randint(0, 4))
            return "#{" + ", ".join("%s => %s" % (x, self.expr("int", env, d)) for x in ks) + "}"
        if k == 2:
            return "(%s)#{%s := %s}" % (self.bad("map", env, d), self.pick(KEYS), self.expr("int", env, d))
        if k == 3:
            return "(%s)#{%s => %s}" % (self.bad("map", env, d), self.pick(KEYS), self.expr("int", env, d))
        if k == 4:
            return "maps:%s(%s, %s)" % (r.choice(["put", "update"]), self.pick(KEYS) + ", " + self.expr("int", env, d),
                                        self.bad("map", env, d)) if False else \
                "maps:put(%s, %s, %s)" % (self.pick(KEYS), self.expr("int", env, d), self.bad("map", env, d))
        if k == 5:
            return "maps:merge(%s, %s)" % (self.bad("map", env, d), self.expr("map", env, d))
        return self.control("map", env, d)

    def e_rec(self, env, d):
        r = self.r
        k = r.randint(0, 3)
        if k == 0:
            return "#r{a = %s, b = %s}" % (self.expr("int", env, d), self.expr("list", env, d))
        if k == 1:
            return "(%s)#r{c = %s}" % (self.bad("rec", env, d), self.expr("atom", env, d))
        if k == 2:
            return "#r{}"
        return self.control("rec", env, d)

    def e_any(self, env, d):
        return self.expr(self.pick(TYPES[:-1]), env, d)

    # ---- the wider forms (session 4): bit syntax, comprehensions, records, maps, stdlib,
    # printing, term order, the external term format. Each w_T returns an expression of type T
    # (or None: fall back to e_T).
    def w_int(self, env, d):
        r = self.r
        k = r.randint(0, 15)
        if k == 0:
            # sizes from variables, signed/little, a bitstring tail
            n, v, rest = self.var(), self.var(), self.var()
            spec = r.choice(["", "/little", "/signed", "/signed-little", "/big-unsigned", "/native"])
            return "begin %s = id(%d), <<%s:%s%s, %s/bits>> = <<(%s):%s%s, (id(5)):3>>, %s end" % (
                n, r.choice([1, 3, 7, 8, 12, 16, 31, 33, 64, 65]), v, n, spec, rest, self.bad("int", env, d),
                n, spec, v)
        if k == 1:
            # a map pattern in a case
            x, y, z = self.var(), self.var(), self.var()
            return ("case %s of\n        #{a := %s, b := %s} -> %s - %s;\n        #{c := %s} when %s > 1 -> %s;\n"
                    "        #{} -> -1\n    end") % (self.bad("map", env, d), x, y, x, y, z, z, z)
        if k == 2:
            # nested record access
            return "((%s)#r.c)#r.a" % self.w_rec(env, d)
        if k == 3:
            return "%s(%s)" % (r.choice(["length", "erlang:length"]), self.w_str(env, d) or "[]")
        if k == 4:
            return "lists:foldr(fun(%s, %s) -> %s end, %s, id(%s))" % (self.var(), self.var(), r.choice(["0", "1"]),
                                                                  self.expr("int", env, d), self.bad("list", env, d))
        if k == 5:
            return "list_to_integer(%s, %d)" % (r.choice(['"ff"', '"-101"', '"Zz"', '"777"', '"+10"', '"1_0"', '""']),
                                              r.choice([2, 8, 16, 36]))
        if k == 6:
            return "binary:decode_unsigned(%s%s)" % (self.bad("bin", env, d), r.choice(["", ", little", ", big"]))
        if k == 7:
            return "bit_size(%s)" % self.w_bin(env, d)
        if k == 8:
            return "%s(%s, %s)" % (r.choice(["max", "min", "erlang:max"]), self.expr("int", env, d), self.expr("int", env, d))
        if k == 9:
            return "lists:%s(%s)" % (r.choice(["max", "min", "last", "sum"]), self.bad("list", env, d))
        if k == 10:
            return "element(%d, lists:keyfind(%s, 1, [{1, 10}, {2, 20}, {3, 30}, {a, 40}]))" % (
                r.choice([2, 2, 3]), self.pick(["1", "2", "3", "a", "1.0"]))
        if k == 11:
            return "proplists:get_value(%s, [{a, 1}, b, {c, 3}, {a, 4}], %s)" % (self.pick(KEYS), self.expr("int", env, d))
        if k == 12:
            return "orddict:fetch(%s, orddict:from_list([{a, 1}, {c, 3}, {b, 2}]))" % self.pick(KEYS)
        if k == 13:
            return "queue:len(queue:in(%s, queue:from_list(%s)))" % (self.expr("int", env, d), self.bad("list", env, d))
        if k == 14:
            # a failing record access or match inside a guarded case
            v = self.var()
            return "case %s of\n        %s when %s -> 1;\n        _ -> 2\n    end" % (
                self.expr("any", env, d), v, self.wguard(v))
        return "erlang:phash2(%s, 1000)" % self.expr(self.pick(["int", "atom", "tuple", "list", "bin", "str"]), env, d)

    def wguard(self, v):
        """A guard on V that may fail with an exception (which makes it false)."""
        r = self.r
        return r.choice([
            "hd(%s) > 0" % v, "element(2, %s) =:= a" % v, "%s + 1 > 0" % v, "map_get(a, %s) > 0" % v,
            "is_map_key(a, %s)" % v, "bit_size(%s) > 8" % v, "abs(%s) > 3" % v, "tuple_size(%s) =:= 2" % v,
            "length(%s) > 1 orelse is_atom(%s)" % (v, v), "not (%s > 1)" % v, "%s#r.a > 0" % v,
            "(%s > 0) or is_list(%s)" % (v, v), "byte_size(%s) > 1; is_integer(%s)" % (v, v),
            "is_record(%s, r), %s#r.a =:= 0" % (v, v), "float(%s) > 1.0" % v, "%s band 1 =:= 1" % v,
            "size(%s) > 1" % v, "%s andalso true" % v, "binary_part(%s, 0, 1) =:= <<\"a\">>" % v,
            "trunc(%s) =:= 1" % v, "node(%s) =:= node()" % v, "is_function(%s, 1)" % v])

    def w_float(self, env, d):
        r = self.r
        k = r.randint(0, 5)
        if k == 0:
            n, v = self.var(), self.var()
            sz = self.pick(["32", "64", "16"])
            return "begin %s = id(%s), <<%s:%s/float%s>> = <<(%s):%s/float%s>>, %s end" % (
                n, sz, v, n, self.pick(["", "-little"]), self.bad("float", env, d), n, self.pick(["", "-little"]), v) \
                if False else "begin %s = id(%s), <<%s:%s/float>> = <<(%s):%s/float>>, %s end" % (
                n, sz, v, n, self.bad("float", env, d), n, v)
        if k == 1:
            # (a literal that fails through id/1: OTP knows at compile time that it fails)
            return "list_to_float(%s)" % r.choice(['"1.5"', '"-0.0"', '"1.0e10"', '"2.5E-3"', 'id("1")', 'id("0.1e400")'])
        if k == 2:
            return "binary_to_term(term_to_binary(%s))" % self.expr("float", env, d)
        if k == 3:
            return "(%s * %s)" % (self.expr("float", env, d), r.choice(["1.0e300", "1.0e-300", "-1.0", "0.0"]))
        if k == 4:
            return "math:%s(%s)" % (r.choice(["sin", "cos", "exp", "log", "atan", "floor", "ceil", "log2"]),
                                   self.bad("float", env, d))
        return None

    def w_atom(self, env, d):
        r = self.r
        k = r.randint(0, 3)
        if k == 0:
            return "binary_to_atom(%s, %s)" % (self.bad("bin", env, d), self.pick(["utf8", "latin1"]))
        if k == 1:
            return "element(1, lists:keyfind(%s, 2, [{a, 1}, {b, 2}, {c, 3}]))" % r.randint(1, 4)
        if k == 2:
            return "proplists:get_value(%s, [{a, x}, {b, y}], none)" % self.pick(KEYS)
        t = self.var()
        return "try %s catch %s -> %s end" % (self.expr("atom", env, d),
                                             self.pick(["throw:%s when is_atom(%s) -> %s; _:_" % (t, t, t), "_:_"]),
                                             self.pick(ATOMS))

    def w_bool(self, env, d):
        r = self.r
        k = r.randint(0, 5)
        if k <= 1:
            # term order across types
            return "(%s %s %s)" % (self.wterm(env, d), r.choice(["<", ">", "=<", ">=", "==", "/=", "=:=", "=/="]),
                                   self.wterm(env, d))
        if k == 2:
            v = self.var()
            return "case %s of %s when %s -> true; _ -> false end" % (self.expr("any", env, d), v, self.wguard(v))
        if k == 3:
            return "ordsets:is_element(%s, ordsets:from_list(%s))" % (self.expr("int", env, d), self.bad("list", env, d))
        if k == 4:
            return "sets:is_element(%s, sets:from_list(%s))" % (self.expr("int", env, d), self.bad("list", env, d))
        return "lists:%s(fun(%s) -> %s end, %s)" % (r.choice(["all", "any"]), self.var(), r.choice(["true", "false"]),
                                                   self.bad("list", env, d))

    def wterm(self, env, d):
        """A term of any type, including ones the TYPES do not produce."""
        r = self.r
        k = r.randint(0, 4)
        if k == 0:
            return r.choice(["1", "1.0", "-0.0", "0", "a", "[]", "{}", "<<>>", "#{}", "\"\"", "[a]", "{a}",
                             "{1, 2}", "{0, 0, 0}", "#{a => 1}", "#{1 => a}", "#{1.0 => a}", "<<1:3>>",
                             "[1 | 2]", "(1 bsl 64)", "-(1 bsl 64)", "1.0e20", "100000000000000000000"])
        return self.expr("any", env, d)

    def w_list(self, env, d):
        r = self.r
        k = r.randint(0, 13)
        if k <= 2:
            return self.wlc(env, d)
        if k == 3:
            return "lists:%s(%s)" % (r.choice(["keysort(1, ", "keysort(2, ", "ukeysort(1, "]) + "[{3, a}, {1, b}, {2, c}, {1, d}]",
                                     "") if False else "[element(1, T) || T <- lists:%s([{3, a}, {1, b}, {2, c}, {1, d}, {%s, e}])]" % (
                r.choice(["keysort(1, ", "keysort(2, ", "ukeysort(1, "]) + "", self.expr("int", env, d)) if False else \
                "[element(1, T) || T <- lists:%s, [{3, a}, {1, b}, {2, c}, {1, d}, {%s, e}])]" % (
                    r.choice(["keysort(1", "keysort(2", "ukeysort(1"]), self.expr("int", env, d))
        if k == 4:
            return "element(%d, lists:%s(%s, %s))" % (r.randint(1, 2), r.choice(["split", "split"]), r.randint(0, 4),
                                                     self.bad("list", env, d))
        if k == 5:
            return "lists:%s(fun(X) -> X > %d end, %s)" % (r.choice(["takewhile", "dropwhile"]), r.randint(-5, 50),
                                                           self.bad("list", env, d))
        if k == 6:
            return "lists:flatmap(fun(X) -> [X, X + 1] end, %s)" % self.bad("list", env, d)
        if k == 7:
            # (sorted: merging unsorted lists gives what each algorithm happens to give; heapscope's
            # umerge/2 is not OTP's there)
            return "lists:%s(lists:sort(%s), lists:sort(%s))" % (r.choice(["merge", "umerge", "subtract", "append"]),
                                                                 self.expr("list", env, d), self.expr("list", env, d))
        if k == 8:
            return "ordsets:%s(ordsets:from_list(%s), ordsets:from_list(%s))" % (
                r.choice(["union", "intersection", "subtract"]), self.expr("list", env, d), self.expr("list", env, d))
        if k == 9:
            return "lists:sort(sets:to_list(sets:from_list(%s)))" % self.bad("list", env, d)
        if k == 10:
            return "queue:to_list(%s)" % self.wqueue(env, d)
        if k == 11:
            return "lists:seq(%d, %s, %d)" % (r.randint(-5, 5), self.pick(["10", "0", "-4", "3"]), r.choice([1, 2, -1, 3]))
        if k == 12:
            return "lists:nthtail(%d, %s)" % (r.randint(0, 3), self.bad("list", env, d))
        return "lists:sort(fun(A, B) -> A >= B end, %s)" % self.bad("list", env, d)

    def wqueue(self, env, d):
        r = self.r
        q = "queue:from_list(%s)" % self.bad("list", env, d)
        for _ in range(r.randint(0, 3)):
            q = r.choice(["queue:in(%s, %%s)" % self.expr("int", env, d), "queue:in_r(%s, %%s)" % self.expr("int", env, d),
                          "element(2, queue:out(%s))", "element(2, queue:out_r(%s))", "queue:reverse(%s)",
                          "queue:drop(%s)"]) % q
        return q

    def wlc(self, env, d):
        """A list comprehension whose template, filters and generators may fail (its frames are
        OTP's now), with several generators, patterns that skip, and nesting."""
        r = self.r
        e2 = dict(env)
        quals = []
        for i in range(r.randint(1, 3)):
            x = self.var()
            g = r.randint(0, 5)
            if g == 0:
                quals.append("<<%s:%d>> <= %s" % (x, r.choice([4, 8, 3]), self.bad("bin", env, d)))
            elif g == 1:
                y = self.var()
                quals.append("{%s, %s} <- %s" % (x, y, r.choice(["[{1, 2}, {3, 4}, x, {5}]", "lists:zip([1, 2], [3, 4])"])))
                e2[y] = "int"
            elif g == 2:
                quals.append("%s <- %s" % (x, self.expr("list", e2, d)))
            else:
                quals.append("%s <- %s" % (x, self.bad("list", e2, d)))
            e2[x] = "int"
            if self.chance(0.4):
                quals.append(self.expr("bool", e2, d) if self.chance(0.6) else self.pick(
                    ["%s > 1" % x, "%s rem 2 =:= 0" % x, "is_integer(%s)" % x, "%s div 0 > 1" % x]))
        tpl = self.bad("int", e2, d) if self.chance(0.8) else " + ".join(v for v in e2 if v not in env)
        return "[%s || %s]" % (tpl, ", ".join(quals))

    def w_str(self, env, d):
        r = self.r
        k = r.randint(0, 11)
        s = self.expr("str", env, d)
        if k == 0:
            return "lists:flatten(string:replace(%s, %s, %s%s))" % (s, self.pick(['","', '"l"', '"a"', '" "']),
                                                                   self.pick(['"-"', '""', '"<>"']),
                                                                   self.pick(["", ", all", ", leading", ", trailing"]))
        if k == 1:
            return "string:slice(%s, %d%s)" % (s, r.randint(0, 4), self.pick(["", ", 2", ", 0", ", 100"]))
        if k == 2:
            return "lists:flatten(string:pad(%s, %d%s))" % (s, r.randint(0, 12), self.pick(["", ", leading", ", both", ", trailing, $*"]))
        if k == 3:
            return "string:join(string:lexemes(%s, %s), \"|\")" % (s, self.pick(['","', '" "', '", "', '"lo"']))
        if k == 4:
            return "lists:flatten(io_lib:format(%s, [%s]))" % (
                self.pick(['"~.16B"', '"~.2b"', '"~8.16.0B"', '"~.36#"', '"~+"', '"~.8x"', '"~-8b|"', '"~c"', '"~5c"']),
                self.expr("int", env, d))
        if k == 5:
            return "lists:flatten(io_lib:format(%s, [%s]))" % (
                self.pick(['"~e"', '"~.3e"', '"~g"', '"~.10g"', '"~.1f"', '"~12.4f"', '"~-12.4f|"', '"~.0f"', '"~w"', '"~p"']),
                self.expr("float", env, d))
        if k == 6:
            return "float_to_list(%s%s)" % (self.expr("float", env, d), self.pick(
                ["", ", [{decimals, 3}, compact]", ", [{scientific, 2}]", ", [short]", ", [{decimals, 0}]",
                 ", [{scientific, 20}]", ", [{decimals, 10}, compact]"]))
        if k == 7:
            return "integer_to_list(%s, %d)" % (self.expr("int", env, d), r.choice([2, 7, 16, 36]))
        if k == 8:
            return "string:%s(%s)" % (r.choice(["uppercase", "lowercase", "titlecase", "casefold", "chomp", "trim"]), s)
        if k == 9:
            return "lists:flatten(string:split(%s, %s%s))" % (s, self.pick(['","', '" "', '"l"']), self.pick(["", ", all", ", trailing"]))
        if k == 10:
            return "lists:flatten(io_lib:format(\"~%sp\", [%s]))" % (self.pick(["", "10", "40", "1"]), self.wdeep(env, d))
        return "string:%s(%s, %d)" % (r.choice(["left", "right", "centre"]), s, r.randint(0, 10))

    def wdeep(self, env, d):
        """A deep or wide term, for ~p's line breaking."""
        r = self.r
        k = r.randint(0, 6)
        if k == 0:
            return "lists:seq(1, %d)" % r.randint(10, 60)
        if k == 1:
            return "[{%s, lists:seq(1, %d)} || X <- lists:seq(1, %d)]" % (self.pick(["X", "X * 1000", "a"]), r.randint(1, 8), r.randint(1, 8))
        if k == 2:
            return "lists:duplicate(%d, %s)" % (r.randint(1, 12), self.pick(['"hello world"', "<<\"bin data\">>",
                                                                              "#{a => 1, b => [1, 2]}", "#r{}", "{a, \"s\", 1.5}"]))
        if k == 3:
            return "lists:foldl(fun(_, A) -> {A, A} end, x, lists:seq(1, %d))" % r.randint(1, 5)
        if k == 4:
            return "list_to_binary(lists:seq(%d, %d))" % (r.choice([0, 32, 97]), r.choice([40, 120, 200]))
        if k == 5:
            return "maps:from_list([{K, lists:seq(1, K)} || K <- lists:seq(1, %d)])" % r.randint(1, 12)
        return "{%s}" % ", ".join(self.expr("any", env, 1) for _ in range(r.randint(3, 8)))

    def w_tuple(self, env, d):
        r = self.r
        k = r.randint(0, 7)
        if k == 0:
            return "lists:partition(fun(X) -> X > %d end, %s)" % (r.randint(0, 20), self.bad("list", env, d))
        if k == 1:
            return "lists:unzip(%s)" % self.pick(["[{1, a}, {2, b}]", "[]", "[{x, y}, z]"])
        if k == 2:
            return "maps:find(%s, %s)" % (self.pick(KEYS), self.bad("map", env, d)) if self.chance(0.5) else \
                "maps:take(%s, %s)" % (self.pick(KEYS), self.bad("map", env, d))
        if k == 3:
            return self.wqueue(env, d)
        if k == 4:
            return "#s{x = %s, y = %s}" % (self.expr("int", env, d), self.w_rec(env, d))
        if k == 5:
            return "(%s)#s{z = {%s}}" % (self.pick(["#s{}", "id(#s{})", "id(#r{})"]), self.expr("any", env, d))
        if k == 6:
            return "list_to_tuple(string:to_integer(%s))" % self.pick(['"12abc"', '"-5"', '"x"', '"  7"', '""']) \
                if False else "string:to_integer(%s)" % self.pick(['"12abc"', '"-5"', '"x"', '"+7"', '""'])
        return "string:to_float(%s)" % self.pick(['"1.5x"', '"-2.0e3"', '"1"', '"1.e2"', '"0.5"'])

    def w_bin(self, env, d):
        r = self.r
        k = r.randint(0, 9)
        if k <= 1:
            # a binary comprehension with several generators and filters (its own frames are
            # dropped by st/1: heapscope compiles it inline)
            x, y = self.var(), self.var()
            e2 = dict(env); e2[x] = "int"; e2[y] = "int"
            # (integers only in the segments: a failing segment fails in OTP's '-lbc$^N' function,
            # which heapscope, compiling binary comprehensions inline, lacks)
            g1 = self.pick(["<<%s:%d>> <= %s" % (x, r.choice([8, 4, 16]), self.bad("bin", env, d)),
                            "%s <- %s, is_integer(%s)" % (x, self.bad("list", env, d), x)])
            g2 = self.pick(["%s <- %s, is_integer(%s)" % (y, self.expr("list", env, d), y),
                            "<<%s:2>> <= <<%d>>" % (y, r.randint(0, 255))])
            quals = [g1]
            e1 = dict(env); e1[x] = "int"
            if self.chance(0.5):
                quals.append(self.pick(["%s > %d" % (x, r.randint(0, 100)), self.expr("bool", e1, d)]))
            quals.append(g2)
            if self.chance(0.4):
                quals.append("%s =/= %d" % (y, r.randint(0, 3)))
            seg = self.pick(["<<%s:8, %s:4>>", "<<(%s + %s):16/little>>", "<<%s:3, %s:5/signed>>",
                             "<<(integer_to_binary(%s))/binary, %s>>"]) % (x, y)
            return "<< %s || %s >>" % (seg, ", ".join(quals))
        if k == 2:
            # the external term format
            return "term_to_binary(%s%s)" % (self.wterm(env, d), self.pick(["", "", ", [{minor_version, 0}]",
                                                                         ", [{minor_version, 1}]", ", [deterministic]"]))
        if k == 3:
            return "term_to_binary(binary_to_term(term_to_binary(%s)))" % self.wdeep(env, d)
        if k == 4:
            n = self.var()
            return "begin %s = id(%d), <<(%s):%s/signed-little, (%s):%s/bits>> end" % (
                n, r.choice([1, 5, 8, 13, 24]), self.bad("int", env, d), n, self.bad("bin", env, d), n)
        if k == 5:
            a, b, rest = self.var(), self.var(), self.var()
            return ("case %s of\n        <<%s:4, %s:%s/binary, %s/bits>> -> <<%s/bits, %s:4>>;\n"
                    "        %s -> %s\n    end") % (self.bad("bin", env, d), a, b, r.choice([0, 1, 2]), rest, rest, a,
                                                     self.var(), '<<"none">>')
        if k == 6:
            return "<<(%s)/utf%s, (%s)/utf8>>" % (self.pick(["$a", "1000", "16#10FFFF", "16#D800", "-1"]),
                                                  self.pick(["8", "16", "32", "16-little", "32-little"]),
                                                  self.pick(["0", "127", "128", "2047", "2048", "65535", "65536"]))
        if k == 7:
            u, rest = self.var(), self.var()
            return "begin <<%s/utf%s, %s/binary>> = %s, <<%s:32, %s/binary>> end" % (
                u, self.pick(["8", "16", "32"]), rest, self.pick(['<<"héllo"/utf8>>', '<<"abc"/utf16>>', '<<1, 2, 3, 4>>',
                                                                  '<<0, 0, 0, 65>>']), u, rest)
        if k == 8:
            return "binary:%s" % self.pick(["replace(<<\"a,b,c\">>, <<\",\">>, <<\"--\">>, [global])",
                                            "list_to_bin([<<\"a\">>, \"bc\", [1, [2]]])",
                                            "copy(<<\"ab\">>, 3)", "encode_unsigned(%s)" % self.expr("int", env, d)])
        return "list_to_bitstring([<<1:3>>, %s, <<7:5>>])" % self.bad("bin", env, d)

    def w_map(self, env, d):
        r = self.r
        k = r.randint(0, 6)
        if k == 0:
            return "(%s)#{%s := %s, %s := %s}" % (self.bad("map", env, d), self.pick(KEYS), self.expr("int", env, d),
                                                  self.pick(KEYS), self.expr("int", env, d))
        if k == 1:
            return "maps:%s(fun(K, V) -> %s end, %s)" % (r.choice(["filter", "map"]),
                                                        self.pick(["K =/= a", "V > 1", "is_integer(V)", "V + 1"]) if False else "true",
                                                        self.bad("map", env, d))
        if k == 2:
            return "maps:%s(%s, %s)" % (r.choice(["with", "without"]), self.pick(["[a, b]", "[c]", "[]", "[z, a]"]),
                                        self.bad("map", env, d))
        if k == 3:
            return "maps:update_with(%s, fun(V) -> V * 2 end, %s, %s)" % (self.pick(KEYS), self.expr("int", env, d),
                                                                        self.bad("map", env, d))
        if k == 4:
            return "maps:remove(%s, %s)" % (self.pick(KEYS), self.bad("map", env, d))
        if k == 5:
            return "maps:from_list(lists:zip([a, b, c], [%s, %s, %s]))" % tuple(self.expr("int", env, d) for _ in range(3))
        v = self.var()
        return "begin #{a := %s} = %s, #{a => %s + 1} end" % (v, self.bad("map", env, d), v)

    def w_rec(self, env, d):
        r = self.r
        k = r.randint(0, 4)
        if k == 0:
            return "#r{a = %s, c = #r{a = %s}}" % (self.expr("int", env, d), self.expr("int", env, d))
        if k == 1:
            return "(%s)#r{a = %s, b = %s}" % (self.bad("rec", env, d), self.expr("int", env, d), self.expr("list", env, d))
        if k == 2:
            return "#r{_ = %s}" % self.pick(["0", "x", "[]"])
        if k == 3:
            return "#r{c = (%s)#r{}}" % self.bad("rec", env, d)
        return "element(#r.c, {r, 1, 2, #r{a = %s}})" % self.expr("int", env, d)

    def w_any(self, env, d):
        r = self.r
        k = r.randint(0, 10)
        if k == 7:
            # catch of every class, its stack printed like the cases'
            rs, st, v = self.var(), self.var(), self.var()
            return ("case catch %s of\n        {'EXIT', {%s, %s}} when is_list(%s) -> {'EXIT', san(%s), st(%s)};\n"
                    "        %s -> {value, san(%s)}\n    end") % (self.expr("any", env, d), rs, st, st, rs, st, v, v)
        if k == 8:
            # the process dictionary
            key = self.pick(["k1", "k2", "{k, 1}", "\"k\""])
            return self.pick(["begin put(%s, %s), get(%s) end" % (key, self.expr("any", env, d), key),
                              "{put(%s, %s), erase(%s), get(%s)}" % (key, self.expr("int", env, d), key, key),
                              "lists:sort(get_keys())"])
        if k == 9:
            return self.pick(["'_'", "'Ab'", "'[]'", "'é'", "'a\\nb'", "'else'", "'1a'", "'a@b'", "'\\''",
                              "'hello world'", "'ok'", "'fun'", "'a.b'", "'ü'"])
        if k == 10:
            b = self.expr("bin", env, d)
            return self.pick(["binary:split(%s, [<<\",\">>, <<0>>], [global])" % b,
                              "binary:match(%s, <<\"a\">>)" % b,
                              "binary:bin_to_list(%s)" % b,
                              "unicode:characters_to_list(%s)" % b,
                              "unicode:characters_to_binary(%s)" % self.expr("str", env, d),
                              "iolist_to_binary([%s, %s])" % (b, self.expr("str", env, d)),
                              "iolist_size([%s | %s])" % (b, self.expr("list", env, d)),
                              "binary:replace(%s, <<\"b\">>, <<\"BB\">>, [global])" % b])
        if k == 0:
            return "lists:sort([%s])" % ", ".join(self.wterm(env, d) for _ in range(r.randint(2, 6)))
        if k == 1:
            return "binary_to_term(term_to_binary(%s))" % self.wterm(env, d)
        if k == 2:
            return "binary_to_term(%s)" % self.pick(["<<131, 100, 0, 1, 97>>", "<<131, 119, 1, 98>>", "<<131, 97, 5>>",
                                                     "<<131, 98, 255, 255, 255, 255>>", "<<131, 106>>", "<<131, 110, 1, 0, 5>>",
                                                     "<<131, 70, 63, 240, 0, 0, 0, 0, 0, 0>>", "<<131, 104, 0>>",
                                                     "<<131, 116, 0, 0, 0, 0>>", "<<131, 107, 0, 2, 1, 2>>",
                                                     "<<131, 108, 0, 0, 0, 1, 97, 1, 97, 2>>", "<<131, 97>>", "<<1, 2>>",
                                                     "<<131, 77, 0, 0, 0, 1, 3, 160>>", "<<131, 109, 0, 0, 0, 2, 1, 2>>"])
        if k == 3:
            return "%s(%s, %s)" % (self.pick(["max", "min"]), self.wterm(env, d), self.wterm(env, d))
        if k == 4:
            return self.wdeep(env, d)
        if k == 5:
            return "orddict:to_list(orddict:store(%s, %s, orddict:from_list([{b, 1}, {a, 2}])))" % (
                self.pick(KEYS), self.expr("any", env, d))
        return "proplists:%s" % self.pick(["get_all_values(a, [{a, 1}, {b, 2}, {a, 3}])", "lookup(b, [a, {b, 2}])",
                                          "delete(a, [{a, 1}, b, {a, 2}])", "get_keys([{a, 1}, b, {c, 2}])",
                                          "compact([{a, true}, b, {c, 1}])", "unfold([a, {b, 2}])"])

    def w_control(self, t, env, d):
        """Nested try/catch/after with rethrow, and receive after 0 with several messages."""
        r = self.r
        k = r.randint(0, 3)
        if k == 0:
            c, rs, st = self.var(), self.var(), self.var()
            return ("try\n        try %s\n        catch\n            %s:%s:%s -> io:format(\"inner ~p~n\", [san(%s)]),"
                    " erlang:raise(%s, %s, %s)\n        after\n            io:format(\"after~n\")\n        end\n"
                    "    catch\n        throw:_ -> %s\n    end") % (self.bad(t, env, d), c, rs, st, rs, c, rs, st,
                                                                  self.expr(t, env, d))
        if k == 1:
            c, rs = self.var(), self.var()
            return ("try %s\n    catch\n        %s:%s -> erlang:raise(%s, {wrapped, %s}, %s)\n    end") % (
                self.bad(t, env, d), c, rs, c, rs, self.pick(["[]", "[{m, f, 1, []}]", "bad"]))
        if k == 2:
            a, b, v = self.var(), self.var(), self.var()
            return ("begin self() ! {k1, %s}, self() ! {k2, %s}, %s = receive {k2, %s} -> %s after 0 -> %s end, "
                    "receive {k1, _} -> ok after 0 -> ok end, %s end") % (
                self.expr("any", env, d), self.expr(t, env, d), v, a, a, self.expr(t, env, d), v) if False else \
                ("begin self() ! {k1, %s}, self() ! {k2, %s},\n    %s = receive {k2, %s} -> %s after 0 -> %s end,\n"
                 "    receive {k1, _} -> ok after 0 -> ok end, %s end") % (
                self.expr("any", env, d), self.expr(t, env, d), v, a, a, self.expr(t, env, d), v)
        c, rs, st = self.var(), self.var(), self.var()
        return ("try %s\n    catch\n        %s:%s:%s -> io:format(\"~p ~p~n\", [%s, [F || {_, F, _, _} <- %s]]), %s\n"
                "    end") % (self.bad(t, env, d), c, rs, st, c, st, self.expr(t, env, d))

    # ---- calls and control -------------------------------------------------------------------
    def call(self, t, env, d):
        fs = [f for f in self.funcs if f[2] == t]
        if not fs or self.chance(0.2):
            return self.control(t, env, d)
        name, pts, _ = self.pick(fs)
        return "%s(%s)" % (name, ", ".join(self.bad(p, env, d) for p in pts))

    def control(self, t, env, d):
        r = self.r
        if r.random() < self.wide_p * 0.5:
            return self.w_control(t, env, d)
        k = r.randint(0, 11)
        if k == 0:
            c = self.expr("int", env, d)
            v = self.var()
            e2 = dict(env); e2[v] = "int"
            return ("case %s of\n        %d -> %s;\n        %s when %s > %d -> %s;\n        %s -> %s\n    end"
                    % (c, r.randint(0, 3), self.expr(t, env, d), v, v, r.randint(0, 50), self.expr(t, e2, d),
                       "_" if self.chance(0.8) else "[]", self.expr(t, env, d)))
        if k == 1:
            return "if\n        %s -> %s;\n        %s -> %s\n    end" % (
                self.guard(env), self.expr(t, env, d), self.pick(["true", self.guard(env)]), self.expr(t, env, d))
        if k == 2:
            v = self.var()
            after = self.pick(["", "", "\n    after\n        io:format(\"after ~p~n\", [%d])" % r.randint(0, 99)])
            return "try %s of\n        %s -> %s\n    catch\n        %s -> %s%s\n    end" % (
                self.expr(t, env, d), v, v, self.pick(["error:_", "throw:_", "_:_", "error:badarith"]),
                self.expr(t, env, d), after)
        if k == 3:
            v, rv = self.var(), self.var()
            return "begin self() ! %s, receive %s -> %s after 0 -> %s end end" % (
                self.expr(t, env, d), rv, rv, self.expr(t, env, d))
        if k == 4:
            # A fun called twice (OTP inlines a fun applied once: its frame would go).
            x = self.var()
            e2 = dict(env); e2[x] = t
            f = self.var()
            return "begin %s = fun(%s) -> %s end, element(2, {%s(%s), %s(%s)}) end" % (
                f, x, self.bad(t, e2, d), f, self.expr(t, env, d), f, self.expr(t, env, d))
        if k == 5:
            # A closure passed to a helper that calls it.
            x = self.var()
            e2 = dict(env); e2[x] = t
            return "apply1(fun(%s) -> %s end, %s)" % (x, self.bad(t, e2, d), self.expr(t, env, d))
        if k == 6:
            return "begin %s = %s, %s end" % (self.var(), self.expr("any", env, d), self.expr(t, env, d))
        if k == 7:
            return "element(%d, id({%s, %s}))" % (self.pick([1, 2, 1, 1, 3]), self.expr(t, env, d), self.expr(t, env, d))
        if k == 8:
            return "case catch %s of\n        {'EXIT', _} -> %s;\n        %s -> %s\n    end" % (
                self.expr("any", env, d), self.expr(t, env, d), self.var(), self.expr(t, env, d))
        if k == 9 and t == "int":
            n, f = self.var(), self.var()
            # (through apply1/2: OTP inlines a fun applied where it is made)
            return "apply1(fun %s(0) -> %s; %s(%s) -> %s(%s - 1) + 1 end, %d)" % (
                f, self.expr("int", env, d), f, n, f, n, r.randint(0, 6))
        if k == 10:
            if self.chance(0.1):
                # module_info/1 has no line information: its frame's location is []
                return "element(1, {%s, %s:module_info(%s)})" % (
                    self.expr(t, env, d), self.name, self.pick(["module", "bad_key"]))
            return self.call(t, env, d) if self.funcs and self.chance(0.5) else self.lit(t)
        return self.expr(t, env, d)

    def guard(self, env):
        r = self.r
        ints = self.vars_of(env, "int") or [str(r.randint(0, 9))]
        k = r.randint(0, 5)
        if k == 0:
            return "%s > %d" % (self.pick(ints), r.randint(-5, 50))
        if k == 1:
            return "is_integer(%s), %s rem 2 =:= 0" % ((self.pick(ints),) * 2)
        if k == 2:
            anys = self.vars_of(env, "any") or ["x"]
            return "%s(%s)" % (self.pick(["is_atom", "is_list", "is_tuple", "is_map"]), self.pick(anys))
        if k == 3:
            anys = self.vars_of(env, "any") or ["x"]
            return "length(%s) > 1" % self.pick(anys)   # may fail in the guard: just false
        if k == 4:
            return "%s + 1 > %s; %s == 0" % (self.pick(ints), self.pick(ints), self.pick(ints))
        return "element(1, {%s}) =:= %s" % (self.pick(ints), r.randint(0, 9))

    # ---- functions ---------------------------------------------------------------------------
    def helper(self, i):
        r = self.r
        name = "f%d" % i
        pts = [self.pick(TYPES[:-1]) for _ in range(r.randint(0, 3))]
        ret = self.pick(TYPES[:-1])
        ps = [self.var() for _ in pts]
        env = dict(zip(ps, pts))
        clauses = []
        # An optional first clause on the first argument's shape.
        if pts and self.chance(0.4):
            p0 = {"int": str(r.randint(0, 3)), "atom": "a", "list": "[]", "bool": "true",
                  "tuple": "{}", "bin": "<<>>", "map": "#{}", "str": '""', "float": "_",
                  "rec": "#r{a = 0}"}[pts[0]]
            args = [p0] + ["_" + p for p in ps[1:]]
            clauses.append("%s(%s) ->\n    %s" % (name, ", ".join(args), self.expr(ret, {}, 1)))
        if pts and pts[0] == "int" and self.chance(0.4):
            guard = " when %s > %d" % (ps[0], r.randint(-3, 20))
        else:
            guard = ""
        body = []
        e = dict(env)
        for _ in range(r.randint(0, 2)):
            v = self.var()
            vt = self.pick(TYPES[:-1])
            # (through id/1: OTP drops an unused map update, and its badkey with it)
            body.append("%s = id(%s)" % (v, self.expr(vt, e, self.maxdepth - 1)))
            e[v] = vt
        last = self.tail(name, ret, e, ps, pts)
        body.append(last)
        clauses.append("%s(%s)%s ->\n    %s" % (name, ", ".join(ps), guard, ",\n    ".join(body)))
        if guard and self.chance(0.5):
            clauses.append("%s(%s) ->\n    %s" % (name, ", ".join("_" + p for p in ps), self.lit(ret)))
        self.defs.append(";\n".join(clauses) + ".\n")
        self.funcs.append((name, pts, ret))
        self.exports.append("%s/%d" % (name, len(pts)))

    def tail(self, name, ret, env, ps, pts):
        """A function's last expression: often a tail call to an earlier helper with its
        arguments computed from permuted parameters (where a failure shows which frame OTP
        keeps)."""
        r = self.r
        cands = [f for f in self.funcs if f[2] == ret]
        if cands and self.chance(0.5):
            fname, fpts, _ = self.pick(cands)
            args = []
            for t in fpts:
                same = [p for p, pt in zip(ps, pts) if pt == t]
                if same and self.chance(0.6):
                    a = self.pick(same)
                    if t == "int" and self.chance(0.5):
                        a = "%s %s %s" % (a, self.pick(["+", "-", "*", "div"]),
                                          self.pick([str(r.randint(1, 5))] + same))
                    args.append(a)
                else:
                    args.append(self.bad(t, env, 1))
            if self.chance(0.3):
                return "%s + 0" % self.expr(ret, env, 1) if ret == "int" and False else \
                    "%s(%s)" % (fname, ", ".join(args))
            return "%s(%s)" % (fname, ", ".join(args))
        if self.chance(0.15):
            return self.pick(["throw(%s)", "error(%s)", "exit(%s)", "error({oops, %s})"]) % self.expr("atom", env, 1)
        return self.expr(ret, env, self.maxdepth - 1)

    # ---- main --------------------------------------------------------------------------------
    def case(self, k):
        r = self.r
        t = self.pick(TYPES)
        e = self.expr(t, {}, self.maxdepth)
        v, c, rs, s = self.var(), self.var(), self.var(), self.var()
        fmt = self.pick(['"~w: ~p~n"', '"~w: ~w~n"', '"~w: ~200p~n"'])
        return ("    try\n        %s\n    of\n        %s -> io:format(%s, [%d, %s])\n    catch\n"
                "        %s:%s:%s -> io:format(\"~w: ~p:~p~n    ~p~n\", [%d, %s, san(%s), st(%s)])\n    end"
                % (e, v, fmt, k, v, c, rs, s, k, c, rs, s))

    def fmt_case(self, k):
        """io:format with a random control string and matching arguments."""
        r = self.r
        parts, args = [], []
        for _ in range(r.randint(1, 5)):
            kind = r.randint(0, 19)
            w = r.choice(["", "10", "-10", "3", "12.3", ".5", "*"])
            if kind == 0:
                parts.append("~p"); args.append(self.expr("any", {}, 2))
            elif kind == 1:
                parts.append("~w"); args.append(self.expr("any", {}, 2))
            elif kind == 2:
                parts.append("~" + r.choice(["", "10", "-10", "3", "10.2", ".2"]) + "s")
                args.append(self.pick([self.lit("str"), self.lit("atom"), '<<"bin">>']))
            elif kind == 3:
                parts.append("~" + r.choice(["", "10", "-12", "10.3", ".3", "15.5."]) + r.choice(["f", "e", "g"]))
                args.append(self.lit("float"))
            elif kind == 4:
                parts.append("~" + r.choice(["", "8", ".2", ".16", "10.16", "-6.8"]) + r.choice(["b", "B"]))
                args.append(self.lit("int") if self.chance(0.8) else str(r.randint(-99, 99)))
            elif kind == 5:
                parts.append("~" + r.choice(["", ".16", "8.16", ".2"]) + r.choice(["x", "X"]))
                args.append(str(r.randint(-999, 99999))); args.append('"0x"')
            elif kind == 6:
                parts.append("~" + r.choice(["", "5", "3.", "5.3"]) + "c"); args.append(str(r.choice([97, 65, 120, 48])))
            elif kind == 7:
                parts.append("~" + r.choice(["", ".16", ".2"]) + "#"); args.append(str(r.randint(-500, 500)))
            elif kind == 8:
                parts.append("~" + r.choice(["", ".16", ".2"]) + "+"); args.append(str(r.randint(-500, 500)))
            elif kind == 9:
                parts.append("~i"); args.append(self.expr("any", {}, 1))
            elif kind == 10:
                parts.append("~P"); args.append(self.expr("any", {}, 2)); args.append(str(r.randint(1, 6)))
            elif kind == 11:
                parts.append("~W"); args.append(self.expr("any", {}, 2)); args.append(str(r.randint(1, 6)))
            elif kind == 12:
                # (no negative width for ~p: OTP 25's io server dies on ~-30p of a binary)
                parts.append("~" + r.choice(["", "30"]) + r.choice(["p", "tp", "lp"]) if self.chance(0.7)
                             else "~" + r.choice(["", "30", "-30"]) + "w")
                args.append(self.expr("any", {}, 2))
            elif kind == 13:
                parts.append("~~")
            elif kind == 14:
                parts.append("~n")
            elif kind == 15:
                parts.append("~" + r.choice(["5", "-5", "5.1"]) + ".*" + r.choice(["s", "p", "w"])) if False else parts.append("~10.3.*w")
                args.append("$*"); args.append(str(r.randint(-99, 99)))
            elif kind == 16:
                parts.append("~" + r.choice(["", "12", "12.5"]) + "ts"); args.append('"' + r.choice(["x", "déjà", "abc"]) + '"')
            elif kind == 17:
                # deep and wide terms: ~p's line breaking, at widths, with depth limits
                d = r.choice(["p", "p", "P", "lp", "tp", "W", "w"])
                parts.append("~" + r.choice(["", "", "40", "1", "100", "20.4"]) + d)
                args.append(self.wdeep({}, 2))
                if d in ("P", "W"):
                    args.append(str(r.randint(1, 12)))
            elif kind == 18:
                # ~s of iolists, binaries, atoms, with precision and padding characters
                parts.append("~" + r.choice(["", "8", "-8", "8.3", ".3", "8.3.*", "-6..", "3.1"]) + r.choice(["s", "ts"]))
                if parts[-1].count(".") == 2 and "*" in parts[-1]:
                    parts[-1] = parts[-1].replace("*", "x")
                args.append(self.pick(['["ab", [$c | <<"de">>]]', '<<"héllo"/utf8>>', "'an atom'", '""', '"tab\\tx"',
                                       '[<<"x">>, "yz"]', '"' + "long " * 8 + '"']))
            else:
                # integers and floats at their printing edges
                parts.append("~" + r.choice(["w", "p", "b", ".36B", "e", "f", "g", ".0e", ".20f", "25.17g"]))
                c = parts[-1][-1]
                if c in "efg":
                    args.append(self.lit("float"))
                else:
                    args.append(self.pick(["0", "-1", "(1 bsl 64)", "-(1 bsl 59)", "(1 bsl 59) - 1", "123456789012345678901234567890",
                                           "16#7FFFFFFFFFFFFFFF", "-16#8000000000000000"]) if c in "bB" else self.lit(self.pick(["int", "float"])))
        sep = self.pick([" ", "|", ", ", ""])
        c, rs, st = self.var(), self.var(), self.var()
        return ('    try io:format("%d: %s~n", [%s])\n    catch %s:%s:%s -> io:format("%d: ~p:~p~n    ~p~n", [%s, san(%s), st(%s)])\n    end'
                % (k, sep.join(parts), ", ".join(args), c, rs, st, k, c, rs, st))

    def render(self):
        r = self.r
        for i in range(r.randint(2, 6)):
            self.helper(i)
        body = []
        for k in range(self.ncases):
            if self.chance(0.25):
                body.append(self.fmt_case(k))
            else:
                body.append(self.case(k))
        if self.chance(0.15):
            # An uncaught failure at the end: exit status 1 on both. OTP's init halts at once
            # when main fails, and output still on its way to the terminal can be lost: the
            # sleep lets it out.
            body.append("    timer:sleep(100)")
            body.append("    id(%s)" % self.expr(self.pick(TYPES), {}, 2))
        body.append("    ok")
        out = ["-module(%s)." % self.name,
               "-export([%s])." % ", ".join(self.exports),
               "-record(r, {a = 0, b = [], c}).",
               "-record(s, {x = 1 :: integer(), y = #r{}, z = {0, 0}}).",
               ""]
        out.extend(self.defs)
        out.append(SUPPORT % {"m": self.name})
        out.append("main() ->\n" + ",\n".join(body) + ".\n")
        return "\n".join(out)


# The printing helpers every program carries: funs print as 'fun', frames of other modules
# lose their location (stdlib line numbers differ), binary comprehension frames go, int/1 keeps
# binary comprehension segments integers.
SUPPORT = r"""apply1(F, X) -> F(X).

int(X) when is_integer(X) -> X;
int(_) -> 0.

id(X) -> X.

san(F) when is_function(F) -> 'fun';
san(T) when is_tuple(T) -> list_to_tuple(san(tuple_to_list(T)));
san([H | T]) -> [san(H) | san(T)];
san(M) when is_map(M) -> maps:from_list(san(maps:to_list(M)));
san(X) -> X.

st(S) ->
    [san(frame(F)) || F <- S, not is_bc(F)].

frame({M, F, A, _}) when M =/= %(m)s, M =/= erlang -> {M, F, A};
frame(F) -> F.

is_bc({_, F, _, _}) -> string:find(atom_to_list(F), "lbc$") =/= nomatch.
"""


# ---- running ----------------------------------------------------------------------------------

def run(cmd, cwd, timeout=60, env=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""
    except OSError as e:
        return "oserror", b"", str(e).encode()


def otp_filter(out):
    # As scripts/otp-expect.sh: init's own crash lines go.
    lines = out.split(b"\n")
    keep = [l for l in lines if not (l.startswith(b'{"init terminating in do_boot"')
                                      or l.startswith(b"init terminating in do_boot"))]
    return b"\n".join(keep)


def check_one(seed, args, work):
    name = "dt_%d" % seed
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    src = Module(seed, name, depth=args.depth, cases=args.cases).render()
    with open(os.path.join(d, name + ".erl"), "w") as f:
        f.write(src)
    st, _, err = run(["erlc", name + ".erl"], d)
    if st != 0:
        return seed, "erlc", err.decode(errors="replace")[:2000]
    env = dict(os.environ, ERL_CRASH_DUMP_SECONDS="0", ERL_CRASH_DUMP="/dev/null")
    ost, oout, _ = run(["erl", "-noshell", "-s", name, "main", "-s", "init", "stop"], d, env=env)
    oout = otp_filter(oout)
    hst, hout, herr = run([args.heapscope, "run", "--no-agent", name + ".erl"], d)
    ost = 1 if ost not in (0, "timeout") else ost
    with open(os.path.join(d, "otp.out"), "wb") as f:
        f.write(oout)
    with open(os.path.join(d, "hs.out"), "wb") as f:
        f.write(hout)
    with open(os.path.join(d, "hs.err"), "wb") as f:
        f.write(herr)
    if ost == "timeout":
        return seed, "otp-timeout", ""
    if hout == oout and hst == ost:
        return seed, None, ""
    why = "exit %s, OTP %s" % (hst, ost)
    ol, hl = oout.split(b"\n"), hout.split(b"\n")
    for i in range(max(len(ol), len(hl))):
        a = ol[i] if i < len(ol) else b"<eof>"
        b = hl[i] if i < len(hl) else b"<eof>"
        if a != b:
            why += "\n    line %d\n    OTP: %s\n    hs:  %s" % (i + 1, a.decode(errors="replace")[:300],
                                                         b.decode(errors="replace")[:300])
            break
    if hst not in (0, 1):
        why += "\n    stderr: " + herr.decode(errors="replace")[-600:]
    return seed, "mismatch", why


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--seeds", type=int, default=40, help="how many programs")
    ap.add_argument("--first", type=int, default=1, help="first seed")
    ap.add_argument("--jobs", type=int, default=8, help="programs run at once (OTP mostly waits)")
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--cases", type=int, default=14)
    ap.add_argument("--heapscope", default=os.environ.get("HEAPSCOPE", os.path.join(ROOT, "bin", "heapscope")))
    ap.add_argument("--keep", help="directory to keep the programs and outputs in")
    ap.add_argument("--show", type=int, help="print the program of this seed and exit")
    args = ap.parse_args()
    if args.show is not None:
        sys.stdout.write(Module(args.show, "dt_%d" % args.show, args.depth, args.cases).render())
        return 0
    if not shutil.which("erl") or not shutil.which("erlc"):
        print("notice: difftest: erl/erlc not found, nothing compared")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    args.heapscope = os.path.abspath(args.heapscope)
    work = args.keep or tempfile.mkdtemp(prefix="difftest.")
    os.makedirs(work, exist_ok=True)
    seeds = range(args.first, args.first + args.seeds)
    passed = failed = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for seed, kind, why in ex.map(lambda s: check_one(s, args, work), seeds):
            if kind is None:
                passed += 1
                if not args.keep:
                    shutil.rmtree(os.path.join(work, "dt_%d" % seed), ignore_errors=True)
            else:
                failed += 1
                print("FAIL seed %d: %s %s" % (seed, kind, why))
    if not args.keep and failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    elif failed:
        print("  programs and outputs kept in %s" % work)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

/*
 * math.c — BIFs of the math module. As OTP 25 (erl_math.c): arguments that are not numbers
 * raise badarg; a result that is NaN or infinite (a domain or range error), or an integer
 * argument too large for a double, raises badarith. ceil/floor return floats.
 */
#include "bif/bif.h"

#include <math.h>

#include "bignum.h"

/* 1: a double; 0: not a number (badarg); -1: an integer too large for a double (badarith). */
static int arg_double(Term t, double *d)
{
    if (term_is_float(t)) {
        *d = float_val(t);
        return 1;
    }
    if (term_is_small(t)) {
        *d = (double)small_val(t);
        return 1;
    }
    if (!term_is_big(t)) return 0;
    return int_to_double(t, d) ? 1 : -1;
}

static Term arg_error(Process *p, int a, int b)
{
    return (a == 0 || b == 0) ? bif_badarg(p) : bif_error(p, AM(badarith));
}

static Term result(Process *p, double r)
{
    if (!isfinite(r)) return bif_error(p, AM(badarith));
    return float_at(heap_halloc(&p->heap, FLOAT_SIZE), r);
}

static Term math1(Process *p, const Term *a, double (*fn)(double))
{
    double x;
    int ok = arg_double(a[0], &x);
    if (ok != 1) return arg_error(p, ok, ok);
    return result(p, fn(x));
}

static Term math2(Process *p, const Term *a, double (*fn)(double, double))
{
    double x = 0, y = 0;
    int okx = arg_double(a[0], &x), oky = arg_double(a[1], &y);
    if (okx != 1 || oky != 1) return arg_error(p, okx, oky);
    return result(p, fn(x, y));
}

#define F1(name) \
    static Term bif_##name(Process *p, const Term *a) { return math1(p, a, name); }
F1(sin) F1(cos) F1(tan) F1(asin) F1(acos) F1(atan) F1(sinh) F1(cosh) F1(tanh) F1(asinh)
F1(acosh) F1(atanh) F1(exp) F1(log) F1(log2) F1(log10) F1(sqrt) F1(ceil) F1(floor) F1(erf)
F1(erfc)
#undef F1

static Term bif_atan2(Process *p, const Term *a) { return math2(p, a, atan2); }
static Term bif_pow(Process *p, const Term *a) { return math2(p, a, pow); }

/* fmod(X, 0) is NaN in C: badarith, as OTP. */
static Term bif_fmod(Process *p, const Term *a) { return math2(p, a, fmod); }

static Term bif_pi(Process *p, const Term *a) { return result(p, M_PI); }
static Term bif_tau(Process *p, const Term *a) { return result(p, 2 * M_PI); }

#define M1(n) {"math", #n, 1, bif_##n, 0}
const BifDef bif_table_math[] = {
    M1(sin), M1(cos), M1(tan), M1(asin), M1(acos), M1(atan), M1(sinh), M1(cosh), M1(tanh),
    M1(asinh), M1(acosh), M1(atanh), M1(exp), M1(log), M1(log2), M1(log10), M1(sqrt),
    M1(ceil), M1(floor), M1(erf), M1(erfc),
    {"math", "atan2", 2, bif_atan2, 0},
    {"math", "pow", 2, bif_pow, 0},
    {"math", "fmod", 2, bif_fmod, 0},
    {"math", "pi", 0, bif_pi, 0},
    {"math", "tau", 0, bif_tau, 0},
    {0},
};

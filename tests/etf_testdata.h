/*
 * etf_testdata.h — decodes the external term format into test terms, for tests whose cases
 * were generated on OTP as term_to_binary output (test_print.c, test_fmt.c). It builds terms
 * without a process heap and knows local funs, which runtime/etf.c refuses, so the corpora keep
 * their funs.
 *
 * The including file defines, before including this one:
 *   Term *take(size_t n);                  n words of test memory
 *   Term I(Sint v), F(double d);           a small integer, a float
 *   Term tuple_of(size_t n, const Term *e);
 *   Term Bin(const void *bytes, size_t n);
 *   Term SubBin(Term orig, Uint offs, Uint size, unsigned bitoffs, unsigned bitsize);
 *   Term Map(size_t n, const Term *k, const Term *v);   keys in the order term_to_binary wrote
 */
#ifndef HS_TESTS_ETF_TESTDATA_H
#define HS_TESTS_ETF_TESTDATA_H

static FunEntry fun_entries[64];
static size_t n_fun_entries;

static uint64_t be(const unsigned char **p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | *(*p)++;
    return v;
}

static Term etf_term(const unsigned char **p);

static Term etf_seq(const unsigned char **p, size_t n, Term *out)
{
    for (size_t i = 0; i < n; i++) out[i] = etf_term(p);
    return NIL;
}

static Term etf_atom(const unsigned char **p, unsigned tag)
{
    size_t len = tag == 119 ? be(p, 1) : be(p, 2);
    Term a = atom_put((const char *)*p, len); /* ATOM_UTF8_EXT / SMALL_ATOM_UTF8_EXT */
    *p += len;
    return a;
}

static Term etf_big(const unsigned char **p, size_t n)
{
    unsigned sign = *(*p)++;
    Uint limbs[8] = {0};
    for (size_t i = 0; i < n; i++) limbs[i / 8] |= (Uint)(*p)[i] << (8 * (i % 8));
    *p += n;
    size_t nl = (n + 7) / 8;
    while (nl > 1 && limbs[nl - 1] == 0) nl--;
    if (nl == 1 && limbs[0] <= (Uint)MAX_SMALL + sign) return I(sign ? (Sint)(0 - limbs[0]) : (Sint)limbs[0]);
    Term *h = take(1 + nl);
    h[0] = make_header(sign ? SUB_NEG_BIG : SUB_POS_BIG, 0, nl);
    memcpy(h + 1, limbs, nl * sizeof(Uint));
    return make_boxed(h);
}

static Term etf_fun(const unsigned char **p)
{
    be(p, 4); /* size */
    unsigned arity = *(*p)++;
    *p += 16 + 4; /* md5, new index */
    uint32_t nfree = (uint32_t)be(p, 4);
    FunEntry *fe = &fun_entries[n_fun_entries++ % 64];
    fe->module = etf_term(p);
    fe->name = fe->module;
    fe->index = (uint32_t)small_val(etf_term(p));
    fe->uniq = (uint32_t)small_val(etf_term(p));
    fe->arity = arity;
    fe->is_export = 0;
    etf_term(p); /* creator pid */
    Term env[8];
    etf_seq(p, nfree, env);
    return fun_at(take(5 + nfree), fe, make_pid(0), nfree, env);
}

static Term etf_term(const unsigned char **p)
{
    unsigned tag = *(*p)++;
    Term e[256];
    switch (tag) {
    case 97: return I((Sint)be(p, 1));                       /* SMALL_INTEGER_EXT */
    case 98: return I((Sint)(int32_t)be(p, 4));              /* INTEGER_EXT */
    case 70: {                                               /* NEW_FLOAT_EXT */
        uint64_t bits = be(p, 8);
        double d;
        memcpy(&d, &bits, sizeof d);
        return F(d);
    }
    case 118: case 119: return etf_atom(p, tag);
    case 100: case 115: {                                    /* ATOM_EXT, SMALL_ATOM_EXT: Latin-1 */
        size_t len = tag == 115 ? be(p, 1) : be(p, 2);
        char u[512];
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (*p)[i];
            if (c < 0x80) u[k++] = (char)c;
            else {
                u[k++] = (char)(0xC0 | c >> 6);
                u[k++] = (char)(0x80 | (c & 0x3F));
            }
        }
        *p += len;
        return atom_put(u, k);
    }
    case 104: case 105: {                                    /* tuples */
        size_t n = tag == 104 ? be(p, 1) : be(p, 4);
        etf_seq(p, n, e);
        return tuple_of(n, e);
    }
    case 106: return NIL;
    case 107: {                                              /* STRING_EXT */
        size_t n = be(p, 2);
        Term l = NIL;
        for (size_t i = n; i-- > 0;) l = cons_at(take(2), I((*p)[i]), l);
        *p += n;
        return l;
    }
    case 108: {                                              /* LIST_EXT */
        size_t n = be(p, 4);
        Term *el = malloc((n + 1) * sizeof *el);
        etf_seq(p, n, el);
        Term l = etf_term(p);
        for (size_t i = n; i-- > 0;) l = cons_at(take(2), el[i], l);
        free(el);
        return l;
    }
    case 109: {                                              /* BINARY_EXT */
        size_t n = be(p, 4);
        Term b = Bin(*p, n);
        *p += n;
        return b;
    }
    case 77: {                                               /* BIT_BINARY_EXT */
        size_t n = be(p, 4);
        unsigned bits = *(*p)++;
        Term b = Bin(*p, n);
        *p += n;
        return bits == 8 ? b : SubBin(b, 0, n - 1, 0, bits);
    }
    case 110: return etf_big(p, be(p, 1));                   /* SMALL_BIG_EXT */
    case 116: {                                              /* MAP_EXT, iterator order */
        size_t n = be(p, 4);
        Term *k = calloc(n + 1, sizeof *k), *v = calloc(n + 1, sizeof *v);
        for (size_t i = 0; i < n; i++) {
            k[i] = etf_term(p);
            v[i] = etf_term(p);
        }
        Term m = Map(n, k, v);
        free(k);
        free(v);
        return m;
    }
    case 88: {                                               /* NEW_PID_EXT */
        etf_term(p);
        uint64_t id = be(p, 4);
        be(p, 8);
        return make_pid(id);
    }
    case 89: case 120: {                                     /* NEW_PORT_EXT, V4_PORT_EXT */
        etf_term(p);
        uint64_t id = be(p, tag == 89 ? 4 : 8);
        be(p, 4);
        return make_port(id);
    }
    case 90: {                                               /* NEWER_REFERENCE_EXT */
        size_t n = be(p, 2);
        etf_term(p);
        be(p, 4);
        uint32_t num[5] = {0};
        for (size_t i = 0; i < n; i++) num[i] = (uint32_t)be(p, 4);
        Term *r = take(REF_SIZE);
        r[0] = make_header(SUB_REF, REF_ORDINARY, 2);
        r[1] = (Uint)num[0] | (Uint)num[1] << 32;
        r[2] = num[2];
        return make_boxed(r);
    }
    case 113: {                                              /* EXPORT_EXT */
        FunEntry *fe = &fun_entries[n_fun_entries++ % 64];
        fe->module = etf_term(p);
        fe->name = etf_term(p);
        fe->arity = (uint32_t)small_val(etf_term(p));
        fe->is_export = 1;
        return fun_at(take(5), fe, AM(external), 0, NULL);
    }
    case 112: return etf_fun(p);                             /* NEW_FUN_EXT */
    default: abort();
    }
}

static Term etf_hex(const char *hex)
{
    size_t n = strlen(hex) / 2;
    unsigned char *b = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned x;
        sscanf(hex + 2 * i, "%2x", &x);
        b[i] = (unsigned char)x;
    }
    const unsigned char *p = b;
    Term t = etf_term(&p);
    free(b);
    return t;
}

#endif

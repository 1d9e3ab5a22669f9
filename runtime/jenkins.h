/*
 * jenkins.h — Bob Jenkins' lookup2 mixing, as OTP's utils.c uses it for its term hashes.
 *
 * Two hashes are built on it and must stay bit-exact with OTP 25: make_hash2 (erlang:phash2,
 * term.c) and make_internal_hash (map keys, map.c). Only the shared primitives live here.
 */
#ifndef HS_JENKINS_H
#define HS_JENKINS_H

#include <stdint.h>

/* The golden ratio and its multiples mod 2^32: OTP's HCONST and HCONST_n. */
#define HCONST 0x9e3779b9u
#define HCONST_2 0x3c6ef372u
#define HCONST_3 0xdaa66d2bu
#define HCONST_4 0x78dde6e4u
#define HCONST_5 0x1715609du
#define HCONST_6 0xb54cda56u
#define HCONST_7 0x5384540fu
#define HCONST_8 0xf1bbcdc8u
#define HCONST_9 0x8ff34781u
#define HCONST_10 0x2e2ac13au
#define HCONST_11 0xcc623af3u
#define HCONST_12 0x6a99b4acu
#define HCONST_13 0x08d12e65u
#define HCONST_14 0xa708a81eu
#define HCONST_15 0x454021d7u
#define HCONST_16 0xe3779b90u
#define HCONST_17 0x81af1549u
#define HCONST_18 0x1fe68f02u
#define HCONST_19 0xbe1e08bbu
#define HCONST_20 0x5c558274u
#define HCONST_21 0xfa8cfc2du
#define HCONST_22 0x98c475e6u

/* OTP's MIX(a, b, c). */
static inline void jenkins_mix(uint32_t *pa, uint32_t *pb, uint32_t *pc)
{
    uint32_t a = *pa, b = *pb, c = *pc;
    a -= b; a -= c; a ^= c >> 13;
    b -= c; b -= a; b ^= a << 8;
    c -= a; c -= b; c ^= b >> 13;
    a -= b; a -= c; a ^= c >> 12;
    b -= c; b -= a; b ^= a << 16;
    c -= a; c -= b; c ^= b >> 5;
    a -= b; a -= c; a ^= c >> 3;
    b -= c; b -= a; b ^= a << 10;
    c -= a; c -= b; c ^= b >> 15;
    *pa = a; *pb = b; *pc = c;
}

/* OTP's UINT32_HASH_2(x, y, k) applied to hash: returns the new hash. */
static inline uint32_t jenkins_u32x2(uint32_t hash, uint32_t x, uint32_t y, uint32_t k)
{
    uint32_t a = k + x, b = k + y;
    jenkins_mix(&a, &b, &hash);
    return hash;
}

/* OTP's block_hash: lookup2 over bytes (binaries, bitstrings). */
static inline uint32_t jenkins_block_hash(const unsigned char *k, uint64_t length, uint32_t initval)
{
    uint32_t a = HCONST, b = HCONST, c = initval;
    uint64_t len = length;
    while (len >= 12) {
        a += k[0] + ((uint32_t)k[1] << 8) + ((uint32_t)k[2] << 16) + ((uint32_t)k[3] << 24);
        b += k[4] + ((uint32_t)k[5] << 8) + ((uint32_t)k[6] << 16) + ((uint32_t)k[7] << 24);
        c += k[8] + ((uint32_t)k[9] << 8) + ((uint32_t)k[10] << 16) + ((uint32_t)k[11] << 24);
        jenkins_mix(&a, &b, &c);
        k += 12;
        len -= 12;
    }
    c += (uint32_t)length;
    switch (len) { /* every case falls through; c's low byte is taken by the length */
    case 11: c += (uint32_t)k[10] << 24; /* fallthrough */
    case 10: c += (uint32_t)k[9] << 16; /* fallthrough */
    case 9: c += (uint32_t)k[8] << 8; /* fallthrough */
    case 8: b += (uint32_t)k[7] << 24; /* fallthrough */
    case 7: b += (uint32_t)k[6] << 16; /* fallthrough */
    case 6: b += (uint32_t)k[5] << 8; /* fallthrough */
    case 5: b += k[4]; /* fallthrough */
    case 4: a += (uint32_t)k[3] << 24; /* fallthrough */
    case 3: a += (uint32_t)k[2] << 16; /* fallthrough */
    case 2: a += (uint32_t)k[1] << 8; /* fallthrough */
    case 1: a += k[0]; /* fallthrough */
    default: break;
    }
    jenkins_mix(&a, &b, &c);
    return c;
}

#endif

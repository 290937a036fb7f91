/* SHA-256 as FIPS 180-4 defines it. Blocks are compressed with the
 * processor's SHA extensions where it has them (x86-64: SHA-NI, most since
 * 2017 and 2019): glib's portable GChecksum was 4% of a standard job's
 * instructions, all in the scene hashes of incremental runs. Checked against
 * the standard's test vectors, both ways, in tests/unit/test_sha256.c. */
#include "common/sha256.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CM_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2
};

static uint32_t
rotr(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void
compress_portable(uint32_t h[8], const unsigned char block[64])
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | (uint32_t)block[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 64   /* the eight variables renamed, not moved, each round */
#endif
    for (int i = 0; i < 64; i++) {
        uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + s1 + ch + k[i] + w[i];
        uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + s0 + maj;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

#ifdef CM_SHA_NI
/* @n blocks with SHA-NI. The state is kept as the instructions want it, the
 * words A B E F in one register and C D G H in the other; each
 * _mm_sha256rnds2_epu32 makes two rounds, and each group of four message
 * words after the first four comes from the four groups before it. */
__attribute__((target("sha,sse4.1"))) static void
blocks_sha_ni(uint32_t h[8], const unsigned char *p, size_t n)
{
    const __m128i order = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    for (; n; n--, p += 64) {
        __m128i abef_was = abef, cdgh_was = cdgh, w[4];
        for (int g = 0; g < 16; g++) {
            __m128i m;
            if (g < 4) {
                m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), order);
            } else {
                m = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
                m = _mm_add_epi32(m, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
                m = _mm_sha256msg2_epu32(m, w[(g + 3) & 3]);
            }
            w[g & 3] = m;
            __m128i wk = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&k[4 * g]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_was);
        cdgh = _mm_add_epi32(cdgh, cdgh_was);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}
#endif

static atomic_int forced_portable;

#ifdef CM_SHA_NI
/* CPUID: SHA (leaf 7, EBX bit 29) and SSE4.1 (leaf 1, ECX bit 19); asked
 * directly, as clang's __builtin_cpu_supports() does not know "sha". */
static int
has_sha_ni(void)
{
    static atomic_int known;   /* 0 not asked yet, 1 no, 2 yes */
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (!k) {
        unsigned a, b, c, d;
        int sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19));
        int sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
        k = sse41 && sha ? 2 : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}
#endif

int
cm_sha256_accelerated(void)
{
#ifdef CM_SHA_NI
    return !atomic_load_explicit(&forced_portable, memory_order_relaxed) && has_sha_ni();
#else
    return 0;
#endif
}

void
cm_sha256_portable(int on)
{
    atomic_store(&forced_portable, on != 0);
}

/* @n whole blocks at @p into @h. */
static void
blocks(uint32_t h[8], const unsigned char *p, size_t n)
{
#ifdef CM_SHA_NI
    if (cm_sha256_accelerated()) {
        blocks_sha_ni(h, p, n);
        return;
    }
#endif
    for (; n; n--, p += 64)
        compress_portable(h, p);
}

void
cm_sha256_begin(cm_sha256_ctx *c)
{
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, h0, sizeof(h0));
    c->n = 0;
}

void
cm_sha256_add(cm_sha256_ctx *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t have = (size_t)(c->n % 64);
    c->n += n;
    if (have) {
        size_t take = 64 - have < n ? 64 - have : n;
        memcpy(c->block + have, p, take);
        p += take;
        n -= take;
        if (have + take < 64)
            return;
        blocks(c->h, c->block, 1);
    }
    if (n >= 64) {
        blocks(c->h, p, n / 64);
        p += n / 64 * 64;
        n %= 64;
    }
    if (n)
        memcpy(c->block, p, n);
}

void
cm_sha256_end(cm_sha256_ctx *c, unsigned char out[CM_SHA256_BYTES])
{
    /* The last bytes, a 1 bit, zeros, and the length in bits: one or two blocks. */
    unsigned char tail[128] = { 0 };
    size_t rest = (size_t)(c->n % 64);
    uint64_t bits = c->n * 8;
    memcpy(tail, c->block, rest);
    tail[rest] = 0x80;
    size_t n_tail = rest < 56 ? 64 : 128;
    for (int i = 0; i < 8; i++)
        tail[n_tail - 1 - i] = (unsigned char)(bits >> (8 * i));
    blocks(c->h, tail, n_tail / 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(c->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)c->h[i];
    }
}

void
cm_sha256(const void *data, size_t n, unsigned char out[CM_SHA256_BYTES])
{
    cm_sha256_ctx c;
    cm_sha256_begin(&c);
    cm_sha256_add(&c, data, n);
    cm_sha256_end(&c, out);
}

void
cm_sha256_hex(const unsigned char digest[CM_SHA256_BYTES], char out[CM_SHA256_HEX_BUF])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < CM_SHA256_BYTES; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[2 * CM_SHA256_BYTES] = '\0';
}

void
cm_sha256_base64(const void *data, size_t n, char out[CM_SHA256_BASE64_BUF])
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char d[CM_SHA256_BYTES + 1] = { 0 };
    char *o = out;
    cm_sha256(data, n, d);
    for (int i = 0; i < CM_SHA256_BYTES; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
        *o++ = digits[v >> 18 & 63];
        *o++ = digits[v >> 12 & 63];
        *o++ = i + 1 < CM_SHA256_BYTES ? digits[v >> 6 & 63] : '=';
        *o++ = i + 2 < CM_SHA256_BYTES ? digits[v & 63] : '=';
    }
    *o = '\0';
}

/* The zlib stream of PNG scanlines: deflate.h says what it does. How:
 *
 * Matching: at each position the last distance used, a pixel back and a row
 * back are tried (a map is runs of one colour and rows like the one above),
 * then, when they found less than HASH_BELOW bytes, the two last positions
 * with the same 3 bytes (a pixel) in this band, from a hash; the longest
 * wins, greedily. Only distances that stay inside the band and the row above
 * it are tried, and positions of the hash before the band are not used, so
 * a band's bytes are a function of those rows alone. A band is compressed
 * as soon as its last row is in, while its rows are in the cache.
 *
 * Coding: up to MAX_BLOCK_SYMBOLS symbols a block; each block is dynamic
 * Huffman (lengths limited to 15 bits, 7 for the code-length code, by moving
 * the deepest leaves up as JPEG's Annex K.3 does), fixed Huffman or stored,
 * whichever is fewest bits (counted exactly before writing). A band that does
 * not end on a byte boundary ends with an empty stored block, as zlib's sync
 * flush does. The stream ends with an empty fixed block marked final and the
 * Adler-32 of all rows (each band's, combined). */
#include "draw/deflate.h"
#include "common/pages.h"

#include <libdeflate.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
    BAND_ROWS = 16,
    MAX_BLOCK_SYMBOLS = 1 << 15,
    MIN_MATCH = 3,
    MAX_MATCH = 258,
    WINDOW = 32768,
    HASH_BITS = 14,    /* buckets of the hash, of 2 positions each */
    HASH_BELOW = 16,   /* the hash is tried when the candidates found less */
    N_LITLEN = 286,
    N_DIST = 30,
    N_CL = 19,
    END_OF_BLOCK = 256,
    ADLER_BASE = 65521,
    RAW_SLACK = 16     /* bytes after the rows: matching loads 16 at a time */
};

/* ---- tables (RFC 1951 3.2.5) ------------------------------------------------------------ */

static const uint16_t len_base[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,
                                       15, 17, 19, 23, 27, 31, 35, 43, 51,  59,
                                       67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1,    2,    3,    4,    5,    7,     9,     13,
                                        17,   25,   33,   49,   65,   97,    129,   193,
                                        257,  385,  513,  769,  1025, 1537,  2049,  3073,
                                        4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                        6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
/* The code-length code's lengths are sent in this order. */
static const uint8_t cl_order[N_CL] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
                                        11, 4, 12, 3, 13, 2, 14, 1, 15 };

typedef struct tree {
    uint16_t code[288];   /* bit-reversed, to be written least significant bit first */
    uint8_t len[288];     /* 288: the fixed code's, whose 286 and 287 shift its 9-bit codes */
} tree;

static uint8_t len_code[MAX_MATCH + 1];    /* length 3-258: index into len_base */
static uint8_t dist_code_small[257];       /* distance 1-256 */
static uint8_t dist_code_large[256];       /* distance 257-32768, by (d - 1) >> 7 */
static uint8_t reversed_byte[256];
static tree fixed_litlen, fixed_dist;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void make_codes(tree *t, unsigned n);

static void
tables_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        for (unsigned i = 0; i < 8; i++)
            reversed_byte[v] |= (uint8_t)(((v >> i) & 1) << (7 - i));
    for (unsigned c = 0; c < 29; c++) {
        unsigned end = c + 1 < 29 ? len_base[c + 1] : MAX_MATCH + 1;
        for (unsigned l = len_base[c]; l < end && l <= MAX_MATCH; l++)
            len_code[l] = (uint8_t)c;
    }
    len_code[MAX_MATCH] = 28;   /* 258 has its own code, not 227 + 31 */
    for (unsigned c = 0; c < 30; c++) {
        unsigned end = c + 1 < 30 ? dist_base[c + 1] : WINDOW + 1;
        for (unsigned d = dist_base[c]; d < end; d++) {
            if (d <= 256)
                dist_code_small[d] = (uint8_t)c;
            else
                dist_code_large[(d - 1) >> 7] = (uint8_t)c;
        }
    }
    for (unsigned s = 0; s < 288; s++)
        fixed_litlen.len[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    make_codes(&fixed_litlen, 288);
    for (unsigned s = 0; s < N_DIST; s++)
        fixed_dist.len[s] = 5;
    make_codes(&fixed_dist, N_DIST);
}

static unsigned
dist_code(unsigned d)
{
    return d <= 256 ? dist_code_small[d] : dist_code_large[(d - 1) >> 7];
}

/* ---- Huffman codes ------------------------------------------------------------------------ */

/* Sorts @n keys in ascending order (Shell's sort: few keys, where qsort's
 * calls or a radix sort's passes cost more than the sorting). */
static void
sort_few_keys(uint64_t *key, unsigned n)
{
    static const unsigned gaps[] = { 23, 10, 4, 1 };
    for (unsigned g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
        unsigned gap = gaps[g];
        for (unsigned i = gap; i < n; i++) {
            uint64_t v = key[i];
            unsigned j = i;
            for (; j >= gap && key[j - gap] > v; j -= gap)
                key[j] = key[j - gap];
            key[j] = v;
        }
    }
}

/* Sorts @n keys (at most N_LITLEN) of frequency << 16 | symbol, given in
 * order of symbol, in ascending order: below 64 keys sort_few_keys(), else a
 * stable radix sort on the bytes of the frequencies that are not all zero (a
 * block's fit in 16 bits). */
static void
sort_keys(uint64_t *key, unsigned n)
{
    if (n < 64) {
        sort_few_keys(key, n);
        return;
    }
    uint64_t tmp[N_LITLEN], *from = key, *to = tmp, all = 0;
    for (unsigned i = 0; i < n; i++)
        all |= key[i];
    for (unsigned shift = 16; shift < 64 && (all >> shift) != 0; shift += 8) {
        unsigned at[256] = { 0 }, sum = 0;
        unsigned top = (unsigned)(all >> shift) & 0xff;   /* no digit is above it */
        for (unsigned i = 0; i < n; i++)
            at[(from[i] >> shift) & 0xff]++;
        for (unsigned v = 0; v <= top; v++) {
            unsigned c = at[v];
            at[v] = sum;
            sum += c;
        }
        for (unsigned i = 0; i < n; i++)
            to[at[(from[i] >> shift) & 0xff]++] = from[i];
        uint64_t *t = from;
        from = to;
        to = t;
    }
    if (from != key)
        memcpy(key, from, n * sizeof(*key));
}

void
cm_deflate_code_lengths(const uint32_t *freq, unsigned n, unsigned limit, uint8_t *len)
{
    uint64_t key[N_LITLEN];                  /* frequency, then symbol: sorted */
    uint64_t weight[2 * N_LITLEN];
    uint16_t parent[2 * N_LITLEN], depth[2 * N_LITLEN];
    unsigned count[2 * N_LITLEN] = { 0 };    /* leaves at each depth */
    unsigned m = 0;
    memset(len, 0, n);
    for (unsigned s = 0; s < n && s < N_LITLEN; s++)
        if (freq[s])
            key[m++] = (uint64_t)freq[s] << 16 | s;
    if (m < 2) {
        /* One symbol or none: two codes of one bit, as zlib sends, since
         * decoders reject a code that is not complete. */
        unsigned first = m ? (unsigned)(key[0] & 0xffff) : 0;
        len[first] = 1;
        len[first == 0 ? 1 : 0] = 1;
        return;
    }
    sort_keys(key, m);
    /* Huffman's tree with two queues: the sorted leaves 0..m-1, and the
     * internal nodes m..2m-2, made in order of weight. */
    for (unsigned i = 0; i < m; i++)
        weight[i] = key[i] >> 16;
    unsigned leaf = 0, inner = m, next = m;
    for (; next < 2 * m - 1; next++) {
        unsigned pick[2];
        for (int k = 0; k < 2; k++)
            pick[k] = leaf < m && (inner >= next || weight[leaf] <= weight[inner]) ? leaf++
                                                                                   : inner++;
        weight[next] = weight[pick[0]] + weight[pick[1]];
        parent[pick[0]] = parent[pick[1]] = (uint16_t)next;
    }
    unsigned root = 2 * m - 2, max_depth = 0;
    depth[root] = 0;
    for (unsigned i = root; i-- > 0;) {
        depth[i] = (uint16_t)(depth[parent[i]] + 1);
        if (i < m) {
            count[depth[i]]++;
            max_depth = depth[i] > max_depth ? depth[i] : max_depth;
        }
    }
    /* Too deep: two sibling leaves at the deepest level go; their parent
     * becomes a leaf, and a shallower leaf becomes the parent of itself and
     * one of them. The code stays complete (m <= 2^limit, so a shallower
     * leaf always exists). */
    for (unsigned i = max_depth; i > limit; i--)
        while (count[i] > 0) {
            unsigned j = i - 2;
            while (count[j] == 0)
                j--;
            count[i] -= 2;
            count[i - 1] += 1;
            count[j + 1] += 2;
            count[j] -= 1;
        }
    /* The longest codes to the rarest symbols. */
    unsigned s = 0;
    for (unsigned d = max_depth < limit ? max_depth : limit; d >= 1; d--)
        for (unsigned c = 0; c < count[d]; c++)
            len[key[s++] & 0xffff] = (uint8_t)d;
}

/* The @n low bits of @code (n <= 16) in reverse order. */
static unsigned
reverse_bits(unsigned code, unsigned n)
{
    return (unsigned)(reversed_byte[code & 0xff] << 8 | reversed_byte[(code >> 8) & 0xff]) >>
           (16 - n);
}

/* Canonical codes from @t->len (RFC 1951 3.2.2). */
static void
make_codes(tree *t, unsigned n)
{
    unsigned count[16] = { 0 }, next[16];
    for (unsigned s = 0; s < n; s++)
        count[t->len[s]]++;
    count[0] = 0;
    unsigned code = 0;
    for (unsigned b = 1; b < 16; b++) {
        code = (code + count[b - 1]) << 1;
        next[b] = code;
    }
    for (unsigned s = 0; s < n; s++)
        t->code[s] = t->len[s] ? (uint16_t)reverse_bits(next[t->len[s]]++, t->len[s]) : 0;
}

/* ---- bits out ----------------------------------------------------------------------------- */

typedef struct bits {
    unsigned char *p, *limit;   /* 8 bytes are stored at a time: p <= limit, the end - 8 */
    uint64_t buf;
    unsigned n;               /* bits in buf: at most 63; at most 7 after flush() */
    int overflow;             /* the bound was wrong: a bug */
} bits;

static inline void
put(bits *w, uint64_t v, unsigned n)
{
    w->buf |= v << w->n;
    w->n += n;
}

static inline __attribute__((always_inline)) void
flush(bits *w)
{
    if (w->p > w->limit) {
        w->overflow = 1;
        w->buf = 0;
        w->n = 0;
        return;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(w->p, &w->buf, 8);
#else
    for (int i = 0; i < 8; i++)
        w->p[i] = (unsigned char)(w->buf >> (8 * i));
#endif
    unsigned bytes = w->n >> 3;
    w->p += bytes;
    w->buf = bytes ? w->buf >> (8 * bytes) : w->buf;   /* bytes <= 7: no shift by 64 */
    w->n &= 7;
}

/* To the next byte boundary, with zero bits. */
static void
align(bits *w)
{
    w->n = (w->n + 7) & ~7u;
    flush(w);
}

static void
put_bytes(bits *w, const unsigned char *src, size_t n)
{
    if ((size_t)(w->limit + 8 - w->p) < n) {
        w->overflow = 1;
        return;
    }
    memcpy(w->p, src, n);
    w->p += n;
}

/* Stored blocks of @data (none final), from any bit position. */
static void
put_stored(bits *w, const unsigned char *data, size_t n)
{
    do {
        size_t k = n < 65535 ? n : 65535;
        unsigned char head[4] = { (unsigned char)k, (unsigned char)(k >> 8),
                                  (unsigned char)~k, (unsigned char)(~k >> 8) };
        put(w, 0, 3);   /* not final, type 00 */
        align(w);
        put_bytes(w, head, 4);
        put_bytes(w, data, k);
        data += k;
        n -= k;
    } while (n > 0);
}

/* The bits put_stored() writes from a position @n_bits into a byte. */
static uint64_t
stored_bits(unsigned n_bits, size_t n)
{
    size_t pieces = n ? (n + 65534) / 65535 : 1;
    uint64_t first = ((n_bits + 3 + 7) & ~7u) - n_bits;   /* header and padding */
    return first + 8 * ((pieces - 1) + 4 * pieces + (uint64_t)n);
}

/* ---- blocks ------------------------------------------------------------------------------- */

/* A symbol: a literal byte (distance 0), or length | distance code << 9 |
 * distance << 16. */
typedef uint32_t symbol;

typedef struct block {
    uint32_t lfreq[N_LITLEN], dfreq[N_DIST];
    tree lit, dist, cl;
    uint8_t cl_sym[N_LITLEN + N_DIST], cl_extra[N_LITLEN + N_DIST];
    unsigned n_cl, hlit, hdist, hclen;
} block;

/* The code lengths of both trees as a dynamic block sends them (RFC 1951
 * 3.2.7): runs of zeros as 17 and 18, runs of another length as 16. */
static void
run_lengths(block *b, uint32_t *cl_freq)
{
    uint8_t lens[N_LITLEN + N_DIST];
    unsigned n = b->hlit + b->hdist, k = 0;
    memcpy(lens, b->lit.len, b->hlit);
    memcpy(lens + b->hlit, b->dist.len, b->hdist);
    for (unsigned i = 0; i < n;) {
        unsigned v = lens[i], run = 1;
        while (i + run < n && lens[i + run] == v)
            run++;
        i += run;
        if (v == 0) {
            while (run >= 11) {
                unsigned r = run < 138 ? run : 138;
                b->cl_sym[k] = 18;
                b->cl_extra[k++] = (uint8_t)(r - 11);
                run -= r;
            }
            if (run >= 3) {
                b->cl_sym[k] = 17;
                b->cl_extra[k++] = (uint8_t)(run - 3);
                run = 0;
            }
        } else {
            b->cl_sym[k] = (uint8_t)v;
            b->cl_extra[k++] = 0;
            run--;
            while (run >= 3) {
                unsigned r = run < 6 ? run : 6;
                b->cl_sym[k] = 16;
                b->cl_extra[k++] = (uint8_t)(r - 3);
                run -= r;
            }
        }
        for (; run > 0; run--) {
            b->cl_sym[k] = (uint8_t)v;
            b->cl_extra[k++] = 0;
        }
    }
    b->n_cl = k;
    for (unsigned i = 0; i < k; i++)
        cl_freq[b->cl_sym[i]]++;
}

/* Bits of the symbols' codes and extra bits with these trees. */
static uint64_t
data_bits(const block *b, const tree *lit, const tree *dist)
{
    uint64_t n = 0;
    for (unsigned s = 0; s < N_LITLEN; s++)
        n += (uint64_t)b->lfreq[s] * (lit->len[s] + (s > 256 ? len_extra[s - 257] : 0));
    for (unsigned s = 0; s < N_DIST; s++)
        n += (uint64_t)b->dfreq[s] * (dist->len[s] + dist_extra[s]);
    return n;
}

/* The dynamic trees' code lengths for @b's frequencies (their codes are
 * made by put_block() when it writes the block dynamic); the bits of its
 * header. */
static uint64_t
dynamic_trees(block *b)
{
    cm_deflate_code_lengths(b->lfreq, N_LITLEN, 15, b->lit.len);
    cm_deflate_code_lengths(b->dfreq, N_DIST, 15, b->dist.len);
    for (b->hlit = N_LITLEN; b->hlit > 257 && b->lit.len[b->hlit - 1] == 0; b->hlit--)
        ;
    for (b->hdist = N_DIST; b->hdist > 1 && b->dist.len[b->hdist - 1] == 0; b->hdist--)
        ;
    uint32_t cl_freq[N_CL] = { 0 };
    run_lengths(b, cl_freq);
    cm_deflate_code_lengths(cl_freq, N_CL, 7, b->cl.len);
    for (b->hclen = N_CL; b->hclen > 4 && b->cl.len[cl_order[b->hclen - 1]] == 0; b->hclen--)
        ;
    uint64_t n = 3 + 5 + 5 + 4 + 3 * (uint64_t)b->hclen;
    for (unsigned s = 0; s < N_CL; s++)
        n += (uint64_t)cl_freq[s] * (b->cl.len[s] + (s == 16 ? 2 : s == 17 ? 3 : s == 18 ? 7 : 0));
    return n;
}

/* Between symbols w->n < 48: a literal adds at most 15 bits; before a match
 * (at most 20 + 28 bits) the buffer is flushed to at most 7 when it holds
 * more than 15, so it never holds more than 63. A match's length and
 * distance codes with their extra bits are looked up in tables made for the
 * block, so a match is two additions to the buffer. */
static void
put_symbols(bits *out, const symbol *sym, size_t n, const tree *lit, const tree *dist)
{
    uint32_t len_v[MAX_MATCH + 1];   /* the length's code and extra bits */
    uint8_t len_n[MAX_MATCH + 1];    /* how many */
    uint64_t dist_v[N_DIST];         /* the code, less the base shifted past it */
    uint8_t dist_shift[N_DIST], dist_n[N_DIST];
    for (unsigned l = MIN_MATCH; l <= MAX_MATCH; l++) {
        unsigned lc = len_code[l], s = 257 + lc;
        len_v[l] = lit->code[s] | (uint32_t)(l - len_base[lc]) << lit->len[s];
        len_n[l] = (uint8_t)(lit->len[s] + len_extra[lc]);
    }
    for (unsigned c = 0; c < N_DIST; c++) {
        dist_v[c] = dist->code[c] - ((uint64_t)dist_base[c] << dist->len[c]);
        dist_shift[c] = dist->len[c];
        dist_n[c] = (uint8_t)(dist->len[c] + dist_extra[c]);
    }
    /* A local copy: the bytes stored through out->p could alias *out, and
     * the compiler would reload it after every store. */
    bits local = *out, *w = &local;
    flush(w);
    for (size_t i = 0; i < n; i++) {
        uint32_t s = sym[i], d = s >> 16;
        if (s < 256) {   /* a literal */
            put(w, lit->code[s], lit->len[s]);
            if (w->n >= 48)
                flush(w);
        } else {
            if (w->n > 15)   /* 15 + 20 + 28 = 63 bits at most */
                flush(w);
            unsigned l = s & 0x1ff, dc = (s >> 9) & 0x1f;
            put(w, len_v[l], len_n[l]);
            put(w, dist_v[dc] + ((uint64_t)d << dist_shift[dc]), dist_n[dc]);
            if (w->n >= 48)
                flush(w);
        }
    }
    flush(w);
    put(w, lit->code[END_OF_BLOCK], lit->len[END_OF_BLOCK]);
    flush(w);
    *out = local;
}

/* The bits that bring a block ending at bit @n_bits of a byte to a byte
 * boundary: none, or an empty stored block. */
static uint64_t
align_bits(uint64_t n_bits)
{
    return n_bits % 8 ? stored_bits((unsigned)(n_bits % 8), 0) : 0;
}

/* Stored blocks not yet written: a block chosen to be stored joins them, so
 * that incompressible data takes 5 bytes per 65,535 and no more. */
typedef struct stored_run {
    const unsigned char *data;
    size_t n;
} stored_run;

/* One block of @n symbols covering @data (@n_data bytes), not final: the
 * fewest bits of dynamic, fixed and stored; @last: the band's last block,
 * which must end on a byte boundary. */
static void
put_block(bits *w, block *b, const symbol *sym, size_t n, const unsigned char *data,
          size_t n_data, stored_run *run, int last)
{
    unsigned at = run->n ? 0 : w->n;   /* after stored blocks: a byte boundary */
    b->lfreq[END_OF_BLOCK] = 1;
    uint64_t dyn = dynamic_trees(b) + data_bits(b, &b->lit, &b->dist);
    uint64_t fixed = 3 + data_bits(b, &fixed_litlen, &fixed_dist);
    uint64_t stored = stored_bits(at, n_data);
    if (last) {
        dyn += align_bits(at + dyn);
        fixed += align_bits(at + fixed);
    }
    memset(b->lfreq, 0, sizeof(b->lfreq));
    memset(b->dfreq, 0, sizeof(b->dfreq));
    if (stored < dyn && stored < fixed) {
        if (!run->n)
            run->data = data;
        run->n += n_data;   /* data follows the run's: blocks are in order */
        return;
    }
    if (run->n) {
        put_stored(w, run->data, run->n);
        run->n = 0;
    }
    if (fixed <= dyn) {
        put(w, 1 << 1, 3);   /* not final, type 01 */
        put_symbols(w, sym, n, &fixed_litlen, &fixed_dist);
        return;
    }
    make_codes(&b->lit, N_LITLEN);
    make_codes(&b->dist, N_DIST);
    make_codes(&b->cl, N_CL);
    put(w, 2 << 1, 3);   /* not final, type 10 */
    put(w, b->hlit - 257, 5);
    put(w, b->hdist - 1, 5);
    put(w, b->hclen - 4, 4);
    flush(w);
    for (unsigned i = 0; i < b->hclen; i++) {
        put(w, b->cl.len[cl_order[i]], 3);
        flush(w);
    }
    for (unsigned i = 0; i < b->n_cl; i++) {
        unsigned s = b->cl_sym[i];
        put(w, b->cl.code[s], b->cl.len[s]);
        put(w, b->cl_extra[i], s == 16 ? 2 : s == 17 ? 3 : s == 18 ? 7 : 0);
        flush(w);
    }
    put_symbols(w, sym, n, &b->lit, &b->dist);
}

/* ---- matching ----------------------------------------------------------------------------- */

static uint32_t
load32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* How many of the first @max bytes (3 to MAX_MATCH) at @p and @q (q < p)
 * are equal, from the start. The rows are followed by RAW_SLACK bytes, so
 * 16 bytes are compared at a time and the count is cut to @max. */
static inline size_t
match_length(const unsigned char *p, const unsigned char *q, size_t max)
{
    size_t n = 0;
#if defined(__SSE2__)
    for (;;) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + n));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(q + n));
        unsigned diff = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, b)) ^ 0xffffu;
        if (diff) {
            n += (size_t)__builtin_ctz(diff);
            return n < max ? n : max;
        }
        n += 16;
        if (n >= max)
            return max;
    }
#else
    for (;;) {
        uint64_t a, b;
        memcpy(&a, p + n, 8);
        memcpy(&b, q + n, 8);
        if (a != b) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            n += (size_t)(__builtin_ctzll(a ^ b) >> 3);
#else
            n += (size_t)(__builtin_clzll(a ^ b) >> 3);
#endif
            return n < max ? n : max;
        }
        n += 8;
        if (n >= max)
            return max;
    }
#endif
}

/* The first three bytes of a load32(): a pixel of RGB. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIRST3 0x00ffffffu
#else
#define FIRST3 0xffffff00u
#endif

static unsigned
hash3(uint32_t first3)
{
    return (first3 * 2654435761u) >> (32 - HASH_BITS);
}

#define HEAD_BYTES (((size_t)2 << HASH_BITS) * sizeof(uint32_t))

/* ---- the state ---------------------------------------------------------------------------- */

typedef struct band {
    size_t n;            /* compressed bytes, in its slot */
    uint32_t adler;      /* of its rows */
    unsigned char dirty;         /* a row differs from the previous image's */
    unsigned char last_changed;  /* its last row does */
} band;

struct cm_deflate {
    size_t rows, stride, bpp, band_rows, n_bands, slot;
    int have_prev;       /* raw and bands are the previous image's, of this geometry */
    int comparing;       /* this image's rows go to @row and are compared */
    int failed;          /* a band outgrew its bound: a bug */
    size_t rows_done, reused;
    unsigned char *raw, *row, *z;   /* rows * stride; a row; n_bands slots */
    size_t raw_cap, row_cap, z_cap, bands_cap;
    band *bands;
    symbol *sym;         /* MAX_BLOCK_SYMBOLS */
    uint32_t *head;      /* 2 << HASH_BITS: head_base + position + 1; 0: none; a
                          * bucket's latest at b, the one before at b + (1 << HASH_BITS) */
    uint32_t head_base;  /* this image's positions start past the earlier images' */
    block *blk;
    unsigned char tail[6];
};

cm_deflate *
cm_deflate_create(void)
{
    pthread_once(&tables_once, tables_init);
    cm_deflate *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->sym = malloc(MAX_BLOCK_SYMBOLS * sizeof(*d->sym));
    d->head = calloc(1, HEAD_BYTES);
    d->blk = calloc(1, sizeof(*d->blk));
    if (!d->sym || !d->head || !d->blk) {
        cm_deflate_destroy(d);
        return NULL;
    }
    return d;
}

void
cm_deflate_destroy(cm_deflate *d)
{
    if (!d)
        return;
    cm_pages_free(d->raw, d->raw_cap);
    free(d->row);
    cm_pages_sparse_free(d->z, d->z_cap);
    free(d->bands);
    free(d->sym);
    free(d->head);
    free(d->blk);
    free(d);
}

/* What a band of @n bytes compresses to at most (deflate.c's header says
 * why), and the 8 bytes the bit writer stores past its end. */
static size_t
slot_bytes(size_t n)
{
    return n + 6 * (n / 1024 + 4) + 8;
}

/* @p with room for @need bytes (at least 1): @p itself, or a new block (@p
 * freed), or NULL when out of memory (@p freed). @pages: a block every byte
 * of which will be written, from cm_pages_alloc() (src/common/pages.h). */
static void *
room(void *p, size_t *cap, size_t need, int pages)
{
    need = need ? need : 1;
    if (*cap >= need)
        return p;
    if (pages)
        cm_pages_free(p, *cap);
    else
        free(p);
    p = pages ? cm_pages_alloc(need) : malloc(need);
    *cap = p ? need : 0;
    return p;
}

cm_status
cm_deflate_begin(cm_deflate *d, size_t rows, size_t stride, size_t bpp, int reuse)
{
    int same = d->have_prev && reuse && rows == d->rows && stride == d->stride && bpp == d->bpp;
    d->have_prev = 0;   /* until cm_deflate_end() succeeds */
    d->comparing = same;
    d->failed = 0;
    d->rows_done = d->reused = 0;
    /* The hash's entries of earlier images are at or below head_base, and so
     * as unused as the positions before a band: clearing 128 KB an image is
     * needed only when the positions would pass 32 bits. */
    size_t before = d->rows * d->stride;
    if (stride && rows < UINT32_MAX / stride && before < UINT32_MAX &&
        (uint64_t)d->head_base + before + rows * stride < UINT32_MAX) {
        d->head_base += (uint32_t)before;
    } else {
        memset(d->head, 0, HEAD_BYTES);
        d->head_base = 0;
    }
    if (same) {
        for (size_t b = 0; b < d->n_bands; b++)
            d->bands[b].dirty = d->bands[b].last_changed = 0;
        return CM_OK;
    }
    if (stride == 0 || bpp == 0 || bpp > 8 || rows > (SIZE_MAX - RAW_SLACK) / stride)
        return CM_ERR_INTERNAL;
    d->rows = rows;
    d->stride = stride;
    d->bpp = bpp;
    d->band_rows = BAND_ROWS;
    d->n_bands = (rows + BAND_ROWS - 1) / BAND_ROWS;
    size_t band_bytes = (rows < BAND_ROWS ? rows : BAND_ROWS) * stride;
    if (band_bytes > SIZE_MAX / 2)   /* slot_bytes() would overflow */
        return CM_ERR_NOMEM;
    d->slot = slot_bytes(band_bytes);
    if (d->n_bands && d->slot > SIZE_MAX / d->n_bands)
        return CM_ERR_NOMEM;
    size_t nb_bytes = d->n_bands * sizeof(band);
    d->raw = room(d->raw, &d->raw_cap, rows * stride + RAW_SLACK, 1);
    d->row = room(d->row, &d->row_cap, stride, 0);
    size_t z_need = d->n_bands ? d->n_bands * d->slot : 1;
    if (d->z_cap < z_need) {   /* a band's slot is mostly unused */
        cm_pages_sparse_free(d->z, d->z_cap);
        d->z_cap = z_need;
        d->z = cm_pages_sparse(d->z_cap);
        if (!d->z)
            d->z_cap = 0;
    }
    d->bands = room(d->bands, &d->bands_cap, nb_bytes, 0);
    if (!d->raw || !d->row || !d->z || !d->bands)
        return CM_ERR_NOMEM;
    memset(d->raw + rows * stride, 0, RAW_SLACK);
    return CM_OK;
}

unsigned char *
cm_deflate_row(cm_deflate *d, size_t y)
{
    return d->comparing ? d->row : d->raw + y * d->stride;
}

static int compress_band(cm_deflate *d, size_t k);

/* Each band is compressed as soon as its last row is in, while its rows are
 * still in the cache. */
static void
row_in(cm_deflate *d, size_t y, int changed)
{
    size_t k = y / d->band_rows;
    band *b = &d->bands[k];
    int last = y % d->band_rows == d->band_rows - 1 || y == d->rows - 1;
    if (d->comparing) {
        b->dirty |= (unsigned char)changed;
        if (last)
            b->last_changed = (unsigned char)changed;
    }
    d->rows_done++;
    if (!last)
        return;
    if (d->comparing && !b->dirty && (k == 0 || !d->bands[k - 1].last_changed))
        d->reused++;
    else if (!compress_band(d, k))
        d->failed = 1;
}

void
cm_deflate_row_done(cm_deflate *d, size_t y)
{
    int changed = 0;
    if (d->comparing) {
        unsigned char *old = d->raw + y * d->stride;
        changed = memcmp(old, d->row, d->stride) != 0;
        if (changed)
            memcpy(old, d->row, d->stride);
    }
    row_in(d, y, changed);
}

int
cm_deflate_comparing(const cm_deflate *d)
{
    return d->comparing;
}

unsigned char *
cm_deflate_prev_row(cm_deflate *d, size_t y)
{
    return d->raw + y * d->stride;
}

void
cm_deflate_row_kept(cm_deflate *d, size_t y, int changed)
{
    row_in(d, y, changed);
}

/* ---- parsing a band ----------------------------------------------------------------------- */

/* What the greedy parse of a band knows (deflate.c's header says how it
 * matches). Positions are pointers into the rows. */
typedef struct parse {
    const unsigned char *lo, *end;   /* the row above the band (as far back as
                                      * matches go); the band's end */
    const unsigned char *safe;   /* from here on a pixel and a row back are at or
                                  * after lo; the last distance always is when
                                  * used, as a match's at an earlier position */
    size_t bpp, row_d;           /* a pixel back; a row back (bpp when out of reach) */
    size_t hash_below;           /* the hash is tried when the candidates found less */
    uint32_t *head;
    /* The hash holds head_base + position + 1, and only positions before
     * this one, of which those of earlier bands and images are at most
     * first = head_base + start. So a position at is of this band and
     * within the window when here - at < lim = min(here - first, WINDOW +
     * 1): here = (uint32_t)p + here_off, here - first = (uint32_t)p - span_off. */
    uint32_t here_off, span_off;
    block *b;
} parse;

/* The parse's state from one position to the next, in locals the compiler
 * keeps in registers: the position, the next symbol, and the last distance
 * used (at first a pixel back). A row back out of reach stays a pixel back;
 * the last distance is left out when it is one of the others. */
typedef struct parse_at {
    const unsigned char *p;
    symbol *out;
    size_t last;
} parse_at;

/* The match at @dist from @p, whose first 3 bytes are known to match,
 * taken when longer than *@best (at most @max): it cannot be unless its
 * byte at *@best matches too. */
static inline void
take_longer(const unsigned char *p, size_t dist, size_t max, size_t *best, size_t *best_d)
{
    if (*best && p[*best] != (p - dist)[*best])
        return;
    size_t l = match_length(p, p - dist, max);
    if (l > *best) {
        *best = l;
        *best_d = dist;
    }
}

/* One symbol at @s->p, which has MIN_MATCH bytes left in the band (@checked
 * 0: MAX_MATCH bytes, p at or after safe, and less than a window into the
 * band unless @far; @far: a window or more into the band; @bpp is @ps->bpp,
 * a constant where the caller knows it). */
static inline __attribute__((always_inline)) void
parse_one(const parse *ps, parse_at *s, size_t bpp, int checked, int far)
{
    const unsigned char *p = s->p;
    const size_t row_d = ps->row_d, last = s->last;
    size_t max = MAX_MATCH, best = 0, best_d = 0;
    if (checked) {
        size_t avail = (size_t)(ps->end - p);
        max = avail < MAX_MATCH ? avail : MAX_MATCH;
    }
    /* p[3] may be the next band's or the slack's: masked out */
    uint32_t x = load32(p), now = x & FIRST3;
    /* Which candidates match a pixel, without a branch each: most positions
     * that match none are antialiased edges, and there the branches would be
     * mispredicted. A row back out of reach is a pixel back again: it finds
     * no longer match than the pixel back before it. */
    unsigned h_last, h_px, h_row, any;
    uint32_t x_last = 0, x_px = 0, x_row = 0;
    if (!checked) {
        /* The bytes that differ: a product of two is 0 when either is (and
         * at times, wrapped past 32 bits, when neither is: then the tests
         * below find none). The last distance, when one of the others,
         * matches when they do. */
        x_last = (load32(p - last) ^ x) & FIRST3;
        x_px = (load32(p - bpp) ^ x) & FIRST3;
        x_row = (load32(p - row_d) ^ x) & FIRST3;
        any = (x_px * x_row == 0) | (x_last == 0);
        h_last = h_px = h_row = 0;
    } else if (p >= ps->safe) {
        h_last = last != bpp && last != row_d && (load32(p - last) & FIRST3) == now;
        h_px = (load32(p - bpp) & FIRST3) == now;
        h_row = (load32(p - row_d) & FIRST3) == now;
        any = h_last | h_px | h_row;
    } else {
        size_t back = (size_t)(p - ps->lo);
        h_last = last != bpp && last != row_d && last <= back &&
                 (load32(p - last) & FIRST3) == now;
        h_px = bpp <= back && (load32(p - bpp) & FIRST3) == now;
        h_row = row_d <= back && (load32(p - row_d) & FIRST3) == now;
        any = h_last | h_px | h_row;
    }
    if (any) {
        if (!checked) {
            h_last = x_last == 0 && last != bpp && last != row_d;
            h_px = x_px == 0;
            h_row = x_row == 0;
        }
        if (h_last) {
            best = match_length(p, p - last, max);
            best_d = last;
        }
        if (h_px && best < max)
            take_longer(p, bpp, max, &best, &best_d);
        if (h_row && best < max)
            take_longer(p, row_d, max, &best, &best_d);
    }
    if (best < (checked ? ps->hash_below : HASH_BELOW)) {
        /* Positions before this band's are not used: they may be from bands
         * not compressed this time. */
        uint32_t *slot = &ps->head[hash3(now)];   /* its latest; the one before */
        uint32_t here = (uint32_t)(uintptr_t)p + ps->here_off;
        uint32_t span = (uint32_t)(uintptr_t)p - ps->span_off;
        uint32_t lim = far ? WINDOW + 1 : !checked || span <= WINDOW ? span : WINDOW + 1;
        uint32_t at0 = slot[0], d0 = here - at0, d1 = here - slot[1 << HASH_BITS];
        slot[1 << HASH_BITS] = at0;
        slot[0] = here;
        if (d0 < lim && (load32(p - d0) & FIRST3) == now)
            take_longer(p, d0, max, &best, &best_d);
        if (d1 < lim && (load32(p - d1) & FIRST3) == now)
            take_longer(p, d1, max, &best, &best_d);
    }
    block *b = ps->b;
    if (best) {   /* MIN_MATCH at least */
        unsigned dc = dist_code((unsigned)best_d);
        *s->out++ = (symbol)(best | dc << 9 | best_d << 16);
        b->lfreq[257 + len_code[best]]++;
        b->dfreq[dc]++;
        s->last = best_d;
        s->p = p + best;
    } else {
        unsigned c = p[0];
        *s->out++ = c;
        b->lfreq[c]++;
        s->p = p + 1;
    }
}

/* Symbols from @s->p up to @stop or until @s->out reaches @out_end, each
 * with MAX_MATCH bytes left in the band, at or after ps->safe; @far: a
 * window or more into the band. A symbol takes a byte at least, so the
 * symbols left are not used up before as many bytes: the loops test the
 * position only. */
static void
parse_run(const parse *ps, parse_at *s, const unsigned char *stop, const symbol *out_end,
          int far)
{
    /* Local copies: the symbols and counts stored could alias *ps and *s,
     * and the compiler would reload them after every store. */
    const parse cp = *ps;
    parse_at at = *s;
    ps = &cp;
    while (at.p < stop && at.out != out_end) {
        size_t left = (size_t)(out_end - at.out);
        const unsigned char *until = (size_t)(stop - at.p) < left ? stop : at.p + left;
        if (ps->bpp == 3 && far)
            while (at.p < until)
                parse_one(ps, &at, 3, 0, 1);
        else if (ps->bpp == 3)
            while (at.p < until)
                parse_one(ps, &at, 3, 0, 0);
        else if (far)
            while (at.p < until)
                parse_one(ps, &at, ps->bpp, 0, 1);
        else
            while (at.p < until)
                parse_one(ps, &at, ps->bpp, 0, 0);
    }
    *s = at;
}

/* Band @k's symbols into its slot; 0 when the bound was wrong. */
static int
compress_band(cm_deflate *d, size_t k)
{
    size_t stride = d->stride, bpp = d->bpp;
    size_t start = k * d->band_rows * stride;
    size_t end = start + d->band_rows * stride;
    end = end < d->rows * stride ? end : d->rows * stride;
    const unsigned char *raw = d->raw;
    block *b = d->blk;
    symbol *sym = d->sym, *const sym_end = sym + MAX_BLOCK_SYMBOLS;
    bits w = { d->z + k * d->slot, d->z + (k + 1) * d->slot - 8, 0, 0, 0 };
    /* A pixel back and a row back (a row and a pixel either way found 0.4%
     * more and cost 10% more time). */
    parse ps;
    ps.lo = raw + (k ? start - stride : 0);
    ps.end = raw + end;
    ps.bpp = bpp;
    ps.row_d = stride <= WINDOW ? stride : bpp;
    ps.safe = ps.lo + (ps.row_d > bpp ? ps.row_d : bpp);
    ps.hash_below = d->rows * stride < UINT32_MAX ? HASH_BELOW : 0;
    ps.head = d->head;
    ps.here_off = d->head_base + 1 - (uint32_t)(uintptr_t)raw;
    ps.span_off = (uint32_t)(uintptr_t)(raw + start) - 1;
    ps.b = b;
    parse_at at = { raw + start, sym, bpp };
    /* MAX_MATCH bytes left before @fast_end, MIN_MATCH before @stop. */
    const unsigned char *fast_end = end - start >= MAX_MATCH ? ps.end - (MAX_MATCH - 1) : raw + start;
    const unsigned char *stop = end - start >= MIN_MATCH ? ps.end - (MIN_MATCH - 1) : raw + start;
    /* A window into the band: every position of the hash in the window is
     * of the band. */
    const unsigned char *far = end - start > WINDOW ? raw + start + WINDOW : ps.end;
    const unsigned char *block_start = at.p;
    stored_run run = { NULL, 0 };
    memset(b->lfreq, 0, sizeof(b->lfreq));
    memset(b->dfreq, 0, sizeof(b->dfreq));
    while (at.p < ps.end) {
        if (at.out == sym_end) {
            put_block(&w, b, sym, MAX_BLOCK_SYMBOLS, block_start, (size_t)(at.p - block_start),
                      &run, 0);
            at.out = sym;
            block_start = at.p;
        }
        if (at.p >= ps.safe && at.p < fast_end && ps.hash_below) {
            if (at.p < far)
                parse_run(&ps, &at, fast_end < far ? fast_end : far, sym_end, 0);
            else
                parse_run(&ps, &at, fast_end, sym_end, 1);
        } else if (at.p < stop)
            parse_one(&ps, &at, bpp, 1, 0);
        else {   /* too few bytes left for a match */
            *at.out++ = *at.p;
            b->lfreq[*at.p++]++;
        }
    }
    put_block(&w, b, sym, (size_t)(at.out - sym), block_start, (size_t)(at.p - block_start),
              &run, 1);
    if (run.n)
        put_stored(&w, run.data, run.n);
    if (w.n) {   /* a byte boundary: an empty stored block */
        put(&w, 0, 3);
        align(&w);
        put_bytes(&w, (const unsigned char[]){ 0, 0, 0xff, 0xff }, 4);
    }
    d->bands[k].n = (size_t)(w.p - (d->z + k * d->slot));
    d->bands[k].adler = libdeflate_adler32(1, raw + start, end - start);
    return !w.overflow;
}

/* The Adler-32 of A then B from theirs and B's length. */
static uint32_t
adler_combine(uint32_t a, uint32_t b, size_t n_b)
{
    uint64_t a1 = a & 0xffff, a2 = a >> 16, b1 = b & 0xffff, b2 = b >> 16;
    uint64_t s1 = (a1 + b1 + ADLER_BASE - 1) % ADLER_BASE;
    uint64_t s2 = (a2 + b2 + (n_b % ADLER_BASE) * ((a1 + ADLER_BASE - 1) % ADLER_BASE)) %
                  ADLER_BASE;
    return (uint32_t)(s2 << 16 | s1);
}

size_t
cm_deflate_end(cm_deflate *d)
{
    size_t total = 2 + 2 + 4;   /* zlib header; final empty block; Adler-32 */
    uint32_t adler = 1;
    if (d->failed || d->rows_done != d->rows)
        return 0;
    for (size_t k = 0; k < d->n_bands; k++) {
        band *b = &d->bands[k];
        total += b->n;
        size_t rows = k + 1 < d->n_bands ? d->band_rows : d->rows - k * d->band_rows;
        adler = adler_combine(adler, b->adler, rows * d->stride);
    }
    d->tail[0] = 0x03;   /* final, fixed Huffman, end of block: 10 bits */
    d->tail[1] = 0x00;
    d->tail[2] = (unsigned char)(adler >> 24);
    d->tail[3] = (unsigned char)(adler >> 16);
    d->tail[4] = (unsigned char)(adler >> 8);
    d->tail[5] = (unsigned char)adler;
    d->have_prev = 1;
    return total;
}

int
cm_deflate_emit(const cm_deflate *d, cm_deflate_fn fn, void *closure)
{
    static const unsigned char zlib_head[2] = { 0x78, 0x01 };   /* 32K window, fastest */
    if (!fn(closure, zlib_head, 2))
        return 0;
    for (size_t k = 0; k < d->n_bands; k++)
        if (!fn(closure, d->z + k * d->slot, d->bands[k].n))
            return 0;
    return fn(closure, d->tail, sizeof(d->tail));
}

size_t
cm_deflate_reused(const cm_deflate *d)
{
    return d->reused;
}

size_t
cm_deflate_bands(const cm_deflate *d)
{
    return d->n_bands;
}

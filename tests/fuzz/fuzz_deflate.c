/* libFuzzer harness: src/draw/deflate.c, the band encoder of PNG scanlines. The
 * first three bytes choose the geometry (a row of 1 to 4,096 bytes, 1 to 8
 * bytes a pixel), the rest are the rows, at most MAX_BANDS bands of them (the
 * bytes after are not used). They are encoded with the state the
 * previous input left (its bands reused where they match), then afresh, then
 * again with one byte changed: every stream must inflate (zlib) to the rows,
 * and the streams of the same rows must be the same bytes. */
#include "draw/deflate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Rows past this many bands of 16 (BAND_ROWS in deflate.c) are left out: no
 * code of the encoder depends on more than a band and the one above it, and
 * a first band, two with a band either side and a last (full or not) are
 * there. Each band costs its Huffman trees, four times an execution, whatever
 * its size: in the corpus of December 2026 the 76 inputs with rows under 16
 * bytes (15% of its bytes) made 17,210 of its 19,866 bands. Rows of 512 bytes
 * and more, up to 4,096, are never cut (64 KB at most: -max_len). */
enum { MAX_BANDS = 4, MAX_ROWS = 16 * MAX_BANDS };

typedef struct out {
    unsigned char *data;
    size_t n, cap;
} out;

static int
append(void *closure, const void *data, size_t n)
{
    out *o = closure;
    if (o->n + n > o->cap) {
        o->cap = 2 * (o->n + n);
        o->data = realloc(o->data, o->cap);
        if (!o->data)
            abort();
    }
    if (n)
        memcpy(o->data + o->n, data, n);
    o->n += n;
    return 1;
}

static out
encode(cm_deflate *d, const uint8_t *rows, size_t n_rows, size_t stride, size_t bpp, int reuse)
{
    out o = { 0 };
    if (cm_deflate_begin(d, n_rows, stride, bpp, reuse) != CM_OK)
        abort();
    for (size_t y = 0; y < n_rows; y++) {
        memcpy(cm_deflate_row(d, y), rows + y * stride, stride);
        cm_deflate_row_done(d, y);
    }
    size_t n = cm_deflate_end(d);
    if (n == 0)
        abort();
    /* the size it says, allocated once: ASan sees a byte written past it */
    o.data = malloc(n);
    o.cap = n;
    if (!o.data || !cm_deflate_emit(d, append, &o) || o.n != n)
        abort();
    return o;
}

/* zlib's inflate: one stream, reset for each check (its 40 KB of state and
 * window are allocated once). */
static void
check_inflates(const out *z, const uint8_t *rows, size_t n)
{
    static z_stream s;
    static int ready;
    unsigned char *back = malloc(n + 1);
    if (!ready && inflateInit(&s) != Z_OK)
        abort();
    ready = 1;
    if (!back || inflateReset(&s) != Z_OK)
        abort();
    s.next_in = z->data;
    s.avail_in = (uInt)z->n;
    s.next_out = back;
    s.avail_out = (uInt)(n + 1);
    if (inflate(&s, Z_FINISH) != Z_STREAM_END || s.total_out != n || s.avail_in != 0 ||
        (n && memcmp(back, rows, n) != 0))
        abort();
    free(back);
}

static void
check_same(const out *a, const out *b)
{
    if (a->n != b->n || memcmp(a->data, b->data, a->n) != 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cm_deflate *kept;   /* from one input to the next, as a thread keeps it */
    /* Encodes afresh (reuse 0): kept too, so that an execution does not pay
     * for the 1.2 MB of tables a new encoder allocates (ASan fills them and
     * the kernel maps them: most of the time an execution took). */
    static cm_deflate *fresh;
    if (size < 3)
        return 0;
    size_t stride = 1 + (size_t)((data[0] | data[1] << 8) % 4096), bpp = 1 + data[2] % 8;
    size_t n_rows = (size - 3) / stride;
    n_rows = n_rows < MAX_ROWS ? n_rows : MAX_ROWS;
    size_t n = n_rows * stride;
    if (!kept && !(kept = cm_deflate_create()))
        abort();
    if (!fresh && !(fresh = cm_deflate_create()))
        abort();
    uint8_t *rows = malloc(n ? n : 1);
    if (!rows)
        abort();
    if (n)
        memcpy(rows, data + 3, n);
    out a = encode(kept, rows, n_rows, stride, bpp, 1);
    out b = encode(fresh, rows, n_rows, stride, bpp, 0);
    check_inflates(&a, rows, n);
    check_same(&a, &b);
    if (n) {   /* one byte changed: the bands below it reused, or not */
        rows[(data[0] * 7919u + data[2]) % n] ^= 0x5a;
        out c = encode(kept, rows, n_rows, stride, bpp, 1);
        out e = encode(fresh, rows, n_rows, stride, bpp, 0);
        check_inflates(&c, rows, n);
        check_same(&c, &e);
        if (cm_deflate_reused(kept) + 2 < cm_deflate_bands(kept))
            abort();
        free(c.data);
        free(e.data);
    }
    free(a.data);
    free(b.data);
    free(rows);
    return 0;
}

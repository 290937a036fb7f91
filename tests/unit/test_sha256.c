/* SHA-256 against the test vectors of FIPS 180-4 (NIST's examples) and the
 * base64 form the page's Content-Security-Policy uses, with the processor's
 * SHA instructions and without; fed in pieces, against glib's GChecksum. */
#include "check.h"
#include "common/sha256.h"

#include <glib.h>
#include <stdlib.h>

static void
hex_of(const void *data, size_t n, char out[65])
{
    unsigned char d[CM_SHA256_BYTES];
    cm_sha256(data, n, d);
    for (int i = 0; i < CM_SHA256_BYTES; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Pseudo-random bytes of every length to 1,000, and one of 100,000, each
 * hashed at once and in pieces of varying size (1 to 200 bytes), against
 * GChecksum's digest. */
static void
check_against_glib(void)
{
    enum { BIG = 100000 };
    unsigned char *data = malloc(BIG);
    CHECK(data != NULL);
    if (!data)
        return;
    uint32_t x = 12345;
    for (size_t i = 0; i < BIG; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 16);
    }
    int bad = 0;
    for (size_t n = 0; n <= 1001 && !bad; n++) {
        size_t len = n == 1001 ? BIG : n;
        char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len);
        unsigned char d[CM_SHA256_BYTES];
        char once[CM_SHA256_HEX_BUF], pieces[CM_SHA256_HEX_BUF];
        cm_sha256(data, len, d);
        cm_sha256_hex(d, once);
        cm_sha256_ctx c;
        cm_sha256_begin(&c);
        for (size_t at = 0, step = 1; at < len; at += step, step = step % 200 + 7)
            cm_sha256_add(&c, data + at, step < len - at ? step : len - at);
        cm_sha256_end(&c, d);
        cm_sha256_hex(d, pieces);
        if (strcmp(once, want) != 0 || strcmp(pieces, want) != 0) {
            fprintf(stderr, "length %zu: %s at once, %s in pieces, GChecksum %s\n", len, once,
                    pieces, want);
            bad = 1;
        }
        g_free(want);
    }
    CHECK(!bad);
    free(data);
}

static void
check_vectors(void)
{
    char hex[65], b64[CM_SHA256_BASE64_BUF];
    static const char two_blocks[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of("", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hex_of(two_blocks, strlen(two_blocks), hex);   /* 56 bytes: the length needs a second block */
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    CHECK(million != NULL);
    if (million) {
        memset(million, 'a', 1000000);
        hex_of(million, 1000000, hex);
        CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(million);
    }
    /* 55 and 64 bytes: the edges of one and two padding blocks. */
    hex_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 55, hex);
    CHECK_STR(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    hex_of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 64, hex);
    CHECK_STR(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    cm_sha256_base64("abc", 3, b64);
    CHECK_STR(b64, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    check_against_glib();
}

int
main(void)
{
    int accelerated = cm_sha256_accelerated();
    printf("test_sha256: this processor's SHA instructions %s\n",
           accelerated ? "used, then the portable code" : "absent: the portable code only");
    check_vectors();
    if (accelerated) {
        cm_sha256_portable(1);
        CHECK(!cm_sha256_accelerated());
        check_vectors();
    }
    return check_result("test_sha256");
}

/* SHA-256 (FIPS 180-4): the Content-Security-Policy hashes of the HTML page's
 * inline style and script, the scene hashes of incremental runs and the
 * published set's id. For other src/ files only; not for secrets. */
#ifndef CM_SRC_SHA256_H
#define CM_SRC_SHA256_H

#include <stddef.h>
#include <stdint.h>

enum { CM_SHA256_BYTES = 32, CM_SHA256_HEX_BUF = 65, CM_SHA256_BASE64_BUF = 45 };

/* A digest fed in pieces: cm_sha256_begin(), cm_sha256_add() any number of
 * times, cm_sha256_end(). */
typedef struct cm_sha256_ctx {
    uint32_t h[8];
    uint64_t n;                 /* bytes added */
    unsigned char block[64];    /* the last bytes added, short of a block */
} cm_sha256_ctx;

void cm_sha256_begin(cm_sha256_ctx *c);
void cm_sha256_add(cm_sha256_ctx *c, const void *data, size_t n);
void cm_sha256_end(cm_sha256_ctx *c, unsigned char out[CM_SHA256_BYTES]);

/* The digest of @n bytes at @data. */
void cm_sha256(const void *data, size_t n, unsigned char out[CM_SHA256_BYTES]);

/* @digest in lower-case hexadecimal: 64 characters and a NUL. */
void cm_sha256_hex(const unsigned char digest[CM_SHA256_BYTES], char out[CM_SHA256_HEX_BUF]);

/* The digest in base64 with padding, as a CSP source wants it after
 * "sha256-": 44 characters and a NUL. */
void cm_sha256_base64(const void *data, size_t n, char out[CM_SHA256_BASE64_BUF]);

/* Whether the processor's SHA instructions are used (for the tests, which
 * check both ways); cm_sha256_portable(1) makes every later digest of this
 * process use the portable code. */
int cm_sha256_accelerated(void);
void cm_sha256_portable(int on);

#endif

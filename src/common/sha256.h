/* SHA-256 (FIPS 180-4), for the Content-Security-Policy hashes of the HTML
 * page's inline style and script. For other src/ files only; not for secrets. */
#ifndef CM_SRC_SHA256_H
#define CM_SRC_SHA256_H

#include <stddef.h>

enum { CM_SHA256_BYTES = 32, CM_SHA256_BASE64_BUF = 45 };

/* The digest of @n bytes at @data. */
void cm_sha256(const void *data, size_t n, unsigned char out[CM_SHA256_BYTES]);

/* The digest in base64 with padding, as a CSP source wants it after
 * "sha256-": 44 characters and a NUL. */
void cm_sha256_base64(const void *data, size_t n, char out[CM_SHA256_BASE64_BUF]);

#endif

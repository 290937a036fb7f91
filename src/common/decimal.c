/* Decimal text without printf: the double taken apart into m * 2^e (m an
 * integer below 2^53), m * 10^places shifted right by -e with the bits shifted
 * out deciding the rounding (more than half up, exactly half to even), all in
 * 64-bit integers (m * 1000 < 2^63). */
#include "common/decimal.h"

#include <stdint.h>
#include <string.h>

size_t
cm_decimal(char out[CM_DECIMAL_MAX], double v, int places)
{
    static const uint64_t scale_of[] = {1, 10, 100, 1000};
    if (!(v > -9007199254740992.0 && v < 9007199254740992.0) || places < 0 || places > 3)
        return 0;   /* NaN fails both comparisons */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int neg = (int)(bits >> 63);
    int biased = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (biased == 0)
        biased = 1;   /* subnormal: no hidden bit */
    else
        m |= UINT64_C(1) << 52;
    int e = biased - 1075;   /* v = m * 2^e */
    uint64_t scale = scale_of[places];
    uint64_t r;   /* |v| * 10^places rounded */
    if (e >= 0) {
        r = (m << e) * scale;   /* an integer below 2^53 */
    } else if (e <= -64) {
        r = 0;   /* m * scale / 2^64 < 2^63 / 2^64: under one half */
    } else {
        int sh = -e;
        uint64_t q = m * scale;
        uint64_t rest = q & ((UINT64_C(1) << sh) - 1), half = UINT64_C(1) << (sh - 1);
        r = q >> sh;
        if (rest > half || (rest == half && (r & 1)))
            r++;
    }
    uint64_t whole = r / scale, frac = r % scale;
    char tmp[CM_DECIMAL_MAX];
    char *p = tmp + sizeof tmp;
    int n = places;
    if (frac != 0) {
        while (frac % 10 == 0) {
            frac /= 10;
            n--;
        }
        for (int k = 0; k < n; k++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole != 0);
    if (neg && r != 0)
        *--p = '-';
    size_t len = (size_t)(tmp + sizeof tmp - p);
    memcpy(out, p, len);
    out[len] = '\0';
    return len;
}

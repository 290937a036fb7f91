/* Decimal text without printf: the double taken apart into m * 2^e (m an
 * integer below 2^53), m * 10^places shifted right by -e with the bits shifted
 * out deciding the rounding (more than half up, exactly half to even), all in
 * 64-bit integers (m * 1000 < 2^63); the digits then two at a time. */
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
    /* written backwards from the middle of @tmp, two digits at a time, then
     * copied whole (a fixed size copies in a few moves) */
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[2 * CM_DECIMAL_MAX] = {0};
    char *end = tmp + CM_DECIMAL_MAX, *p = end;
    if (frac != 0) {
        int n = places;
        while (frac % 10 == 0) {
            frac /= 10;
            n--;
        }
        for (; n >= 2; n -= 2, frac /= 100)
            memcpy(p -= 2, pairs + 2 * (frac % 100), 2);
        if (n == 1)
            *--p = (char)('0' + frac);
        *--p = '.';
    }
    for (; whole >= 100; whole /= 100)
        memcpy(p -= 2, pairs + 2 * (whole % 100), 2);
    if (whole >= 10)
        memcpy(p -= 2, pairs + 2 * whole, 2);
    else
        *--p = (char)('0' + whole);
    if (neg && r != 0)
        *--p = '-';
    size_t len = (size_t)(end - p);
    memcpy(out, p, CM_DECIMAL_MAX);   /* p is at least 3 bytes into tmp */
    out[len] = '\0';
    return len;
}

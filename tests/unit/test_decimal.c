/* cm_decimal() against glibc's printf: for every value tried, the text is the
 * one snprintf's "%.Nf" gives once the zeros after the point, a lone point and
 * the sign of "-0" are dropped. Random bit patterns of every size the fast
 * path takes (tiny to 2^53), uniform coordinates of the sizes a map has, the
 * values either side of each rounding boundary k/200 (and k/2, k/20, k/2000
 * for 0, 1 and 3 places) to a few units in the last place, exact ties,
 * integers, carries into the next digit, subnormals; each with both signs.
 * And the values it refuses (2^53 and up, NaN, infinities, places out of
 * range), which leave the output alone. */
#include "check.h"
#include "common/decimal.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
next(void)   /* xorshift64* */
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717u;
}

static double
of_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* What the SVG writer wrote before cm_decimal(): printf, then trimmed. */
static void
reference(char *out, size_t size, double v, int places)
{
    snprintf(out, size, "%.*f", places, v);
    if (strchr(out, '.')) {
        char *end = out + strlen(out);
        while (end[-1] == '0')
            *--end = '\0';
        if (end[-1] == '.')
            *--end = '\0';
    }
    if (strcmp(out, "-0") == 0)
        strcpy(out, "0");
}

static long compared, differ;

static void
try1(double v, int places)
{
    char want[400], got[CM_DECIMAL_MAX + 8];
    memset(got, 'x', sizeof got);
    reference(want, sizeof want, v, places);
    size_t n = cm_decimal(got, v, places);
    compared++;
    if (n == 0 || n != strlen(got) || strcmp(got, want) != 0 || got[CM_DECIMAL_MAX] != 'x') {
        if (differ < 10)
            fprintf(stderr, "%.17g (%a) to %d places: \"%s\" (length %zu), printf \"%s\"\n", v,
                    v, places, n ? got : "", n, want);
        differ++;
    }
}

/* @v and -@v. */
static void
try(double v, int places)
{
    try1(v, places);
    try1(-v, places);
}

static const double two53 = 9007199254740992.0;

/* Every size the fast path takes: random mantissa, exponent from 2^-30 to
 * 2^52, and any pattern below that (subnormals included). */
static void
random_bits(long count, int places)
{
    for (long i = 0; i < count; i++) {
        uint64_t r = next();
        uint64_t biased = 1023 - 30 + (r >> 52) % 83;   /* 2^-30 .. 2^52 */
        double v = of_bits((r & ((UINT64_C(1) << 52) - 1)) | biased << 52);
        try(v, places);
        if (i % 16 == 0)
            try(of_bits(next() % (UINT64_C(993) << 52)), places);   /* below 2^-30 */
    }
}

/* Uniform in -20,000..20,000 px, in -1,000..1,000 and in -2..2. */
static void
random_coordinates(long count, int places)
{
    for (long i = 0; i < count; i++) {
        double u = (double)(next() >> 11) * 0x1p-53;
        try1((u - 0.5) * 40000, places);
        try1((u - 0.5) * 2000, places);
        try1((u - 0.5) * 4, places);
    }
}

/* (2k+1) / (2 * 10^places) and up to @ulps units either way, for k below
 * @kmax and for @far random k (values up to 2^42, where a unit in the last
 * place is 2^-10 or less). */
static void
boundaries(long kmax, long far, int places, int ulps)
{
    double denom = 2.0 * (places == 0 ? 1 : places == 1 ? 10 : places == 2 ? 100 : 1000);
    for (long i = 0; i < kmax + far; i++) {
        double k = i < kmax ? (double)i : (double)(next() % (uint64_t)(0x1p42 * denom / 2));
        double v = (2 * k + 1) / denom, up = v, down = v;
        try(v, places);
        for (int u = 0; u < ulps; u++) {
            up = nextafter(up, INFINITY);
            down = nextafter(down, 0);
            if (up < two53)
                try(up, places);
            try(down, places);
        }
    }
}

/* Exact ties: odd multiples of 1/2, 1/4, 1/8 or 1/16 (the ones for 0 to 3
 * places), and integers with a few ulps around them. */
static void
ties_and_integers(int places)
{
    for (long j = 0; j < 400000; j++) {
        try((double)j / 16, places);
        try((double)j, places);
        try(nextafter((double)j, INFINITY), places);
        try(nextafter((double)j, 0), places);
    }
    for (int i = 0; i < 200000; i++) {
        double big = (double)(next() >> 11);   /* an integer below 2^53 */
        try(big, places);
        try(nextafter(big, 0), places);
        double half = (double)(next() >> 16) + 0.5;   /* below 2^48: x.5 exact */
        try(half, places);
        try(half / 8, places);
    }
}

/* The tail of the doubles: the largest the fast path takes, 10^n - a half
 * unit (carries), zero, subnormals, the smallest normal. */
static void
edges(int places)
{
    try(nextafter(two53, 0), places);
    try(two53 / 2, places);
    try(nextafter(two53 / 2, 0), places);
    double p10 = 1;
    for (int n = 0; n <= 15; n++, p10 *= 10) {
        for (int d = 0; d <= 3; d++) {
            double h = 0.5;
            for (int k = 0; k < d; k++)
                h /= 10;
            double v = p10 - h;
            try(v, places);
            for (int u = 1; u <= 4; u++) {
                v = nextafter(v, INFINITY);
                try(v, places);
            }
        }
    }
    try(0.0, places);
    try(DBL_MIN, places);
    try(DBL_TRUE_MIN, places);
    try(0x1p-1022 - 0x1p-1074, places);
    try(0.005, places);
    try(0.0049999999999999999, places);
    try(0.125, places);
    try(0.375, places);
    try(2.675, places);
    try(1.005, places);
}

static void
refused(void)
{
    char out[CM_DECIMAL_MAX];
    const double no[] = {two53, -two53, 1e16, -1e300, DBL_MAX, INFINITY, -INFINITY, NAN, -NAN};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        strcpy(out, "kept");
        CHECK_INT(cm_decimal(out, no[i], 2), 0);
        CHECK_STR(out, "kept");
    }
    strcpy(out, "kept");
    CHECK_INT(cm_decimal(out, 1.5, 4), 0);
    CHECK_INT(cm_decimal(out, 1.5, -1), 0);
    CHECK_STR(out, "kept");
    /* the examples of the header */
    CHECK_INT(cm_decimal(out, 12.5, 2), 4);
    CHECK_STR(out, "12.5");
    CHECK_INT(cm_decimal(out, -3.0, 2), 2);
    CHECK_STR(out, "-3");
    cm_decimal(out, -0.0, 2);
    CHECK_STR(out, "0");
    cm_decimal(out, -0.004, 2);
    CHECK_STR(out, "0");
    cm_decimal(out, 0.125, 2);
    CHECK_STR(out, "0.12");
    cm_decimal(out, 0.375, 2);
    CHECK_STR(out, "0.38");
    cm_decimal(out, -9007199254740991.0, 3);
    CHECK_STR(out, "-9007199254740991");
    cm_decimal(out, 2.5, 0);
    CHECK_STR(out, "2");
    cm_decimal(out, 100, 0);
    CHECK_STR(out, "100");
}

int
main(void)
{
    refused();
    /* two places (the SVG's) get the most */
    for (int places = 0; places <= 3; places++) {
        long many = places == 2 ? 1 : 0;
        long before = compared, bad = differ;
        random_bits(many ? 1500000 : 150000, places);
        random_coordinates(many ? 700000 : 70000, places);
        boundaries(many ? 200000 : 20000, many ? 100000 : 10000, places, many ? 4 : 2);
        if (many)
            ties_and_integers(places);
        edges(places);
        printf("%d places: %ld values compared with snprintf, %ld differ\n", places,
               compared - before, differ - bad);
    }
    CHECK_INT(differ, 0);
    return check_result("test_decimal");
}

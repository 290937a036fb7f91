/* A few assertion macros for the unit tests: a failure prints the file, the
 * line and both values, and the test goes on so one run shows every failure.
 * main() returns check_result(). */
#ifndef CM_TEST_CHECK_H
#define CM_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
    check_failures++; } } while (0)

#define CHECK_INT(a, b) do { long long va_ = (long long)(a), vb_ = (long long)(b); \
    if (va_ != vb_) { fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
        __FILE__, __LINE__, #a, va_, #b, vb_); check_failures++; } } while (0)

#define CHECK_STR(a, b) do { const char *sa_ = (a), *sb_ = (b); \
    if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) { \
        fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
            #a, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)"); check_failures++; } } while (0)

#define CHECK_NEAR(a, b, tol) do { double da_ = (a), db_ = (b); \
    if (!(fabs(da_ - db_) <= (tol))) { fprintf(stderr, \
        "%s:%d: %s == %.9g, expected %.9g (tolerance %g)\n", __FILE__, __LINE__, \
        #a, da_, db_, (double)(tol)); check_failures++; } } while (0)

static inline int
check_result(const char *name)
{
    if (check_failures)
        fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    return check_failures ? 1 : 0;
}

#endif

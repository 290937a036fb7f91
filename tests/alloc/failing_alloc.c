/* The wrappers behind failing_alloc.h. strdup and strndup are wrapped too,
 * since glibc's call its own malloc, which --wrap does not reach. */
#include "failing_alloc.h"

#include <execinfo.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static size_t count, fail_at;
static int fired;

void
failing_alloc_arm(size_t n)
{
    count = 0;
    fail_at = n;
    fired = 0;
}

size_t failing_alloc_count(void) { return count; }
int failing_alloc_fired(void) { return fired; }

static int
should_fail(void)
{
    if (++count != fail_at)
        return 0;
    fired = 1;
    /* CM_ALLOC_BACKTRACE=N shows where allocation N is made (addr2line -f
     * -e test_alloc_fail ADDRESS names the line), to find which one misbehaves. */
    const char *bt = getenv("CM_ALLOC_BACKTRACE");
    if (bt && (size_t)atol(bt) == fail_at) {
        void *frames[16];
        backtrace_symbols_fd(frames, backtrace(frames, 16), STDERR_FILENO);
    }
    return 1;
}

void *__wrap_malloc(size_t size) { return should_fail() ? NULL : __real_malloc(size); }
void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n)
{
    return should_fail() ? NULL : __real_strndup(s, n);
}

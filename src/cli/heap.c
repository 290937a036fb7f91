/* The command's heap on transparent huge pages.
 *
 * A run of the command touches some 15 MB of heap it has never touched
 * before (the layers read, projected and clipped, the gazetteer's rows,
 * Pango's and fontconfig's tables), 4 KB at a time. On the virtual machines
 * maps are rendered on, each first touch of a 4 KB page is a page fault of
 * 10-20 us: the one-slice example made 3,600 of them, and took a fifth
 * longer than with its heap on 2 MB pages (bench/README.md, "The command's
 * heap on huge pages"). glibc can put its heap on
 * 2 MB pages itself (GLIBC_TUNABLES=glibc.malloc.hugetlb=1), but only when
 * told before the process starts. This does the same for the main heap
 * from main(): it asks malloc to grow the heap in one large step, and marks
 * that step for transparent huge pages (madvise; a kernel whose setting is
 * "never" ignores the advice, and the heap stays on 4 KB pages).
 *
 * The command's policy, not the library's: a program linking the library
 * keeps its own malloc settings. The big pixel buffers are on huge pages in
 * the library itself (src/common/pages.c). */
#define _DEFAULT_SOURCE   /* sbrk, madvise's MADV_HUGEPAGE */
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#endif

void
cli_heap_on_huge_pages(void)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && defined(M_TOP_PAD)
    enum { HUGE = 2 << 20, STEP = 64 << 20, CHUNK = 64 << 10, TRIES = 16 };
    /* Grow by STEP beyond each request, and keep that much when freeing
     * (trimming would hand the huge pages back one by one). */
    if (mallopt(M_TOP_PAD, STEP) != 1 || mallopt(M_TRIM_THRESHOLD, 2 * STEP) != 1)
        return;
    char *before = sbrk(0);
    if (before == (char *)-1)
        return;
    /* Small blocks (below the mmap threshold) until the heap grows once:
     * its top chunk at start is a few hundred KB at most. */
    void *held[TRIES];
    int n = 0;
    while (n < TRIES && (char *)sbrk(0) == before) {
        held[n] = malloc(CHUNK);
        if (!held[n])
            break;
        n++;
    }
    while (n > 0)
        free(held[--n]);
    char *after = sbrk(0);
    if (after == (char *)-1 || after <= before)
        return;
    uintptr_t lo = ((uintptr_t)before + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
    uintptr_t hi = (uintptr_t)after & ~(uintptr_t)(HUGE - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);   /* advice only */
#endif
}

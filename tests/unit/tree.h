/* Removing a folder the unit tests wrote, whole (a run publishes into sets/
 * and links the current set): for files that define _XOPEN_SOURCE 700 before
 * their first include, as nftw() needs. */
#ifndef CM_TEST_TREE_H
#define CM_TEST_TREE_H

#include <ftw.h>
#include <stdio.h>

static inline int
tree_remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes @dir and everything in it, links not followed; 0 when done. */
static inline int
tree_remove(const char *dir)
{
    return nftw(dir, tree_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif

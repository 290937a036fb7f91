/* The output folder as a transaction (publish.h): the lock, the staging
 * folder, the switch to a new set and the repair of what a killed run left.
 * What goes into the files is the other output modules' business. */
#define _GNU_SOURCE   /* renameat2's RENAME_EXCHANGE */
#include "output/publish.h"
#include "common/grow.h"
#include "common/outfile.h"
#include "common/sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { ID_LEN = 12, KEEP_SETS = 3, PATH_BUF = 4096 };

struct cm_publish {
    char *dir;                 /* the output folder, as given */
    char sets[PATH_BUF - 64];  /* DIR/sets; room left for what goes in it */
    char staging[PATH_BUF];    /* DIR/sets/.staging-XXXXXX; "" once published or removed */
    char current[PATH_BUF];    /* DIR/sets/<id> of the published set; "" for none */
    cm_publish_mode mode;
    int lock_fd;               /* DIR/sets/.lock, flock'ed for the whole run */
};

/* A folder's file names, sorted: each malloc'd, the array too. */
typedef struct names {
    char **v;
    size_t n, cap;
} names;

static void
names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @dir that do not start with a dot, sorted. CM_OK, or
 * CM_ERR_IO with errno set, or CM_ERR_NOMEM. */
static cm_status
list_names(const char *dir, names *out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    cm_status st = CM_OK;
    memset(out, 0, sizeof(*out));
    if (!d)
        return CM_ERR_IO;
    while (st == CM_OK && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char *copy = strdup(de->d_name);
        if (!copy || !CM_GROW(out->v, out->n, out->cap)) {
            free(copy);
            st = CM_ERR_NOMEM;
            break;
        }
        out->v[out->n++] = copy;
    }
    closedir(d);
    if (st == CM_OK && out->n)
        qsort(out->v, out->n, sizeof(*out->v), compare_names);
    return st;
}

static int
has_name(const names *l, const char *name)
{
    return l->n && bsearch(&name, l->v, l->n, sizeof(*l->v), compare_names) != NULL;
}

static cm_status
io_error(cm_diag_list *diags, const char *dir, const char *what, const char *path)
{
    cm_pos pos = { dir, 0, 0 };
    cm_diag_error(diags, &pos, "cannot %s \"%s\": %s", what, path, strerror(errno));
    return CM_ERR_IO;
}

/* ---- the folder and its lock ------------------------------------------------------------ */

/* mkdir -p: the output folder and any parent that is missing. */
static cm_status
make_dir(const char *dir, cm_diag_list *diags)
{
    char *path = strdup(dir);
    cm_status st = CM_OK;
    if (!path)
        return CM_ERR_NOMEM;
    for (char *p = path + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            cm_pos pos = { dir, 0, 0 };
            cm_diag_error(diags, &pos, "cannot create the output folder \"%s\": %s", path,
                          strerror(errno));
            st = CM_ERR_IO;
            break;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    free(path);
    return st;
}

/* Who holds the lock, for the run that finds it taken: written by the holder. */
static void
note_holder(int fd)
{
    char buf[256], host[64] = "this machine", when[32];
    time_t now = time(NULL);
    struct tm tm;
    gethostname(host, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
    int n = snprintf(buf, sizeof(buf), "pid %ld on %s, since %s UTC", (long)getpid(), host,
                     when);
    if (n > 0 && ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) < 0)
        return;   /* only a courtesy to the next run */
}

static cm_status
take_lock(cm_publish *p, cm_diag_list *diags)
{
    char path[PATH_BUF + 8], holder[256] = "";
    snprintf(path, sizeof(path), "%s/.lock", p->sets);
    p->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (p->lock_fd < 0)
        return io_error(diags, p->dir, "lock the output folder at", path);
    int how = p->mode == CM_PUBLISH_SHARE ? LOCK_SH : LOCK_EX;
    if (flock(p->lock_fd, how | LOCK_NB) == 0) {
        note_holder(p->lock_fd);
        return CM_OK;
    }
    if (errno != EWOULDBLOCK)
        return io_error(diags, p->dir, "lock the output folder at", path);
    ssize_t n = pread(p->lock_fd, holder, sizeof(holder) - 1, 0);
    holder[n > 0 ? n : 0] = '\0';
    cm_pos pos = { p->dir, 0, 0 };
    cm_diag_error(diags, &pos, "another conflictmap run is writing into this folder (%s); "
                  "wait for it to end, or render into another folder",
                  holder[0] ? holder : "it did not say who it is");
    return CM_ERR_IO;
}

/* ---- the published set ------------------------------------------------------------------ */

static int
is_id(const char *s)
{
    size_t n = 0;
    while (s[n] && strchr("0123456789abcdef", s[n]))
        n++;
    return n == ID_LEN && s[n] == '\0';
}

/* p->current from DIR/sets/current, when it names a set that is there (a
 * folder, not a link to one). */
static void
read_current(cm_publish *p)
{
    char path[PATH_BUF + 16], id[32] = "";
    struct stat sb;
    p->current[0] = '\0';
    snprintf(path, sizeof(path), "%s/current", p->sets);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(id, sizeof(id), f))
        id[strcspn(id, "\n")] = '\0';
    fclose(f);
    if (!is_id(id))
        return;
    snprintf(p->current, sizeof(p->current), "%s/%.12s", p->sets, id);
    if (lstat(p->current, &sb) != 0 || !S_ISDIR(sb.st_mode))
        p->current[0] = '\0';
}

/* Removes @dir and the files in it (our folders are flat). */
static void
remove_folder(const char *dir)
{
    char path[PATH_BUF * 2];
    DIR *d = opendir(dir);
    struct dirent *de;
    if (d) {
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(dir);
}

/* ---- switching the names at the top of DIR ---------------------------------------------- */

/* The manifests and the page go last, so that a reader who finds them
 * finds the files they name already in place. */
static int
switch_rank(const char *name)
{
    if (strcmp(name, "index.html") == 0)
        return 3;
    if (strcmp(name, "embed.html") == 0)
        return 2;
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 && strncmp(name, "manifest", 8) == 0;
}

static int
same_file(const char *a, const char *b)
{
    struct stat x, y;
    return lstat(a, &x) == 0 && stat(b, &y) == 0 && S_ISREG(x.st_mode) &&
           x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* DIR/@name becomes the set's file: a new link under a name nobody can have
 * planted, renamed over whatever DIR/@name was (a link found there is
 * replaced, never written through). */
static cm_status
switch_name(const cm_publish *p, const char *set, const char *name, cm_diag_list *diags)
{
    char from[PATH_BUF * 2], to[PATH_BUF * 2], tmp[PATH_BUF * 2 + 32];
    snprintf(from, sizeof(from), "%s/%s", set, name);
    snprintf(to, sizeof(to), "%s/%s", p->dir, name);
    if (same_file(to, from))
        return CM_OK;
    for (int tries = 0; tries < 8; tries++) {
        char r[13];
        cm_random_name(r, 12);
        snprintf(tmp, sizeof(tmp), "%s.%s.tmp", to, r);
        if (link(from, tmp) == 0)
            break;
        if (errno != EEXIST)
            return io_error(diags, p->dir, "put in place", to);
    }
    if (rename(tmp, to) != 0) {
        cm_status st = io_error(diags, p->dir, "put in place", to);
        unlink(tmp);
        return st;
    }
    return CM_OK;
}

/* Makes the top of DIR the set @set's: its names @now switched (the
 * manifests and the page last), then the names @before of the set @old that
 * @set does not have removed, when they still are @old's files (never a file
 * of somebody else's). Allocates nothing, so that once a set is published
 * only the file system can stop the switch. */
static cm_status
switch_names(const cm_publish *p, const char *set, const names *now, const char *old,
             const names *before, cm_diag_list *diags)
{
    cm_status st = CM_OK;
    for (int rank = 0; st == CM_OK && rank <= 3; rank++)
        for (size_t i = 0; st == CM_OK && i < now->n; i++)
            if (switch_rank(now->v[i]) == rank)
                st = switch_name(p, set, now->v[i], diags);
    if (st != CM_OK || !old || !old[0] || strcmp(old, set) == 0)
        return st;
    char top[PATH_BUF * 2], was[PATH_BUF * 2];
    for (size_t i = 0; i < before->n; i++) {
        if (has_name(now, before->v[i]))
            continue;
        snprintf(top, sizeof(top), "%s/%s", p->dir, before->v[i]);
        snprintf(was, sizeof(was), "%s/%s", old, before->v[i]);
        if (same_file(top, was))
            unlink(top);
    }
    return st;
}

/* switch_names() with the names read from the two sets' folders. */
static cm_status
switch_top(const cm_publish *p, const char *set, const char *old, cm_diag_list *diags)
{
    names now, before = { 0 };
    cm_status st = list_names(set, &now);
    if (st == CM_OK && old && old[0])
        st = list_names(old, &before);
    if (st == CM_OK)
        st = switch_names(p, set, &now, old, &before, diags);
    names_free(&before);
    names_free(&now);
    return st == CM_ERR_IO ? io_error(diags, p->dir, "read the sets in", p->sets) : st;
}

/* ---- repair ------------------------------------------------------------------------------ */

/* A temporary file of outfile.c's or of switch_name's: NAME.<6 to 12
 * letters or digits>.tmp. */
static int
is_temporary(const char *name)
{
    size_t n = strlen(name);
    if (n < 12 || strcmp(name + n - 4, ".tmp") != 0)
        return 0;
    size_t k = n - 4;
    while (k > 0 && strchr("abcdefghijklmnopqrstuvwxyz0123456789", name[k - 1]))
        k--;
    return k > 0 && name[k - 1] == '.' && n - 4 - k >= 6 && n - 4 - k <= 12;
}

/* What a run killed at any moment left: its staging folder, temporary files
 * at the top, and a switch of the top names it did not finish. Only when
 * this run is alone: the staging folder of a --shard run still at work is
 * not a leftover. */
static cm_status
repair(cm_publish *p, cm_diag_list *diags)
{
    char path[PATH_BUF * 2];
    DIR *d = opendir(p->sets);
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (strncmp(de->d_name, ".staging-", 9) == 0) {
            snprintf(path, sizeof(path), "%s/%s", p->sets, de->d_name);
            remove_folder(path);
        }
    if (d)
        closedir(d);
    d = opendir(p->dir);
    while (d && (de = readdir(d)))
        if (is_temporary(de->d_name)) {
            snprintf(path, sizeof(path), "%s/%s", p->dir, de->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    if (!p->current[0])
        return CM_OK;
    /* Finish a switch a killed run began: the published set's names, then
     * away with the names of the sets before it that it does not have. */
    names sets;
    cm_status st = list_names(p->sets, &sets);
    for (size_t i = 0; st == CM_OK && i < sets.n; i++) {
        struct stat sb;
        snprintf(path, sizeof(path), "%s/%s", p->sets, sets.v[i]);
        if (is_id(sets.v[i]) && strcmp(path, p->current) != 0 && lstat(path, &sb) == 0 &&
            S_ISDIR(sb.st_mode))
            st = switch_top(p, p->current, path, diags);
    }
    if (st == CM_OK)
        st = switch_top(p, p->current, NULL, diags);
    names_free(&sets);
    return st;
}

/* ---- the run's side ---------------------------------------------------------------------- */

/* DIR/sets must be a folder of its own, not a link: one planted in a shared
 * folder would have every set written wherever it points. */
static cm_status
check_sets(cm_publish *p, cm_diag_list *diags)
{
    struct stat sb;
    if (lstat(p->sets, &sb) != 0)
        return io_error(diags, p->dir, "read", p->sets);
    if (S_ISDIR(sb.st_mode))
        return CM_OK;
    cm_pos pos = { p->dir, 0, 0 };
    cm_diag_error(diags, &pos, "\"%s\" is %s, not a folder; conflictmap keeps its sets of "
                  "maps there and follows no link: remove it, or render into another folder",
                  p->sets, S_ISLNK(sb.st_mode) ? "a link" : "a file");
    return CM_ERR_IO;
}

/* DIR/sets/.staging-<12 random letters or digits>, made with the permissions any
 * folder of the user's gets (mkdtemp's 0700 would hide the published set
 * from a web server running as another user). */
static cm_status
make_staging(cm_publish *p, cm_diag_list *diags)
{
    for (int tries = 0; tries < 16; tries++) {
        char r[13];
        cm_random_name(r, 12);
        snprintf(p->staging, sizeof(p->staging), "%s/.staging-%s", p->sets, r);
        if (mkdir(p->staging, 0777) == 0)
            return CM_OK;
        if (errno != EEXIST)
            break;
    }
    cm_status st = io_error(diags, p->dir, "create a folder in", p->sets);
    p->staging[0] = '\0';
    return st;
}

cm_status
cm_publish_open(cm_publish **out, const char *dir, cm_publish_mode mode, cm_diag_list *diags)
{
    cm_publish *p = calloc(1, sizeof(*p));
    *out = NULL;
    if (!p || !(p->dir = strdup(dir))) {
        free(p);
        return CM_ERR_NOMEM;
    }
    p->mode = mode;
    p->lock_fd = -1;
    if (strlen(dir) + 6 >= sizeof(p->sets)) {
        cm_pos pos = { dir, 0, 0 };
        cm_diag_error(diags, &pos, "the output folder's path is too long");
        cm_publish_close(p);
        return CM_ERR_IO;
    }
    snprintf(p->sets, sizeof(p->sets), "%s/sets", dir);
    cm_status st = make_dir(dir, diags);
    if (st == CM_OK && mkdir(p->sets, 0777) != 0 && errno != EEXIST)
        st = io_error(diags, dir, "create the folder", p->sets);
    if (st == CM_OK)
        st = check_sets(p, diags);
    if (st == CM_OK)
        st = take_lock(p, diags);
    if (st == CM_OK) {
        read_current(p);
        if (mode == CM_PUBLISH_ALONE)
            st = repair(p, diags);
        if (st == CM_OK)
            st = make_staging(p, diags);
    }
    if (st != CM_OK) {
        cm_publish_close(p);
        return st;
    }
    *out = p;
    return CM_OK;
}

const char *
cm_publish_staging(const cm_publish *p)
{
    return p->staging;
}

const char *
cm_publish_current(const cm_publish *p)
{
    return p->current[0] ? p->current : NULL;
}

int
cm_publish_keep(cm_publish *p, const char *name)
{
    char from[PATH_BUF * 2], to[PATH_BUF * 2];
    if (!p->current[0] || !p->staging[0])
        return 0;
    snprintf(from, sizeof(from), "%s/%s", p->current, name);
    snprintf(to, sizeof(to), "%s/%s", p->staging, name);
    return link(from, to) == 0;
}

/* Adds the bytes of the file @path to @h, a block at a time (a manifest may
 * be large: it is never held whole). */
static cm_status
hash_file(cm_sha256_ctx *h, const char *path)
{
    unsigned char block[65536];
    FILE *f = fopen(path, "rb");
    if (!f)
        return CM_ERR_IO;
    size_t k;
    while ((k = fread(block, 1, sizeof(block), f)) > 0)
        cm_sha256_add(h, block, k);
    cm_status st = ferror(f) ? CM_ERR_IO : CM_OK;
    fclose(f);
    return st;
}

cm_status
cm_publish_id(cm_publish *p, const char *const *extra, char id[13], cm_diag_list *diags)
{
    names l;
    char path[PATH_BUF * 2];
    cm_status st = list_names(p->staging, &l);
    for (size_t k = 0; st == CM_OK && extra && extra[k]; k++) {
        char *copy = strdup(extra[k]);
        if (!copy || !CM_GROW(l.v, l.n, l.cap)) {
            free(copy);
            st = CM_ERR_NOMEM;
        } else {
            l.v[l.n++] = copy;
        }
    }
    if (st == CM_OK && l.n)
        qsort(l.v, l.n, sizeof(*l.v), compare_names);
    cm_sha256_ctx h;
    cm_sha256_begin(&h);
    for (size_t i = 0; st == CM_OK && i < l.n; i++) {
        size_t len = strlen(l.v[i]);
        cm_sha256_add(&h, l.v[i], len + 1);   /* the NUL too */
        if (len > 5 && strcmp(l.v[i] + len - 5, ".json") == 0) {
            snprintf(path, sizeof(path), "%s/%s", p->staging, l.v[i]);
            st = hash_file(&h, path);
        }
    }
    if (st == CM_OK) {
        unsigned char digest[CM_SHA256_BYTES];
        char hex[CM_SHA256_HEX_BUF];
        cm_sha256_end(&h, digest);
        cm_sha256_hex(digest, hex);
        memcpy(id, hex, ID_LEN);   /* the digest's first 48 bits */
        id[ID_LEN] = '\0';
    }
    names_free(&l);
    return st == CM_ERR_IO ? io_error(diags, p->dir, "read the staged files in", p->staging)
                           : st;
}

/* With --shard, the set already published that this run does not replace
 * comes along: linked in from the current set, but for the names in @drop. */
static cm_status
inherit_current(cm_publish *p, const char *const *drop, cm_diag_list *diags)
{
    names cur, mine;
    if (!p->current[0])
        return CM_OK;
    cm_status st = list_names(p->current, &cur);
    if (st == CM_OK)
        st = list_names(p->staging, &mine);
    else
        memset(&mine, 0, sizeof(mine));
    if (st == CM_ERR_IO)
        io_error(diags, p->dir, "read the published set", p->current);
    for (size_t i = 0; st == CM_OK && i < cur.n; i++) {
        int dropped = 0;
        for (size_t k = 0; drop && drop[k]; k++)
            dropped |= strcmp(drop[k], cur.v[i]) == 0;
        if (!dropped && !has_name(&mine, cur.v[i]) && !cm_publish_keep(p, cur.v[i]))
            st = io_error(diags, p->dir, "keep the published file", cur.v[i]);
    }
    names_free(&cur);
    names_free(&mine);
    return st;
}

/* Of the sets in DIR/sets, the published one and the @keep published
 * before it stay (by the time they were published); the rest go. Only
 * folders are sets: a link planted among them is never followed. Called
 * before a new set is published, so that what follows the moment of
 * publication cannot fail for want of memory. CM_OK or CM_ERR_NOMEM. */
static cm_status
prune(cm_publish *p, size_t keep)
{
    names l;
    char path[PATH_BUF * 2];
    struct { char id[ID_LEN + 1]; time_t t; } sets[64];
    size_t n = 0;
    cm_status st = list_names(p->sets, &l);
    if (st != CM_OK)
        return st == CM_ERR_NOMEM ? st : CM_OK;
    for (size_t i = 0; i < l.n && n < 64; i++) {
        struct stat sb;
        snprintf(path, sizeof(path), "%s/%s", p->sets, l.v[i]);
        if (!is_id(l.v[i]) || strcmp(path, p->current) == 0 || lstat(path, &sb) != 0 ||
            !S_ISDIR(sb.st_mode))
            continue;
        memcpy(sets[n].id, l.v[i], ID_LEN + 1);
        sets[n++].t = sb.st_mtime;
    }
    names_free(&l);
    for (size_t i = 0; i < n; i++) {
        size_t newer = 0;
        for (size_t k = 0; k < n; k++)
            newer += k != i && (sets[k].t > sets[i].t ||
                                (sets[k].t == sets[i].t && strcmp(sets[k].id, sets[i].id) > 0));
        snprintf(path, sizeof(path), "%s/%s", p->sets, sets[i].id);
        if (newer >= keep)
            remove_folder(path);
    }
    return CM_OK;
}

/* DIR/sets/current says @id: the moment of publication. */
static cm_status
write_current(cm_publish *p, const char *id, cm_diag_list *diags)
{
    char tmp[PATH_BUF + 32], path[PATH_BUF + 16];
    snprintf(tmp, sizeof(tmp), "%s/.current-XXXXXX", p->sets);
    snprintf(path, sizeof(path), "%s/current", p->sets);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return io_error(diags, p->dir, "write", path);
    char line[ID_LEN + 2];
    int n = snprintf(line, sizeof(line), "%s\n", id);
    int ok = write(fd, line, (size_t)n) == n && fchmod(fd, 0644) == 0;
    if (close(fd) != 0 || !ok || rename(tmp, path) != 0) {
        cm_status st = io_error(diags, p->dir, "write", path);
        unlink(tmp);
        return st;
    }
    return CM_OK;
}

/* The staging folder becomes DIR/sets/@id. A set of that id may be there
 * already (the same maps rendered again, or a file of it changed in place
 * since, which is why the run drew it anew): the two folders are exchanged
 * in one step, so that a reader of the set never finds it missing, and the
 * old one is removed. */
static cm_status
place_set(cm_publish *p, const char *id, char set[PATH_BUF], cm_diag_list *diags)
{
    snprintf(set, PATH_BUF, "%s/%.12s", p->sets, id);
    if (rename(p->staging, set) == 0) {
        p->staging[0] = '\0';
        utimensat(AT_FDCWD, set, NULL, 0);   /* its time is when it was published */
        return CM_OK;
    }
    if (errno != EEXIST && errno != ENOTEMPTY)
        return io_error(diags, p->dir, "publish the set", set);
    if (renameat2(AT_FDCWD, p->staging, AT_FDCWD, set, RENAME_EXCHANGE) != 0) {
        /* a file system without the exchange: the old set goes first */
        char aside[PATH_BUF + 16];
        snprintf(aside, sizeof(aside), "%s.old", p->staging);
        if (rename(set, aside) != 0 || rename(p->staging, set) != 0)
            return io_error(diags, p->dir, "publish the set", set);
        remove_folder(aside);
        p->staging[0] = '\0';
        utimensat(AT_FDCWD, set, NULL, 0);
        return CM_OK;
    }
    remove_folder(p->staging);   /* now the old set */
    p->staging[0] = '\0';
    utimensat(AT_FDCWD, set, NULL, 0);   /* published again: the newest */
    return CM_OK;
}

cm_status
cm_publish_commit(cm_publish *p, const char *id, int inherit, const char *const *drop,
                  cm_diag_list *diags)
{
    char own_id[ID_LEN + 1], set[PATH_BUF], old[PATH_BUF];
    int publish_fd = -1;
    cm_status st = CM_OK;
    if (p->mode == CM_PUBLISH_SHARE) {   /* shares publish one at a time */
        char path[PATH_BUF + 16];
        snprintf(path, sizeof(path), "%s/.publish", p->sets);
        publish_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (publish_fd < 0 || flock(publish_fd, LOCK_EX) != 0)
            st = io_error(diags, p->dir, "lock", path);
        read_current(p);
    }
    if (st == CM_OK && inherit)
        st = inherit_current(p, drop, diags);
    if (st == CM_OK && (!id || inherit))
        st = cm_publish_id(p, NULL, own_id, diags);
    else if (st == CM_OK)
        snprintf(own_id, sizeof(own_id), "%s", id);
    snprintf(old, sizeof(old), "%s", p->current);
    /* Everything that needs memory before the moment of publication. */
    names now = { 0 }, before = { 0 };
    if (st == CM_OK)
        st = list_names(p->staging, &now);
    if (st == CM_OK && old[0])
        st = list_names(old, &before);
    if (st == CM_OK)
        st = prune(p, KEEP_SETS - 2);
    if (st == CM_ERR_IO)
        io_error(diags, p->dir, "read the sets in", p->sets);
    if (st == CM_OK)
        st = place_set(p, own_id, set, diags);
    if (st == CM_OK)
        st = write_current(p, own_id, diags);   /* published */
    if (st == CM_OK) {
        snprintf(p->current, sizeof(p->current), "%s", set);
        st = switch_names(p, set, &now, old, &before, diags);
    }
    names_free(&before);
    names_free(&now);
    if (publish_fd >= 0)
        close(publish_fd);
    return st;
}

/* A folder where nothing was ever published is left as it was found:
 * without sets/ (an output folder a failed first run leaves is empty). */
static void
remove_if_unused(cm_publish *p)
{
    char path[PATH_BUF + 16];
    if (p->current[0] || p->mode != CM_PUBLISH_ALONE || p->lock_fd < 0)
        return;
    snprintf(path, sizeof(path), "%s/current", p->sets);
    if (access(path, F_OK) == 0)
        return;
    snprintf(path, sizeof(path), "%s/.lock", p->sets);
    unlink(path);
    rmdir(p->sets);   /* fails, and so stays, if anything else is in it */
}

void
cm_publish_close(cm_publish *p)
{
    if (!p)
        return;
    if (p->staging[0])
        remove_folder(p->staging);
    if (p->lock_fd >= 0) {
        remove_if_unused(p);
        if (p->mode == CM_PUBLISH_ALONE && ftruncate(p->lock_fd, 0) != 0) {
            /* who held it is only a courtesy to the next run */
        }
        close(p->lock_fd);
    }
    free(p->dir);
    free(p);
}

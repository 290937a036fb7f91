/* Prepared copies of control layers (control_cache.h says what and when).
 *
 * A copy is one file, every number in this machine's byte order and 8-byte
 * aligned so that it is read where it is mapped:
 *   "conflictmap ctl\1"    16 bytes: the format (its last byte its version)
 *   0x0102030405060708     the byte order
 *   key length, key        what it was made from (text), padded to 8
 *   sides, features, rings, points   four counts
 *   each side: length, code, padded to 8
 *   each feature: side index (4), status (4), from, to, first ring, rings (8 each),
 *     its km² (a double: as territory.c measures the feature held alone,
 *     geo/area.h, given by the run as control.h says; a finite number of 0 or
 *     more, else the copy is refused)
 *   the rings' starts (rings + 1), relative to the copy's first point
 *   each ring's outer flag (1 byte), padded to 8
 *   the points: longitude, latitude
 *   the CRC-32 of everything before it, in 8 bytes (libdeflate's: a copy is
 *   checked for a disk's or a program's damage, not against an attacker;
 *   on 16 MB here, best of 7: CRC-32 1.3 ms, common/sha256.c's SHA-256 10.3
 *   ms with the processor's SHA instructions and 57.3 ms without).
 * The key holds the layer's real path, the options it was read with, the
 * file's device, inode, size, modification and change times, the GDAL it was
 * read with and the GEOS its km² were measured with (the polygons they are
 * measured on are GEOS's); the copy's name is the SHA-256 of the path and
 * options alone, so that a changed file's copy replaces the old one rather
 * than adding to the folder. */
#define _DEFAULT_SOURCE   /* realpath */
#include "load/control_cache.h"

#include "common/grow.h"
#include "common/outfile.h"
#include "common/sha256.h"
#include "load/gdal.h"

#include <dirent.h>
#include <errno.h>
#include <libdeflate.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum {
    MIN_BYTES = 1 << 20,    /* smaller layers are read as fast as a copy */
    SETTLE_SECONDS = 2,     /* a file changed more recently may change again unseen */
    FEATURE_BYTES = 48,
    CHECK_BYTES = 8,        /* the CRC-32 at the end */
    MAX_SIDE = 64           /* a side's code, with its NUL */
};

static const char magic[16] = "conflictmap ctl\2";
static const uint64_t byte_order = 0x0102030405060708u;

/* The folder of prepared copies: $CONFLICTMAP_CACHE ("off" or empty: none),
 * else $XDG_CACHE_HOME/conflictmap, else $HOME/.cache/conflictmap. Written to
 * @out (size @n); 0 when there is none. */
static int
cache_dir(char *out, size_t n)
{
    const char *own = getenv("CONFLICTMAP_CACHE");
    if (own)
        return *own && strcmp(own, "off") != 0 && (size_t)snprintf(out, n, "%s", own) < n;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/')   /* the XDG spec: a relative one is ignored */
        return (size_t)snprintf(out, n, "%s/conflictmap", xdg) < n;
    if (home && home[0] == '/')
        return (size_t)snprintf(out, n, "%s/.cache/conflictmap", home) < n;
    return 0;
}

/* Formats whose one file is the whole layer (a shapefile's fields are in its
 * .dbf, a GML's schema may be beside it; a GeoPackage with a write-ahead log
 * is being written). */
static int
one_file_format(const char *path)
{
    static const char *const ext[] = { ".geojson", ".json", ".kml", ".kmz", ".fgb", ".gpkg" };
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
        if (strcasecmp(dot, ext[i]) == 0) {
            if (i == 5) {
                char wal[PATH_MAX];
                struct stat sb;
                if ((size_t)snprintf(wal, sizeof wal, "%s-wal", path) >= sizeof wal ||
                    stat(wal, &sb) == 0)
                    return 0;
            }
            return 1;
        }
    return 0;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The key's text; its first line (path and options) names the copy. */
static char *
make_key(const char *real, const char *side, int status, int dated, cm_time from, cm_time to,
         const struct stat *sb, size_t *name_len, size_t *len)
{
    char *key = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&key, &size);
    if (!f)
        return NULL;
    fprintf(f, "%s\tside=%s\tstatus=%d\tdated=%d\t%lld\t%lld\n", real, side ? side : "",
            status, dated, (long long)from, (long long)to);
    fflush(f);
    *name_len = size;
    fprintf(f, "dev=%llu ino=%llu size=%lld mtime=%lld.%09ld ctime=%lld.%09ld gdal=%s "
            "geos=%s\n",
            (unsigned long long)sb->st_dev, (unsigned long long)sb->st_ino,
            (long long)sb->st_size, (long long)sb->st_mtim.tv_sec, sb->st_mtim.tv_nsec,
            (long long)sb->st_ctim.tv_sec, sb->st_ctim.tv_nsec, CM_GDAL_SONAME,
            CM_GEOS_SONAME);
    if (fclose(f) != 0) {
        free(key);
        return NULL;
    }
    *len = size;
    return key;
}

/* ---- reading ------------------------------------------------------------------------- */

typedef struct cursor {
    const unsigned char *p, *end;
} cursor;

static int
take(cursor *c, void *out, size_t n)
{
    if ((size_t)(c->end - c->p) < n)
        return 0;
    memcpy(out, c->p, n);
    c->p += n;
    return 1;
}

/* @n bytes and the padding to 8 after them, in place. */
static const unsigned char *
take_padded(cursor *c, uint64_t n)
{
    uint64_t room = (uint64_t)(c->end - c->p);
    if (n > room || (n + 7) / 8 * 8 > room)
        return NULL;
    const unsigned char *at = c->p;
    c->p += (n + 7) / 8 * 8;
    return at;
}

int
cm_control_cache_read(cm_control *c, const unsigned char *data, size_t size, const char *key,
                      size_t key_len, const cm_events *events, int adopt)
{
    cursor cur = { data, data + size };
    char head[16];
    uint64_t order, stored_len, n_sides, n_feat, n_rings, n_points;
    if (!take(&cur, head, 16) || memcmp(head, magic, 16) != 0 || !take(&cur, &order, 8) ||
        order != byte_order || !take(&cur, &stored_len, 8) || stored_len != key_len)
        return 0;
    const unsigned char *stored = take_padded(&cur, key_len);
    if (!stored || memcmp(stored, key, key_len) != 0 || !take(&cur, &n_sides, 8) ||
        !take(&cur, &n_feat, 8) || !take(&cur, &n_rings, 8) || !take(&cur, &n_points, 8))
        return 0;
    uint64_t room = (uint64_t)(cur.end - cur.p);
    if (n_sides > room / 8 || n_feat > room / FEATURE_BYTES || n_rings >= room / 8 ||
        n_points > room / 16)
        return 0;
    const char **sides = calloc(n_sides ? n_sides : 1, sizeof(*sides));
    if (!sides)
        return -1;
    int ok = 1;
    for (uint64_t i = 0; ok && i < n_sides; i++) {
        uint64_t len;
        const unsigned char *code = take(&cur, &len, 8) ? take_padded(&cur, len) : NULL;
        char buf[MAX_SIDE];
        ok = code && len < sizeof buf;
        if (ok) {
            memcpy(buf, code, len);
            buf[len] = '\0';
            const cm_side *s = cm_events_find_side(events, buf);
            sides[i] = s ? cm_side_code(s) : NULL;
            ok = s != NULL;   /* else read the layer, which says which feature is wrong */
        }
    }
    const unsigned char *feat = ok ? take_padded(&cur, n_feat * FEATURE_BYTES) : NULL;
    const unsigned char *starts = feat ? take_padded(&cur, (n_rings + 1) * 8) : NULL;
    const unsigned char *outer = starts ? take_padded(&cur, n_rings) : NULL;
    const unsigned char *points = outer ? take_padded(&cur, n_points * 16) : NULL;
    ok = points && cur.p == cur.end;
    /* every ring of at least 3 points, in order, ending at the last point */
    uint64_t prev = 0, s0;
    if (ok) {
        memcpy(&s0, starts, 8);
        ok = s0 == 0;
    }
    for (uint64_t i = 1; ok && i <= n_rings; i++) {
        uint64_t s;
        memcpy(&s, starts + 8 * i, 8);
        ok = s >= prev + 3 && s <= n_points;
        prev = s;
    }
    ok = ok && prev == n_points;
    if (!ok) {
        free(sides);
        return 0;
    }
    size_t f0 = c->n_features, r0 = c->n_rings, p0 = c->n_points;
    for (uint64_t i = 0; i < n_feat; i++) {
        const unsigned char *q = feat + FEATURE_BYTES * i;
        uint32_t side, status;
        int64_t from, to;
        uint64_t first, n;
        double km2;
        memcpy(&side, q, 4);
        memcpy(&status, q + 4, 4);
        memcpy(&from, q + 8, 8);
        memcpy(&to, q + 16, 8);
        memcpy(&first, q + 24, 8);
        memcpy(&n, q + 32, 8);
        memcpy(&km2, q + 40, 8);
        /* the km² are taken as they are (territory.c measures no more): a
         * number that no measure gives is a copy not to be trusted */
        if (side >= n_sides || status >= CM_CONTROL_N_STATUS || n == 0 || first > n_rings ||
            n > n_rings - first || !isfinite(km2) || km2 < 0) {
            c->n_features = f0;
            free(sides);
            return 0;
        }
        if (!CM_GROW(c->features, c->n_features, c->cap_features)) {
            c->n_features = f0;
            free(sides);
            return -1;
        }
        c->features[c->n_features++] = (cm_control_feature){
            sides[side], (cm_control_status)status, from, to, r0 + first, n, km2 };
    }
    free(sides);
    /* the points left where they are: no heap to clear and fill (16 MB at a
     * million vertices), when they are the first and aligned */
    adopt = adopt && p0 == 0 && !c->lonlat && n_points && (uintptr_t)points % sizeof(double) == 0;
    if ((n_rings && (!CM_RESERVE(c->ring_outer, c->cap_rings, r0 + n_rings) ||
                     !CM_RESERVE(c->ring_start, c->cap_ring_start, r0 + n_rings + 1))) ||
        (!adopt && (!cm_control_own_points(c) ||
                    !CM_RESERVE(c->lonlat, c->cap_points, 2 * (p0 + n_points))))) {
        c->n_features = f0;
        return -1;
    }
    if (n_rings) {
        if (r0 == 0)
            c->ring_start[0] = p0;
        for (uint64_t i = 1; i <= n_rings; i++) {
            uint64_t s;
            memcpy(&s, starts + 8 * i, 8);
            c->ring_start[r0 + i] = p0 + s;
        }
        memcpy(c->ring_outer + r0, outer, n_rings);
        c->n_rings = r0 + n_rings;
    }
    if (adopt) {
        c->lonlat = (double *)(uintptr_t)points;
        c->cap_points = 2 * n_points;
    } else if (n_points)
        memcpy(c->lonlat + 2 * p0, points, n_points * 16);
    c->n_points = p0 + n_points;
    return adopt ? 2 : 1;
}

int
cm_control_cache_get(cm_control *c, const char *path, const char *side, int status,
                     int dated, cm_time from, cm_time to, const cm_events *events,
                     cm_control_cache_entry *e)
{
    memset(e, 0, sizeof(*e));
    char dir[PATH_MAX], real[PATH_MAX];
    if (!cache_dir(dir, sizeof dir) || !one_file_format(path) ||
        stat(path, &e->sb) != 0 || !S_ISREG(e->sb.st_mode) || e->sb.st_size < MIN_BYTES ||
        !realpath(path, real))
        return 0;
    size_t name_len;
    e->key = make_key(real, side, status, dated, from, to, &e->sb, &name_len, &e->key_len);
    if (!e->key || !(e->real = strdup(real)))
        return -1;
    unsigned char digest[CM_SHA256_BYTES];
    char hex[CM_SHA256_HEX_BUF];
    cm_sha256(e->key, name_len, digest);
    cm_sha256_hex(digest, hex);
    size_t len = strlen(dir) + sizeof "/control-.copy" + 32;
    if (!(e->copy = malloc(len)))
        return -1;
    snprintf(e->copy, len, "%s/control-%.32s.copy", dir, hex);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    time_t newest = e->sb.st_mtim.tv_sec > e->sb.st_ctim.tv_sec ? e->sb.st_mtim.tv_sec
                                                                  : e->sb.st_ctim.tv_sec;
    e->may_write = now.tv_sec - newest > SETTLE_SECONDS;

    int fd = open(e->copy, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat cs;
    if (fd < 0)
        return 0;
    if (fstat(fd, &cs) != 0 || !S_ISREG(cs.st_mode) || cs.st_uid != geteuid() ||
        cs.st_size < (off_t)(16 + 8 + CHECK_BYTES) || (uint64_t)cs.st_size > SIZE_MAX) {
        close(fd);
        return 0;
    }
    size_t size = (size_t)cs.st_size;
    /* Private and writable: the points may be left in it (a write would copy
     * its page, not reach the file). Copies are only ever replaced by a
     * rename, never rewritten in place, so the map stays whole. */
    unsigned char *data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED)
        return 0;
    uint64_t sum = libdeflate_crc32(0, data, size - CHECK_BYTES), stored;
    memcpy(&stored, data + size - CHECK_BYTES, CHECK_BYTES);
    int got = sum == stored
                  ? cm_control_cache_read(c, data, size - CHECK_BYTES, e->key,
                                          e->key_len, events, 1)
                  : 0;
    if (got == 2) {   /* the points are in the map: it lives as long as @c */
        c->points_map = data;
        c->points_map_size = size;
        return 1;
    }
    munmap(data, size);
    return got;
}

/* ---- writing ------------------------------------------------------------------------- */

/* A copy being written: through cm_outfile (a temporary file renamed into
 * place, removed on failure or on a signal), with its CRC-32 so far. */
typedef struct writer {
    cm_outfile o;
    uint32_t sum;
} writer;

static void
put(writer *w, const void *data, size_t n)
{
    w->sum = libdeflate_crc32(w->sum, data, n);
    cm_outfile_write(&w->o, data, n);
}

static void
put_u64(writer *w, uint64_t v)
{
    put(w, &v, 8);
}

static void
put_padded(writer *w, const void *data, size_t n)
{
    static const unsigned char zero[8];
    put(w, data, n);
    put(w, zero, (8 - n % 8) % 8);
}

/* The side codes of features [@f0, n) in order of first use, in @codes (at
 * most @cap); how many, or 0 when more than @cap. */
static size_t
side_codes(const cm_control *c, size_t f0, const char **codes, size_t cap)
{
    size_t n = 0;
    for (size_t i = f0; i < c->n_features; i++) {
        size_t k = 0;
        while (k < n && strcmp(codes[k], c->features[i].side) != 0)
            k++;
        if (k == n) {
            if (n == cap || strlen(c->features[i].side) >= MAX_SIDE)
                return 0;
            codes[n++] = c->features[i].side;
        }
    }
    return n;
}

static void
write_copy(writer *w, const cm_control *c, size_t f0, size_t r0, size_t p0,
           const cm_control_cache_entry *e, const char **codes, size_t n_sides)
{
    put(w, magic, 16);
    put_u64(w, byte_order);
    put_u64(w, e->key_len);
    put_padded(w, e->key, e->key_len);
    size_t n_rings = c->n_rings - r0, n_points = c->n_points - p0;
    put_u64(w, n_sides);
    put_u64(w, c->n_features - f0);
    put_u64(w, n_rings);
    put_u64(w, n_points);
    for (size_t i = 0; i < n_sides; i++) {
        put_u64(w, strlen(codes[i]));
        put_padded(w, codes[i], strlen(codes[i]));
    }
    for (size_t i = f0; i < c->n_features; i++) {
        const cm_control_feature *f = &c->features[i];
        uint32_t side = 0, status = (uint32_t)f->status;
        while (strcmp(codes[side], f->side) != 0)
            side++;
        int64_t from = f->from, to = f->to;
        put(w, &side, 4);
        put(w, &status, 4);
        put(w, &from, 8);
        put(w, &to, 8);
        put_u64(w, f->first_ring - r0);
        put_u64(w, f->n_rings);
        put(w, &f->km2, 8);
    }
    for (size_t i = 0; i <= n_rings; i++)
        put_u64(w, n_rings ? c->ring_start[r0 + i] - p0 : 0);
    put_padded(w, c->ring_outer + r0, n_rings);
    put(w, c->lonlat + 2 * p0, n_points * 16);
}

/* Makes @dir, and its parent when that is the user's cache folder. */
static int
make_dir(const char *dir)
{
    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return 1;
    char parent[PATH_MAX];
    const char *slash = strrchr(dir, '/');
    if (errno != ENOENT || !slash || slash == dir || getenv("CONFLICTMAP_CACHE") ||
        (size_t)(slash - dir) >= sizeof parent)
        return 0;
    memcpy(parent, dir, (size_t)(slash - dir));
    parent[slash - dir] = '\0';
    return (mkdir(parent, 0700) == 0 || errno == EEXIST) && mkdir(dir, 0700) == 0;
}

/* Removes what a run killed while writing copy @name left in @dir (a
 * signal the program handles removes it itself): its temporary files
 * (cm_outfile's @name.XXXXXXXXXXXX.tmp) of more than an hour ago. */
static void
remove_stale(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    size_t len = strlen(name);
    time_t hour_ago = time(NULL) - 3600;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n != len + 17 || strncmp(de->d_name, name, len) != 0 || de->d_name[len] != '.' ||
            strcmp(de->d_name + n - 4, ".tmp") != 0)
            continue;
        char path[PATH_MAX];
        struct stat sb;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) < sizeof path &&
            lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_mtime < hour_ago)
            unlink(path);
    }
    if (d)
        closedir(d);
}

void
cm_control_cache_put(cm_control *c, size_t f0, size_t r0, size_t p0,
                     cm_control_cache_entry *e)
{
    struct stat now;
    const char *codes[256];
    size_t n_sides = side_codes(c, f0, codes, 256);
    char *path_end = e->copy ? strrchr(e->copy, '/') : NULL;
    if (!e->copy || !e->may_write || (n_sides == 0 && c->n_features > f0))
        return;
    /* the file that was read is still the one the key names */
    if (stat(e->real, &now) != 0 || !same_file(&now, &e->sb))
        return;
    *path_end = '\0';
    int made = make_dir(e->copy);
    if (made)
        remove_stale(e->copy, path_end + 1);
    *path_end = '/';
    if (!made || !c->measure || !c->measure(c, f0))   /* each feature's km² (control.h) */
        return;
    writer w = { .sum = 0 };
    if (cm_outfile_open(&w.o, e->copy, NULL) != CM_OK)
        return;
    write_copy(&w, c, f0, r0, p0, e, codes, n_sides);
    uint64_t sum = w.sum;
    cm_outfile_write(&w.o, &sum, CHECK_BYTES);
    cm_outfile_commit(&w.o, NULL);   /* failing, it removes its temporary file */
}

void
cm_control_cache_done(cm_control_cache_entry *e)
{
    free(e->copy);
    free(e->key);
    free(e->real);
    memset(e, 0, sizeof(*e));
}

/* Layers: boundary geometry read from a shapefile with shapelib, checked record by
 * record (a broken file is refused, never trusted), converted to WGS84 lon/lat with
 * PROJ and its .dbf text to UTF-8 with iconv. Every byte comes through layer_io, so
 * a set on disk and one in memory take the same path. Projecting to the map plane
 * and drawing are the projection and draw modules' jobs. */
#include "load/layer.h"
#include "conflictmap/layer.h"
#include "conflictmap/limits.h"
#include "common/grow.h"
#include "common/input.h"
#include "load/layer_ogr.h"
#include "load/layer_io.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <proj.h>
#include <pthread.h>
#include <shapefil.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    MAX_PARTS = 10 * 1000 * 1000,
    MAX_PRJ_BYTES = 64 * 1024,
    SHP_HEADER_BYTES = 100,
    SHP_FILE_CODE = 9994
};

struct cm_shape {
    const cm_layer *layer;       /* for the field names and the coordinates */
    cm_shape_kind kind;
    int record;                  /* 1-based, as the .shp numbers them */
    size_t first_part, n_parts;  /* into layer->part_start */
    size_t end_point;            /* one past the shape's last point */
    char **values;               /* layer->n_fields values, owned, UTF-8 */
    const char *name;            /* one of values, or "" */
};

struct cm_layer {
    char *path, *role;
    cm_shape *shapes;
    size_t n_shapes, cap_shapes;
    double *xy;                  /* every shape's points: lon0, lat0, lon1, ... */
    size_t n_points, cap_xy;     /* cap_xy counts doubles */
    size_t *part_start;          /* index of each part's first point */
    size_t n_parts, cap_parts;
    char **fields;               /* .dbf field names kept, UTF-8 */
    size_t n_fields;
    double bbox[4];
    size_t n_unread;             /* records left unread: outside the extent */
    size_t built_parts;          /* cm_layer_build_*: first part of the open shape */
};

/* What one cm_layer_load() holds while it reads. */
typedef struct loader {
    cm_layer *layer;
    cm_diag_list *diags;
    cm_layer_io *io;             /* where every file of the set is read from */
    cm_pos pos;                  /* the .shp; binary files have no line */
    char *base;                  /* the path without its extension */
    SHPHandle shp;
    DBFHandle dbf;
    char *dbf_path;
    unsigned long long shp_bytes;
    size_t max_file_bytes;       /* each file of the set, --max-file-size */
    int *field_index;            /* .dbf field of each kept field */
    iconv_t cd;                  /* to UTF-8; (iconv_t)-1 when the text is UTF-8 */
    int try_utf8;                /* code page unknown: valid UTF-8 is taken as such */
    int n_null, n_multipatch;
    int n_not_utf8;              /* values declared UTF-8 that were not */
    const double *extent;        /* lon/lat box of the records wanted, or NULL for all */
    cm_layer_stream *boxes;      /* the .shp, for the records' boxes when @extent is set */
    const char *crs_source;      /* "the .prj beside it", in messages */
    char proj_message[256];
} loader;

#define NO_ICONV ((iconv_t)-1)

/* ---- messages from the libraries ---------------------------------------------------- */

/* shapelib reports through a hook with no context pointer; keep its last message
 * per thread so that layers loaded in parallel cannot swap them. */
static _Thread_local char shapelib_message[256];

static void
keep_shapelib_message(const char *message)
{
    snprintf(shapelib_message, sizeof shapelib_message, "%s", message);
}

/* shapelib reads through the loader's set; its default Error hook prints to stderr. */
static SAHooks
quiet_hooks(loader *ld)
{
    shapelib_message[0] = '\0';
    return cm_layer_io_hooks(ld->io, keep_shapelib_message);
}

const char *
cm_layer_tidy_message(char *s, const char *none)
{
    size_t len = strlen(s);
    for (size_t i = 0, n; i < len; i += n) {
        n = cm_utf8_sequence_length((unsigned char *)s + i, len - i);
        if (n == 0) {
            s[i] = '?';
            n = 1;
        } else if ((unsigned char)s[i] < 0x20) {
            s[i] = ' ';
        }
    }
    while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ' '))
        s[--len] = '\0';
    return len ? s : none;
}

static const char *
tidy(char *s)
{
    return cm_layer_tidy_message(s, "no reason given");
}

static void
keep_proj_message(void *data, int level, const char *message)
{
    loader *ld = data;
    const char *prefix = "proj_create: ";

    (void)level;
    if (strncmp(message, prefix, strlen(prefix)) == 0)
        message += strlen(prefix);
    snprintf(ld->proj_message, sizeof ld->proj_message, "%s", message);
}

static void
keep_quiet(void *data, int level, const char *message)
{
    (void)data, (void)level, (void)message;
}

/* ---- small helpers ------------------------------------------------------------------ */

static int
le32(const unsigned char *p)
{
    return (int)((unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 |
                 (unsigned)p[3] << 24);
}

static int
be32(const unsigned char *p)
{
    return (int)((unsigned)p[3] | (unsigned)p[2] << 8 | (unsigned)p[1] << 16 |
                 (unsigned)p[0] << 24);
}

static int
known_type(int type)
{
    static const int types[] = { SHPT_NULL, SHPT_POINT, SHPT_ARC, SHPT_POLYGON,
        SHPT_MULTIPOINT, SHPT_POINTZ, SHPT_ARCZ, SHPT_POLYGONZ, SHPT_MULTIPOINTZ,
        SHPT_POINTM, SHPT_ARCM, SHPT_POLYGONM, SHPT_MULTIPOINTM, SHPT_MULTIPATCH };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i] == type)
            return 1;
    return 0;
}

/* Z and M are dropped: a map of boundaries needs x and y only. */
static cm_shape_kind
kind_of_type(int type)
{
    switch (type) {
    case SHPT_ARC: case SHPT_ARCZ: case SHPT_ARCM:
        return CM_SHAPE_LINE;
    case SHPT_POLYGON: case SHPT_POLYGONZ: case SHPT_POLYGONM:
        return CM_SHAPE_POLYGON;
    default:
        return CM_SHAPE_POINT;
    }
}

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* @path without its extension, as shapelib finds the .shx and .dbf from it. */
static char *
strip_extension(const char *path)
{
    const char *dot = strrchr(base_name(path), '.');
    size_t n = dot && dot != base_name(path) ? (size_t)(dot - path) : strlen(path);
    char *base = malloc(n + 1);

    if (base) {
        memcpy(base, path, n);
        base[n] = '\0';
    }
    return base;
}

/* The file beside the .shp with extension @ext, in lower or upper case as
 * shapelib looks for it; *out stays NULL when there is neither. */
static cm_status
find_sidecar(loader *ld, const char *ext, char **out)
{
    const char *base = ld->base;
    size_t n = strlen(base) + strlen(ext) + 2;
    char *path = malloc(n);
    unsigned long long size;

    *out = NULL;
    if (!path)
        return CM_ERR_NOMEM;
    snprintf(path, n, "%s.%s", base, ext);
    if (cm_layer_io_size(ld->io, path, &size) != 0) {
        for (char *c = path + strlen(base) + 1; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        if (cm_layer_io_size(ld->io, path, &size) != 0) {
            free(path);
            return CM_OK;
        }
    }
    *out = path;
    return CM_OK;
}

static cm_status
damaged(loader *ld, int record, const char *why)
{
    cm_diag_error(ld->diags, &ld->pos, "record %d %s; the file is damaged", record, why);
    return CM_ERR_INPUT;
}

/* ---- the files: .shp header, .shx, .dbf ----------------------------------------------- */

/* shapelib would open the .shp beside a .dbf given in its place, while our
 * checks read the file given: the two must be the same. */
static cm_status
check_extension(loader *ld)
{
    const char *dot = strrchr(base_name(ld->pos.file), '.');

    if (dot && strcasecmp(dot, ".shp") == 0)
        return CM_OK;
    cm_diag_error(ld->diags, &ld->pos, "not a .shp file; give the .shp of the shapefile");
    return CM_ERR_INPUT;
}

/* Reads the .shp's header before shapelib does: shapelib accepts a file code that
 * is not a shapefile's and a shape type that does not exist. */
static cm_status
check_shp_header(loader *ld)
{
    unsigned char h[SHP_HEADER_BYTES];
    cm_layer_stream *f = cm_layer_io_open(ld->io, ld->pos.file);
    int err = f ? 0 : errno;
    size_t got = 0;

    if (f) {
        got = cm_layer_io_read(f, h, sizeof h);
        err = cm_layer_io_error(f);
        cm_layer_io_close(f);
    }
    if (!err)
        err = cm_layer_io_size(ld->io, ld->pos.file, &ld->shp_bytes);
    if (err) {
        cm_diag_error(ld->diags, &ld->pos, "cannot read \"%s\": %s", ld->pos.file,
                      strerror(err));
        return CM_ERR_IO;
    }
    if (got < sizeof h) {
        cm_diag_error(ld->diags, &ld->pos, "the file is %zu bytes, shorter than the "
                      "100-byte header every .shp starts with; the file is damaged", got);
        return CM_ERR_INPUT;
    }
    if (be32(h) != SHP_FILE_CODE) {
        cm_diag_error(ld->diags, &ld->pos, "the file does not start with the shapefile "
                      "code 9994 (it has %d); it is not a .shp, or it is damaged", be32(h));
        return CM_ERR_INPUT;
    }
    if (!known_type(le32(h + 32))) {
        cm_diag_error(ld->diags, &ld->pos, "the header says its shapes are of type %d, "
                      "which no shapefile has; the file is damaged", le32(h + 32));
        return CM_ERR_INPUT;
    }
    return CM_OK;
}

/* Every file of the set that is there, held to --max-file-size and refused
 * when it is not a regular file, before shapelib or our checks open one. */
static cm_status
check_files(loader *ld)
{
    static const char *const sidecars[] = { "shx", "dbf", "cpg", "prj" };
    const char *advice = "simplify it (for example with mapshaper -simplify)";
    cm_status st = cm_layer_io_check(ld->io, ld->pos.file, ld->max_file_bytes, advice,
                                     ld->diags);
    for (size_t i = 0; st == CM_OK && i < sizeof sidecars / sizeof sidecars[0]; i++) {
        char *path = NULL;
        st = find_sidecar(ld, sidecars[i], &path);
        if (st == CM_OK && path)
            st = cm_layer_io_check(ld->io, path, ld->max_file_bytes, advice, ld->diags);
        free(path);
    }
    return st;
}

static void
missing(loader *ld, const char *ext)
{
    cm_diag_error(ld->diags, &ld->pos, "no %s.%s beside it; a shapefile needs its .shp, .shx "
                  "and .dbf together", base_name(ld->base), ext);
}

/* Says every missing file at once, so one run tells the user all they must copy. */
static cm_status
check_sidecars(loader *ld)
{
    char *shx = NULL;

    if (find_sidecar(ld, "shx", &shx) != CM_OK ||
        find_sidecar(ld, "dbf", &ld->dbf_path) != CM_OK) {
        free(shx);
        return CM_ERR_NOMEM;
    }
    int complete = shx && ld->dbf_path;
    if (!shx)
        missing(ld, "shx");
    if (!ld->dbf_path)
        missing(ld, "dbf");
    free(shx);
    return complete ? CM_OK : CM_ERR_INPUT;
}

static cm_status
open_shp(loader *ld)
{
    SAHooks hooks = quiet_hooks(ld);

    ld->shp = SHPOpenLL(ld->pos.file, "rb", &hooks);
    if (ld->shp)
        return CM_OK;
    cm_diag_error(ld->diags, &ld->pos, "shapelib cannot read it (%s); the file is damaged",
                  tidy(shapelib_message));
    return CM_ERR_INPUT;
}

/* shapelib believes the record count in the .dbf header; a table must hold the
 * records it claims, and one for every shape. */
static cm_status
check_dbf_size(loader *ld)
{
    cm_pos pos = { ld->dbf_path, 0, 0 };
    unsigned long long size;
    int n_dbf = DBFGetRecordCount(ld->dbf), n_shp = ld->shp->nRecords;
    unsigned long long need = (unsigned long long)ld->dbf->nHeaderLength +
                              (unsigned long long)n_dbf * (unsigned)ld->dbf->nRecordLength;
    int err = cm_layer_io_size(ld->io, ld->dbf_path, &size);

    if (err) {
        cm_diag_error(ld->diags, &pos, "cannot read \"%s\": %s", ld->dbf_path, strerror(err));
        return CM_ERR_IO;
    }
    if (n_dbf < 0 || need > size) {
        cm_diag_error(ld->diags, &pos, "the header claims %d records of %d bytes, more than "
                      "the file's %lld bytes hold; the file is damaged", n_dbf,
                      ld->dbf->nRecordLength, (long long)size);
        return CM_ERR_INPUT;
    }
    if (n_dbf < n_shp) {
        cm_diag_error(ld->diags, &pos, "it has %d records for the %d shapes in the .shp; "
                      "the two files do not belong together", n_dbf, n_shp);
        return CM_ERR_INPUT;
    }
    if (n_dbf > n_shp)
        cm_diag_warning(ld->diags, &pos, "it has %d records for the %d shapes in the .shp; "
                        "reading the first %d", n_dbf, n_shp, n_shp);
    return CM_OK;
}

static cm_status
open_dbf(loader *ld)
{
    SAHooks hooks = quiet_hooks(ld);
    cm_pos pos = { ld->dbf_path, 0, 0 };

    ld->dbf = DBFOpenLL(ld->pos.file, "rb", &hooks);
    if (ld->dbf)
        return check_dbf_size(ld);
    if (shapelib_message[0])
        cm_diag_error(ld->diags, &pos, "shapelib cannot read it as a dBASE table (%s); "
                      "the file is damaged", tidy(shapelib_message));
    else
        cm_diag_error(ld->diags, &pos, "shapelib cannot read it as a dBASE table; "
                      "the file is damaged");
    return CM_ERR_INPUT;
}

/* ---- text: code pages and UTF-8 -------------------------------------------------------- */

typedef enum text_kind { TEXT_UTF8, TEXT_NAMED, TEXT_UNKNOWN } text_kind;

/* Windows code pages of the dBASE language driver IDs, as GDAL reads them. */
static text_kind
ldid_code_page(int ldid, char *name, size_t size)
{
    static const struct { unsigned char ldid; unsigned short cp; } table[] = {
        {1, 437}, {2, 850}, {3, 1252}, {8, 865}, {10, 850}, {11, 437}, {13, 437},
        {14, 850}, {15, 437}, {16, 850}, {17, 437}, {18, 850}, {19, 932}, {20, 850},
        {21, 437}, {22, 850}, {23, 865}, {24, 437}, {25, 437}, {26, 850}, {27, 437},
        {28, 863}, {29, 850}, {31, 852}, {34, 852}, {35, 852}, {36, 860}, {37, 850},
        {38, 866}, {55, 850}, {64, 852}, {77, 936}, {78, 949}, {79, 950}, {80, 874},
        {88, 1252}, {89, 1252}, {100, 852}, {101, 866}, {102, 865}, {103, 861},
        {106, 737}, {107, 857}, {108, 863}, {120, 950}, {121, 949}, {122, 936},
        {123, 932}, {124, 874}, {134, 737}, {135, 852}, {136, 857}, {200, 1250},
        {201, 1251}, {202, 1254}, {203, 1253}, {204, 1257},
    };
    /* LDID 87 ("ANSI") is what GDAL writes on every file, UTF-8 ones included,
     * so it says no more than a missing LDID. */
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].ldid == ldid) {
            snprintf(name, size, "CP%u", table[i].cp);
            return TEXT_NAMED;
        }
    return TEXT_UNKNOWN;
}

/* "1251", "ANSI 1251", "CP1251" and "Windows-1251" all name Windows code page 1251. */
static const char *
windows_digits(const char *cpg)
{
    static const char *const prefixes[] = { "WINDOWS", "ANSI", "WIN", "CP", "IBM", "OEM" };
    const char *p = cpg;

    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncasecmp(p, prefixes[i], strlen(prefixes[i])) == 0) {
            p += strlen(prefixes[i]);
            if (*p == ' ' || *p == '-' || *p == '_')
                p++;
            break;
        }
    if (!*p || strspn(p, "0123456789") != strlen(p))
        return NULL;
    return p;
}

/* The iconv name for what a .cpg (or the LDID, as "LDID/n") says. */
static text_kind
code_page_name(const char *cpg, char *name, size_t size)
{
    const char *iso = strstr(cpg, "8859"), *digits = windows_digits(cpg);

    if (!*cpg)
        return TEXT_UNKNOWN;
    if (strncasecmp(cpg, "LDID/", 5) == 0)
        return ldid_code_page(atoi(cpg + 5), name, size);
    if (strcasecmp(cpg, "UTF-8") == 0 || strcasecmp(cpg, "UTF8") == 0 ||
        strcmp(cpg, "65001") == 0)
        return TEXT_UTF8;
    if (iso) {
        iso += 4;
        iso += *iso == '-' || *iso == '_' || *iso == ' ';
        snprintf(name, size, "ISO-8859-%d", atoi(iso));
    } else if (digits) {
        snprintf(name, size, "CP%s", digits);
    } else {
        snprintf(name, size, "%s", cpg);
    }
    return TEXT_NAMED;
}

static void
trim(char *s)
{
    size_t len = strlen(s), start = strspn(s, " \t\r\n");
    while (len > start && strchr(" \t\r\n", s[len - 1]))
        len--;
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
}

/* Only a .cpg can name a code page iconv does not know: the LDID table's are
 * all glibc's. */
static cm_status
warn_unknown_code_page(loader *ld, char *cpg)
{
    char *path = NULL;

    if (find_sidecar(ld, "cpg", &path) != CM_OK)
        return CM_ERR_NOMEM;
    cm_pos pos = { path ? path : ld->dbf_path, 0, 0 };
    cm_diag_warning(ld->diags, &pos, "code page \"%s\" is not one conflictmap knows; "
                    "reading the .dbf text as Windows-1252", tidy(cpg));
    free(path);
    return CM_OK;
}

/* Without a code page the text is taken as UTF-8 where it is valid UTF-8 (as
 * most files written today are) and as Windows-1252 elsewhere. */
static cm_status
choose_code_page(loader *ld)
{
    char cpg[64] = "", name[64] = "";
    const char *given = DBFGetCodePage(ld->dbf);

    if (given)
        snprintf(cpg, sizeof cpg, "%s", given);   /* out of shapelib's buffer */
    trim(cpg);
    text_kind kind = code_page_name(cpg, name, sizeof name);
    if (kind == TEXT_UTF8)
        return CM_OK;
    if (kind == TEXT_NAMED) {
        ld->cd = iconv_open("UTF-8", name);
        if (ld->cd != NO_ICONV)
            return CM_OK;
        if (errno == ENOMEM || warn_unknown_code_page(ld, cpg) != CM_OK)
            return CM_ERR_NOMEM;
    }
    ld->try_utf8 = 1;
    ld->cd = iconv_open("UTF-8", "CP1252");
    return ld->cd != NO_ICONV ? CM_OK : errno == ENOMEM ? CM_ERR_NOMEM : CM_ERR_INTERNAL;
}

static int
is_utf8(const char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n)
        if ((n = cm_utf8_sequence_length((const unsigned char *)s + i, len - i)) == 0)
            return 0;
    return 1;
}

static const char replacement[] = "\xEF\xBF\xBD";   /* U+FFFD */

/* Text declared UTF-8 is passed on as is, save for bytes that are not UTF-8:
 * each becomes U+FFFD, so what reaches SVG or HTML is always valid. */
static cm_status
copy_utf8(const char *s, size_t len, char **out, int *replaced)
{
    char *buf = malloc(3 * len + 1);   /* a bad byte grows to 3 */
    size_t used = 0;

    if (!buf)
        return CM_ERR_NOMEM;
    for (size_t i = 0, n; i < len; i += n) {
        n = cm_utf8_sequence_length((const unsigned char *)s + i, len - i);
        if (n) {
            memcpy(buf + used, s + i, n);
            used += n;
        } else {
            memcpy(buf + used, replacement, 3);
            used += 3;
            n = 1;
            *replaced = 1;
        }
    }
    buf[used] = '\0';
    *out = buf;
    return CM_OK;
}

/* Converts with iconv; a byte the code page does not map becomes U+FFFD. */
static cm_status
convert(iconv_t cd, const char *s, size_t len, char **out)
{
    size_t cap = 4 * len + 16, used = 0;
    char *buf = malloc(cap), *src = (char *)s;

    if (!buf)
        return CM_ERR_NOMEM;
    iconv(cd, NULL, NULL, NULL, NULL);
    while (len > 0) {
        char *dst = buf + used;
        size_t room = cap - used - 4;   /* keeps room for U+FFFD and the NUL */
        size_t r = iconv(cd, &src, &len, &dst, &room);
        used = (size_t)(dst - buf);
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG) {
            if (!CM_RESERVE(buf, cap, cap * 2)) {
                free(buf);
                return CM_ERR_NOMEM;
            }
            continue;
        }
        memcpy(buf + used, replacement, 3);
        used += 3;
        src++;
        len--;
    }
    buf[used] = '\0';
    *out = buf;
    return CM_OK;
}

/* A .dbf value or field name as UTF-8 with the padding trimmed, the caller's. */
static cm_status
decode(loader *ld, const char *raw, char **out)
{
    size_t start = strspn(raw, " \t\r\n"), len = strlen(raw);
    int replaced = 0;

    while (len > start && strchr(" \t\r\n", raw[len - 1]))
        len--;
    len -= start;
    raw += start;
    if (ld->try_utf8 && is_utf8(raw, len))
        return copy_utf8(raw, len, out, &replaced);
    if (ld->cd != NO_ICONV)
        return convert(ld->cd, raw, len, out);
    cm_status st = copy_utf8(raw, len, out, &replaced);
    ld->n_not_utf8 += replaced;
    return st;
}

/* ---- the .dbf fields and values ----------------------------------------------------------- */

/* Exact case first, so a table with both NAME and name gives each its own. */
static long
field_lookup(const cm_layer *layer, const char *field)
{
    for (size_t i = 0; i < layer->n_fields; i++)
        if (strcmp(layer->fields[i], field) == 0)
            return (long)i;
    for (size_t i = 0; i < layer->n_fields; i++)
        if (strcasecmp(layer->fields[i], field) == 0)
            return (long)i;
    return -1;
}

/* Text, numbers, logicals and dates are kept; memo and binary fields hold block
 * numbers of another file, nothing to show. */
static cm_status
read_fields(loader *ld)
{
    int n = DBFGetFieldCount(ld->dbf);
    cm_layer *layer = ld->layer;

    layer->fields = calloc((size_t)n + 1, sizeof(char *));
    ld->field_index = calloc((size_t)n + 1, sizeof(int));
    if (!layer->fields || !ld->field_index)
        return CM_ERR_NOMEM;
    for (int f = 0; f < n; f++) {
        char name[XBASE_FLDNAME_LEN_READ + 1] = "";
        char type = DBFGetNativeFieldType(ld->dbf, f);
        if (!type || !strchr("CNFLD", type))
            continue;
        DBFGetFieldInfo(ld->dbf, f, name, NULL, NULL);
        if (decode(ld, name, &layer->fields[layer->n_fields]) != CM_OK)
            return CM_ERR_NOMEM;
        ld->field_index[layer->n_fields++] = f;
    }
    return CM_OK;
}

static cm_status
read_value(loader *ld, int record, int field, char **out)
{
    const char *raw = DBFReadStringAttribute(ld->dbf, record, field);
    cm_pos pos = { ld->dbf_path, 0, 0 };

    if (!raw) {
        cm_diag_error(ld->diags, &pos, "record %d cannot be read; the file is damaged",
                      record + 1);
        return CM_ERR_INPUT;
    }
    cm_status st = decode(ld, raw, out);   /* copies before shapelib reuses its buffer */
    if (st == CM_OK && DBFIsAttributeNULL(ld->dbf, record, field))
        (*out)[0] = '\0';
    return st;
}

static const char *
pick_name(const cm_shape *shape)
{
    static const char *const names[] = { "NAME", "name", "NAME_EN", "NAME_LONG", "ADMIN",
                                         "NAME_1", "NAME_0" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        long f = field_lookup(shape->layer, names[i]);
        if (f >= 0 && shape->values[f][0])
            return shape->values[f];
    }
    return "";
}

static cm_status
read_attributes(loader *ld, int record, cm_shape *shape)
{
    size_t n = ld->layer->n_fields;

    shape->values = calloc(n + 1, sizeof(char *));
    if (!shape->values)
        return CM_ERR_NOMEM;
    for (size_t f = 0; f < n; f++) {
        cm_status st = read_value(ld, record, ld->field_index[f], &shape->values[f]);
        if (st != CM_OK)
            return st;
    }
    shape->name = pick_name(shape);
    return CM_OK;
}

/* ---- geometry ------------------------------------------------------------------------------ */

/* Why parts starting at @start do not fit @n_points points, or NULL when they do. */
static const char *
parts_problem(const int *start, int n_parts, int n_points, char *why, size_t size)
{
    if (n_parts == 0 && n_points > 0) {
        snprintf(why, size, "has %d points but no parts", n_points);
        return why;
    }
    for (int k = 0; k < n_parts; k++) {
        if (start[k] < 0 || start[k] > n_points) {
            snprintf(why, size, "has a part starting past its %d points", n_points);
            return why;
        }
        if (k > 0 && start[k] < start[k - 1]) {
            snprintf(why, size, "has its parts out of order (part %d starts before part %d)",
                     k + 1, k);
            return why;
        }
    }
    if (n_parts > 0 && start[0] != 0) {
        snprintf(why, size, "has %d points before its first part", start[0]);
        return why;
    }
    return NULL;
}

/* What shapelib gave back is checked before a number of it is used: counts,
 * part starts and coordinates all come from the file. */
static const char *
object_problem(const SHPObject *obj, cm_shape_kind kind, char *why, size_t size)
{
    if (obj->nVertices < 0 || obj->nParts < 0) {
        snprintf(why, size, "says it has %d parts and %d points", obj->nParts, obj->nVertices);
        return why;
    }
    if (obj->nVertices > 0 && (!obj->padfX || !obj->padfY)) {
        snprintf(why, size, "has %d points but no coordinates", obj->nVertices);
        return why;
    }
    if (kind != CM_SHAPE_POINT && obj->nParts > 0 && !obj->panPartStart) {
        snprintf(why, size, "has %d parts but no part starts", obj->nParts);
        return why;
    }
    if (kind != CM_SHAPE_POINT &&
        parts_problem(obj->panPartStart, obj->nParts, obj->nVertices, why, size))
        return why;
    for (int j = 0; j < obj->nVertices; j++)
        if (!isfinite(obj->padfX[j]) || !isfinite(obj->padfY[j])) {
            snprintf(why, size, "has a point at (%g, %g), which is not a number",
                     obj->padfX[j], obj->padfY[j]);
            return why;
        }
    return NULL;
}

static void
add_part(cm_layer *layer, size_t start)
{
    layer->part_start[layer->n_parts++] = start;
}

/* Every ring is kept as a part, holes and outer rings of either orientation
 * alike: the drawer fills with the even-odd rule. Empty parts are dropped, so
 * every part has a point. */
static cm_status
add_geometry(cm_layer *layer, const SHPObject *obj, cm_shape_kind kind, int record)
{
    size_t first_point = layer->n_points, first_part = layer->n_parts;
    size_t nv = (size_t)obj->nVertices, np = obj->nParts > 0 ? (size_t)obj->nParts : 1;

    if (!CM_RESERVE(layer->xy, layer->cap_xy, 2 * (first_point + nv)) ||
        !CM_RESERVE(layer->part_start, layer->cap_parts, first_part + np) ||
        !CM_GROW(layer->shapes, layer->n_shapes, layer->cap_shapes))
        return CM_ERR_NOMEM;
    for (size_t j = 0; j < nv; j++) {
        layer->xy[2 * (first_point + j)] = obj->padfX[j];
        layer->xy[2 * (first_point + j) + 1] = obj->padfY[j];
    }
    layer->n_points += nv;
    if (kind == CM_SHAPE_POINT && nv > 0)
        add_part(layer, first_point);
    for (int k = 0; kind != CM_SHAPE_POINT && k < obj->nParts; k++) {
        size_t s = (size_t)obj->panPartStart[k];
        size_t e = k + 1 < obj->nParts ? (size_t)obj->panPartStart[k + 1] : nv;
        if (e > s)
            add_part(layer, first_point + s);
    }
    cm_shape *shape = &layer->shapes[layer->n_shapes++];
    *shape = (cm_shape){ .layer = layer, .kind = kind, .record = record,
                         .first_part = first_part, .n_parts = layer->n_parts - first_part,
                         .end_point = layer->n_points, .name = "" };
    return CM_OK;
}

static cm_status
add_object(loader *ld, const SHPObject *obj, int i)
{
    char why[160];
    cm_layer *layer = ld->layer;
    int type = obj->nSHPType;

    if (type == SHPT_NULL || type == SHPT_MULTIPATCH) {
        *(type == SHPT_NULL ? &ld->n_null : &ld->n_multipatch) += 1;
        return CM_OK;
    }
    if (!known_type(type)) {
        snprintf(why, sizeof why, "says its shape type is %d, which no shapefile has", type);
        return damaged(ld, i + 1, why);
    }
    cm_shape_kind kind = kind_of_type(type);
    if (object_problem(obj, kind, why, sizeof why))
        return damaged(ld, i + 1, why);
    size_t max_points = cm_limits_get()->max_vertices;
    if ((size_t)obj->nVertices > max_points - layer->n_points) {
        cm_diag_error(ld->diags, &ld->pos, "the layer has more than %zu points, the limit "
                      "(--max-vertices changes it); simplify it (for example with "
                      "mapshaper -simplify)", max_points);
        return CM_ERR_INPUT;
    }
    if ((size_t)obj->nParts > MAX_PARTS - layer->n_parts) {
        cm_diag_error(ld->diags, &ld->pos, "the layer has more than %d parts, the most "
                      "conflictmap draws in one layer; simplify it (for example with "
                      "mapshaper -simplify)", MAX_PARTS);
        return CM_ERR_INPUT;
    }
    cm_status st = add_geometry(layer, obj, kind, i + 1);
    if (st != CM_OK)
        return st;
    return read_attributes(ld, i, &layer->shapes[layer->n_shapes - 1]);
}

/* The bytes a record's fixed header takes: type; box and counts when it has them. */
static size_t
header_bytes(int type)
{
    if (type == SHPT_NULL)
        return 4;
    if (type == SHPT_MULTIPOINT || type == SHPT_MULTIPOINTZ || type == SHPT_MULTIPOINTM)
        return 40;                       /* type, box, number of points */
    if (kind_of_type(type) == CM_SHAPE_POINT && type != SHPT_MULTIPATCH)
        return 20;                       /* type, x, y */
    return 44;                           /* type, box, numbers of parts and points */
}

/* Why a record's header (@got of its @len bytes of content in @h) is broken, or
 * NULL when it looks sound. */
static const char *
header_problem(const unsigned char *h, size_t got, size_t len, char *why, size_t size)
{
    int type = got >= 4 ? le32(h) : -1;

    if (got < 4) {
        snprintf(why, size, "is too short (%zu bytes) to hold a shape", len);
        return why;
    }
    if (!known_type(type)) {
        snprintf(why, size, "says its shape type is %d, which no shapefile has", type);
        return why;
    }
    size_t need = header_bytes(type);
    if (got < need) {
        snprintf(why, size, "is too short (%zu bytes) for a %s", len, SHPTypeName(type));
        return why;
    }
    if (need < 40)
        return NULL;
    long long n_parts = need == 44 ? le32(h + 36) : 0;
    long long n_points = le32(h + need - 4);
    if (n_parts >= 0 && n_points >= 0 &&
        (unsigned long long)(need + 4 * n_parts + 16 * n_points) <= len)
        return NULL;
    if (need == 40)
        snprintf(why, size, "says it has %lld points", n_points);
    else
        snprintf(why, size, "says it has %lld parts and %lld points", n_parts, n_points);
    if (n_parts >= 0 && n_points >= 0)
        snprintf(why + strlen(why), size - strlen(why), ", more than its %zu bytes hold", len);
    return why;
}

/* Reads record @i from the .shp again to say in the user's words why shapelib
 * refused it; NULL when it finds nothing wrong. Only runs on the failure path,
 * and is best effort: if it cannot read or allocate, shapelib's words remain. */
static const char *
explain_record(const loader *ld, int i, char *why, size_t size)
{
    unsigned long long off = (unsigned long long)ld->shp->panRecOffset[i] + 8;
    size_t len = ld->shp->panRecSize[i], got = 0;
    unsigned char h[44];
    int *start = NULL;
    const char *found = NULL;
    cm_layer_stream *f = cm_layer_io_open(ld->io, ld->pos.file);

    if (!f)
        return NULL;
    if (cm_layer_io_seek(f, off) == 0)
        got = cm_layer_io_read(f, h, len < sizeof h ? len : sizeof h);
    found = header_problem(h, got, len, why, size);
    int type = got >= 4 ? le32(h) : SHPT_NULL;
    /* past MAX_PARTS the record is refused anyway, and the array not worth reading */
    if (!found && got == 44 && kind_of_type(type) != CM_SHAPE_POINT &&
        le32(h + 36) <= MAX_PARTS) {
        /* header_problem() checked that the part starts fit in the record */
        size_t n_parts = (size_t)le32(h + 36);
        start = malloc((n_parts + 1) * sizeof(int));
        if (start && cm_layer_io_read(f, start, 4 * n_parts) == 4 * n_parts) {
            for (size_t k = 0; k < n_parts; k++)   /* little-endian on disk */
                start[k] = le32((const unsigned char *)&start[k]);
            found = parts_problem(start, (int)n_parts, le32(h + 40), why, size);
        }
    }
    free(start);
    cm_layer_io_close(f);
    return found;
}

/* shapelib would seek wherever the .shx points and allocate whatever size it
 * claims: a record must lie inside the .shp as it is on disk. */
static cm_status
check_record_bounds(loader *ld, int i)
{
    unsigned long long off = ld->shp->panRecOffset[i];
    unsigned long long end = off + 8 + ld->shp->panRecSize[i];

    if (off >= SHP_HEADER_BYTES && end <= ld->shp_bytes)
        return CM_OK;
    cm_diag_error(ld->diags, &ld->pos, "the .shx puts record %d at bytes %llu to %llu, "
                  "outside the %llu bytes of the .shp; the file is cut short or damaged, "
                  "or its .shx belongs to another file", i + 1, off, end, ld->shp_bytes);
    return CM_ERR_INPUT;
}

/* Record @i, whose bounds check_record_bounds() has checked. */
static cm_status
read_record(loader *ld, int i)
{
    char why[160];
    cm_status st;

    shapelib_message[0] = '\0';
    SHPObject *obj = SHPReadObject(ld->shp, i);
    if (!obj) {
        if (!explain_record(ld, i, why, sizeof why))
            snprintf(why, sizeof why, "cannot be read (%s)", tidy(shapelib_message));
        return damaged(ld, i + 1, why);
    }
    st = add_object(ld, obj, i);
    SHPDestroyObject(obj);
    return st;
}

/* ---- reading only what the map needs ------------------------------------------------ */

static cm_status read_prj(loader *ld, const cm_pos *prj, char **out);
static int is_known_lonlat(const char *wkt);

/* Whether the box @b (west, south, east, north) meets @ext, whose west may be
 * greater than its east (an extent across the antimeridian): longitudes
 * compare modulo 360. */
static int
box_meets(const double b[4], const double ext[4])
{
    return cm_layer_box_meets(b, ext);
}

int
cm_layer_box_meets(const double b[4], const double ext[4])
{
    double w = ext[0], e = ext[2] < ext[0] ? ext[2] + 360 : ext[2];

    if (b[1] > ext[3] || b[3] < ext[1])
        return 0;
    if (e - w >= 360)
        return 1;
    for (double shift = -360; shift <= 360; shift += 360)
        if (b[0] + shift <= e && b[2] + shift >= w)
            return 1;
    return 0;
}

static double
le_double(const unsigned char *p)
{
    unsigned long long u = 0;
    double d;

    for (int k = 7; k >= 0; k--)
        u = u << 8 | p[k];
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Whether record @i's box, read from its header in the .shp (the box shapelib
 * would give only after reading every point), meets the extent. A record whose
 * header cannot be read is wanted, so that reading it says what is wrong. */
static int
record_wanted(loader *ld, int i)
{
    unsigned char h[36];
    double box[4];

    if (!ld->extent || !ld->boxes)
        return 1;
    if (cm_layer_io_seek(ld->boxes, (unsigned long long)ld->shp->panRecOffset[i] + 8) != 0 ||
        cm_layer_io_read(ld->boxes, h, sizeof h) != sizeof h)
        return 1;
    int type = le32(h);
    if (type == SHPT_NULL || !known_type(type))
        return 1;                          /* skipped or refused by read_record */
    if (header_bytes(type) == 20) {        /* a point: x, y */
        box[0] = box[2] = le_double(h + 4);
        box[1] = box[3] = le_double(h + 12);
    } else {
        for (int k = 0; k < 4; k++)
            box[k] = le_double(h + 4 + 8 * k);
    }
    for (int k = 0; k < 4; k++)
        if (!isfinite(box[k]))
            return 1;
    return box_meets(box, ld->extent);
}

/* Longitude and latitude on WGS84, as the extent is given in: a .prj that says
 * so in one of the usual ways, or none. Any other layer is read whole rather
 * than have its boxes converted. */
static cm_status
decide_extent(loader *ld)
{
    char *prj_path = NULL, *wkt = NULL;
    cm_status st;

    if (!ld->extent)
        return CM_OK;
    if ((st = find_sidecar(ld, "prj", &prj_path)) != CM_OK)
        return st;
    if (prj_path) {
        cm_pos prj = { prj_path, 0, 0 };
        cm_diag_list *quiet = cm_diag_list_create();   /* read_prj's errors come later */
        loader probe = *ld;
        probe.diags = quiet;
        st = quiet ? read_prj(&probe, &prj, &wkt) : CM_ERR_NOMEM;
        cm_diag_list_destroy(quiet);
        if (st == CM_ERR_NOMEM) {
            free(prj_path);
            return st;
        }
        if (st != CM_OK || !is_known_lonlat(wkt))
            ld->extent = NULL;
        free(wkt);
        free(prj_path);
    }
    if (ld->extent && !(ld->boxes = cm_layer_io_open(ld->io, ld->pos.file))) {
        if (errno == ENOMEM)
            return CM_ERR_NOMEM;
        ld->extent = NULL;   /* the whole layer is read, as without an extent */
    }
    return CM_OK;
}

/* The records a spatial index beside the .shp (X.qix, the quadtree shapelib,
 * MapServer and GDAL write: ogr2ogr -lco SPATIAL_INDEX=YES) puts near the
 * extent, sorted, in *ids (free()), or NULL to read every record's header:
 * no index, one made for another version of the .shp (older than it, or for
 * another number of records), an extent across the antimeridian, or an index
 * that names records the .shp does not have. Each record it names is still
 * checked against the extent by its own header; an index costs the records
 * it rules out, the world's coast tiles, one page of the .shp each. */
static int
compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static cm_status
indexed_records(loader *ld, int **ids, int *n_ids)
{
    char *qix = NULL;
    unsigned char h[16];
    cm_status st;

    *ids = NULL;
    *n_ids = 0;
    if (!ld->extent || !(ld->extent[0] <= ld->extent[2]) || ld->shp->nRecords <= 0)
        return CM_OK;
    if ((st = find_sidecar(ld, "qix", &qix)) != CM_OK || !qix)
        return st;
    /* "SQT", byte order (1 least significant byte first, 2 most), version 1,
     * three bytes reserved, the number of records, the tree's depth */
    cm_layer_stream *f = cm_layer_io_open(ld->io, qix);
    int ok = f && cm_layer_io_read(f, h, sizeof h) == sizeof h && memcmp(h, "SQT", 3) == 0 &&
             (h[3] == 1 || h[3] == 2) && h[4] == 1;
    cm_layer_io_close(f);
    if (ok) {
        uint32_t count = h[3] == 1 ? (uint32_t)le32(h + 8)
                                   : (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 |
                                         (uint32_t)h[10] << 8 | h[11];
        ok = count == (uint32_t)ld->shp->nRecords && !cm_layer_io_older(ld->io, qix, ld->pos.file);
    }
    SAHooks hooks = quiet_hooks(ld);
    SHPTreeDiskHandle tree = ok ? SHPOpenDiskTree(qix, &hooks) : NULL;
    free(qix);
    if (!tree)
        return CM_OK;
    double lo[4] = { ld->extent[0], ld->extent[1], 0, 0 };
    double hi[4] = { ld->extent[2], ld->extent[3], 0, 0 };
    int n = 0;
    int *found = SHPSearchDiskTreeEx(tree, lo, hi, &n);
    SHPCloseDiskTree(tree);
    if (!found)
        return CM_OK;    /* a tree that could not be read (none found is an empty list) */
    if (n > 1)
        qsort(found, (size_t)n, sizeof(int), compare_ints);
    for (int k = 0; k < n; k++)
        if (found[k] < 0 || found[k] >= ld->shp->nRecords) {
            free(found);                       /* a damaged index: read every header */
            return CM_OK;
        }
    *ids = found;
    *n_ids = n;
    return CM_OK;
}

static cm_status
read_shapes(loader *ld)
{
    cm_status st = decide_extent(ld);
    int *ids = NULL, n_ids = 0, next = 0;

    if (st == CM_OK)
        st = indexed_records(ld, &ids, &n_ids);
    if (st == CM_OK && (ids || !ld->extent)) {
        /* room for the points of every record the index names (or of every
         * record, when all are read), at most 16 bytes each, made once:
         * grown by doubling, the points were copied about once more */
        unsigned long long bytes = ids ? 0 : ld->shp_bytes;
        for (int k = 0; k < n_ids; k++)
            bytes += (unsigned long long)ld->shp->panRecSize[ids[k]];
        if (bytes > ld->shp_bytes)
            bytes = ld->shp_bytes;
        if (!CM_RESERVE(ld->layer->xy, ld->layer->cap_xy, 2 * ld->layer->n_points + bytes / 8))
            st = CM_ERR_NOMEM;
    }
    for (int i = 0; st == CM_OK && i < ld->shp->nRecords; i++) {
        st = check_record_bounds(ld, i);       /* the whole .shx is checked either way */
        int near = 1;
        if (ids) {
            while (next < n_ids && ids[next] < i)
                next++;
            near = next < n_ids && ids[next] == i;
        }
        if (st == CM_OK && near && record_wanted(ld, i))
            st = read_record(ld, i);
        else if (st == CM_OK)
            ld->layer->n_unread++;
    }
    free(ids);
    cm_layer_io_close(ld->boxes);
    ld->boxes = NULL;
    return st;
}

/* One warning per layer, not one per record: a file of 400 multipatches would
 * otherwise bury every other message. */
static cm_status
warn_skipped(loader *ld)
{
    int nn = ld->n_null, nm = ld->n_multipatch;
    cm_pos dbf = { ld->dbf_path, 0, 0 };

    if (ld->n_not_utf8)
        cm_diag_warning(ld->diags, &dbf, "%d value%s not valid UTF-8 though the .cpg says "
                        "UTF-8; the bad bytes show as \xEF\xBF\xBD (is the .cpg right?)",
                        ld->n_not_utf8, ld->n_not_utf8 == 1 ? " is" : "s are");

    if (nn && nm)
        cm_diag_warning(ld->diags, &ld->pos, "skipped %d null shape%s and %d multipatch "
                        "shape%s; conflictmap draws points, lines and polygons",
                        nn, nn == 1 ? "" : "s", nm, nm == 1 ? "" : "s");
    else if (nn)
        cm_diag_warning(ld->diags, &ld->pos, "skipped %d null shape%s (records without "
                        "geometry)", nn, nn == 1 ? "" : "s");
    else if (nm)
        cm_diag_warning(ld->diags, &ld->pos, "skipped %d multipatch shape%s; conflictmap "
                        "draws points, lines and polygons", nm, nm == 1 ? "" : "s");
    return CM_OK;
}

/* ---- coordinates: .prj and PROJ ------------------------------------------------------------- */

/* A .prj is handed to PROJ as it is: PROJ, not a UTF-8 check, judges it, which
 * is why this does not use cm_input_read_text(). */
static cm_status
read_prj(loader *ld, const cm_pos *prj, char **out)
{
    cm_layer_stream *f = cm_layer_io_open(ld->io, prj->file);
    int err = f ? 0 : errno;
    char *buf = f ? malloc(MAX_PRJ_BYTES + 1) : NULL;
    size_t n = 0;
    cm_status st = CM_ERR_NOMEM;

    if (buf) {
        n = cm_layer_io_read(f, buf, MAX_PRJ_BYTES + 1);
        err = cm_layer_io_error(f);
    }
    if (err) {
        cm_diag_error(ld->diags, prj, "cannot read \"%s\": %s", prj->file, strerror(err));
        st = CM_ERR_IO;
        goto cleanup;
    }
    if (!buf)
        goto cleanup;
    if (n > MAX_PRJ_BYTES) {
        cm_diag_error(ld->diags, prj, "the file is over 64 KB; a .prj holds one projection "
                      "in WKT, a few hundred bytes");
        st = CM_ERR_INPUT;
        goto cleanup;
    }
    buf[n] = '\0';
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        memmove(buf, buf + 3, n - 2);
    *out = buf;
    buf = NULL;
    st = CM_OK;
cleanup:
    free(buf);
    cm_layer_io_close(f);
    return st;
}

/* .prj texts already found to be longitude/latitude on WGS84, which need no
 * conversion. Most layers are; asking PROJ again costs each layer a database
 * connection and 10-20 ms. Process-wide, without allocating: texts that do
 * not fit are asked about every time. */
enum { N_KNOWN_LONLAT = 8, KNOWN_LONLAT_ROOM = 1024 };
static char known_lonlat[N_KNOWN_LONLAT][KNOWN_LONLAT_ROOM];
static pthread_mutex_t known_lock = PTHREAD_MUTEX_INITIALIZER;

/* The usual ways of writing it, as ogr2ogr, ArcGIS and pyshp do, known
 * before PROJ is asked at all: a run whose layers all say one of these never
 * opens PROJ's database for them. */
static const char *const usual_lonlat[] = {
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
    "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137,"
    "298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"Degree\",0.017453292519943295]]",
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
    "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\","
    "\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]",
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
    "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.01745329251994328,AUTHORITY[\"EPSG\","
    "\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]",
};

/* Whether @a and @b are the same text but for white space. */
static int
same_but_space(const char *a, const char *b)
{
    for (;;) {
        while (isspace((unsigned char)*a))
            a++;
        while (isspace((unsigned char)*b))
            b++;
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
        a++;
        b++;
    }
}

static int
is_known_lonlat(const char *wkt)
{
    int known = 0;
    for (size_t i = 0; i < sizeof(usual_lonlat) / sizeof(usual_lonlat[0]); i++)
        if (same_but_space(usual_lonlat[i], wkt))
            return 1;
    pthread_mutex_lock(&known_lock);
    for (size_t i = 0; i < N_KNOWN_LONLAT && !known && known_lonlat[i][0]; i++)
        known = strcmp(known_lonlat[i], wkt) == 0;
    pthread_mutex_unlock(&known_lock);
    return known;
}

static void
note_lonlat(const char *wkt)
{
    size_t n = strlen(wkt);
    if (n == 0 || n >= KNOWN_LONLAT_ROOM)
        return;
    pthread_mutex_lock(&known_lock);
    for (size_t i = 0; i < N_KNOWN_LONLAT; i++) {
        if (strcmp(known_lonlat[i], wkt) == 0)
            break;
        if (!known_lonlat[i][0]) {
            memcpy(known_lonlat[i], wkt, n + 1);
            break;
        }
    }
    pthread_mutex_unlock(&known_lock);
}

/* PROJ contexts kept between loads, each with EPSG:4326 as it looked it up:
 * making a context opens PROJ's database, and looking the CRS up reads it,
 * some 2.5 ms a layer (and most of what a fuzzed shapefile with a .prj cost).
 * A load takes one for itself (loads may run in parallel) and gives it back;
 * a few are kept, the rest destroyed. */
typedef struct proj_kit {
    PJ_CONTEXT *ctx;
    PJ *wgs84;                   /* EPSG:4326, or NULL until first needed */
    char *wkt[4];                /* the last .prj texts converted, and their */
    PJ *op[4];                   /* operations, or why PROJ refused them: layers */
    char *why[4];                /* in one CRS are parsed once */
    unsigned next;               /* the slot the next one takes */
} proj_kit;
enum { N_KEPT_KITS = 4 };
static proj_kit kept_kits[N_KEPT_KITS];
static size_t n_kept_kits;
static pthread_mutex_t kits_lock = PTHREAD_MUTEX_INITIALIZER;

static proj_kit
take_kit(void)
{
    proj_kit k;
    memset(&k, 0, sizeof k);
    pthread_mutex_lock(&kits_lock);
    if (n_kept_kits)
        k = kept_kits[--n_kept_kits];
    pthread_mutex_unlock(&kits_lock);
    if (!k.ctx)
        k.ctx = proj_context_create();
    return k;
}

static void
give_back_kit(proj_kit k)
{
    if (!k.ctx)
        return;
    proj_log_func(k.ctx, NULL, keep_quiet);   /* the loader it logged for is gone */
    pthread_mutex_lock(&kits_lock);
    int kept = n_kept_kits < N_KEPT_KITS;
    if (kept)
        kept_kits[n_kept_kits++] = k;
    pthread_mutex_unlock(&kits_lock);
    if (!kept) {
        for (size_t i = 0; i < 4; i++) {
            proj_destroy(k.op[i]);
            free(k.wkt[i]);
            free(k.why[i]);
        }
        proj_destroy(k.wgs84);
        proj_context_destroy(k.ctx);
    }
}

/* EPSG:4326 in @k, looked up the first time. */
static PJ *
kit_wgs84(proj_kit *k)
{
    if (!k->wgs84)
        k->wgs84 = proj_create(k->ctx, "EPSG:4326");
    return k->wgs84;
}

/* The operation from the .prj's CRS to EPSG:4326, both in lon/lat (x, y) order:
 * shapefiles store x first whatever the CRS's axis order says. *out stays
 * NULL when the CRS is longitude/latitude on WGS84 already. */
static cm_status
make_transform(loader *ld, proj_kit *kit, const char *wkt, PJ **out, char *why, size_t why_len)
{
    cm_status st = CM_ERR_INPUT;
    PJ_CONTEXT *ctx = kit->ctx;
    PJ *src = proj_create(ctx, wkt), *dst = NULL, *op = NULL;

    if (!src || !proj_is_crs(src)) {
        snprintf(why, why_len, "the projection is not one PROJ understands (%s)",
                 src ? "it is not a coordinate reference system" : tidy(ld->proj_message));
        goto cleanup;
    }
    ld->proj_message[0] = '\0';
    if (!(dst = kit_wgs84(kit))) {
        snprintf(why, why_len, "PROJ cannot find EPSG:4326 in its database (%s); "
                 "check the PROJ installation", tidy(ld->proj_message));
        st = CM_ERR_IO;
        goto cleanup;
    }
    if (proj_is_equivalent_to_with_ctx(ctx, src, dst,
                                       PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS)) {
        note_lonlat(wkt);
        st = CM_OK;
        goto cleanup;
    }
    op = proj_create_crs_to_crs_from_pj(ctx, src, dst, NULL, NULL);
    if (op)
        *out = proj_normalize_for_visualization(ctx, op);
    if (!*out) {
        snprintf(why, why_len, "PROJ cannot convert this projection to WGS84 "
                 "longitude/latitude (%s)", tidy(ld->proj_message));
        goto cleanup;
    }
    st = CM_OK;
cleanup:
    proj_destroy(op);
    proj_destroy(src);
    return st;
}

/* Every point of the layer in one call: PROJ is much faster in batches. */
static cm_status
reproject_wkt(loader *ld, const char *wkt, const cm_pos *prj)
{
    PJ *op = NULL;
    proj_kit kit;
    cm_layer *layer = ld->layer;
    cm_status st = CM_OK;

    if (is_known_lonlat(wkt))
        return CM_OK;
    kit = take_kit();   /* our own while we use it: loads may run in parallel */
    st = kit.ctx ? CM_OK : CM_ERR_NOMEM;
    if (kit.ctx)
        proj_log_func(kit.ctx, ld, keep_proj_message);   /* PROJ never prints for us */
    /* a text converted before: its operation, or why not, again */
    int kept = 0, found = -1;
    char why[512] = "";
    for (int i = 0; st == CM_OK && i < 4 && found < 0; i++)
        if (kit.wkt[i] && strcmp(kit.wkt[i], wkt) == 0)
            found = i;
    if (found >= 0 && kit.why[found]) {
        cm_diag_error(ld->diags, prj, "%s", kit.why[found]);
        st = CM_ERR_INPUT;
    } else if (found >= 0) {
        op = kit.op[found];
        kept = 1;
    } else if (st == CM_OK) {
        st = make_transform(ld, &kit, wkt, &op, why, sizeof why);
        if (st != CM_OK)
            cm_diag_error(ld->diags, prj, "%s", why);
        char *copy = (st == CM_OK && op) || st == CM_ERR_INPUT ? strdup(wkt) : NULL;
        char *said = st == CM_ERR_INPUT ? strdup(why) : NULL;
        if (copy && (st == CM_OK || said)) {
            unsigned i = kit.next++ % 4;
            proj_destroy(kit.op[i]);
            free(kit.wkt[i]);
            free(kit.why[i]);
            kit.wkt[i] = copy;
            kit.op[i] = op;
            kit.why[i] = said;
            kept = 1;
        } else {
            free(copy);
            free(said);
        }
    }
    if (st == CM_OK && op && layer->n_points > 0)
        proj_trans_generic(op, PJ_FWD, layer->xy, 2 * sizeof(double), layer->n_points,
                           layer->xy + 1, 2 * sizeof(double), layer->n_points,
                           NULL, 0, 0, NULL, 0, 0);
    if (!kept)
        proj_destroy(op);
    give_back_kit(kit);
    return st;
}

static cm_status
reproject(loader *ld, const cm_pos *prj)
{
    char *wkt = NULL;
    cm_status st = read_prj(ld, prj, &wkt);

    if (st == CM_OK)
        st = reproject_wkt(ld, wkt, prj);
    free(wkt);
    return st;
}

static cm_status
check_points(loader *ld, int has_prj)
{
    cm_layer *layer = ld->layer;
    double *b = layer->bbox;

    b[0] = b[1] = HUGE_VAL;
    b[2] = b[3] = -HUGE_VAL;
    for (size_t s = 0, p = 0; s < layer->n_shapes; s++)
        for (; p < layer->shapes[s].end_point; p++) {
            double x = layer->xy[2 * p], y = layer->xy[2 * p + 1];
            if (!isfinite(x) || !isfinite(y)) {
                cm_diag_error(ld->diags, &ld->pos, "%s %d has points that PROJ cannot "
                              "convert to longitude/latitude with %s; is it the right "
                              "one?", ld->dbf_path ? "record" : "feature",
                              layer->shapes[s].record, ld->crs_source);
                return CM_ERR_INPUT;
            }
            /* comparisons, not fmin()/fmax(), which are calls: NaN is out already */
            if (x < b[0])
                b[0] = x;
            if (y < b[1])
                b[1] = y;
            if (x > b[2])
                b[2] = x;
            if (y > b[3])
                b[3] = y;
        }
    if (!has_prj && layer->n_points > 0 &&
        (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90))
        cm_diag_warning(ld->diags, &ld->pos, "its coordinates reach from (%g, %g) to (%g, %g), "
                        "which are not longitudes and latitudes; the layer is probably "
                        "projected and needs %s", b[0], b[1], b[2], b[3],
                        ld->dbf_path ? "the .prj that came with it"
                                     : "a coordinate reference system in the file");
    return CM_OK;
}

static cm_status
convert_coordinates(loader *ld)
{
    char *prj_path = NULL;
    cm_status st = find_sidecar(ld, "prj", &prj_path);

    if (st != CM_OK)
        return st;
    if (prj_path) {
        cm_pos prj = { prj_path, 0, 0 };
        st = reproject(ld, &prj);
    } else {
        cm_diag_warning(ld->diags, &ld->pos, "no .prj beside it; taking coordinates as WGS84 "
                        "longitude/latitude");
    }
    if (st == CM_OK)
        st = check_points(ld, prj_path != NULL);
    free(prj_path);
    return st;
}

/* ---- the public API ----------------------------------------------------------------------- */

void
cm_layer_role_from_path(const char *path, char *role, size_t size)
{
    const char *name = base_name(path), *dot = strrchr(name, '.');
    size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);

    if (size == 0)
        return;
    if (n > size - 1)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        role[i] = (char)tolower((unsigned char)name[i]);
    role[n] = '\0';
}

static cm_status
layer_create(cm_layer **out, const char *path, const char *role)
{
    cm_layer *layer = calloc(1, sizeof *layer);
    size_t n = strlen(path) + 1;

    *out = layer;
    if (!layer)
        return CM_ERR_NOMEM;
    layer->path = strdup(path);
    layer->role = role ? strdup(role) : malloc(n);
    if (!layer->path || !layer->role)
        return CM_ERR_NOMEM;
    if (!role)
        cm_layer_role_from_path(path, layer->role, n);
    return CM_OK;
}

static cm_status load_set(cm_layer **out, const char *path, cm_layer_io *io, const char *role,
                          size_t max_file_bytes, const double *extent_deg, cm_diag_list *diags);

/* The one loader of shapefile sets, on disk or in memory alike. */
static cm_status
load_set(cm_layer **out, const char *path, cm_layer_io *io, const char *role,
         size_t max_file_bytes, const double *extent_deg, cm_diag_list *diags)
{
    static cm_status (*const steps[])(loader *) = {
        check_extension, check_files, check_shp_header, check_sidecars, open_shp, open_dbf, choose_code_page,
        read_fields, read_shapes, warn_skipped, convert_coordinates,
    };
    loader ld = { .diags = diags, .io = io, .pos = { path, 0, 0 }, .cd = NO_ICONV,
                  .crs_source = "the .prj beside it",
                  .max_file_bytes = max_file_bytes, .extent = extent_deg };
    cm_status st = layer_create(&ld.layer, path, role);

    *out = NULL;
    if (st == CM_OK && !(ld.base = strip_extension(path)))
        st = CM_ERR_NOMEM;
    for (size_t i = 0; st == CM_OK && i < sizeof steps / sizeof steps[0]; i++)
        st = steps[i](&ld);
    if (st == CM_OK) {
        *out = ld.layer;
        ld.layer = NULL;
    }
    if (ld.cd != NO_ICONV)
        iconv_close(ld.cd);
    if (ld.dbf)
        DBFClose(ld.dbf);
    if (ld.shp)
        SHPClose(ld.shp);
    free(ld.field_index);
    free(ld.dbf_path);
    free(ld.base);
    cm_layer_destroy(ld.layer);
    return st;
}

cm_status
cm_layer_load_within(cm_layer **out, const char *path, const char *role,
                     const double *extent_deg, cm_diag_list *diags)
{
    cm_layer_io io;

    if (cm_ogr_is_layer(path))
        return cm_ogr_load(out, path, NULL, role, extent_deg,
                           cm_limits_get()->max_file_bytes, diags);
    cm_layer_io_init_disk(&io);
    return load_set(out, path, &io, role, cm_limits_get()->max_file_bytes, extent_deg, diags);
}

cm_status
cm_layer_load(cm_layer **out, const char *path, const char *role, cm_diag_list *diags)
{
    return cm_layer_load_within(out, path, role, NULL, diags);
}

cm_status
cm_layer_load_files(cm_layer **out, const char *shp_path, const cm_layer_file *files,
                    size_t n_files, const char *role, cm_diag_list *diags)
{
    cm_layer_io io;

    cm_layer_io_init_memory(&io, files, n_files);
    return load_set(out, shp_path, &io, role, SIZE_MAX, NULL, diags);
}

void
cm_layer_destroy(cm_layer *layer)
{
    if (!layer)
        return;
    for (size_t s = 0; s < layer->n_shapes; s++) {
        for (size_t f = 0; layer->shapes[s].values && f < layer->n_fields; f++)
            free(layer->shapes[s].values[f]);
        free(layer->shapes[s].values);
    }
    for (size_t f = 0; f < layer->n_fields; f++)
        free(layer->fields[f]);
    free(layer->fields);
    free(layer->shapes);
    free(layer->xy);
    free(layer->part_start);
    free(layer->role);
    free(layer->path);
    free(layer);
}

const char *
cm_layer_role(const cm_layer *layer)
{
    return layer->role;
}

const char *
cm_layer_path(const cm_layer *layer)
{
    return layer->path;
}

size_t
cm_layer_n_shapes(const cm_layer *layer)
{
    return layer->n_shapes;
}

const cm_shape *
cm_layer_shape(const cm_layer *layer, size_t i)
{
    return i < layer->n_shapes ? &layer->shapes[i] : NULL;
}

size_t
cm_layer_n_unread(const cm_layer *layer)
{
    return layer->n_unread;
}

int
cm_layer_bbox(const cm_layer *layer, double bbox[4])
{
    if (layer->n_points == 0)
        return 0;
    memcpy(bbox, layer->bbox, sizeof layer->bbox);
    return 1;
}

cm_shape_kind
cm_shape_kind_of(const cm_shape *shape)
{
    return shape->kind;
}

size_t
cm_shape_n_parts(const cm_shape *shape)
{
    return shape->n_parts;
}

const double *
cm_shape_part(const cm_shape *shape, size_t k, size_t *n_points)
{
    const cm_layer *layer = shape->layer;
    size_t i = shape->first_part + k;

    if (k >= shape->n_parts) {
        *n_points = 0;
        return NULL;
    }
    size_t end = k + 1 < shape->n_parts ? layer->part_start[i + 1] : shape->end_point;
    *n_points = end - layer->part_start[i];
    return layer->xy + 2 * layer->part_start[i];
}

const char *
cm_shape_name(const cm_shape *shape)
{
    return shape->name;
}

const char *
cm_shape_attr(const cm_shape *shape, const char *field)
{
    long f = field_lookup(shape->layer, field);
    return f >= 0 ? shape->values[f] : NULL;
}

/* ---- building a layer from another reader (layer_ogr.c) ---------------------------------- */

cm_status
cm_layer_build_begin(cm_layer **out, const char *path, const char *role)
{
    cm_status st = layer_create(out, path, role);
    if (st != CM_OK) {
        cm_layer_destroy(*out);
        *out = NULL;
    }
    return st;
}

void
cm_layer_build_fields(cm_layer *layer, char **fields, size_t n)
{
    layer->fields = fields;
    layer->n_fields = n;
}

double *
cm_layer_build_part(cm_layer *layer, size_t n)
{
    size_t first = layer->n_points;

    if (!CM_RESERVE(layer->xy, layer->cap_xy, 2 * (first + n)) ||
        !CM_RESERVE(layer->part_start, layer->cap_parts, layer->n_parts + 1))
        return NULL;
    add_part(layer, first);
    layer->n_points += n;
    return layer->xy + 2 * first;
}

void
cm_layer_build_drop(cm_layer *layer)
{
    if (layer->built_parts < layer->n_parts) {
        layer->n_points = layer->part_start[layer->built_parts];
        layer->n_parts = layer->built_parts;
    }
}

cm_status
cm_layer_build_shape(cm_layer *layer, cm_shape_kind kind, int record, char **values)
{
    if (!CM_GROW(layer->shapes, layer->n_shapes, layer->cap_shapes)) {
        for (size_t f = 0; values && f < layer->n_fields; f++)
            free(values[f]);
        free(values);
        cm_layer_build_drop(layer);
        return CM_ERR_NOMEM;
    }
    cm_shape *shape = &layer->shapes[layer->n_shapes++];
    *shape = (cm_shape){ .layer = layer, .kind = kind, .record = record,
                         .first_part = layer->built_parts,
                         .n_parts = layer->n_parts - layer->built_parts,
                         .end_point = layer->n_points, .values = values, .name = "" };
    layer->built_parts = layer->n_parts;
    if (values)
        shape->name = pick_name(shape);
    return CM_OK;
}

void
cm_layer_build_unread(cm_layer *layer, size_t n)
{
    layer->n_unread += n;
}

cm_status
cm_layer_build_end(cm_layer *layer, const char *wkt, const char *crs_source,
                   cm_diag_list *diags)
{
    loader ld = { .layer = layer, .diags = diags, .pos = { layer->path, 0, 0 },
                  .cd = NO_ICONV, .crs_source = crs_source };
    cm_status st = wkt ? reproject_wkt(&ld, wkt, &ld.pos) : CM_OK;

    return st == CM_OK ? check_points(&ld, wkt != NULL) : st;
}

int
cm_layer_wkt_is_lonlat(const char *wkt)
{
    int yes = 0;
    proj_kit kit;
    PJ *src = NULL, *dst = NULL;

    if (is_known_lonlat(wkt))
        return 1;
    if (!(kit = take_kit()).ctx)
        return 0;
    proj_log_func(kit.ctx, NULL, keep_quiet);
    src = proj_create(kit.ctx, wkt);
    dst = kit_wgs84(&kit);
    yes = src && dst && proj_is_crs(src) &&
          proj_is_equivalent_to_with_ctx(kit.ctx, src, dst,
                                         PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS);
    if (yes)
        note_lonlat(wkt);
    proj_destroy(src);
    give_back_kit(kit);
    return yes;
}

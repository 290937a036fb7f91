/* The world gazetteer's database, read-only: its statements, prepared once and
 * kept, and the rows they give, handed to a callback one at a time. Which rows
 * become places, and which place a name means, is the gazetteer's job
 * (gazetteer.c); the schema is made by gazetteer/make-world-db. */
#include "load/gazetteer_db.h"
#include "common/input.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The schema this file reads: make-world-db's FORMAT. */
#define DB_FORMAT "2"

#define PLACE_COLUMNS "p.id, p.name, p.name_az, p.name_hy, p.name_ru, p.name_ar, p.lon, " \
                      "p.lat, p.country, p.kind, p.rank, p.source, p.aliases, p.file, p.line"

enum stmt { S_FORMAT, S_CURATED, S_BY_ID, S_BY_KEY, S_BY_LOOSE, S_IN_BOX, S_BY_RANK, S_NEAR,
            S_SETTLEMENTS, S_GRAMS, S_KEY_NAMES, S_COUNTRIES, S_COUNTRY_NAME, N_STMTS };

static const char *const sql[N_STMTS] = {
    [S_FORMAT] = "SELECT value FROM meta WHERE key = 'format'",
    [S_CURATED] = "SELECT " PLACE_COLUMNS " FROM places p WHERE p.file IS NOT NULL "
                  "ORDER BY p.file, p.line",
    [S_BY_ID] = "SELECT " PLACE_COLUMNS " FROM places p WHERE p.id = ?1",
    [S_BY_KEY] = "SELECT " PLACE_COLUMNS " FROM keys k JOIN names n ON n.key = k.id "
                 "JOIN places p ON p.id = n.place WHERE k.key = ?1 ORDER BY p.id",
    [S_BY_LOOSE] = "SELECT DISTINCT " PLACE_COLUMNS " FROM keys k JOIN names n ON n.key = k.id "
                   "JOIN places p ON p.id = n.place WHERE k.loose = ?1 ORDER BY p.id",
    /* A region or a country: the R*Tree finds what is inside, the sort keeps
     * the highest ranks. */
    [S_IN_BOX] = "SELECT " PLACE_COLUMNS " FROM places_at a JOIN places p ON p.id = a.id "
                 "WHERE a.lon0 <= ?3 AND a.lon1 >= ?1 AND a.lat0 <= ?4 AND a.lat1 >= ?2 "
                 "ORDER BY p.rank DESC, p.id LIMIT ?5",
    /* A continent, the world, or across the antimeridian: down the ranks until
     * enough are inside, rather than sorting most of the world. */
    [S_BY_RANK] = "SELECT " PLACE_COLUMNS " FROM places p INDEXED BY places_rank "
                  "WHERE p.lat BETWEEN ?2 AND ?4 AND CASE WHEN ?1 <= ?3 "
                  "THEN p.lon BETWEEN ?1 AND ?3 ELSE (p.lon >= ?1 OR p.lon <= ?3) END "
                  "ORDER BY p.rank DESC LIMIT ?5",
    [S_NEAR] = "SELECT " PLACE_COLUMNS " FROM places_at a JOIN places p ON p.id = a.id "
               "WHERE a.lon0 <= ?3 AND a.lon1 >= ?1 AND a.lat0 <= ?4 AND a.lat1 >= ?2 "
               "AND p.rank >= ?5 ORDER BY p.id",
    /* Naming a point after the places around it: only what the choice needs,
     * a row read whole for the one chosen (cm_gazdb_by_id). */
    [S_SETTLEMENTS] = "SELECT p.id, p.lon, p.lat, p.rank, p.kind FROM places_at a "
                      "JOIN places p ON p.id = a.id WHERE a.lon0 <= ?3 AND a.lon1 >= ?1 "
                      "AND a.lat0 <= ?4 AND a.lat1 >= ?2 "
                      "AND p.kind IN ('capital', 'city', 'town', 'village')",
    [S_GRAMS] = "SELECT k.id, k.key FROM keys k WHERE k.id IN "
                "(SELECT rowid FROM grams WHERE grams MATCH ?1) "
                "AND length(k.key) BETWEEN ?2 AND ?3 ORDER BY k.id",
    [S_KEY_NAMES] = "SELECT " PLACE_COLUMNS ", n.name FROM names n JOIN places p "
                    "ON p.id = n.place WHERE n.key = ?1 ORDER BY n.place",
    [S_COUNTRIES] = "SELECT code FROM countries WHERE key = ?1 ORDER BY code",
    [S_COUNTRY_NAME] = ("SELECT name, name_az, name_hy, name_ru, name_ar FROM country_names "
                        "WHERE code = ?1"),
};

struct cm_gazdb {
    sqlite3 *db;
    sqlite3_stmt *stmts[N_STMTS];
    char *path;
};

/* Only a regular file is looked into, without blocking: a named pipe or a
 * device is left to the text reader, which refuses it with its message. */
int
cm_gazdb_is_db(const char *path)
{
    char head[16];
    int fd = cm_input_open_regular(path);
    ssize_t n = fd >= 0 ? read(fd, head, sizeof(head)) : 0;
    if (fd >= 0)
        close(fd);
    return n == (ssize_t)sizeof(head) && memcmp(head, "SQLite format 3", 16) == 0;
}

/* A database that cannot be read as it should (a disk error, a file cut
 * short) fails the run as a file that cannot be read does. */
static cm_status
status_of(int rc)
{
    return rc == SQLITE_NOMEM ? CM_ERR_NOMEM : CM_ERR_IO;
}

/* "file:PATH?immutable=1", PATH percent-encoded where a URI needs it (a '?',
 * '#' or '%' in a folder name). NULL when out of memory. */
static char *
uri_of(const char *path)
{
    size_t n = strlen(path);
    char *uri = malloc(3 * n + 24), *w = uri;
    if (!uri)
        return NULL;
    w += sprintf(w, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        w += (*p == '?' || *p == '#' || *p == '%' || *p <= ' ')
             ? sprintf(w, "%%%02X", *p) : sprintf(w, "%c", *p);
    sprintf(w, "?immutable=1");
    return uri;
}

const char *
cm_gazdb_path(const cm_gazdb *db)
{
    return db->path;
}

const char *
cm_gazdb_error(const cm_gazdb *db)
{
    return sqlite3_errmsg(db->db);
}

static sqlite3_stmt *
stmt(cm_gazdb *db, enum stmt s, cm_status *st)
{
    if (!db->stmts[s]) {
        int rc = sqlite3_prepare_v3(db->db, sql[s], -1, SQLITE_PREPARE_PERSISTENT,
                                    &db->stmts[s], NULL);
        if (rc != SQLITE_OK) {
            *st = status_of(rc);
            return NULL;
        }
    }
    return db->stmts[s];
}

static cm_status
check_format(cm_gazdb *db, cm_diag_list *diags)
{
    cm_status st = CM_OK;
    cm_pos whole = { db->path, 0, 0 };
    sqlite3_stmt *q = stmt(db, S_FORMAT, &st);
    int rc = q ? sqlite3_step(q) : SQLITE_ERROR;
    const char *format = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
    if (st == CM_ERR_NOMEM || rc == SQLITE_NOMEM)
        st = CM_ERR_NOMEM;
    else if (!format || strcmp(format, DB_FORMAT) != 0) {
        cm_diag_error(diags, &whole, "this is not a gazetteer database this version of "
                      "conflictmap reads (format %s, it reads format %s); rebuild it with "
                      "gazetteer/make-world-db", format ? format : "unknown", DB_FORMAT);
        st = CM_ERR_INPUT;
    } else {
        /* Every statement prepares: the tables are all there. */
        for (int s = 0; st == CM_OK && s < N_STMTS; s++)
            stmt(db, (enum stmt)s, &st);
        if (st == CM_ERR_IO)
            cm_diag_error(diags, &whole, "the gazetteer database lacks a table this version "
                          "of conflictmap reads (%s); rebuild it with gazetteer/make-world-db",
                          sqlite3_errmsg(db->db));
        st = st == CM_ERR_IO ? CM_ERR_INPUT : st;
    }
    if (q)
        sqlite3_reset(q);
    return st;
}

cm_status
cm_gazdb_open(cm_gazdb **out, const char *path, cm_diag_list *diags)
{
    cm_pos whole = { path, 0, 0 };
    cm_gazdb *db = calloc(1, sizeof(*db));
    char *uri = uri_of(path);
    *out = NULL;
    if (!db || !uri || !(db->path = strdup(path))) {
        free(uri);
        cm_gazdb_close(db);
        return CM_ERR_NOMEM;
    }
    int rc = sqlite3_open_v2(uri, &db->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        cm_status st = db->db ? status_of(rc) : CM_ERR_NOMEM;
        if (st != CM_ERR_NOMEM)
            cm_diag_error(diags, &whole, "cannot read \"%s\": %s", path,
                          sqlite3_errmsg(db->db));
        cm_gazdb_close(db);
        return st;
    }
    cm_status st = check_format(db, diags);
    if (st == CM_OK)
        *out = db;
    else
        cm_gazdb_close(db);
    return st;
}

void
cm_gazdb_close(cm_gazdb *db)
{
    if (!db)
        return;
    for (int s = 0; s < N_STMTS; s++)
        sqlite3_finalize(db->stmts[s]);
    sqlite3_close(db->db);
    free(db->path);
    free(db);
}

/* ---- places ------------------------------------------------------------- */

static const char *
text_or_null(sqlite3_stmt *q, int col)
{
    const char *s = (const char *)sqlite3_column_text(q, col);
    return s && *s ? s : NULL;
}

static const char *
text_or_empty(sqlite3_stmt *q, int col)
{
    const char *s = (const char *)sqlite3_column_text(q, col);
    return s ? s : "";
}

static cm_gazdb_row
row_of(sqlite3_stmt *q)
{
    cm_gazdb_row r = {
        .id = (long)sqlite3_column_int64(q, 0), .name = text_or_empty(q, 1),
        .lon = sqlite3_column_double(q, 6), .lat = sqlite3_column_double(q, 7),
        .country = text_or_empty(q, 8), .kind = text_or_empty(q, 9),
        .rank = (long)sqlite3_column_int64(q, 10), .source = text_or_empty(q, 11),
        .aliases = text_or_null(q, 12), .file = text_or_null(q, 13),
        .line = sqlite3_column_int(q, 14),
    };
    for (int l = 0; l < 4; l++)
        r.name_lang[l] = text_or_null(q, 2 + l);
    return r;
}

/* Steps @q (bound by the caller) to its end, each row to @fn. */
static cm_status
each_row(sqlite3_stmt *q, cm_gazdb_fn fn, void *data, size_t *n)
{
    cm_status st = CM_OK;
    int rc;
    *n = 0;
    while (st == CM_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        cm_gazdb_row r = row_of(q);
        (*n)++;
        st = fn(data, &r);
    }
    if (st == CM_OK && rc != SQLITE_DONE)
        st = status_of(rc);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return st;
}

cm_status
cm_gazdb_curated(cm_gazdb *db, cm_gazdb_fn fn, void *data)
{
    cm_status st = CM_OK;
    size_t n;
    sqlite3_stmt *q = stmt(db, S_CURATED, &st);
    return q ? each_row(q, fn, data, &n) : st;
}

cm_status
cm_gazdb_by_id(cm_gazdb *db, long id, cm_gazdb_fn fn, void *data, int *found)
{
    cm_status st = CM_OK;
    size_t n = 0;
    sqlite3_stmt *q = stmt(db, S_BY_ID, &st);
    if (q) {
        sqlite3_bind_int64(q, 1, id);
        st = each_row(q, fn, data, &n);
    }
    *found = n > 0;
    return st;
}

cm_status
cm_gazdb_by_key(cm_gazdb *db, const char *key, int is_loose, cm_gazdb_fn fn, void *data)
{
    cm_status st = CM_OK;
    size_t n;
    sqlite3_stmt *q = stmt(db, is_loose ? S_BY_LOOSE : S_BY_KEY, &st);
    if (!q)
        return st;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    return each_row(q, fn, data, &n);
}

static void
bind_box(sqlite3_stmt *q, double west, double south, double east, double north)
{
    sqlite3_bind_double(q, 1, west);
    sqlite3_bind_double(q, 2, south);
    sqlite3_bind_double(q, 3, east);
    sqlite3_bind_double(q, 4, north);
}

cm_status
cm_gazdb_in_extent(cm_gazdb *db, const double *bbox, size_t max, cm_gazdb_fn fn, void *data)
{
    cm_status st = CM_OK;
    size_t n;
    /* Beyond some 30 degrees the box holds a large part of the 200,000 places. */
    int is_large = bbox[0] > bbox[2] || bbox[2] - bbox[0] > 30 || bbox[3] - bbox[1] > 30;
    sqlite3_stmt *q = stmt(db, is_large ? S_BY_RANK : S_IN_BOX, &st);
    if (!q)
        return st;
    bind_box(q, bbox[0], bbox[1], bbox[2], bbox[3]);
    sqlite3_bind_int64(q, 5, max > INT64_MAX ? INT64_MAX : (sqlite3_int64)max);
    return each_row(q, fn, data, &n);
}

/* The boxes @radius_km each side of @lon, @lat, as the R*Tree holds
 * longitudes (-180..180): two when the box crosses the antimeridian, the
 * whole band of latitudes near a pole. Returns how many. */
static int
boxes_around(double lon, double lat, double radius_km, double box[2][4])
{
    double dlat = radius_km / 111.2, coslat = cos(lat * 3.14159265358979323846 / 180);
    double dlon = coslat > 0.01 ? dlat / coslat : 360;
    double south = lat - dlat, north = lat + dlat, west = lon - dlon, east = lon + dlon;
    if (dlon >= 180 || north >= 90 || south <= -90) {
        box[0][0] = -180, box[0][1] = south, box[0][2] = 180, box[0][3] = north;
        return 1;
    }
    box[0][0] = west, box[0][1] = south, box[0][2] = east, box[0][3] = north;
    if (west >= -180 && east <= 180)
        return 1;
    box[1][1] = south, box[1][3] = north;
    if (west < -180) {
        box[0][0] = -180;
        box[1][0] = west + 360, box[1][2] = 180;
    } else {
        box[0][2] = 180;
        box[1][0] = -180, box[1][2] = east - 360;
    }
    return 2;
}

cm_status
cm_gazdb_near(cm_gazdb *db, double lon, double lat, double radius_km, long min_rank,
              cm_gazdb_fn fn, void *data)
{
    cm_status st = CM_OK;
    size_t n;
    double box[2][4];
    int n_boxes = boxes_around(lon, lat, radius_km, box);
    sqlite3_stmt *q = stmt(db, S_NEAR, &st);
    for (int b = 0; q && st == CM_OK && b < n_boxes; b++) {
        bind_box(q, box[b][0], box[b][1], box[b][2], box[b][3]);
        sqlite3_bind_int64(q, 5, min_rank);
        st = each_row(q, fn, data, &n);
    }
    return st;
}

cm_status
cm_gazdb_settlements(cm_gazdb *db, const double *bbox, cm_gazdb_point_fn fn, void *data)
{
    cm_status st = CM_OK;
    double box[2][4] = { { bbox[0], bbox[1], bbox[2], bbox[3] },
                         { -180, bbox[1], bbox[2], bbox[3] } };
    int rc = SQLITE_DONE, n_boxes = 1;
    if (bbox[0] > bbox[2]) {   /* across the antimeridian: each side of it */
        box[0][2] = 180;
        n_boxes = 2;
    }
    sqlite3_stmt *q = stmt(db, S_SETTLEMENTS, &st);
    for (int b = 0; q && st == CM_OK && b < n_boxes; b++) {
        bind_box(q, box[b][0], box[b][1], box[b][2], box[b][3]);
        while (st == CM_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
            st = fn(data, (long)sqlite3_column_int64(q, 0), sqlite3_column_double(q, 1),
                    sqlite3_column_double(q, 2), (long)sqlite3_column_int64(q, 3),
                    text_or_empty(q, 4));
        if (st == CM_OK && rc != SQLITE_DONE)
            st = status_of(rc);
        sqlite3_reset(q);
    }
    return st;
}

/* ---- did you mean ------------------------------------------------------- */

/* The code points of UTF-8 @s, at most @max; returns how many. */
static size_t
code_points(const char *s, uint32_t *out, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p && n < max) {
        int len = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
        uint32_t c = len == 1 ? *p : *p & (0x7F >> len);
        for (int i = 1; i < len && (p[i] & 0xC0) == 0x80; i++)
            c = c << 6 | (p[i] & 0x3F);
        out[n++] = c;
        for (int i = 0; i < len && *p; i++)
            p++;
    }
    return n;
}

size_t
cm_name_distance(const char *a, const char *b)
{
    enum { MAX = 64 };
    uint32_t ca[MAX + 1], cb[MAX + 1];
    size_t la = code_points(a, ca, MAX + 1), lb = code_points(b, cb, MAX + 1), row[MAX + 1];
    if (la > MAX || lb > MAX)
        return MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (ca[i - 1] != cb[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Appends code point @c as UTF-8, doubling '"' as an FTS5 string wants. */
static char *
put_utf8(char *w, uint32_t c)
{
    if (c == '"')
        *w++ = '"';
    if (c < 0x80) {
        *w++ = (char)c;
    } else if (c < 0x800) {
        *w++ = (char)(0xC0 | c >> 6);
        *w++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *w++ = (char)(0xE0 | c >> 12);
        *w++ = (char)(0x80 | (c >> 6 & 0x3F));
        *w++ = (char)(0x80 | (c & 0x3F));
    } else {
        *w++ = (char)(0xF0 | c >> 18);
        *w++ = (char)(0x80 | (c >> 12 & 0x3F));
        *w++ = (char)(0x80 | (c >> 6 & 0x3F));
        *w++ = (char)(0x80 | (c & 0x3F));
    }
    return w;
}

/* The trigram query for keys within @limit edits of @folded: cut into @limit + 1
 * pieces, one of which such a key holds unchanged (the first at its start, the
 * last at its end: the index holds every key as ^key$). A piece is its
 * trigrams, all present; pieces shorter than a trigram are left out. Written
 * to @out (room for 64 * 4 * 6 * 2 bytes); 0 when no piece is long enough. */
static int
grams_query(const uint32_t *c, size_t n, size_t limit, char *out)
{
    char *w = out;
    uint32_t piece[64 + 2];
    for (size_t i = 0; i <= limit; i++) {
        size_t a = i * n / (limit + 1), b = (i + 1) * n / (limit + 1), m = 0;
        if (i == 0)
            piece[m++] = '^';
        for (size_t k = a; k < b; k++)
            piece[m++] = c[k];
        if (i == limit)
            piece[m++] = '$';
        if (m < 3)
            continue;
        w += sprintf(w, "%s(", w == out ? "" : " OR ");
        for (size_t k = 0; k + 3 <= m; k++) {
            w += sprintf(w, "%s\"", k ? " AND " : "");
            for (size_t j = k; j < k + 3; j++)
                w = put_utf8(w, piece[j]);
            *w++ = '"';
        }
        *w++ = ')';
    }
    *w = '\0';
    return w != out;
}

static cm_status
key_names(cm_gazdb *db, sqlite3_int64 key_id, size_t distance, cm_gazdb_near_fn fn,
          void *data)
{
    cm_status st = CM_OK;
    int rc;
    sqlite3_stmt *q = stmt(db, S_KEY_NAMES, &st);
    if (!q)
        return st;
    sqlite3_bind_int64(q, 1, key_id);
    while (st == CM_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        cm_gazdb_row r = row_of(q);
        st = fn(data, &r, text_or_empty(q, 15), distance);
    }
    if (st == CM_OK && rc != SQLITE_DONE)
        st = status_of(rc);
    sqlite3_reset(q);
    return st;
}

cm_status
cm_gazdb_suggest(cm_gazdb *db, const char *folded, size_t limit, cm_gazdb_near_fn fn,
                 void *data)
{
    uint32_t c[65];
    char match[64 * 4 * 6 * 2 + 64];
    size_t n = code_points(folded, c, 65);
    cm_status st = CM_OK;
    int rc;
    if (n > 64 || !grams_query(c, n, limit, match))
        return CM_OK;
    sqlite3_stmt *q = stmt(db, S_GRAMS, &st);
    if (!q)
        return st;
    sqlite3_bind_text(q, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, n > limit ? (sqlite3_int64)(n - limit) : 0);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)(n + limit));
    /* Keys close enough are few; their names are read once the scan is done,
     * as one statement at a time keeps its place. */
    sqlite3_int64 ids[256];
    size_t dists[256], n_ids = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && n_ids < 256) {
        size_t d = cm_name_distance(folded, text_or_empty(q, 1));
        if (d <= limit && d < n) {
            ids[n_ids] = sqlite3_column_int64(q, 0);
            dists[n_ids++] = d;
        }
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        st = status_of(rc);
    sqlite3_reset(q);
    for (size_t i = 0; st == CM_OK && i < n_ids; i++)
        st = key_names(db, ids[i], dists[i], fn, data);
    return st;
}

/* ---- countries ---------------------------------------------------------- */

cm_status
cm_gazdb_countries(cm_gazdb *db, const char *key, char (*codes)[3], size_t max, size_t *n)
{
    cm_status st = CM_OK;
    int rc;
    sqlite3_stmt *q = stmt(db, S_COUNTRIES, &st);
    *n = 0;
    if (!q)
        return st;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW)
        if (*n < max)
            snprintf(codes[(*n)++], 3, "%s", text_or_empty(q, 0));
    if (rc != SQLITE_DONE)
        st = status_of(rc);
    sqlite3_reset(q);
    return st;
}

int
cm_gazdb_country_name(cm_gazdb *db, const char *code, char *buf, size_t size)
{
    return cm_gazdb_country_name_in(db, code, NULL, buf, size);
}

int
cm_gazdb_country_name_in(cm_gazdb *db, const char *code, const char *lang, char *buf,
                         size_t size)
{
    static const char *const langs[] = { "az", "hy", "ru", "ar" };   /* the columns' order */
    cm_status st = CM_OK;
    sqlite3_stmt *q = stmt(db, S_COUNTRY_NAME, &st);
    int column = 0, found = 0;
    for (int l = 0; lang && l < 4; l++)
        if (strcmp(lang, langs[l]) == 0)
            column = l + 1;
    if (!q || (lang && column == 0))   /* a language without a column (fr): none, not English */
        return 0;
    sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && (column == 0 || *text_or_empty(q, column))) {
        snprintf(buf, size, "%s", text_or_empty(q, column));
        found = 1;
    }
    sqlite3_reset(q);
    return found;
}

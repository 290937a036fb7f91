/* A point named after the places around it, as a desk writes it: the place
 * it is at ("Kherson", within 3 km), the place it is near ("12 km SE of
 * Kherson": the most important within 50 km, weighed by distance), else its
 * coordinates ("46.97°N 32.00°E"). Which points need a name (the events
 * given only by lon/lat) is events_where.c's question; finding places by
 * name is gazetteer_find.c's. */
#include "conflictmap/gazetteer.h"
#include "common/grow.h"
#include "common/memo.h"
#include "load/gazetteer.h"
#include "load/gazetteer_db.h"
#include "load/gazetteer_load.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Within AT_KM a point is the place; within NEAR_KM it is near one. */
#define AT_KM 3.0
#define NEAR_KM 50.0

static const double rad = 3.14159265358979323846 / 180;

static int
is_settlement(const char *kind)
{
    return kind && (strcmp(kind, "capital") == 0 || strcmp(kind, "city") == 0 ||
                    strcmp(kind, "town") == 0 || strcmp(kind, "village") == 0);
}

/* How much a place counts for naming a point after it: its population, or,
 * for a place without a figure, what its kind usually has. */
static double
weight_of(long rank, const char *kind)
{
    if (rank > 0)
        return (double)rank;
    return strcmp(kind, "capital") == 0 ? 100000 : strcmp(kind, "city") == 0 ? 50000
         : strcmp(kind, "town") == 0 ? 2000 : 200;
}

/* The places seen so far: the nearest within AT_KM, and the one that names
 * the point best within NEAR_KM. A database row is known by its id until it
 * is chosen, a place in memory by itself. */
typedef struct pick {
    double lon, lat;
    double at_km, best_km, best_score;
    long at_id, best_id;
    const cm_place *at, *best;
} pick;

/* A city 12 km away names a point better than a village of 500 people at 4
 * km, and a town 5 km away better than a city 50 km away: population over
 * distance to the power 1.5 (a kilometre at least). */
static void
consider(pick *k, double lon, double lat, double weight, long id, const cm_place *p)
{
    double km = cm_km_between(k->lon, k->lat, lon, lat);
    if (!(km <= NEAR_KM))
        return;
    if (km <= AT_KM && km < k->at_km) {
        k->at_km = km;
        k->at_id = id;
        k->at = p;
    }
    double score = weight / pow(km > 1 ? km : 1, 1.5);
    if (score > k->best_score) {
        k->best_score = score;
        k->best_km = km;
        k->best_id = id;
        k->best = p;
    }
}

/* ---- the database, a cell at a time ------------------------------------------ */

/* The database's settlements are read a cell of CELL_DEG at a time, each
 * cell with all that NEAR_KM reaches from anywhere in it, and kept: a file's
 * events are close together, and one R*Tree query serves every event of a
 * cell (one query per event cost 30 microseconds, 3 s for 100,000). */
#define CELL_DEG 0.25

typedef struct near_row {
    long id;
    double lon, lat, weight;
} near_row;

typedef struct cell {
    size_t first, n;      /* in rows */
} cell;

struct near_cells {
    cm_memo *cells;       /* (row, column) of the cell -> cell */
    near_row *rows;
    size_t n_rows, cap_rows;
};

void
cm_near_cells_free(struct near_cells *c)
{
    if (!c)
        return;
    cm_memo_destroy(c->cells);
    free(c->rows);
    free(c);
}

static cm_status
keep_row(void *data, long id, double lon, double lat, long rank, const char *kind)
{
    struct near_cells *c = data;
    if (!CM_GROW(c->rows, c->n_rows, c->cap_rows))
        return CM_ERR_NOMEM;
    c->rows[c->n_rows++] = (near_row){ id, lon, lat, weight_of(rank, kind) };
    return CM_OK;
}

/* The box NEAR_KM around cell (@row, @col), as the R*Tree takes it. */
static void
cell_box(int32_t row, int32_t col, double box[4])
{
    double dlat = NEAR_KM / 111.0;   /* a degree is 111.2 km: a little to spare */
    double south = row * CELL_DEG - dlat, north = (row + 1) * CELL_DEG + dlat;
    double far = fmax(fabs(south), fabs(north));
    double dlon = far < 89 ? dlat / cos(far * rad) : 360;
    double west = col * CELL_DEG - dlon, east = (col + 1) * CELL_DEG + dlon;
    if (east - west >= 360) {
        west = -180;
        east = 180;
    } else {
        west = west < -180 ? west + 360 : west;   /* west > east: across the antimeridian */
        east = east > 180 ? east - 360 : east;
    }
    box[0] = west, box[1] = south, box[2] = east, box[3] = north;
}

/* The database's settlements NEAR_KM or less from anywhere in the cell of
 * @lon, @lat (and some beyond), read once. */
static cm_status
cell_rows(cm_gazetteer *gaz, double lon, double lat, const near_row **rows, size_t *n)
{
    int32_t key[2] = { (int32_t)floor(lat / CELL_DEG), (int32_t)floor(lon / CELL_DEG) };
    struct near_cells *c = gaz->cells;
    if (!c && (!(c = gaz->cells = calloc(1, sizeof(*c))) ||
               !(c->cells = cm_memo_create(sizeof(cell), NULL))))
        return CM_ERR_NOMEM;
    const cell *known = cm_memo_find(c->cells, key, sizeof(key));
    if (!known) {
        double box[4];
        cell fresh = { c->n_rows, 0 };
        cell_box(key[0], key[1], box);
        cm_status st = cm_gazdb_settlements(gaz->db, box, keep_row, c);
        fresh.n = c->n_rows - fresh.first;
        if (st == CM_OK && !(known = cm_memo_add(c->cells, key, sizeof(key), &fresh)))
            st = CM_ERR_NOMEM;
        if (st != CM_OK) {
            c->n_rows = fresh.first;
            return st;
        }
    }
    *rows = c->rows + known->first;
    *n = known->n;
    return CM_OK;
}

/* ---- the places in memory ------------------------------------------------------- */

static int
compare_lat(const void *a, const void *b)
{
    double x = ((const struct by_lat *)a)->lat, y = ((const struct by_lat *)b)->lat;
    return (x > y) - (x < y);
}

/* The settlements in memory that are not the database's (files of ours,
 * GeoNames dumps: the database's are found by its R*Tree), by latitude. */
static cm_status
index_by_lat(cm_gazetteer *gaz)
{
    /* Places are only added, or dropped by drop_places_from(), which marks
     * the index as stale: the same count is the same places. */
    if (gaz->by_lat && gaz->by_lat_of == gaz->n_places)
        return CM_OK;
    size_t n = 0;
    struct by_lat *idx = malloc((gaz->n_places + 1) * sizeof(*idx));
    if (!idx)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < gaz->n_places; i++)
        if (!gaz->places[i]->is_db && is_settlement(gaz->places[i]->kind))
            idx[n++] = (struct by_lat){ gaz->places[i]->lat, (uint32_t)i };
    qsort(idx, n, sizeof(*idx), compare_lat);
    free(gaz->by_lat);
    gaz->by_lat = idx;
    gaz->n_by_lat = n;
    gaz->by_lat_of = gaz->n_places;
    return CM_OK;
}

/* The places in memory within the latitudes NEAR_KM can reach. */
static void
consider_memory(const cm_gazetteer *gaz, pick *k)
{
    double south = k->lat - NEAR_KM / 111.0;
    size_t lo = 0, hi = gaz->n_by_lat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gaz->by_lat[mid].lat < south)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < gaz->n_by_lat; i++) {
        if (gaz->by_lat[i].lat > k->lat + NEAR_KM / 111.0)
            break;
        const cm_place *p = gaz->places[gaz->by_lat[i].place];
        consider(k, p->lon, p->lat, weight_of(p->rank, p->kind), 0, p);
    }
}

/* Degrees clockwise from north of the way from @lon1, @lat1 to @lon2, @lat2
 * (the initial bearing of the great circle). */
static double
bearing_deg(double lon1, double lat1, double lon2, double lat2)
{
    double dlon = (lon2 - lon1) * rad, p1 = lat1 * rad, p2 = lat2 * rad;
    double y = sin(dlon) * cos(p2), x = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dlon);
    double deg = atan2(y, x) / rad;
    return deg < 0 ? deg + 360 : deg;
}

cm_status
cm_gazetteer_near(const cm_gazetteer *gaz, double lon, double lat, cm_near *out)
{
    cm_gazetteer *g = (cm_gazetteer *)gaz;   /* the index and the rows read aside are caches */
    pick k = { lon, lat, HUGE_VAL, 0, 0, 0, 0, NULL, NULL };
    cm_status st = CM_OK;
    *out = (cm_near){ NULL, 0, 0, 0 };
    if (!isfinite(lon) || !isfinite(lat))
        return CM_OK;
    const near_row *rows = NULL;
    size_t n = 0;
    if (gaz->db)
        st = cell_rows(g, lon, lat, &rows, &n);
    if (st == CM_OK)
        st = index_by_lat(g);
    if (st != CM_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        consider(&k, rows[i].lon, rows[i].lat, rows[i].weight, rows[i].id, NULL);
    consider_memory(gaz, &k);
    int is_at = k.at_km <= AT_KM;
    const cm_place *p = is_at ? k.at : k.best;
    long id = is_at ? k.at_id : k.best_id;
    if (!p && id)
        st = cm_gazetteer_read_aside(g, id, &p);
    if (st != CM_OK || !p)
        return st;
    out->place = p;
    out->km = is_at ? k.at_km : k.best_km;
    out->bearing_deg = bearing_deg(p->lon, p->lat, lon, lat);
    out->is_at = is_at;
    return CM_OK;
}

/* ---- in words ----------------------------------------------------------------- */

const char *
cm_compass_point(double bearing_deg)
{
    static const char *const points[8] = { "N", "NE", "E", "SE", "S", "SW", "W", "NW" };
    double b = fmod(bearing_deg, 360);
    if (!isfinite(b))
        return points[0];
    if (b < 0)
        b += 360;
    return points[(int)((b + 22.5) / 45) % 8];
}

/* @buf without the last character when snprintf() cut it in the middle: a
 * long name in a short buffer must still be UTF-8 (jansson, SVG). */
static const char *
whole_characters(char *buf)
{
    size_t n = strlen(buf), i = n;
    while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return buf;
    unsigned char lead = (unsigned char)buf[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < need)
        buf[i - 1] = '\0';
    return buf;
}

/* "46.97°N 32.00°E": hemispheres as letters, as a desk writes them; a value
 * that rounds to zero is N or E, never "0.00°S". */
static const char *
coordinates(double lon, double lat, char *buf, size_t size)
{
    double alat = fabs(lat), alon = fabs(lon);
    int south = lat < 0 && alat >= 0.005, west = lon < 0 && alon >= 0.005;
    snprintf(buf, size, "%.2f\xc2\xb0%s %.2f\xc2\xb0%s", alat, south ? "S" : "N", alon,
             west ? "W" : "E");
    return whole_characters(buf);
}

const char *
cm_near_words(const cm_near *near, double lon, double lat, const char *lang, char *buf,
              size_t size)
{
    if (!near || !near->place)
        return coordinates(lon, lat, buf, size);
    const char *name = cm_place_name_in(near->place, lang);
    if (near->is_at)
        return name;
    snprintf(buf, size, "%ld km %s of %s", lround(near->km), cm_compass_point(near->bearing_deg),
             name);
    return whole_characters(buf);
}

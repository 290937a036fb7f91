/* Names resolved by context. Each distinct name of the file (with the country
 * given for it) is one query; its candidates are every place the gazetteer
 * has of that name. Among them, in this order: a country the name or the
 * event or the file gives ("Tripoli, Lebanon", "Tripoli (LB)", "country")
 * keeps only that country's; then a place inside the map's bbox wins; then a
 * place among the file's other events (their area: around the median of the
 * places named without ambiguity, and the events given by lon/lat); then one
 * called by the name written over one that has it among other names (unless
 * ten times smaller); of two there, the one much nearer to one of them; then
 * a curated place over a GeoNames one; then the larger. The runner-up is named in a warning when
 * only the last two told them apart and it is as likely; the reason is kept
 * for `validate --explain`. Finding the candidates is the gazetteer's job. */
#include "load/resolve.h"
#include "common/grow.h"
#include "common/memo.h"
#include "load/gazetteer.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CODES = 8 };

/* Kilometres within which a place is as near the file's events as another: a
 * town and its district seat are not told apart by a few kilometres. */
#define NEAR_KM 10.0
/* The file's area: at least this radius around its middle, at most ... */
#define AREA_MIN_KM 150.0
#define AREA_MAX_KM 1000.0

typedef enum qualifier { Q_NONE, Q_NAME, Q_EVENT, Q_FILE } qualifier;

/* One name as the file writes it, with the country given for it. */
typedef struct query {
    const char *name;          /* as written (the events' arena) */
    const char *country;       /* the event's or the file's "country", or NULL */
    cm_pos pos;                /* where it is first written */
    size_t weight;             /* events that name it */
    int for_event;             /* named by an event, not only by initial_control */
    qualifier qualified;       /* where the country comes from */
    const char *base;          /* the name without the country it ends in (Q_NAME) */
    char codes[MAX_CODES][3];
    size_t n_codes;
    cm_candidates all;         /* every place of that name ... */
    size_t *kept;              /* ... and those in the country (indices in all) */
    size_t n_kept;
    const cm_place *place;     /* chosen */
    const char *why;
} query;

/* What a candidate is, seen from the file. */
typedef struct seen {
    const cm_candidate *c;
    size_t order;
    int in_bbox, in_area;
    int own_name;              /* the name written is the place's own, not an alias */
    double near_km;            /* to the nearest place of another name of the file */
    const char *near_name;     /* that place */
} seen;

typedef struct anchor {
    double lon, lat;
    double xyz[3];             /* the point on the unit sphere: nearness by chord */
    size_t weight;
    const char *name;          /* NULL for an event given by lon/lat */
    size_t query;              /* SIZE_MAX for lon/lat */
} anchor;

typedef struct context {
    loader *ld;
    const double *bbox;
    query *queries;
    size_t n_queries, cap_queries;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    int has_area;
    double core_lon, core_lat, radius_km;
    char file_codes[MAX_CODES][3];
    size_t n_file_codes;
} context;

typedef enum reason { R_ONLY, R_BBOX, R_AREA, R_OWN, R_NEAR, R_CURATED, R_RANK, R_ORDER } reason;

static cm_pos
at(const loader *ld, where w)
{
    return (cm_pos){ ld->file, w.line, w.col };
}

/* ---- countries ------------------------------------------------------------ */

/* The codes of the country @text names into @codes; 0 when it names none. */
static size_t
country_codes(context *cx, const char *text, char (*codes)[3])
{
    size_t n = 0;
    cm_status st = cm_gazetteer_countries(cx->ld->gaz, text, codes, MAX_CODES, &n);
    if (st != CM_OK)
        fail(cx->ld, st);
    return st == CM_OK ? n : 0;
}

static void
bad_country(context *cx, cm_pos pos, const char *text)
{
    error_at(cx->ld, pos, "\"country\" \"%s\" is not a country the gazetteer knows; give "
             "its name, such as \"Lebanon\", or its two-letter code, such as \"LB\"", text);
}

/* "Tripoli, Lebanon" or "Tripoli (LB)": the name before, and the country's
 * codes; 0 when the name ends in no country. @base has room for the name. */
static size_t
name_qualifier(context *cx, const char *name, char *base, char (*codes)[3])
{
    size_t n = 0;
    cm_status st = cm_gazetteer_qualifier(cx->ld->gaz, name, base, codes, MAX_CODES, &n);
    if (st != CM_OK)
        fail(cx->ld, st);
    return st == CM_OK ? n : 0;
}

/* ---- queries -------------------------------------------------------------- */

static int
in_codes(const query *q, const char *country)
{
    for (size_t i = 0; i < q->n_codes; i++)
        if (strcmp(q->codes[i], country) == 0)
            return 1;
    return q->n_codes == 0;
}

/* The candidates of @q: of its name without the country it ends in, or of
 * the whole name; those in the country given kept. */
static void
find_candidates(context *cx, query *q)
{
    char *base = malloc(strlen(q->name) + 1);
    if (!base) {
        fail(cx->ld, CM_ERR_NOMEM);
        return;
    }
    size_t n = name_qualifier(cx, q->name, base, q->codes);
    if (n) {
        q->n_codes = n;
        q->qualified = Q_NAME;
        q->base = keep(cx->ld, base);
    } else if (q->country) {
        q->n_codes = country_codes(cx, q->country, q->codes);
        q->qualified = !q->n_codes ? Q_NONE : q->country == cx->ld->ev->country ? Q_FILE
                                                                                 : Q_EVENT;
    }
    cm_status st = cm_gazetteer_candidates(cx->ld->gaz, n ? base : q->name, &q->all);
    free(base);
    q->kept = st == CM_OK ? malloc((q->all.n + 1) * sizeof(*q->kept)) : NULL;
    if (!q->kept) {
        fail(cx->ld, st == CM_OK ? CM_ERR_NOMEM : st);
        return;
    }
    for (size_t i = 0; i < q->all.n; i++)
        if (in_codes(q, q->all.items[i].country))
            q->kept[q->n_kept++] = i;
}

/* The query of @name with @country, made on first use. SIZE_MAX when out of
 * memory. */
static size_t
query_of(context *cx, cm_memo *index, const char *name, const char *country, cm_pos pos)
{
    size_t nlen = strlen(name), clen = country ? strlen(country) : 0;
    char *key = malloc(nlen + clen + 2);
    if (!key)
        return SIZE_MAX;
    memcpy(key, name, nlen + 1);
    memcpy(key + nlen + 1, country ? country : "", clen + 1);
    const size_t *known = cm_memo_find(index, key, nlen + clen + 2);
    size_t i = known ? *known : cx->n_queries;
    if (!known && (!CM_GROW(cx->queries, cx->n_queries, cx->cap_queries) ||
                   !cm_memo_add(index, key, nlen + clen + 2, &i)))
        i = SIZE_MAX;
    else if (!known)
        cx->queries[cx->n_queries++] = (query){ .name = name, .country = country, .pos = pos };
    free(key);
    return i;
}

/* ---- the file's area ------------------------------------------------------ */

/* (@lon, @lat) as a point of the unit sphere. Of two points, the nearer on
 * the sphere is the nearer by the chord, that is the larger dot product. */
static void
unit_vector(double lon, double lat, double *xyz)
{
    const double rad = 3.14159265358979323846 / 180.0;
    xyz[0] = cos(lat * rad) * cos(lon * rad);
    xyz[1] = cos(lat * rad) * sin(lon * rad);
    xyz[2] = sin(lat * rad);
}

/* A landmark of the file's area: @weight events at @lon, @lat, at the place
 * @name of query @query (NULL and SIZE_MAX for events given by lon/lat). */
static cm_status
add_anchor(context *cx, double lon, double lat, size_t weight, const char *name, size_t query)
{
    if (!CM_GROW(cx->anchors, cx->n_anchors, cx->cap_anchors))
        return CM_ERR_NOMEM;
    anchor *a = &cx->anchors[cx->n_anchors++];
    *a = (anchor){ lon, lat, { 0, 0, 0 }, weight, name, query };
    unit_vector(lon, lat, a->xyz);
    return CM_OK;
}

static int
inside_bbox(const context *cx, double lon, double lat)
{
    const double *b = cx->bbox;
    int lon_in = b[0] <= b[2] ? lon >= b[0] && lon <= b[2] : lon >= b[0] || lon <= b[2];
    return lon_in && lat >= b[1] && lat <= b[3];
}

/* Whether @c is among those sure_place() weighs: inside the bbox when any
 * of @q's places is. */
static int
weighed(const context *cx, const query *q, const cm_candidate *c)
{
    int any_inside = 0;
    for (size_t i = 0; cx->bbox && i < q->n_kept && !any_inside; i++)
        any_inside = inside_bbox(cx, q->all.items[q->kept[i]].lon, q->all.items[q->kept[i]].lat);
    return !any_inside || inside_bbox(cx, c->lon, c->lat);
}

/* The place @q means beyond doubt, before the file's area is known: the only
 * one (in the country given, or inside the bbox), or a city twenty times the
 * size of any other of that name (Beirut, not Bierutów in Poland, which
 * GeoNames also calls Beirut) unless a curated place, which would be taken
 * over it, shares the name; NULL when in doubt. */
static const cm_candidate *
sure_place(const context *cx, const query *q)
{
    const cm_candidate *best = NULL;
    long second = -1;
    size_t n = 0;
    int any_curated = 0;
    for (size_t i = 0; i < q->n_kept; i++) {
        const cm_candidate *c = &q->all.items[q->kept[i]];
        if (!weighed(cx, q, c))
            continue;
        n++;
        any_curated |= c->is_curated;
        if (!best || c->rank > best->rank) {
            second = best ? best->rank : -1;
            best = c;
        } else if (c->rank > second) {
            second = c->rank;
        }
    }
    if (n == 1)
        return best;
    if (!best || (any_curated && !best->is_curated))
        return NULL;
    return best->rank >= 10000 && best->rank >= 20 * second ? best : NULL;
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The middle of @n values (sorts @v). */
static double
weighted_median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), compare_doubles);
    return v[n / 2];
}

/* Around the median of the places named without ambiguity and the events
 * given by lon/lat (each counted once an event): far enough to hold half of
 * them twice over, within bounds. A file with nothing sure has no area. */
static void
find_area(context *cx)
{
    size_t total = 0;
    for (size_t i = 0; i < cx->n_anchors; i++)
        total += cx->anchors[i].weight;
    if (total == 0)
        return;
    double *v = malloc(total * sizeof(*v));
    if (!v) {
        fail(cx->ld, CM_ERR_NOMEM);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < cx->n_anchors; i++)
        for (size_t k = 0; k < cx->anchors[i].weight; k++)
            v[n++] = cx->anchors[i].lon;
    cx->core_lon = weighted_median(v, n);
    n = 0;
    for (size_t i = 0; i < cx->n_anchors; i++)
        for (size_t k = 0; k < cx->anchors[i].weight; k++)
            v[n++] = cx->anchors[i].lat;
    cx->core_lat = weighted_median(v, n);
    n = 0;
    for (size_t i = 0; i < cx->n_anchors; i++)
        for (size_t k = 0; k < cx->anchors[i].weight; k++)
            v[n++] = cm_km_between(cx->core_lon, cx->core_lat, cx->anchors[i].lon,
                                cx->anchors[i].lat);
    double r = 2 * weighted_median(v, n);
    cx->radius_km = r < AREA_MIN_KM ? AREA_MIN_KM : r > AREA_MAX_KM ? AREA_MAX_KM : r;
    cx->has_area = 1;
    free(v);
}

static cm_status
gather_anchors(context *cx)
{
    cm_status st = CM_OK;
    const cm_events *ev = cx->ld->ev;
    for (size_t i = 0; st == CM_OK && i < ev->n_events; i++) {
        const cm_event *e = &ev->events[i];
        if (e->has_lonlat == 3)
            st = add_anchor(cx, e->lon, e->lat, 1, NULL, SIZE_MAX);
    }
    for (size_t i = 0; st == CM_OK && i < cx->n_queries; i++) {
        const cm_candidate *c = cx->queries[i].for_event ? sure_place(cx, &cx->queries[i])
                                                         : NULL;
        if (c)
            st = add_anchor(cx, c->lon, c->lat, cx->queries[i].weight, c->name, i);
    }
    return st;
}

/* ---- choosing ------------------------------------------------------------- */

/* 1 when @name folds to @written_key (a cm_name_fold() result), 0 when not,
 * -1 when out of memory. */
static int
is_own_name(const char *written_key, const char *name)
{
    char *key = cm_name_fold(name ? name : "");
    if (!key)
        return -1;
    int same = strcmp(written_key, key) == 0;
    free(key);
    return same;
}

static seen
see(const context *cx, size_t qi, const cm_candidate *c, size_t order)
{
    seen s = { c, order, cx->bbox && inside_bbox(cx, c->lon, c->lat), 0, 0, HUGE_VAL, NULL };
    s.in_area = cx->has_area &&
                cm_km_between(cx->core_lon, cx->core_lat, c->lon, c->lat) <= cx->radius_km;
    /* Nearness counts only inside the area (beats()): a file of a thousand
     * names would otherwise measure every namesake against every name. */
    double xyz[3], best = -2.0;
    const anchor *nearest = NULL;
    unit_vector(c->lon, c->lat, xyz);
    for (size_t i = 0; s.in_area && i < cx->n_anchors; i++) {
        const anchor *a = &cx->anchors[i];
        double dot = a->xyz[0] * xyz[0] + a->xyz[1] * xyz[1] + a->xyz[2] * xyz[2];
        if (a->query != qi && dot > best) {
            best = dot;
            nearest = a;
        }
    }
    if (nearest) {
        s.near_km = cm_km_between(nearest->lon, nearest->lat, c->lon, c->lat);
        s.near_name = nearest->name;
    }
    return s;
}

/* Whether @a is the better of the two, and what told them apart. */
static int
beats(const context *cx, const seen *a, const seen *b, reason *why)
{
    if (cx->bbox && a->in_bbox != b->in_bbox)
        return *why = R_BBOX, a->in_bbox;
    if (cx->has_area && a->in_area != b->in_area)
        return *why = R_AREA, a->in_area;
    /* Where the file points at both, a place called by its own name over one
     * that has it among other names: GeoNames gives Masis, 25 km from
     * Yerevan, "Hrazdan" as an alternate name, and a file naming Hrazdan
     * beside Yerevan means the town of that name. Not a village over a
     * city: Odesa is "Odessa" too, and so are five towns in the US. */
    if (a->own_name != b->own_name) {
        const seen *own = a->own_name ? a : b, *other = a->own_name ? b : a;
        if (own->c->rank >= other->c->rank / 10)
            return *why = R_OWN, a->own_name;
    }
    /* Much nearer to another place of the file, and near it for a file of
     * that size: across a whole country, a place 40 km from one event is not
     * surer than one 150 km from another. */
    if (a->in_area && b->in_area) {
        double da = a->near_km > NEAR_KM ? a->near_km : NEAR_KM;
        double db = b->near_km > NEAR_KM ? b->near_km : NEAR_KM;
        double nearer = da < db ? da : db;
        if ((2 * da < db || 2 * db < da) && nearer <= cx->radius_km / 3)
            return *why = R_NEAR, da < db;
    }
    if (a->c->is_curated != b->c->is_curated)
        return *why = R_CURATED, a->c->is_curated;
    if (a->c->rank != b->c->rank)
        return *why = R_RANK, a->c->rank > b->c->rank;
    return *why = R_ORDER, a->order < b->order;
}

/* The best of @s except @skip (SIZE_MAX: none skipped). */
static size_t
best_of(const context *cx, const seen *s, size_t n, size_t skip)
{
    size_t best = SIZE_MAX;
    reason why;
    for (size_t i = 0; i < n; i++)
        if (i != skip && (best == SIZE_MAX || beats(cx, &s[i], &s[best], &why)))
            best = i;
    return best;
}

static void
country_name(const context *cx, const char *code, char *buf, size_t size)
{
    char name[96];
    if (!code[0]) {
        snprintf(buf, size, "no country");
        return;
    }
    cm_gazetteer_country_name(cx->ld->gaz, code, name, sizeof(name));
    if (strcmp(name, code) == 0)
        snprintf(buf, size, "%s", code);
    else
        snprintf(buf, size, "%s (%s)", name, code);
}

/* "Tripoli in Lebanon (LB)", or with its point when the country is the same. */
static void
describe(const context *cx, const cm_candidate *c, int with_point, char *buf, size_t size)
{
    char cn[128];
    country_name(cx, c->country, cn, sizeof(cn));
    if (with_point)
        snprintf(buf, size, "%s in %s at %.2f%s %.2f%s", c->name, cn, fabs(c->lat),
                 c->lat < 0 ? "S" : "N", fabs(c->lon), c->lon < 0 ? "W" : "E");
    else
        snprintf(buf, size, "%s in %s", c->name, cn);
}

/* Why @w was chosen over @r (which may be NULL: no other), in words. */
static void
explain(const context *cx, const query *q, const seen *w, const seen *r, reason why,
        char *buf, size_t size)
{
    char other[256], qual[160];
    size_t n = q->n_kept;
    int same = r && strcmp(w->c->country, r->c->country) == 0;
    if (r)
        describe(cx, r->c, same, other, sizeof(other));
    country_name(cx, q->n_codes ? q->codes[0] : "", qual, sizeof(qual));
    const char *by = q->qualified == Q_NAME ? "the name says"
                   : q->qualified == Q_EVENT ? "its \"country\" says" : "the file's \"country\" says";
    if (!r && q->n_codes && q->all.n > 1)
        snprintf(buf, size, "the only one in %s, as %s, of %zu places of that name", qual, by,
                 q->all.n);
    else if (!r)
        snprintf(buf, size, "the only place of that name");
    else if (why == R_BBOX)
        snprintf(buf, size, "inside the map's bbox; %s is not", other);
    else if (why == R_AREA)
        snprintf(buf, size, "among the file's other events; %s is %.0f km from them", other,
                 cm_km_between(cx->core_lon, cx->core_lat, r->c->lon, r->c->lat));
    else if (why == R_OWN)
        snprintf(buf, size, "its own name; %s has it as another name", other);
    else if (why == R_NEAR)
        snprintf(buf, size, "%.0f km from %s, named in the file; %s is %.0f km from %s",
                 w->near_km, w->near_name ? w->near_name : "an event given by lon/lat",
                 other, r->near_km, r->near_name ? r->near_name : "an event given by lon/lat");
    else if (why == R_CURATED)
        snprintf(buf, size, "from the curated gazetteer, over %s from GeoNames", other);
    else if (why == R_RANK)
        snprintf(buf, size, "the largest of %zu places of that name (%ld people; %s has %ld)",
                 n, w->c->rank, other, r->c->rank);
    else
        snprintf(buf, size, "the first of %zu places of that name, as alike as %s", n, other);
}

/* The runner-up is as likely when only the gazetteer's own order (its size,
 * or our curated rows) told them apart, within what the file points at (or
 * where it points nowhere), and it is not ten times smaller (Paris, France
 * and Parys, South Africa on a map of the world); or when the place taken is the nearer to the
 * file's other places but the smaller. A bbox, the file's area or a country
 * given leave no doubt. */
static int
is_plausible(const context *cx, const seen *w, const seen *r, reason why)
{
    if (why == R_BBOX || why == R_AREA || why == R_OWN)
        return 0;
    if (why == R_NEAR)
        return r->c->rank >= w->c->rank;
    int in_context = (cx->bbox && w->in_bbox) || (cx->has_area && w->in_area) ||
                     (!cx->bbox && !cx->has_area);
    return in_context &&
           ((why != R_RANK && why != R_CURATED) || r->c->rank * 10 >= w->c->rank);
}

static void
warn_runner_up(context *cx, const query *q, const seen *w, const seen *r, reason why)
{
    char chosen[256], other[256];
    int same = strcmp(w->c->country, r->c->country) == 0;
    const char *taken = why == R_NEAR ? "the first, nearer the file's other places, is taken"
                      : why == R_RANK ? "the first, the larger, is taken"
                      : why == R_CURATED ? "the first, from the curated gazetteer, is taken"
                      : "the first is taken";
    describe(cx, w->c, same, chosen, sizeof(chosen));
    describe(cx, r->c, same, other, sizeof(other));
    if (same)
        cm_diag_warning(cx->ld->diags, &q->pos, "\"%s\" may be %s or %s; %s; give \"lon\" "
                        "and \"lat\" to choose the other", q->name, chosen, other, taken);
    else
        cm_diag_warning(cx->ld->diags, &q->pos, "\"%s\" may be %s or %s; %s; write \"%s "
                        "(%s)\" or give the event a \"country\" to choose the other", q->name,
                        chosen, other, taken, r->c->name, r->c->country);
}

static void
choose(context *cx, size_t qi)
{
    query *q = &cx->queries[qi];
    seen *s = malloc((q->n_kept + 1) * sizeof(*s));
    char why_text[512];
    if (!s) {
        fail(cx->ld, CM_ERR_NOMEM);
        return;
    }
    /* Own names are compared only where there is a choice. */
    char *written = q->n_kept > 1 ? cm_name_fold(q->base ? q->base : q->name) : NULL;
    int ok = q->n_kept <= 1 || written != NULL;
    for (size_t i = 0; ok && i < q->n_kept; i++) {
        s[i] = see(cx, qi, &q->all.items[q->kept[i]], i);
        s[i].own_name = written ? is_own_name(written, s[i].c->name) : 1;
        ok = s[i].own_name >= 0;
    }
    free(written);
    if (!ok) {
        free(s);
        fail(cx->ld, CM_ERR_NOMEM);
        return;
    }
    size_t w = best_of(cx, s, q->n_kept, SIZE_MAX);
    size_t r = q->n_kept > 1 ? best_of(cx, s, q->n_kept, w) : SIZE_MAX;
    reason why = R_ONLY;
    if (r != SIZE_MAX)
        beats(cx, &s[w], &s[r], &why);
    explain(cx, q, &s[w], r != SIZE_MAX ? &s[r] : NULL, why, why_text, sizeof(why_text));
    if (r != SIZE_MAX && q->for_event && is_plausible(cx, &s[w], &s[r], why))
        warn_runner_up(cx, q, &s[w], &s[r], why);
    cm_status st = cm_gazetteer_take(cx->ld->gaz, s[w].c, &q->place);
    if (st != CM_OK)
        fail(cx->ld, st);
    else
        q->why = keep(cx->ld, why_text);
    free(s);
}

/* ---- what cannot be found ------------------------------------------------- */

/* A suggestion as a reader should write it: the place's primary name, and the
 * spelling that came close when it is another ("Mingachevir" (also written
 * "Mingacevir")). */
static void
suggested(const cm_suggestion *s, char *buf, size_t size)
{
    const char *primary = s->place.name && *s->place.name ? s->place.name : s->shown;
    if (strcmp(primary, s->shown) == 0)
        snprintf(buf, size, "\"%s\"", primary);
    else
        snprintf(buf, size, "\"%s\" (also written \"%s\")", primary, s->shown);
}

static void
unknown_place(context *cx, const query *q, cm_pos pos)
{
    cm_suggestion alt[3];
    char one[256], two[256];
    size_t n = cm_gazetteer_suggestions(cx->ld->gaz, q->name, alt, 3);
    /* A second suggestion only as close as the first: "Goranbay" is one edit
     * from Goranboy, and Granby in Quebec, two edits away, is no help. */
    if (n == 2 && alt[1].distance > alt[0].distance)
        n = 1;
    /* two spellings of one place are one suggestion */
    if (n >= 2 && alt[0].place.name && alt[1].place.name &&
        strcmp(alt[0].place.name, alt[1].place.name) == 0 && alt[0].place.country &&
        alt[1].place.country && strcmp(alt[0].place.country, alt[1].place.country) == 0)
        n = 1;
    if (n >= 1)
        suggested(&alt[0], one, sizeof(one));
    if (n >= 2)
        suggested(&alt[1], two, sizeof(two));
    if (n == 0)
        error_at(cx->ld, pos, "unknown place \"%s\"; give \"lon\" and \"lat\", or add it to a "
                 "gazetteer file of your own", q->name);
    else if (n == 1 || alt[1].distance > alt[0].distance)
        error_at(cx->ld, pos, "unknown place \"%s\"; did you mean %s?", q->name, one);
    else
        error_at(cx->ld, pos, "unknown place \"%s\"; did you mean %s or %s?", q->name, one,
                 two);
}

/* The countries of @q's candidates, the largest place's first, at most 4,
 * into @list: "LY, LB, GR, US". */
static void
countries_of(const query *q, char *list, size_t size)
{
    size_t shown = 0;
    list[0] = '\0';
    while (shown < 4) {
        const cm_candidate *best = NULL;
        for (size_t i = 0; i < q->all.n; i++) {
            const cm_candidate *c = &q->all.items[i];
            if (c->country[0] && !strstr(list, c->country) && (!best || c->rank > best->rank))
                best = c;
        }
        if (!best)
            break;
        size_t len = strlen(list);
        snprintf(list + len, size - len, "%s%s", shown++ ? ", " : "", best->country);
    }
}

/* A name the gazetteer has, but not in the country given. */
static void
not_in_country(context *cx, const query *q, cm_pos pos)
{
    char qual[128], list[64];
    country_name(cx, q->codes[0], qual, sizeof(qual));
    countries_of(q, list, sizeof(list));
    error_at(cx->ld, pos, "no place called \"%s\" in %s; the gazetteer has one in %s; give "
             "\"lon\" and \"lat\", or add it to a gazetteer file of your own",
             q->base ? q->base : q->name, qual, list);
}

/* ---- the file -------------------------------------------------------------- */

static const char *
country_for(const context *cx, const cm_event *e)
{
    return e->country ? e->country : cx->n_file_codes ? cx->ld->ev->country : NULL;
}

/* The queries of the events and initial_control names; each event's query
 * index into @of (SIZE_MAX for events not placed by name), each name's into
 * @of_initial. */
static void
make_queries(context *cx, size_t *of, size_t *of_initial)
{
    cm_events *ev = cx->ld->ev;
    cm_memo *index = cm_memo_create(sizeof(size_t), NULL);
    if (!index) {
        fail(cx->ld, CM_ERR_NOMEM);
        return;
    }
    for (size_t i = 0; cx->ld->st != CM_ERR_NOMEM && i < ev->n_events; i++) {
        cm_event *e = &ev->events[i];
        of[i] = SIZE_MAX;
        if (!cm_event_needs_place(e))
            continue;
        of[i] = query_of(cx, index, e->place_name, country_for(cx, e), at(cx->ld, e->place_pos));
        if (of[i] == SIZE_MAX) {
            fail(cx->ld, CM_ERR_NOMEM);
            break;
        }
        cx->queries[of[i]].weight++;
        cx->queries[of[i]].for_event = 1;
    }
    for (size_t i = 0; cx->ld->st != CM_ERR_NOMEM && i < ev->n_initials; i++) {
        initial *in = &ev->initials[i];
        of_initial[i] = query_of(cx, index, in->name, cx->n_file_codes ? ev->country : NULL,
                                 in->pos);
        if (of_initial[i] == SIZE_MAX)
            fail(cx->ld, CM_ERR_NOMEM);
    }
    cm_memo_destroy(index);
}

static void
check_countries(context *cx)
{
    cm_events *ev = cx->ld->ev;
    char codes[MAX_CODES][3];
    if (ev->country && !(cx->n_file_codes = country_codes(cx, ev->country, cx->file_codes)))
        bad_country(cx, ev->country_pos, ev->country);
    for (size_t i = 0; i < ev->n_events; i++) {
        cm_event *e = &ev->events[i];
        if (e->country && cm_event_needs_place(e) && !country_codes(cx, e->country, codes)) {
            bad_country(cx, at(cx->ld, e->country_pos), e->country);
            e->reported |= REPORTED_LOCATION;
        }
    }
}

/* The places chosen, given to the events and names; errors for the names
 * nothing was found for, at every event that writes them. */
static void
hand_out(context *cx, const size_t *of, const size_t *of_initial)
{
    cm_events *ev = cx->ld->ev;
    for (size_t i = 0; i < ev->n_events; i++) {
        cm_event *e = &ev->events[i];
        if (of[i] == SIZE_MAX)
            continue;
        const query *q = &cx->queries[of[i]];
        e->place = q->place;
        e->place_why = q->why;
        if (!q->place && q->all.n == 0)
            unknown_place(cx, q, at(cx->ld, e->place_pos));
        else if (!q->place && q->n_kept == 0)
            not_in_country(cx, q, at(cx->ld, e->place_pos));
    }
    for (size_t i = 0; i < ev->n_initials; i++)
        ev->initials[i].place = cx->queries[of_initial[i]].place;
}

void
cm_resolve_places(loader *ld)
{
    /* The map's extent, as render will draw it: --bbox, else map.bbox. */
    context cx = { .ld = ld, .bbox = ld->bbox ? ld->bbox : ld->ev->has_bbox ? ld->ev->bbox
                                                                             : NULL };
    size_t *of = malloc((ld->ev->n_events + ld->ev->n_initials + 1) * sizeof(*of));
    if (!of) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    check_countries(&cx);
    make_queries(&cx, of, of + ld->ev->n_events);
    for (size_t i = 0; ld->st != CM_ERR_NOMEM && i < cx.n_queries; i++)
        find_candidates(&cx, &cx.queries[i]);
    if (ld->st != CM_ERR_NOMEM && gather_anchors(&cx) != CM_OK)
        fail(ld, CM_ERR_NOMEM);
    if (ld->st != CM_ERR_NOMEM)
        find_area(&cx);
    for (size_t i = 0; ld->st != CM_ERR_NOMEM && i < cx.n_queries; i++)
        if (cx.queries[i].n_kept)
            choose(&cx, i);
    if (ld->st != CM_ERR_NOMEM)
        hand_out(&cx, of, of + ld->ev->n_events);
    for (size_t i = 0; i < cx.n_queries; i++) {
        cm_candidates_free(&cx.queries[i].all);
        free(cx.queries[i].kept);
    }
    free(cx.queries);
    free(cx.anchors);
    free(of);
}

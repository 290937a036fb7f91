/* Finding places in the gazetteer: by any of their names (the keys
 * gazetteer.c indexes, and the world database's), choosing among namesakes,
 * suggesting near misses, the places of an extent and the nearest place.
 * Which place an event of a file means, with the file as context, is
 * resolve.c's; where it lands on the map is the projection's job.
 *
 * The database is a cache behind a const gazetteer: a place it gives is read
 * into the gazetteer's places when it is first chosen, which is why looking up
 * is for one thread at a time. */
#include "conflictmap/gazetteer.h"
#include "common/grow.h"
#include "common/memo.h"
#include "load/fold.h"
#include "load/gazetteer.h"
#include "load/gazetteer_db.h"
#include "load/gazetteer_load.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- candidates --------------------------------------------------------- */

void
cm_candidates_free(cm_candidates *c)
{
    free(c->items);
    cm_strarena_free(&c->text);
    cm_memo_destroy(c->seen);
    c->items = NULL;
    c->seen = NULL;
    c->n = c->cap = 0;
}

static cm_candidate
candidate_of_place(const cm_place *p)
{
    return (cm_candidate){ p, p->is_db ? p->db_id : 0, p->lon, p->lat, p->rank, p->name,
                           p->country ? p->country : "", p->kind ? p->kind : "",
                           !p->is_dump };
}

/* What tells a candidate's place apart: the place in memory, or the row. */
typedef struct identity {
    const cm_place *place;
    long db_id;
} identity;

enum { FEW_CANDIDATES = 32 };

/* Adds @c unless its place is there already (a place has several names, and
 * is both in memory and in the database once read). A few are compared one
 * by one; beyond, a hash of the places: a million namesakes took n squared. */
static cm_status
add_candidate(cm_candidates *out, const cm_candidate *c)
{
    identity id = { c->place, c->place ? 0 : c->db_id };
    if (out->n < FEW_CANDIDATES) {
        for (size_t i = 0; i < out->n; i++) {
            const cm_candidate *o = &out->items[i];
            if (c->place ? o->place == c->place : !o->place && o->db_id == c->db_id)
                return CM_OK;
        }
    } else {
        if (!out->seen) {
            char none = 0;
            if (!(out->seen = cm_memo_create(1, NULL)))
                return CM_ERR_NOMEM;
            for (size_t i = 0; i < out->n; i++) {
                identity o = { out->items[i].place,
                               out->items[i].place ? 0 : out->items[i].db_id };
                if (!cm_memo_add(out->seen, &o, sizeof(o), &none))
                    return CM_ERR_NOMEM;
            }
        }
        if (cm_memo_find(out->seen, &id, sizeof(id)))
            return CM_OK;
    }
    if (!CM_GROW(out->items, out->n, out->cap))
        return CM_ERR_NOMEM;
    char none = 0;
    if (out->seen && !cm_memo_add(out->seen, &id, sizeof(id), &none))
        return CM_ERR_NOMEM;
    out->items[out->n++] = *c;
    return CM_OK;
}

/* The place read from database row @id, or NULL when it is not read yet. */
static const cm_place *
read_before(const cm_gazetteer *gaz, long id)
{
    const size_t *i = cm_memo_find(gaz->read, &id, sizeof(id));
    return i && *i < gaz->n_places && gaz->places[*i]->is_db && gaz->places[*i]->db_id == id
           ? gaz->places[*i] : NULL;
}

typedef struct gather {
    const cm_gazetteer *gaz;
    cm_candidates *out;
} gather;

static cm_status
db_candidate(void *data, const cm_gazdb_row *r)
{
    gather *g = data;
    const cm_place *p = read_before(g->gaz, r->id);
    if (p) {
        cm_candidate c = candidate_of_place(p);
        return add_candidate(g->out, &c);
    }
    cm_candidate c = { NULL, r->id, r->lon, r->lat, r->rank,
                       cm_strarena_copy(&g->out->text, r->name),
                       cm_strarena_copy(&g->out->text, r->country),
                       cm_strarena_copy(&g->out->text, r->kind), r->file != NULL };
    if (!c.name || !c.country || !c.kind)
        return CM_ERR_NOMEM;
    return add_candidate(g->out, &c);
}

/* The places whose key in @keys (sorted), or in the database, is @folded. */
static cm_status
gather_key(const cm_gazetteer *gaz, const key *keys, size_t n, const char *folded,
           int is_loose, cm_candidates *out)
{
    cm_status st = CM_OK;
    for (size_t i = keys_from(keys, n, folded);
         st == CM_OK && i < n && strcmp(keys[i].folded, folded) == 0; i++) {
        cm_candidate c = candidate_of_place(gaz->places[keys[i].place]);
        st = add_candidate(out, &c);
    }
    gather g = { gaz, out };
    if (st == CM_OK && gaz->db)
        st = cm_gazdb_by_key(gaz->db, folded, is_loose, db_candidate, &g);
    return st;
}

cm_status
cm_gazetteer_candidates(const cm_gazetteer *gaz, const char *name, cm_candidates *out)
{
    out->n = 0;
    cm_memo_destroy(out->seen);
    out->seen = NULL;
    if (!name)
        return CM_OK;
    char *folded = cm_name_fold(name);
    char *loose = folded ? cm_name_loosen(folded) : NULL;
    cm_status st = folded && loose ? CM_OK : CM_ERR_NOMEM;

    if (st == CM_OK && *folded)
        st = gather_key(gaz, gaz->keys, gaz->n_keys, folded, 0, out);
    if (st == CM_OK && *folded && out->n == 0)
        st = gather_key(gaz, gaz->loose, gaz->n_loose, loose, 1, out);
    free(folded);
    free(loose);
    return st;
}

cm_status
cm_gazetteer_take(const cm_gazetteer *gaz, const cm_candidate *c, const cm_place **out)
{
    size_t index;
    int found = 0;
    *out = c->place;
    if (c->place)
        return CM_OK;
    cm_status st = cm_gazetteer_read_row((cm_gazetteer *)gaz, c->db_id, &index, &found);
    if (st == CM_OK && !found)
        st = CM_ERR_INTERNAL;   /* the row was there a moment ago */
    if (st == CM_OK)
        *out = gaz->places[index];
    return st;
}

/* ---- looking up ----------------------------------------------------------- */

static int
inside(const cm_candidate *c, const double *bbox)
{
    return bbox && c->lon >= bbox[0] && c->lon <= bbox[2] && c->lat >= bbox[1] &&
           c->lat <= bbox[3];
}

/* Which of two places answering the same name an event more likely means: the
 * one on the map, then one from a file of ours (curated) over a GeoNames
 * one, then the higher rank. */
static int
better(const cm_candidate *p, const cm_candidate *best, const double *bbox)
{
    if (inside(p, bbox) != inside(best, bbox))
        return inside(p, bbox);
    if (p->is_curated != best->is_curated)
        return p->is_curated;
    return p->rank > best->rank;
}

/* Sorts @a best first, ties in the order found (qsort is not stable, and
 * would need the bbox in a global). */
static void
merge_better(cm_candidate *a, size_t n, cm_candidate *tmp, const double *bbox)
{
    if (n < 2)
        return;
    size_t h = n / 2, i = 0, j = h, k = 0;
    merge_better(a, h, tmp, bbox);
    merge_better(a + h, n - h, tmp, bbox);
    while (i < h && j < n)   /* the left one on a tie: stable */
        tmp[k++] = better(&a[j], &a[i], bbox) ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof(*a));
}

/* A stable merge sort: an insertion sort took n squared, and a million
 * namesakes never finished. CM_OK or CM_ERR_NOMEM. */
static cm_status
sort_better(cm_candidates *c, const double *bbox)
{
    if (c->n < 2)
        return CM_OK;
    cm_candidate *tmp = malloc(c->n * sizeof(*tmp));
    if (!tmp)
        return CM_ERR_NOMEM;
    merge_better(c->items, c->n, tmp, bbox);
    free(tmp);
    return CM_OK;
}

/* The places called @name; for "Tripoli, Lebanon" or "Tripoli (LB)" those
 * called Tripoli in Lebanon, as an event's "place" reads it, else (a name
 * that merely ends so) the whole name's. */
static cm_status
named(const cm_gazetteer *gaz, const char *name, cm_candidates *out)
{
    char codes[8][3];
    size_t n_codes = 0, kept = 0;
    char *base = name ? malloc(strlen(name) + 1) : NULL;
    cm_status st = !name ? CM_OK : !base ? CM_ERR_NOMEM
                 : cm_gazetteer_qualifier(gaz, name, base, codes, 8, &n_codes);
    if (st == CM_OK && n_codes)
        st = cm_gazetteer_candidates(gaz, base, out);
    for (size_t i = 0; st == CM_OK && n_codes && i < out->n; i++)
        for (size_t k = 0; k < n_codes; k++)
            if (strcmp(out->items[i].country, codes[k]) == 0) {
                out->items[kept++] = out->items[i];
                break;
            }
    out->n = kept;
    if (st == CM_OK && kept == 0)
        st = cm_gazetteer_candidates(gaz, name, out);
    free(base);
    return st;
}

size_t
cm_gazetteer_find_all(const cm_gazetteer *gaz, const char *name, const double *bbox_deg,
                      const cm_place **places, size_t max)
{
    cm_candidates c = { 0 };
    cm_status st = named(gaz, name, &c);
    size_t n = 0;
    if (st == CM_OK)
        st = sort_better(&c, bbox_deg);
    for (size_t i = 0; st == CM_OK && i < c.n && n < max; i++)
        if ((st = cm_gazetteer_take(gaz, &c.items[i], &places[n])) == CM_OK)
            n++;
    cm_candidates_free(&c);
    return n;
}

const cm_place *
cm_gazetteer_find(const cm_gazetteer *gaz, const char *name, const double *bbox_deg)
{
    const cm_place *p = NULL;
    cm_gazetteer_lookup(gaz, name, bbox_deg, &p);
    return p;
}

cm_status
cm_gazetteer_lookup(const cm_gazetteer *gaz, const char *name, const double *bbox_deg,
                    const cm_place **out)
{
    cm_candidates c = { 0 };
    cm_status st = named(gaz, name, &c);
    const cm_candidate *best = NULL;

    *out = NULL;
    for (size_t i = 0; st == CM_OK && i < c.n; i++)
        if (!best || better(&c.items[i], best, bbox_deg))
            best = &c.items[i];
    if (best)
        st = cm_gazetteer_take(gaz, best, out);
    cm_candidates_free(&c);
    return st;
}

/* ---- did you mean --------------------------------------------------------- */

typedef struct near_miss {
    size_t distance;
    const char *shown;     /* borrowed from the gazetteer, or in the text arena */
    cm_candidate place;
} near_miss;

typedef struct near_misses {
    const cm_gazetteer *gaz;
    near_miss *items;
    size_t n, cap;
    cm_strarena text;      /* the database's spellings and place names */
} near_misses;

static int
compare_misses(const void *pa, const void *pb)
{
    const near_miss *a = pa, *b = pb;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    if (a->place.rank != b->place.rank)
        return a->place.rank > b->place.rank ? -1 : 1;
    return strcmp(a->shown, b->shown);
}

static int
same_place(const cm_candidate *a, const cm_candidate *b)
{
    return a->place ? a->place == b->place : !b->place && a->db_id == b->db_id;
}

static cm_status
push_miss(near_misses *s, const near_miss *one)
{
    if (!CM_GROW(s->items, s->n, s->cap))
        return CM_ERR_NOMEM;
    s->items[s->n++] = *one;
    return CM_OK;
}

static cm_status
db_miss(void *data, const cm_gazdb_row *r, const char *shown, size_t distance)
{
    near_misses *s = data;
    const cm_place *p = read_before(s->gaz, r->id);
    near_miss one = { distance, cm_strarena_copy(&s->text, shown),
                      { NULL, r->id, r->lon, r->lat, r->rank,
                        cm_strarena_copy(&s->text, r->name),
                        cm_strarena_copy(&s->text, r->country),
                        cm_strarena_copy(&s->text, r->kind), r->file != NULL } };
    if (p)
        one.place = candidate_of_place(p);
    if (!one.shown || !one.place.name || !one.place.country || !one.place.kind)
        return CM_ERR_NOMEM;
    return push_miss(s, &one);
}

/* Characters, not bytes: a typo in Cyrillic is one edit, as in Latin. */
static size_t
n_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The keys in memory within @limit edits of @folded. */
static cm_status
memory_misses(near_misses *s, const char *folded, size_t limit)
{
    const cm_gazetteer *gaz = s->gaz;
    size_t len = n_chars(folded);
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < gaz->n_keys; i++) {
        /* The distance is at least the difference in length: most of a dump's
         * million names are ruled out without the full comparison. */
        size_t klen = n_chars(gaz->keys[i].folded);
        if ((klen > len ? klen - len : len - klen) > limit)
            continue;
        size_t d = cm_name_distance(folded, gaz->keys[i].folded);
        if (d <= limit && d < len) {
            near_miss one = { d, gaz->keys[i].shown,
                              candidate_of_place(gaz->places[gaz->keys[i].place]) };
            st = push_miss(s, &one);
        }
    }
    return st;
}

/* A string of the database's, kept as long as the gazetteer (its caller
 * borrows it); NULL when out of memory. */
static const char *
keep(const cm_gazetteer *gaz, const char *text)
{
    size_t len = strlen(text) + 1;
    char *kept = cm_gazetteer_store((cm_gazetteer *)gaz, len);
    if (kept)
        memcpy(kept, text, len);
    return kept;
}

/* @m as a suggestion whose strings live as long as the gazetteer. */
static int
kept_miss(const cm_gazetteer *gaz, const near_miss *m, cm_suggestion *out)
{
    *out = (cm_suggestion){ m->shown, m->distance, m->place };
    if (m->place.place && m->place.place->is_db == 0)
        return 1;   /* a file's spelling, borrowed from its place */
    out->shown = keep(gaz, m->shown);
    if (!m->place.place) {
        out->place.name = keep(gaz, m->place.name);
        out->place.country = keep(gaz, m->place.country);
        out->place.kind = keep(gaz, m->place.kind);
    }
    return out->shown && out->place.name && out->place.country && out->place.kind;
}

/* Two to four capital letters: a code (GeoNames lists airports' among a
 * city's names), no help to someone who misspelt a town. */
static int
is_code(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (s[n] < 'A' || s[n] > 'Z')
            return 0;
    return n >= 2 && n <= 4;
}

size_t
cm_gazetteer_suggestions(const cm_gazetteer *gaz, const char *name, cm_suggestion *out,
                         size_t max)
{
    near_misses s = { gaz, NULL, 0, 0, { 0 } };
    char *folded = name ? cm_name_fold(name) : NULL;
    size_t len = folded ? n_chars(folded) : 0;
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    cm_status st = folded ? memory_misses(&s, folded, limit) : CM_ERR_NOMEM;

    if (st == CM_OK && gaz->db && *folded)
        st = cm_gazdb_suggest(gaz->db, folded, limit, db_miss, &s);
    if (s.n)
        qsort(s.items, s.n, sizeof(*s.items), compare_misses);
    /* One suggestion per place, in the spelling closest to what was typed:
     * "Goranboy" and its alias "Geranboy" are one place, not two choices.
     * Compared with the suggestions kept, at most @max, not with every near
     * miss before: a million namesakes took n squared (over 300 s). */
    size_t n = 0;
    for (size_t i = 0; st == CM_OK && i < s.n && n < max; i++) {
        int seen = is_code(s.items[i].shown) && !is_code(name);
        for (size_t k = 0; k < n && !seen; k++)
            seen = same_place(&out[k].place, &s.items[i].place) ||
                   strcmp(out[k].shown, s.items[i].shown) == 0;
        if (!seen && kept_miss(gaz, &s.items[i], &out[n]))
            n++;
    }
    free(s.items);
    cm_strarena_free(&s.text);
    free(folded);
    return n;
}

size_t
cm_gazetteer_suggest(const cm_gazetteer *gaz, const char *name, const char **names,
                     size_t max)
{
    cm_suggestion s[16];
    size_t n = cm_gazetteer_suggestions(gaz, name, s, max < 16 ? max : 16);
    for (size_t i = 0; i < n; i++)
        names[i] = s[i].shown;
    return n;
}

/* ---- countries ------------------------------------------------------------ */

cm_status
cm_gazetteer_countries(const cm_gazetteer *gaz, const char *text, char (*codes)[3],
                       size_t max, size_t *n)
{
    *n = 0;
    int is_code = strlen(text) == 2 && isupper((unsigned char)text[0]) &&
                  isupper((unsigned char)text[1]);
    char name[64];
    if (is_code && (!gaz->db || cm_gazdb_country_name(gaz->db, text, name, sizeof(name)))) {
        if (max > 0)
            snprintf(codes[(*n)++], 3, "%s", text);
        return CM_OK;
    }
    if (!gaz->db || is_code)
        return CM_OK;
    char *folded = cm_name_fold(text);
    if (!folded)
        return CM_ERR_NOMEM;
    cm_status st = *folded ? cm_gazdb_countries(gaz->db, folded, codes, max, n) : CM_OK;
    free(folded);
    return st;
}

cm_status
cm_gazetteer_qualifier(const cm_gazetteer *gaz, const char *name, char *base,
                       char (*codes)[3], size_t max, size_t *n)
{
    size_t len = strlen(name), cut = 0;
    char tail[128];
    const char *comma = strrchr(name, ',');
    const char *paren = len > 2 && name[len - 1] == ')' ? strrchr(name, '(') : NULL;
    *n = 0;
    if (paren && paren > name) {
        snprintf(tail, sizeof(tail), "%.*s", (int)(len - 2 - (size_t)(paren - name)),
                 paren + 1);
        cut = (size_t)(paren - name);
    } else if (comma && comma > name) {
        snprintf(tail, sizeof(tail), "%s", comma + 1 + strspn(comma + 1, " "));
        cut = (size_t)(comma - name);
    }
    while (cut > 0 && name[cut - 1] == ' ')
        cut--;
    if (cut == 0 || !tail[0] || strlen(tail) >= sizeof(tail) - 1)
        return CM_OK;
    cm_status st = cm_gazetteer_countries(gaz, tail, codes, max, n);
    if (st == CM_OK && *n) {
        memcpy(base, name, cut);
        base[cut] = '\0';
    }
    return st;
}

void
cm_gazetteer_country_name(const cm_gazetteer *gaz, const char *code, char *buf, size_t size)
{
    if (!gaz->db || !cm_gazdb_country_name(gaz->db, code, buf, size))
        snprintf(buf, size, "%s", code);
}

int
cm_gazetteer_country_name_in(const cm_gazetteer *gaz, const char *code, const char *lang,
                             char *buf, size_t size)
{
    char name[256];
    if (!gaz || !gaz->db || !lang || !cm_gazdb_country_name_in(gaz->db, code, lang, name,
                                                               sizeof(name)))
        return 0;
    snprintf(buf, size, "%s", name);
    return 1;
}

/* ---- extents and the nearest place ---------------------------------------- */

static cm_status
read_extent_row(void *data, const cm_gazdb_row *r)
{
    cm_gazetteer *gaz = data;
    size_t index;
    int found;
    return read_before(gaz, r->id) ? CM_OK : cm_gazetteer_read_row(gaz, r->id, &index, &found);
}

cm_status
cm_gazetteer_add_extent(cm_gazetteer *gaz, const double *bbox_deg, size_t max)
{
    return gaz->db ? cm_gazdb_in_extent(gaz->db, bbox_deg, max, read_extent_row, gaz) : CM_OK;
}

double
cm_km_between(double lon1, double lat1, double lon2, double lat2)
{
    const double rad = 3.14159265358979323846 / 180;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

typedef struct nearest {
    double lon, lat, km;
    long id;               /* the nearest database row so far, 0 for none */
    const cm_place *place; /* or the nearest place in memory */
} nearest;

static cm_status
near_row(void *data, const cm_gazdb_row *r)
{
    nearest *n = data;
    double km = cm_km_between(n->lon, n->lat, r->lon, r->lat);
    if (km < n->km || (km == n->km && n->id && r->id < n->id)) {
        n->km = km;
        n->id = r->id;
        n->place = NULL;
    }
    return CM_OK;
}

cm_status
cm_gazetteer_nearest(const cm_gazetteer *gaz, double lon, double lat, double max_km,
                     long min_rank, const cm_place **out, double *km)
{
    nearest n = { lon, lat, max_km, 0, NULL };
    cm_status st = CM_OK;
    *out = NULL;
    if (gaz->db)
        st = cm_gazdb_near(gaz->db, lon, lat, max_km, min_rank, near_row, &n);
    for (size_t i = 0; st == CM_OK && i < gaz->n_places; i++) {
        const cm_place *p = gaz->places[i];
        double d = p->rank >= min_rank ? cm_km_between(lon, lat, p->lon, p->lat) : HUGE_VAL;
        if (d < n.km) {
            n.km = d;
            n.place = p;
            n.id = 0;
        }
    }
    if (st == CM_OK && n.id) {
        cm_candidate c = { NULL, n.id, 0, 0, 0, NULL, NULL, NULL, 0 };
        const cm_place *p = read_before(gaz, n.id);
        c.place = p;
        st = cm_gazetteer_take(gaz, &c, &n.place);
    }
    if (st == CM_OK && n.place) {
        *out = n.place;
        if (km)
            *km = n.km;
    }
    return st;
}

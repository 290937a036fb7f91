/* Finding places in the gazetteer: by any of their names (the keys
 * gazetteer.c indexes), choosing among namesakes, and suggesting near misses.
 * Which place an event means is decided here; where it lands on the map is the
 * projection's job. */
#include "conflictmap/gazetteer.h"
#include "load/fold.h"
#include "load/gazetteer_load.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- looking up ----------------------------------------------------------- */

static int
inside(const cm_place *p, const double *bbox)
{
    return bbox && p->lon >= bbox[0] && p->lon <= bbox[2] && p->lat >= bbox[1] &&
           p->lat <= bbox[3];
}

/* Which of two places answering the same name an event more likely means: the
 * one on the map, then one from a file of ours (curated) over a GeoNames dump's,
 * then the higher rank. */
static int
better(const cm_place *p, const cm_place *best, const double *bbox)
{
    if (inside(p, bbox) != inside(best, bbox))
        return inside(p, bbox);
    if (p->is_dump != best->is_dump)
        return !p->is_dump;
    return p->rank > best->rank;
}

/* Of the keys equal to @folded in @keys, the place an event most likely means. */
static const cm_place *
best_match(const cm_gazetteer *gaz, const key *keys, size_t n, const char *folded,
           const double *bbox)
{
    const cm_place *best = NULL;
    for (size_t i = keys_from(keys, n, folded); i < n && strcmp(keys[i].folded, folded) == 0;
         i++) {
        const cm_place *p = gaz->places[keys[i].place];
        if (!best || better(p, best, bbox))
            best = p;
    }
    return best;
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
    *out = NULL;
    if (!name)
        return CM_OK;
    char *folded = cm_name_fold(name);
    char *loose = folded ? cm_name_loosen(folded) : NULL;
    cm_status st = folded && loose ? CM_OK : CM_ERR_NOMEM;

    if (st == CM_OK && *folded) {
        *out = best_match(gaz, gaz->keys, gaz->n_keys, folded, bbox_deg);
        if (!*out)
            *out = best_match(gaz, gaz->loose, gaz->n_loose, loose, bbox_deg);
    }
    free(folded);
    free(loose);
    return st;
}

/* Levenshtein distance, with the rows capped: names are short. */
static size_t
edit_distance(const char *a, const char *b)
{
    enum { MAX = 64 };
    size_t la = strlen(a), lb = strlen(b), row[MAX + 1];
    if (la > MAX || lb > MAX)
        return MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
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

typedef struct candidate {
    size_t distance;
    long rank;
    const char *shown;
    size_t place;
} candidate;

static int
compare_candidates(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    if (a->rank != b->rank)
        return a->rank > b->rank ? -1 : 1;
    return strcmp(a->shown, b->shown);
}

size_t
cm_gazetteer_suggest(const cm_gazetteer *gaz, const char *name, const char **names,
                     size_t max)
{
    char *folded = name ? cm_name_fold(name) : NULL;
    candidate *c = folded ? malloc((gaz->n_keys + 1) * sizeof(*c)) : NULL;
    size_t n = 0, len = folded ? strlen(folded) : 0;
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;

    for (size_t i = 0; c && i < gaz->n_keys; i++) {
        /* The distance is at least the difference in length: most of a dump's
         * million names are ruled out without the full comparison. */
        size_t klen = strlen(gaz->keys[i].folded);
        if ((klen > len ? klen - len : len - klen) > limit)
            continue;
        size_t d = edit_distance(folded, gaz->keys[i].folded);
        if (d <= limit && d < len)
            c[n++] = (candidate){ d, gaz->places[gaz->keys[i].place]->rank,
                                  gaz->keys[i].shown, gaz->keys[i].place };
    }
    if (c)
        qsort(c, n, sizeof(*c), compare_candidates);
    /* One suggestion per place, in the spelling closest to what was typed:
     * "Goranboy" and its alias "Geranboy" are one place, not two choices. */
    size_t out = 0;
    for (size_t i = 0; i < n && out < max; i++) {
        int seen = 0;
        for (size_t k = 0; k < i; k++)
            seen |= c[k].place == c[i].place || strcmp(c[k].shown, c[i].shown) == 0;
        if (!seen)
            names[out++] = c[i].shown;
    }
    free(c);
    free(folded);
    return out;
}

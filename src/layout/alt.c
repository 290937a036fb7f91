/* The alt text: what the slice shows, in the sentences a reader of the map
 * would say, written from the slice and the base (its region, its regions'
 * outlines, the gazetteer) rather than from where labels were placed. */
#include "layout/layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Map of Nagorno-Karabakh, 9 October 2020, 15:15 GMT. New: Azerbaijan says it
 * took Hadrut and eight villages. Shelling reported near Goranboy." What the
 * slice shows, said as a reader of the map would say it: the region, the
 * moment, the new events grouped as the map's callouts group them (claims as
 * claims), small numbers in words, then how many earlier reports are shown. */

typedef struct alt_buf {
    char *s;
    size_t len, cap;
    cm_status status;
} alt_buf;

static void
append(alt_buf *a, const char *text)
{
    size_t n = strlen(text);
    if (a->status != CM_OK)
        return;
    if (!CM_RESERVE(a->s, a->cap, a->len + n + 1)) {
        a->status = CM_ERR_NOMEM;
        return;
    }
    memcpy(a->s + a->len, text, n + 1);
    a->len += n;
}

/* @fmt (translated by the caller) with its arguments, appended. */
__attribute__((format(printf, 2, 3))) static void
appendf(alt_buf *a, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    append(a, buf);
}

/* A count as a reader says it: words below ten in English, digits in the
 * languages of the catalogues (their number words agree with the noun). */
static const char *
count_words(const cm_scene_base *b, size_t n, char buf[32])
{
    if (b->words) {
        snprintf(buf, 32, "%zu", n);
        return buf;
    }
    static const char *const words[] = { "no", "one", "two", "three", "four", "five", "six",
                                         "seven", "eight", "nine" };
    if (n < 10)
        return words[n];
    snprintf(buf, 32, "%zu", n);
    return buf;
}

static double
alt_km(double lon1, double lat1, double lon2, double lat2)
{
    double dx = (lon2 - lon1) * cos((lat1 + lat2) / 2 * M_PI / 180) * 111.2;
    return hypot(dx, (lat2 - lat1) * 111.2);
}

static int
is_settlement(const cm_place *p)
{
    const char *kind = cm_place_kind(p);
    return strcmp(kind, "town") == 0 || strcmp(kind, "city") == 0 ||
           strcmp(kind, "capital") == 0;
}

/* Even-odd: the projected point is inside the polygon @p. */
static int
path_contains(const cm_scene_path *p, double x, double y)
{
    int inside = 0;
    for (size_t k = 0; k < p->n_parts; k++)
        for (size_t i = p->part_start[k], j = p->part_start[k + 1] - 1;
             i < p->part_start[k + 1]; j = i++) {
            double xi = p->xy[2 * i], yi = p->xy[2 * i + 1];
            double xj = p->xy[2 * j], yj = p->xy[2 * j + 1];
            if (isfinite(xi) && isfinite(xj) && (yi > y) != (yj > y) &&
                x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                inside = !inside;
        }
    return inside;
}

/* The town a village is "near": of the towns and cities within 30 km, the one
 * its district is named after (Qaracinar lies in Goranboy district), else the
 * nearest. NULL when the event's place is itself a town, or none is near. */
static const cm_place *
near_town(const cm_scene *sc, const cm_event *e, alt_buf *a)
{
    const cm_scene_base *b = sc->base;
    const cm_place *at = cm_event_place(e), *nearest = NULL, *seat = NULL;
    const cm_scene_path *district = NULL;
    double lon = cm_event_lon(e), lat = cm_event_lat(e), d_near = 30, d_seat = 30;
    double x = b->event_xy[2 * cm_event_index(e)], y = b->event_xy[2 * cm_event_index(e) + 1];
    if ((at && is_settlement(at)) || !b->gaz)
        return NULL;
    for (size_t i = 0; isfinite(x) && i < b->n_paths && !district; i++)
        if (b->paths[i].is_polygon && b->paths[i].group == CM_GROUP_REGIONS &&
            path_contains(&b->paths[i], x, y))
            district = &b->paths[i];
    for (size_t i = 0; i < cm_gazetteer_n_places(b->gaz) && a->status == CM_OK; i++) {
        const cm_place *p = cm_gazetteer_place(b->gaz, i);
        double d = alt_km(lon, lat, cm_place_lon(p), cm_place_lat(p));
        if (!is_settlement(p) || d >= 30)
            continue;
        if (d < d_near)
            d_near = d, nearest = p;
        if (!district || d >= d_seat)
            continue;
        char *key = cm_name_key(cm_place_name(p));
        if (!key)
            a->status = CM_ERR_NOMEM;
        else if (*key && layout_region_named(district, key))
            d_seat = d, seat = p;
        free(key);
    }
    return seat ? seat : nearest;
}

/* "Hadrut and eight villages", "Hadrut and Chayli", "Hadrut, Sur and Chayli". */
static void
append_places(alt_buf *a, const cm_scene *sc, const cm_event *const *evs, size_t n)
{
    char buf[160], num[32], first[160];
    const cm_scene_base *b = sc->base;
    snprintf(first, sizeof(first), "%s", layout_where_taken(b, evs[0], buf, sizeof(buf)));
    if (n < 2) {
        append(a, first);
        return;
    }
    if (n > 3) {
        const char *kind = NULL;
        for (size_t i = 1; i < n; i++) {
            const cm_place *p = cm_event_place(evs[i]);
            const char *k = p ? cm_place_kind(p) : "";
            kind = !kind || strcmp(kind, k) == 0 ? k : "";
        }
        const char *words = count_words(b, n - 1, num);
        if (!strcmp(kind, "village"))
            appendf(a, layout_wn(b, "%s and %s village", "%s and %s villages", n - 1), first,
                    words);
        else if (!strcmp(kind, "town"))
            appendf(a, layout_wn(b, "%s and %s town", "%s and %s towns", n - 1), first, words);
        else if (!strcmp(kind, "city"))
            appendf(a, layout_wn(b, "%s and %s city", "%s and %s cities", n - 1), first, words);
        else
            appendf(a, layout_wn(b, "%s and %s other place", "%s and %s other places", n - 1),
                    first, words);
        return;
    }
    append(a, first);
    for (size_t i = 1; i < n; i++) {
        append(a, i + 1 == n ? layout_w(b, " and ") : layout_w(b, ", "));
        append(a, layout_where_taken(b, evs[i], buf, sizeof(buf)));
    }
}

/* A full stop unless the sentence has one: "." or the language's ("։"). */
static void
end_sentence(alt_buf *a, const cm_scene_base *b)
{
    /* TRANSLATORS: the full stop that ends a sentence of the alt text */
    const char *stop = layout_w(b, ".");
    size_t n = strlen(stop);
    char last = a->len ? a->s[a->len - 1] : '.';
    if (last == '.' || last == '!' || last == '?' ||
        (a->len >= n && memcmp(a->s + a->len - n, stop, n) == 0))
        return;
    append(a, stop);
}

/* New control changes to one side with one status, in one sentence, the
 * place of highest rank first: "Azerbaijan says it took Hadrut and eight
 * villages." @evs holds them, @n of them. */
static void
append_control(alt_buf *a, const cm_scene *sc, const cm_event **evs, size_t n)
{
    for (size_t i = 1; i < n; i++) {   /* the lead first, as the map's callout has it */
        long r0 = cm_event_place(evs[0]) ? cm_place_rank(cm_event_place(evs[0])) : 0;
        long ri = cm_event_place(evs[i]) ? cm_place_rank(cm_event_place(evs[i])) : 0;
        if (ri > r0) {
            const cm_event *t = evs[0];
            evs[0] = evs[i];
            evs[i] = t;
        }
    }
    const cm_side *side = cm_events_find_side(sc->base->events, cm_event_control_to(evs[0]));
    const char *who = side ? layout_side_name(sc->base, side) : cm_event_control_to(evs[0]);
    const char *status = cm_event_status(evs[0]);
    size_t len = strlen(who);
    int plural = len > 1 && who[len - 1] == 's';
    const cm_scene_base *b = sc->base;
    alt_buf places = { NULL, 0, 0, CM_OK };
    append_places(&places, sc, evs, n);
    if (places.status != CM_OK) {
        a->status = places.status;
        return;
    }
    if (strcmp(status, "disputed") == 0)
        appendf(a, layout_w(b, "Control of %s disputed"), places.s);
    else   /* as the callout says it (markers.c) */
        appendf(a, layout_took_words(b, status, plural), who, places.s);
    free(places.s);
}

/* Shelling, strikes and clashes are said by kind and place ("Shelling
 * reported near Goranboy"), one sentence per kind; other events by headline. */
static const char *
reported_kind(const char *kind)
{
    static const char *const kinds[][2] = {
        { "shelling", CM_N_("Shelling reported %s") }, { "strike", CM_N_("Strikes reported %s") },
        { "clash", CM_N_("Clashes reported %s") },
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kind, kinds[i][0]) == 0)
            return kinds[i][1];
    return NULL;
}

/* "in Hadrut", "near Goranboy" (a village said by its town), and for an
 * event given only by lon/lat its words as the label has them: "in
 * Kherson", "12 km SE of Kherson", "at 46.97°N 32.00°E". */
static void
append_where(alt_buf *a, const cm_scene *sc, const cm_event *e)
{
    char buf[160];
    const cm_scene_base *b = sc->base;
    const char *lang = b->lang;
    const cm_near *near = cm_event_near(e);
    if (!cm_event_place(e) && !*cm_event_place_name(e)) {
        const char *where = layout_where(b, e, buf, sizeof(buf));
        if (!near || !near->place)
            appendf(a, layout_w(b, "at %s"), where);
        else if (near->is_at)
            appendf(a, layout_w(b, "in %s"), where);
        else
            append(a, where);
        return;
    }
    const cm_place *town = near_town(sc, e, a);
    if (town)
        appendf(a, layout_w(b, "near %s"), cm_place_name_in(town, lang));
    else
        appendf(a, layout_w(b, "in %s"), layout_where(b, e, buf, sizeof(buf)));
}

static void
append_reported(alt_buf *a, const cm_scene *sc, const cm_event **evs, size_t n)
{
    const cm_scene_base *b = sc->base;
    alt_buf where = { NULL, 0, 0, CM_OK };
    for (size_t i = 0; i < n; i++) {
        append(&where, i == 0 ? "" : i + 1 == n ? layout_w(b, " and ") : layout_w(b, ", "));
        append_where(&where, sc, evs[i]);
    }
    if (where.status == CM_OK)
        appendf(a, layout_w(b, reported_kind(cm_event_kind(evs[0]))), where.s);
    else
        a->status = where.status;
    free(where.s);
}

/* Which sentence an event goes in: events of one group share it. */
static int
same_sentence(const cm_event *a, const cm_event *b)
{
    if (cm_event_control_to(a) || cm_event_control_to(b))   /* as control_cohort() */
        return cm_event_control_to(a) && cm_event_control_to(b) &&
               cm_event_time(a) == cm_event_time(b) &&
               strcmp(cm_event_control_to(a), cm_event_control_to(b)) == 0 &&
               strcmp(cm_event_status(a), cm_event_status(b)) == 0;
    return reported_kind(cm_event_kind(a)) &&
           strcmp(cm_event_kind(a), cm_event_kind(b)) == 0;
}

/* The sentences an alt text says at most before counting the rest. */
enum { MAX_SENTENCES = 30 };

/* Orders new events' indices so that those of one sentence are together,
 * each group in the order of the file: by what same_sentence() compares,
 * then by index. An event no other joins (not a control change, not of a
 * reported kind) is a group of its own. qsort has no context: the array is
 * this thread's. */
static _Thread_local const cm_event **sort_fresh;

static int
sentence_class(const cm_event *e)
{
    return cm_event_control_to(e) ? 0 : reported_kind(cm_event_kind(e)) ? 1 : 2;
}

static int
compare_sentence(const void *pa, const void *pb)
{
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const cm_event *a = sort_fresh[ia], *b = sort_fresh[ib];
    int ca = sentence_class(a), cb = sentence_class(b), c = (ca > cb) - (ca < cb);
    if (!c && ca == 0) {
        cm_time ta = cm_event_time(a), tb = cm_event_time(b);
        c = strcmp(cm_event_control_to(a), cm_event_control_to(b));
        c = c ? c : (ta > tb) - (ta < tb);
        c = c ? c : strcmp(cm_event_status(a), cm_event_status(b));
    } else if (!c && ca == 1) {
        c = strcmp(cm_event_kind(a), cm_event_kind(b));
    }
    return c ? c : (ia > ib) - (ia < ib);
}

/* Runs (their starts in the sorted order) by their first event's index. */
static _Thread_local const size_t *sort_order;

static int
compare_runs(const void *pa, const void *pb)
{
    size_t a = sort_order[*(const size_t *)pa], b = sort_order[*(const size_t *)pb];
    return (a > b) - (a < b);
}

cm_status
layout_write_alt(cm_scene *sc)
{
    const cm_slice *sl = sc->slice;
    const cm_events *ev = sc->base->events;
    size_t n = cm_slice_n_events(sl), n_new = 0, n_old = 0;
    char moment[LAYOUT_TIME_BUF], num[32];
    const cm_scene_base *b = sc->base;
    alt_buf a = { NULL, 0, 0, CM_OK };
    const cm_event **fresh = malloc((n + 1) * sizeof(*fresh)),
                   **group = malloc((n + 1) * sizeof(*group));
    if (!fresh || !group)
        a.status = CM_ERR_NOMEM;
    for (size_t k = 0; a.status == CM_OK && k < n; k++) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(sl, k, &state);
        if (state == CM_EVENT_NEW)
            fresh[n_new++] = e;
        else
            n_old++;
    }
    cm_catalog_date(b->words, "{day} {month} {year}, {time} GMT", cm_slice_time(sl), moment,
                    sizeof(moment));
    if (b->region)
        appendf(&a, layout_w(b, "Map of %s, %s."), cm_place_name_in(b->region, b->lang), moment);
    else if (*cm_events_title(ev))
        appendf(&a, layout_w(b, "Map: %s, %s."), cm_events_title(ev), moment);
    else
        appendf(&a, layout_w(b, "Map of reported events, %s."), moment);
    if (sc->change_words) {   /* territory that changed hands (layout/control.c) */
        append(&a, " ");
        append(&a, sc->change_words);
    }
    /* The sentences, each of the new events of one group (same_sentence),
     * in the order of their first event: found by sorting, not by comparing
     * every pair (20,000 new events took 0.9 s). A reader hears the first
     * MAX_SENTENCES and how many more reports there are. */
    size_t *order = malloc((n_new + 1) * sizeof(*order));
    if (!order)
        a.status = CM_ERR_NOMEM;
    size_t n_said = 0, n_unsaid = 0;
    if (a.status == CM_OK) {
        for (size_t i = 0; i < n_new; i++)
            order[i] = i;
        sort_fresh = fresh;
        qsort(order, n_new, sizeof(*order), compare_sentence);
        /* order[] now runs group by group, each run from its first event;
         * the runs are said in the order of their first events */
        size_t *runs = malloc((n_new + 1) * sizeof(*runs)), n_runs = 0;
        if (!runs)
            a.status = CM_ERR_NOMEM;
        for (size_t k = 0; a.status == CM_OK && k < n_new; k++)
            if (k == 0 || sentence_class(fresh[order[k]]) == 2 ||
                !same_sentence(fresh[order[k - 1]], fresh[order[k]]))
                runs[n_runs++] = k;
        if (a.status == CM_OK) {
            sort_order = order;
            qsort(runs, n_runs, sizeof(*runs), compare_runs);
        }
        for (size_t r = 0; a.status == CM_OK && r < n_runs; r++) {
            size_t k = runs[r], m = 0;
            group[m++] = fresh[order[k]];
            while (k + m < n_new && sentence_class(fresh[order[k + m]]) != 2 &&
                   same_sentence(fresh[order[k + m - 1]], fresh[order[k + m]]))
                group[m] = fresh[order[k + m]], m++;
            if (n_said == MAX_SENTENCES) {
                n_unsaid += m;
                continue;
            }
            const cm_event *e = group[0];
            append(&a, " ");
            if (r == 0)
                append(&a, layout_w(b, "New: "));
            if (cm_event_control_to(e))
                append_control(&a, sc, group, m);
            else if (m > 1 || reported_kind(cm_event_kind(e)))
                append_reported(&a, sc, group, m);
            else
                append(&a, *cm_event_headline(e) ? cm_event_headline(e) : cm_event_kind(e));
            end_sentence(&a, b);
            n_said++;
        }
        free(runs);
    }
    free(order);
    if (n_unsaid) {
        append(&a, " ");
        appendf(&a, layout_wn(b, "And %s more new report.", "And %s more new reports.", n_unsaid),
                count_words(b, n_unsaid, num));
    }
    if (n_new == 0) {   /* what changed hands was said: only the reports are not new */
        append(&a, " ");
        append(&a, sc->change_words ? layout_w(b, "No new reports since the previous map.")
                                    : layout_w(b, "Nothing new since the previous map."));
    }
    if (n_old) {
        append(&a, " ");
        appendf(&a, layout_wn(b, "Also shown: %s earlier report.", "Also shown: %s earlier reports.",
                              n_old), count_words(b, n_old, num));
    }
    free(fresh);
    free(group);
    if (a.status != CM_OK) {
        free(a.s);
        return a.status;
    }
    sc->alt = a.s;
    return CM_OK;
}

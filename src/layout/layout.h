/* What the files of src/layout/ share, for them only (the backends read the
 * scene through layout/scene.h). Its functions start with layout_, so that
 * none clashes with a name outside the library; the small ones called per
 * label, marker or obstacle are static inline. Its types keep short names.
 *
 * The files, each using only what comes before it in this list:
 *   present.c  what the events bring to the legend (for the base and the legend)
 *   room.c     where a name fits inside an area: the roomiest spot of its visible part
 *   coast.c    the fine coast: land, sea and coastline from the land layer, borders inland
 *   base.c     the scene base: layers projected, places, countries, inset, region
 *   collide.c  the label-collision engine: obstacles, labels placed beside points
 *   frame.c    the header, footer and scale bar
 *   markers.c  the events on the map and their labels
 *   offmap.c   arrows at the map's edge for places off it
 *   territory.c  the areas held, dissolved per side and status (GEOS), front lines,
 *              what changed hands, in km² on the ellipsoid
 *   control.c  areas shaded and places marked for the side that holds them
 *   context.c  country names and the towns that give the reader bearings
 *   legend.c   the legend and the "New at" box
 *   alt.c      the alt text
 *   scene.c    cm_scene_layout: the order the parts are laid out in */
#ifndef CM_SRC_LAYOUT_H
#define CM_SRC_LAYOUT_H

#include "layout/scene.h"
#include "common/grow.h"
#include "common/catalog.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- the map's own words, in its language (common/catalog.h) ----------------------------- */

/* @en's translation in the map's language, or @en. po/update collects the
 * phrases from these calls and from CM_N_() into po/conflictmap.pot. */
__attribute__((format_arg(2))) static inline const char *
layout_w(const cm_scene_base *b, const char *en)
{
    return cm_catalog_get(b->words, en);
}

/* The form of @one / @many for @n, in the map's language. */
__attribute__((format_arg(3))) static inline const char *
layout_wn(const cm_scene_base *b, const char *one, const char *many, unsigned long n)
{
    return cm_catalog_nget(b->words, one, many, n);
}

/* @en as said in context @ctx (a .po msgctxt). */
__attribute__((format_arg(3))) static inline const char *
layout_wp(const cm_scene_base *b, const char *ctx, const char *en)
{
    return cm_catalog_pget(b->words, ctx, en);
}

/* A side's name in the map's language (base.c): the country's, for a side
 * named after one, where the gazetteer has it; else the events file's. */
const char *layout_side_name(const cm_scene_base *b, const cm_side *side);

/* ---- present.c ---------------------------------------------------------------------------- */

typedef struct layout_kind_word {
    const char *kind, *words;
} layout_kind_word;

/* The kinds of event the legend names, in its order, with the words it uses. */
extern const layout_kind_word layout_kind_words[9];

typedef struct cm_legend_present {
    int sides[64], kinds[16], reported, claimed, confirmed, disputed, uncertain, fresh, other;
    int clustered;             /* numbered circles: places too close to show apart */
} present;

/* Notes in @p what @e (in @state) brings to the legend. */
void layout_note_present(const cm_events *ev, const cm_event *e, cm_event_state state,
                         present *p);
/* Fills @b->all_present from every event of the timeline. CM_OK or CM_ERR_NOMEM. */
cm_status layout_note_all_events(cm_scene_base *b);

/* Where an event's marker is drawn: its projected position to the half
 * pixel, so that the events of one place share one spot (markers.c groups them
 * there). */
static inline double
layout_spot(double v)
{
    return round(v * 2) / 2;
}

/* The radius of the ring that @n markers of radius @r0 at one spot are spread
 * on (0 for one marker). */
static inline double
layout_ring_px(size_t n, double r0)
{
    return n > 1 ? r0 * 1.6 : 0;
}

/* How far from its place an event's label keeps: as if the place had several
 * events (a ring), so that the label need not move when a second report
 * arrives there; the place's name keeps as far before its first (context.c). */
static inline double
layout_event_reach(const cm_style *st)
{
    return layout_ring_px(2, st->marker_px) + st->marker_px;
}

/* A map with more places than this that have events on it is too dense to
 * show each: places that share a cell of a grid of layout_cluster_cell_px()
 * are drawn as one circle with the number of events (markers.c). */
enum { LAYOUT_CLUSTER_SPOTS = 400 };

/* A cluster's circle: larger with more events, at most 2.2 markers wide, so
 * that two circles in neighbouring cells never touch. */
static inline double
layout_cluster_radius(const cm_style *st, size_t n)
{
    return st->marker_px * fmin(2.2, 1.1 + 0.35 * log10((double)(n ? n : 1)));
}

static inline double
layout_cluster_cell_px(const cm_style *st)
{
    return 2 * 2.2 * st->marker_px + 6;
}

/* ---- room.c ------------------------------------------------------------------------------- */

/* The spot inside the polygon @p, within @map_rect, with the most room around
 * it where a box of @w x @h pixels centred there lies wholly inside the part
 * of @p on the map and outside the @n_avoid boxes @avoid (x, y, width, height
 * each: what sits on the map for every slice, the inset, the scale bar): 1 and
 * the spot in *@x, *@y, or 0 when there is none (or no memory to look). */
int layout_room_for(const cm_scene_path *p, const double map_rect[4], const double (*avoid)[4],
                    size_t n_avoid, double w, double h,
                    double *x, double *y);
/* qsort's comparison of doubles, ascending. */
int layout_compare_doubles(const void *a, const void *b);
/* 1 when (@x, @y) is inside the polygon @p (even-odd, as it is filled). */
int layout_path_contains(const cm_scene_path *p, double x, double y);

/* ---- base.c: the frame's sizes ---------------------------------------------------------- */

/* A portrait page's title takes up to this many lines. The band below its map
 * holds, unless told otherwise (cm_scene_base's band_rows and band_lines), a
 * legend of this many rows and a "New at" box of this many lines under its
 * heading; a larger legend grows up over the map's bottom edge. */
enum { LAYOUT_TITLE_LINES = 2, LAYOUT_BAND_ROWS = 4, LAYOUT_BAND_LINES = 2 };

/* On a portrait page: how tall a legend row is, and the inner padding of the
 * legend and of the "New at" box (tighter than over a landscape map). */
static inline double
layout_portrait_row_px(const cm_style *st)
{
    return st->note_px + 4;
}

enum { LAYOUT_PORTRAIT_PAD = 6 };

/* The "New at" box with a heading and @lines lines, padded by @pad. */
static inline double
layout_latest_height(const cm_style *st, size_t lines, double pad)
{
    return st->note_px * 1.5 + 4 + (st->note_px * 1.4 + 2) * (double)lines + 2 * pad;
}

/* The frame of a page of @width_px x @height_px: on a landscape page the
 * style's header and footer; on a portrait one (taller than wide by a tenth)
 * its own, with a band between the map and the footer for the "New at" box
 * (a heading and @box_lines lines) over the legend (@legend_rows rows); 0 for
 * either: LAYOUT_BAND_LINES, LAYOUT_BAND_ROWS. layout_map_rect() leaves the
 * map what is between. */
typedef struct layout_frame_sizes_t {
    int portrait;
    double margin_px, title_px, subtitle_px, moment_px;
    double header_px, footer_px, band_px;
    size_t box_lines, legend_rows;   /* what the band holds, on a portrait page */
} layout_frame_sizes_t;

void layout_frame_sizes(const cm_style *st, int width_px, int height_px, size_t box_lines,
                        size_t legend_rows, layout_frame_sizes_t *f);
/* The frame of @b's pages: its band as render.c measured it (layout_band_measure). */
static inline void
layout_frame_sizes_of(const cm_scene_base *b, layout_frame_sizes_t *f)
{
    layout_frame_sizes(b->style, b->width_px, b->height_px, b->band_lines, b->band_rows, f);
}

/* ---- base.c (for coast.c) ------------------------------------------------------------------ */

/* Notes the "credit" field of @shape, drawn on the map, in @b->credits (once). */
void layout_note_credit(cm_scene_base *b, const cm_shape *shape);

/* ---- coast.c ------------------------------------------------------------------------------ */

/* The edges two outlines of one layer share: a border, where an edge only one
 * outline has is a coast. */
typedef struct layout_shared {
    struct edge_key *keys;     /* sorted */
    size_t n;
} layout_shared;

/* Which edges of an outline a run is made of. */
typedef enum layout_runs {
    LAYOUT_RUNS_SHARED,        /* the borders */
    LAYOUT_RUNS_UNSHARED,      /* the coarse coast */
    LAYOUT_RUNS_COAST          /* of the land layer: all but the tiles' cuts */
} layout_runs;

/* The shared edges of @layer's shapes into @s (layout_shared_free). CM_OK or CM_ERR_NOMEM. */
cm_status layout_shared_make(layout_shared *s, const cm_layer *layer);
void      layout_shared_free(layout_shared *s);
/* 1 and the land layer in *@land when one of @layers has the role land and shapes. */
int       layout_has_land(const cm_layer *const *layers, size_t n_layers, const cm_layer **land);
/* Adds the runs @which of @shape's outline (@s: its layer's shared edges) as one
 * path of lines stroked with @stroke; @is_rim marks a rim (scene.h). Nothing
 * when no run is on the map. CM_OK or CM_ERR_NOMEM. */
cm_status layout_add_runs(cm_scene_base *b, const char *role, const cm_shape *shape,
                          layout_runs which, const layout_shared *s, cm_stroke stroke, int is_rim);
/* Adds all of @land as one path filled with the land's colour (one path: tiles
 * drawn apart would show their seams). CM_OK or CM_ERR_NOMEM. */
cm_status layout_add_land(cm_scene_base *b, const cm_layer *land);
/* Adds the sea (the map less @land, in the water's colour) and the coastline. */
cm_status layout_add_sea_and_coast(cm_scene_base *b, const cm_layer *land);

/* ---- collide.c ---------------------------------------------------------------------------- */

typedef struct box {
    double x, y, w, h;
} box;

/* Obstacles are kept in a grid over the page as well: each cell lists the
 * obstacles that touch it, the latest first, so that asking whether a box is
 * free reads the few near it, not all of them (20,000 events' markers made
 * label placement quadratic: 6.6 s for one slice). */
enum { LAYOUT_CELL_PX = 32 };
typedef struct layout_grid {
    int nx, ny;
    int *head;                   /* per cell: its latest entry, or -1 */
    struct layout_grid_entry {
        int next;                /* the cell's entry before, or -1 */
        int item;                /* the obstacle, marker or leader line */
    } *entries;
    size_t n_entries, cap_entries;
} layout_grid;

/* A leader line, from its place's symbols (x0, y0) to its label (x1, y1). */
typedef struct layout_leader {
    double x0, y0, x1, y1;
} layout_leader;

typedef struct layout {
    cm_scene *sc;
    const cm_scene_base *b;
    const cm_style *st;
    box *obstacles;
    size_t n_obstacles, cap_obstacles;
    layout_grid grid;
    layout_grid marker_grid;     /* sc->markers, by index, as the boxes around them */
    layout_leader *leaders;      /* the leader lines placed: no box, marker or other
                                    leader line may cross one */
    size_t n_leaders, cap_leaders;
    layout_grid leader_grid;     /* the leaders, by index, as their bounding boxes */
    double legend_top;           /* a portrait page: the top of the legend's largest form */
    int clustered;               /* places on the map are many: clusters are drawn */
    cm_status status;
} layout;

/* How far a label beside a point may be from it, at most (the nearest point
 * of its box): 5 symbol widths, a marker's diameter each (70 px in the light
 * and dark styles, 75 in print), at every size. A label that fits nowhere
 * nearer, with a leader line that crosses no other and no marker, is left
 * out and listed as dropped (manifest.json's dropped_labels). At 4 widths the
 * villages around Hadrut lost 13 names in the example's 23 slices at
 * 1600x1200; at 5, 2. */
static inline double
layout_label_max_px(const cm_style *st)
{
    return 5 * 2 * st->marker_px;
}

static inline int
layout_inside_rect(const double r[4], double x, double y, double inset)
{
    return isfinite(x) && isfinite(y) && x >= r[0] + inset && x <= r[0] + r[2] - inset &&
           y >= r[1] + inset && y <= r[1] + r[3] - inset;
}

static inline int
layout_overlaps(box a, box b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* The grids for a page of @width_px x @height_px; layout_grid_free() frees
 * them, and the leader lines. */
cm_status layout_grid_init(layout *L, int width_px, int height_px);
void layout_grid_free(layout *L);
/* Nothing placed so far overlaps @bx: no obstacle, no leader line. */
int layout_box_free(const layout *L, box bx);
/* 1 when the map is written right to left (Arabic): its frame, legend and
 * boxes are mirrored, their text set in a right-to-left embedding. */
static inline int
layout_is_rtl(const layout *L)
{
    return cm_lang_is_rtl(L->b->lang);
}

/* On a right-to-left map, the labels, markers and rects from these indices on
 * mirrored about the map's vertical middle, labels anchored at their end
 * (frame.c, legend.c: the title right, the legend bottom right, its symbols
 * right of their words); else nothing. */
void layout_mirror(layout *L, size_t first_label, size_t first_marker, size_t first_rect);
/* @bx mirrored as layout_mirror() mirrors, on a right-to-left map. */
box layout_mirror_box(const layout *L, box bx);

/* @bx is taken; layout_pop_obstacle() frees the latest taken again. */
void layout_add_obstacle(layout *L, box bx);
void layout_pop_obstacle(layout *L);

/* How a label may be placed: an event's may take a leader line, an edge
 * marker's may move along the edge with its arrow, a town's name that will be
 * an event's label (LABEL_PLACE) holds the room that label takes; any label
 * that was on the previous slice keeps its spot or is left out (a name that
 * jumps about distracts more than one that is briefly not shown). */
enum { LABEL_EVENT, LABEL_EDGE, LABEL_CONTEXT, LABEL_PLACE };

/* The size of @text set at @size_px into *@w, *@h, and how far below its top
 * its first line's baseline is into *@baseline. */
void layout_measure(layout *L, const char *text, double size_px, int bold, int italic,
                    double *w, double *h, double *baseline);
/* A label, marker or box added to the scene, not placed yet (labels are
 * measured); NULL, with L->status set, when out of memory. */
cm_scene_label *layout_add_label(layout *L, const char *text, cm_group group, double size_px,
                                 int bold, int italic, cm_rgba color);
/* @lb's text shortened (by whole characters, with an ellipsis) until it fits @w_px. */
void layout_fit_width(layout *L, cm_scene_label *lb, double w_px);
/* @text at @size_px in at most @max_lines lines of at most @width px, broken
 * after spaces (or after @sep, for a list such as the credit), the last line
 * cut with an ellipsis when the text is longer; one label of @group a line,
 * from (@x, @y) down. Returns the y below the last line. */
double layout_wrap_lines(layout *L, cm_group group, const char *text, const char *sep,
                         double size_px, int bold, cm_rgba color, double x, double y,
                         double width, int max_lines);
/* Whether layout_wrap_lines() would fit @text whole, none of it cut. */
int layout_wraps_whole(layout *L, const char *text, const char *sep, double size_px, int bold,
                       double width, int max_lines);
cm_scene_rect *layout_add_rect(layout *L, cm_group group, box bx, cm_rgba fill,
                               cm_stroke stroke);
cm_scene_marker *layout_add_marker(layout *L, cm_group group, const cm_event *ev, double x,
                                   double y, double r);
/* @text noted as a label the layout left out. */
void layout_note_dropped(layout *L, const char *text);
/* Places @lb beside (x, y), a symbol of radius @r there, as @mode allows; 0
 * when it fits nowhere. */
int layout_place_label(layout *L, cm_scene_label *lb, double x, double y, double r, int mode);
/* A label beside (x, y), or none (then noted as dropped). */
void layout_label_point(layout *L, const char *text, const cm_event *ev, double x, double y,
                        double r, double size_px, int bold, cm_rgba color, int mode);
/* A label centred on (x, y), or a little above or below it, or none. */
void layout_label_area(layout *L, const char *text, double x, double y, double size_px,
                       int bold, int italic, cm_rgba color);

/* ---- frame.c ------------------------------------------------------------------------------ */

void layout_frame(layout *L);

/* ---- markers.c ---------------------------------------------------------------------------- */

static const cm_rgba layout_white = { 1, 1, 1, 1 };

/* The colour of the side @code, or @fallback when there is no such side. */
static inline cm_rgba
layout_side_color(const cm_events *ev, const char *code, cm_rgba fallback)
{
    const cm_side *side = cm_events_find_side(ev, code);
    double rgb[3];
    if (!side)
        return fallback;
    cm_side_rgb(side, rgb);
    return (cm_rgba){ rgb[0], rgb[1], rgb[2], 1 };
}

/* An event of the slice, where it is. */
typedef struct entry {
    const cm_event *event;
    cm_event_state state;
    double x, y;
    size_t order;              /* position in the slice, oldest first */
} entry;

/* The events of the slice at one place on the map. */
typedef struct group {
    double x, y;               /* where the place is */
    size_t first, n;           /* into the slice's events, in the sorted order */
    int has_new, has_control;
    const cm_event *label_event;
} group;

static inline void
layout_add_position(layout *L, const cm_event *e, double x, double y)
{
    cm_scene *sc = L->sc;
    if (!CM_GROW(sc->positions, sc->n_positions, sc->cap_positions)) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    sc->positions[sc->n_positions] = (struct cm_scene_position){ e, x, y, sc->n_positions };
    sc->n_positions++;
}

cm_symbol layout_symbol_for(const char *kind);
cm_status layout_collect(layout *L, entry **on, size_t *n_on, entry **off, size_t *n_off);
/* 0 for a place with new events and a control change, up to 3 for one with neither. */
int layout_group_rank(const group *g);
group *layout_on_map(layout *L, entry *on, size_t n_on, size_t *n_groups);
void layout_label_groups(layout *L, const group *groups, size_t n_groups);

/* ---- offmap.c, control.c, context.c, legend.c, alt.c -------------------------------------- */

void layout_off_map(layout *L, const entry *off, size_t n_off);
/* 1 when one of the region @p's name keys is @key (territory.c). */
int layout_region_named(const cm_scene_path *p, const char *key);
/* The slice's territory, a reference the scene holds: the previous slice's
 * when the control state is the same; NULL when nothing is held (or out of
 * memory: L->status says). */
layout_territory *layout_territory_of(layout *L);
/* The control areas simplified for a base (territory.c): made empty with the
 * base, filled as the slices use them. */
struct layout_control_cache *layout_control_cache_create(void);
void layout_control_cache_destroy(struct layout_control_cache *c);   /* NULL is fine */
/* "20 November", or "9 October, 07:25" when not at midnight (UTC), in the
 * map's language. */
enum { LAYOUT_TIME_BUF = 128 };
void layout_short_time(const cm_scene_base *b, cm_time t, char buf[LAYOUT_TIME_BUF]);
void layout_areas(layout *L);
void layout_control(layout *L);
void layout_countries(layout *L);
void layout_context(layout *L);
void layout_regions(layout *L);
void layout_legend(layout *L);
void layout_latest(layout *L);
/* The alt text of @sc into sc->alt. CM_OK or CM_ERR_NOMEM. */
cm_status layout_write_alt(cm_scene *sc);

/* "%s says it took %s" (the side, the places) in the map's language, for a
 * control change of @status ("confirmed", "reported", "claimed") to a side
 * whose name is in the plural when @plural (markers.c). */
__attribute__((format_arg(2))) const char *layout_took_words(const cm_scene_base *b,
                                                             const char *status, int plural);

/* Where a control change took, as a sentence says it: the place, or for an
 * event given by lon/lat away from any place, "positions 12 km SE of
 * Kherson" (markers.c). Returns a borrowed string or @buf. */
const char *layout_where_taken(const cm_scene_base *b, const cm_event *e, char *buf, size_t size);

/* Where @e is, as its label says it in the map's language: cm_event_where(),
 * with "10 km E of Kherson" in the catalogue's words (markers.c). Returns a
 * borrowed string or @buf. */
const char *layout_where(const cm_scene_base *b, const cm_event *e, char *buf, size_t size);

#endif

/* The scene's parts, for the backends that draw them. For other src/ files only. */
#ifndef CM_SRC_SCENE_H
#define CM_SRC_SCENE_H

#include "conflictmap/scene.h"
#include "layout/group.h"
#include "load/style.h"
#include <math.h>
#include <pango/pango.h>

typedef enum cm_symbol {
    CM_SYM_CIRCLE, CM_SYM_SQUARE, CM_SYM_DIAMOND, CM_SYM_TRIANGLE, CM_SYM_CROSS,
    CM_SYM_STAR, CM_SYM_PLUS, CM_SYM_ARROW, CM_SYM_HEXAGON, CM_SYM_STAR4, CM_SYM_PENTAGON,
    CM_SYM_LINE,               /* a short stroke: a line style in the legend */
    CM_SYM_HATCH               /* a hatched square: a claimed area in the legend */
} cm_symbol;

typedef struct cm_scene_path {
    cm_group group;            /* the layer's role: countries, regions, lines, world */
    const char *role;          /* the role as the layer has it (borrowed), the name of
                                  an other group; NULL in the inset */
    const cm_shape *shape;     /* where it came from (borrowed from its layer) */
    char *name_keys[4];        /* regions: cm_name_key of its name fields, owned */
    double *xy;                /* n_points (x, y) pairs in pixels */
    size_t *part_start;        /* n_parts + 1 offsets into the points */
    size_t n_points, n_parts;
    int is_polygon;
    int is_rim;                /* a country's coarse coast stroked in its fill's colour, which
                                  widens it up to the fine coast (layout/coast.c) */
    cm_rgba fill;              /* alpha 0: not filled */
    cm_stroke stroke;          /* width 0: not stroked */
} cm_scene_path;

typedef struct cm_scene_marker {
    const cm_event *event;     /* NULL for a control-state or context marker */
    cm_group group;            /* events, control, places, legend */
    double x, y, r, angle;     /* angle (radians) for an edge arrow */
    cm_symbol symbol;
    cm_rgba fill, stroke;
    double stroke_px;
    double dash_px[2];         /* for CM_SYM_LINE */
    double uncertainty_px;     /* radius of the "somewhere near" ring; 0 for none */
    int is_new, is_offmap;
    size_t count;              /* a cluster's circle: the events it stands for; else 0 */
} cm_scene_marker;

/* Which point of a label stays put: its start, middle or end, on the first
 * line's baseline. A label right of its place keeps its start, one left of it
 * its end, one above or below its middle, so that the same name set bold
 * while new and regular afterwards does not move (the SVG says it with
 * text-anchor, so that a viewer's other font keeps it too). */
typedef enum cm_anchor { CM_ANCHOR_START, CM_ANCHOR_MIDDLE, CM_ANCHOR_END } cm_anchor;

typedef struct cm_scene_label {
    char *text;                /* owned */
    cm_group group;            /* labels, frame, legend, latest */
    const cm_event *event;
    double x, y, w, h;         /* the text's box, top-left, in pixels */
    double baseline_px;        /* the first line's baseline, below y */
    cm_anchor anchor;
    int spot;                  /* beside a point: which of the positions (layout/collide.c) */
    double hold[4];            /* the box it keeps from other labels (x, y, w, h), on the
                                  next slice too: its own, or a town's name the larger
                                  one of the event label it will be (layout/context.c) */
    int is_beside;             /* set beside the point (point_x, point_y), a place */
    double point_x, point_y;
    double size_px;
    int bold, italic, has_halo;
    cm_rgba color, halo;
    int has_leader;            /* a line from (leader_x, leader_y) to the box */
    double leader_x, leader_y;
} cm_scene_label;

/* Where @lb's leader line meets its box: the side nearest the point, at the
 * point's height kept inside the box (or straight above or below). The
 * backends draw it so, and the layout keeps it clear of others so. */
static inline void
cm_scene_leader_end(const cm_scene_label *lb, double *x, double *y)
{
    *x = lb->leader_x < lb->x ? lb->x : lb->x + lb->w;
    *y = fmin(fmax(lb->leader_y, lb->y + 2), lb->y + lb->h - 2);
    if (lb->leader_x >= lb->x && lb->leader_x <= lb->x + lb->w)
        *x = lb->leader_x;
}

typedef struct cm_scene_rect {
    cm_group group;            /* frame, legend, latest */
    double x, y, w, h;
    cm_rgba fill;
    cm_stroke stroke;
} cm_scene_rect;

/* The path's group name: its SVG id and class. */
static inline const char *
cm_scene_path_group(const cm_scene_path *p)
{
    return p->group == CM_GROUP_OTHER ? p->role : cm_group_name(p->group);
}

typedef struct context_place {
    const cm_place *place;
    double x, y;
    double room_px;            /* how far its name keeps from it on every slice: an
                                  event's label's reach when an event of the run is
                                  drawn on it, else 0 (context.c) */
} context_place;

struct cm_scene_base {
    int width_px, height_px;
    char lang[8];              /* labels in this language where the gazetteer can */
    struct cm_catalog *words;  /* the map's own words in lang (common/catalog.h), owned;
                                  NULL: English */
    char (*side_names)[128];   /* per side of the events, its name in lang (base.c
                                  layout_side_name), owned; NULL: as the file has them */
    const cm_style *style;
    const cm_projection *proj;
    const cm_events *events;
    double map_rect[4];
    double center_lon, center_lat;
    double near_deg[4];        /* shapes outside this are not drawn */
    double bbox_deg[4];        /* the extent the projection was fitted to */
    cm_scene_path *paths;
    size_t n_paths, n_paths_cap;
    context_place *places;
    size_t n_places, n_places_cap;
    double *event_xy;          /* per event in file order: projected, or NaN */
    struct cm_legend_present *all_present;   /* what the timeline's events bring to
                                                the legend (present.c) */
    struct cm_country_label {
        char text[128];        /* the name in spaced capitals */
        double x, y;
        int is_region;         /* a first-level region's (an oblast's), not a country's */
    } *countries;              /* where each country and region on the map is named */
    size_t n_countries, cap_countries;
    cm_scene_path *inset;      /* the locator inset: the world around the map */
    size_t n_inset, cap_inset;
    double inset_rect[4];      /* x, y, width, height; width 0 when there is none */
    double scale_bar_m;        /* the scale bar's ground length; NaN for none */
    double scale_bar_px;       /* its length on the map, measured where it is drawn */
    double inset_extent[4];    /* the map's bbox inside the inset, x, y, w, h */
    PangoContext *pango;       /* for measuring text */
    struct cm_memo *measured;  /* text sizes already measured (memo.h) */
    const cm_gazetteer *gaz;   /* borrowed; read by the alt text */
    const cm_place *region;    /* the region the map is about (alt text); may be NULL */
    const struct cm_control *control;   /* dated control areas (load/control.h), borrowed;
                                           NULL: none */
    struct layout_control_cache *control_cache;   /* the control areas simplified to this
                                                     map's scale, each on first use
                                                     (territory.c), owned */
    char credits[256];         /* what the layers drawn ask to be credited with (their
                                  "credit" field), " · " between, for the footer */
    size_t band_lines, band_rows;   /* a portrait page: the "New at" box's lines and the
                                       legend's rows the band below the map holds, as
                                       layout_band_measure() found them; 0: the defaults
                                       (layout.h) */
    int has_band_since;        /* band_since is set: */
    cm_time band_since;        /* the previous slice's moment whose "Changed hands since"
                                  is the widest of the timeline (layout_band_measure) */
};

/* An area shaded for the side that holds it: a region of the base map, or
 * (own) a side's territory of one status dissolved (layout/territory.c). */
typedef struct cm_scene_area {
    size_t path;               /* index into the base's paths, unless own */
    const cm_scene_path *own;  /* borrowed from the scene's territory; NULL: the base's path */
    const char *side;          /* the side's code (borrowed) */
    cm_rgba color;
    int is_claimed;            /* hatched, not solid: only one side says so */
    int is_contested;          /* operated in, not held: a pale fill and a dashed edge */
    int is_front;              /* the front line: stroked in color, not filled */
    int is_gained;             /* changed hands since the previous slice: outlined */
    int is_lost;               /* of those, what @side lost when no other side's areas are
                                  mapped: in no side's colour */
} cm_scene_area;

/* A slice's territory (layout/territory.c): per side and status the areas
 * united, the front lines, and what changed hands; shared by the slices of
 * the same control state. */
enum { LAYOUT_TERRITORY_AREA, LAYOUT_TERRITORY_FRONT, LAYOUT_TERRITORY_GAINED,
       LAYOUT_TERRITORY_LOST };
typedef struct layout_territory_area {
    const char *side;
    int status;                /* cm_control_status (load/control.h) */
    int kind;                  /* LAYOUT_TERRITORY_* */
    double km2;                /* on the ellipsoid; 0 for a front line */
    cm_scene_path path;        /* projected */
} layout_territory_area;
typedef struct layout_territory layout_territory;
const layout_territory_area *layout_territory_areas(const layout_territory *t, size_t *n);
/* The most ground two sides' held areas share, in km² (0: none, or less than
 * 1% of the smaller's), and those sides' codes. */
double layout_territory_shared(const layout_territory *t, const char **side_a,
                               const char **side_b);
void layout_territory_unref(layout_territory *t);   /* NULL is fine */

/* The outline of area @a of @sc. */
#define CM_SCENE_AREA_PATH(sc, a) ((a)->own ? (a)->own : &(sc)->base->paths[(a)->path])

struct cm_scene {
    const cm_scene_base *base;
    layout_territory *territory;   /* held (a reference); NULL: no area is held */
    struct cm_scene_km2 {
        double held, claimed, contested;   /* km² on the ellipsoid, united per status */
        double change;                     /* held now less held on the previous slice */
        double gained;                     /* taken from another side since the previous slice
                                              (or from no side's mapped areas, when it alone
                                              holds areas) */
        double lost;                       /* given up since the previous slice, when it alone
                                              holds areas (else what others gained says it) */
    } *km2;                    /* per side of the events file, in its order; NULL without
                                  a territory */
    int has_previous;          /* change and gained say something: there was a slice before */
    cm_time previous_time;
    char *change_words;        /* "Azerbaijan gained 1,936 km² since 20 November."; NULL: no
                                  side gained */
    cm_scene_area *areas;
    size_t n_areas, cap_areas;
    const cm_slice *slice;
    const cm_scene *previous;  /* the slice before, for labels that stay put; may be NULL */
    cm_scene_rect *rects;
    size_t n_rects, cap_rects;
    cm_scene_marker *markers;
    size_t n_markers, cap_markers;
    cm_scene_label *labels;
    size_t n_labels, cap_labels;
    char **dropped;
    size_t n_dropped, cap_dropped;
    struct cm_scene_position {
        const cm_event *event;
        double x, y;
        size_t order;          /* as added: the first of an event's wins */
    } *positions;              /* every event shown, where its marker; sorted by
                                  event once laid out (cm_scene_event_xy) */
    size_t n_positions, cap_positions;
    char *alt;
};

/* Labels read left to right as a whole ("موسكو 1,890 km" keeps its order on a
 * map of the Caucasus); an Arabic or Hebrew name inside one is still shaped
 * and set right to left. Measuring and drawing both call this. */
void cm_scene_left_to_right(PangoLayout *layout);

/* A Pango font description for a label: the style's family at @size_px. */
PangoFontDescription *cm_scene_font(const cm_style *style, double size_px, int bold,
                                    int italic);

/* As cm_scene_base_set_lang(), the map's words from the catalogue in
 * @data_dir (NULL: cm_data_dir()): CM_ERR_INPUT for a language there is none
 * of, CM_ERR_IO or CM_ERR_INPUT when it cannot be read, with a message in
 * @diags (may be NULL). */
cm_status layout_base_set_lang(cm_scene_base *b, const char *lang, const char *data_dir,
                               cm_diag_list *diags);

/* What the band below a portrait map of @b (its page's size, language and
 * control layer) must hold for every slice of @slices: the "New at" box's
 * lines below its heading and the rows of the timeline's largest legend, at
 * least the defaults; 0 and 0 on a landscape page. Notes in @b the moment
 * the legend's "Changed hands since" is widest with. CM_OK or CM_ERR_NOMEM. */
cm_status layout_band_measure(cm_scene_base *b, const cm_slices *slices, size_t *box_lines,
                              size_t *legend_rows);
/* cm_scene_map_rect() for a band of @box_lines and @legend_rows (0: the defaults). */
void layout_map_rect(const cm_style *st, int width_px, int height_px, size_t box_lines,
                     size_t legend_rows, double rect_px[4]);

#endif

/* The groups a scene's elements belong to (a path's layer role, a marker's,
 * label's or box's place in the drawing order) and their one table of names,
 * which the SVG writer uses as ids and classes and the scene hash hashes.
 * What each group looks like is the style's and the writers' business. */
#ifndef CM_SRC_GROUP_H
#define CM_SRC_GROUP_H

#include <string.h>

typedef enum cm_group {
    /* layer roles, the ones the layout knows by name */
    CM_GROUP_WORLD, CM_GROUP_COUNTRIES, CM_GROUP_WATER, CM_GROUP_REGIONS, CM_GROUP_LINES,
    CM_GROUP_LAND,             /* the fine land, at the scale of a front (layout/coast.c) */
    CM_GROUP_OTHER,            /* any other role: its name is the role, kept beside it */
    CM_GROUP_INSET,            /* the locator inset's paths */
    CM_GROUP_SEA, CM_GROUP_COAST,   /* made from the fine land: its sea and its coastline */
    /* markers, labels and boxes */
    CM_GROUP_PLACES, CM_GROUP_CONTROL, CM_GROUP_EVENTS, CM_GROUP_LABELS,
    CM_GROUP_FRAME, CM_GROUP_LEGEND, CM_GROUP_LATEST
} cm_group;

/* The group's name: "countries", "events", "legend". CM_GROUP_OTHER has none
 * of its own ("other"): a path of that group is named by its role. */
static inline const char *
cm_group_name(cm_group g)
{
    static const char *const names[] = {
        "world", "countries", "water", "regions", "lines", "land", "other", "inset", "sea", "coast",
        "places", "control", "events", "labels", "frame", "legend", "latest",
    };
    return names[g];
}

/* The group of a layer with role @role: one of the layer roles, else
 * CM_GROUP_OTHER. */
static inline cm_group
cm_group_of_role(const char *role)
{
    for (int g = CM_GROUP_WORLD; g < CM_GROUP_OTHER; g++)
        if (strcmp(role, cm_group_name((cm_group)g)) == 0)
            return (cm_group)g;
    return CM_GROUP_OTHER;
}

#endif

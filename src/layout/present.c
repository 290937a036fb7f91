/* What the events bring to the legend: the sides, kinds and states they show,
 * noted once for the whole timeline when the base is made (base.c) and per
 * slice by the legend (legend.c), which lays its rows out. */
#include "layout/layout.h"

#include <stdlib.h>
#include <string.h>

const layout_kind_word layout_kind_words[] = {
    { "control", CM_N_("Control change") }, { "shelling", CM_N_("Shelling") },
    { "strike", CM_N_("Strike") }, { "clash", CM_N_("Clash") },
    { "casualties", CM_N_("Casualties") }, { "protest", CM_N_("Protest") },
    { "talks", CM_N_("Talks") }, { "statement", CM_N_("Statement") },
    { "humanitarian", CM_N_("Humanitarian") },
};

void
layout_note_present(const cm_events *ev, const cm_event *e, cm_event_state state, present *p)
{
    const char *side = cm_event_control_to(e) ? cm_event_control_to(e) : cm_event_claimed_by(e);
    const char *status = cm_event_status(e);
    for (size_t i = 0; i < cm_events_n_sides(ev) && i < 64; i++)
        if (side && strcmp(cm_side_code(cm_events_side(ev, i)), side) == 0)
            p->sides[i] = 1;
    size_t k = 0, nk = sizeof(layout_kind_words) / sizeof(layout_kind_words[0]);
    while (k < nk && strcmp(layout_kind_words[k].kind, cm_event_kind(e)) != 0)
        k++;
    if (k < nk)
        p->kinds[k] = 1;
    else
        p->other = 1;
    p->reported |= strcmp(status, "reported") == 0;
    p->claimed |= strcmp(status, "claimed") == 0;
    p->confirmed |= strcmp(status, "confirmed") == 0;
    p->disputed |= strcmp(status, "disputed") == 0;
    p->uncertain |= cm_event_precision(e) >= 2;
    p->fresh |= state == CM_EVENT_NEW;
}

/* What every event of the timeline brings to the legend, noted once for all
 * slices (a slice of a long timeline would otherwise go through them all). */
cm_status
layout_note_all_events(cm_scene_base *b)
{
    b->all_present = calloc(1, sizeof(*b->all_present));
    if (!b->all_present)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < cm_events_count(b->events); i++)
        layout_note_present(b->events, cm_events_get(b->events, i), CM_EVENT_NEW, b->all_present);
    return CM_OK;
}

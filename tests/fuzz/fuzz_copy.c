/* libFuzzer harness: prepared copies of control layers (src/load/
 * control_cache.c). A copy in the cache folder is read after its CRC-32 is
 * checked, so what could be wrong in it is what the checksum cannot see: a
 * copy written by another program, or by a bug. The input is a copy's body
 * after its format, byte order and key (which the harness puts before it);
 * it is read twice into one cm_control, the second time after what the
 * first added, and whatever is accepted must hold together: every feature's
 * rings and every ring's points inside the arrays, rings of 3 points or more,
 * sides of the events file, km² finite and not below 0 (territory.c takes
 * them as they are). */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"
#include "load/control.h"
#include "load/control_cache.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char key[] = "/layer.geojson\tside=\tstatus=-1\tdated=0\t0\t0\n";

static cm_events *
events(void)
{
    static cm_events *ev;
    if (!ev) {
        static const char text[] =
            "{\"title\": \"t\", \"map\": {\"bbox\": [44, 38, 50, 42]},"
            " \"sides\": {\"AZ\": {\"name\": \"Azerbaijan\"}, \"AM\": {\"name\": \"Armenia\"}},"
            " \"events\": [{\"id\": \"a\", \"time\": \"2020-10-09T00:00:00Z\", \"kind\": "
            "\"shelling\", \"lon\": 46.75, \"lat\": 39.81, \"headline\": \"h\"}]}";
        const char *path = fuzz_write("events.json", (const uint8_t *)text, sizeof text - 1);
        cm_diag_list *diags = cm_diag_list_create();
        if (cm_events_load(&ev, path, NULL, diags) != CM_OK)
            abort();
        cm_diag_list_destroy(diags);
    }
    return ev;
}

static void
check(const cm_control *c)
{
    for (size_t i = 0; i < c->n_features; i++) {
        const cm_control_feature *f = &c->features[i];
        if (!cm_events_find_side(events(), f->side) || f->status >= CM_CONTROL_N_STATUS ||
            f->n_rings == 0 || f->first_ring > c->n_rings || f->n_rings > c->n_rings - f->first_ring ||
            !isfinite(f->km2) || f->km2 < 0)
            abort();
    }
    double sum = 0;
    for (size_t r = 0; r < c->n_rings; r++) {
        size_t a = c->ring_start[r], b = c->ring_start[r + 1];
        if (b < a + 3 || b > c->n_points)
            abort();
        for (size_t k = a; k < b; k++)
            sum += c->lonlat[2 * k] + c->lonlat[2 * k + 1];
    }
    if (c->n_rings ? c->ring_start[c->n_rings] != c->n_points : c->n_points != 0)
        abort();
    volatile double sink = sum;
    (void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t key_len = sizeof key - 1, pad = (8 - key_len % 8) % 8, head = 32 + key_len + pad;
    unsigned char *copy = malloc(head + size);
    if (!copy)
        return 0;
    uint64_t order = 0x0102030405060708u, len = key_len;
    memcpy(copy, "conflictmap ctl\2", 16);
    memcpy(copy + 16, &order, 8);
    memcpy(copy + 24, &len, 8);
    memcpy(copy + 32, key, key_len);
    memset(copy + 32 + key_len, 0, pad);
    memcpy(copy + head, data, size);
    cm_control *c = NULL;
    if (cm_control_create(&c) != CM_OK)
        abort();
    for (int k = 0; k < 2; k++) {
        size_t n = c->n_features, r = c->n_rings, p = c->n_points;
        int got = cm_control_cache_read(c, copy, head + size, key, key_len, events(), 0);
        if (got <= 0 && (c->n_features != n || c->n_rings != r || c->n_points != p))
            abort();   /* refused, but something was kept */
        check(c);
    }
    cm_control_destroy(c);
    free(copy);
    return 0;
}

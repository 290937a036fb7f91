/* Small files the unit tests write and remove: a gazetteer of the seed day's
 * places and events files given as text. */
#ifndef CM_TEST_FIXTURE_H
#define CM_TEST_FIXTURE_H

#include "conflictmap/events.h"
#include "conflictmap/gazetteer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char fixture_gazetteer[] =
    "name\tname_az\taliases\tlon\tlat\tcountry\tkind\trank\n"
    "Hadrut\tHadrut\tHadrud\t47.0320\t39.5200\tAZ\ttown\t3000\n"
    "Jabrayil\tC\xc9\x99" "bray\xc4\xb1l\tJebrail|Jabrail\t47.0261\t39.3999\tAZ\ttown\t6000\n"
    "Goranboy\tGoranboy\t\t46.7898\t40.6103\tAZ\ttown\t7000\n"
    "Moscow\tMoskva\t\t37.6173\t55.7558\tRU\tcapital\t12000000\n"
    "Baku\tBak\xc4\xb1\t\t49.8920\t40.3777\tAZ\tcapital\t2000000\n";

/* Writes @text to a new file named after @name in the current folder and
 * returns its path (the caller frees it and unlinks the file). */
static inline char *
fixture_write(const char *name, const char *text)
{
    char *path = malloc(strlen(name) + 16);
    snprintf(path, strlen(name) + 16, "%s-XXXXXX", name);
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror(path);
        exit(2);
    }
    close(fd);
    return path;
}

static inline cm_gazetteer *
fixture_gazetteer_load(void)
{
    cm_gazetteer *gaz = NULL;
    char *path = fixture_write("gaz", fixture_gazetteer);
    cm_gazetteer_create(&gaz);
    if (cm_gazetteer_add_file(gaz, path, NULL) != CM_OK) {
        fprintf(stderr, "fixture gazetteer did not load\n");
        exit(2);
    }
    unlink(path);
    free(path);
    return gaz;
}

/* Loads events @text; *diags gets a new list the caller destroys. */
static inline cm_status
fixture_events(const char *text, const cm_gazetteer *gaz, cm_events **out,
               cm_diag_list **diags, char **path_out)
{
    char *path = fixture_write("events", text);
    *diags = cm_diag_list_create();
    cm_status st = cm_events_load(out, path, gaz, *diags);
    unlink(path);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return st;
}

#endif

/* `conflictmap watch EVENTS -o DIR [the render options]`: renders, then
 * renders again whenever a file the maps are made from changes, until Ctrl-C.
 *
 * Linux inotify watches the folders the files are in, not the files: editors
 * save by writing a new file and renaming it over the old one, which a watch
 * on the file itself would lose. A change is any file of interest closed
 * after writing, moved in, created or deleted; several in quick succession
 * (an editor's save, a script writing the sheet and its settings) make one
 * render, SETTLE_MS after the last. Each render is the library's cm_render(),
 * whose output folder is a transaction (src/output/publish.c): the set
 * published is switched whole, a failed render leaves the last good one, and
 * slices whose content did not change are kept, not drawn again. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { SETTLE_MS = 60, MAX_WATCHED = 64 };

/* A watched folder, and the one name in it that matters, or NULL for all of
 * them (a folder given as --shapes or --control). */
typedef struct watched {
    int wd;
    char *dir, *name;
} watched;

typedef struct watcher {
    int fd;
    watched w[MAX_WATCHED];
    size_t n;
} watcher;

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Watches @path: a folder whole, a file through its folder (a path that is
 * not there yet too). 0, or -1 after saying why. */
static int
watch_path(watcher *wt, const char *path)
{
    struct stat sb;
    char *dir = NULL, *name = NULL;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        dir = strdup(path);
    } else {
        const char *slash = strrchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) : 0;
        dir = slash ? strndup(path, n ? n : 1) : strdup(".");   /* "/x": the root */
        name = strdup(slash ? slash + 1 : path);
        if (!name) {
            free(dir);
            return -1;
        }
    }
    if (!dir) {
        free(name);
        return -1;
    }
    if (wt->n == MAX_WATCHED) {
        fprintf(stderr, "conflictmap: watch: more than %d files and folders to watch\n",
                MAX_WATCHED);
        free(dir);
        free(name);
        return -1;
    }
    int wd = inotify_add_watch(wt->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
                                                IN_DELETE | IN_MOVED_FROM | IN_ATTRIB);
    if (wd < 0) {
        fprintf(stderr, "conflictmap: watch: cannot watch \"%s\": %s\n", dir, strerror(errno));
        free(dir);
        free(name);
        return -1;
    }
    wt->w[wt->n++] = (watched){ wd, dir, name };
    return 0;
}

/* Whether an inotify event is about a file the maps are made from. */
static int
matters(const watcher *wt, const struct inotify_event *ev)
{
    for (size_t i = 0; i < wt->n; i++)
        if (wt->w[i].wd == ev->wd &&
            (!wt->w[i].name || (ev->len && strcmp(ev->name, wt->w[i].name) == 0)))
            return 1;
    return 0;
}

/* Reads what inotify has; 1 when something that matters changed. */
static int
drain(const watcher *wt)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int changed = 0;
    for (;;) {
        ssize_t n = read(wt->fd, buf, sizeof buf);
        if (n <= 0)
            return changed;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            changed |= matters(wt, ev);
            p += sizeof(struct inotify_event) + ev->len;
        }
    }
}

/* Waits for a change that matters, then for SETTLE_MS of quiet. 1, or 0 when
 * Ctrl-C (or SIGTERM) came first. */
static int
wait_for_change(const watcher *wt)
{
    struct pollfd p = { wt->fd, POLLIN, 0 };
    int changed = 0;
    while (!stopping) {
        int r = poll(&p, 1, changed ? SETTLE_MS : -1);
        if (r < 0 && errno != EINTR)
            return 0;
        if (r == 0)
            return 1;   /* quiet since the last change */
        if (r > 0)
            changed |= drain(wt);
    }
    return 0;
}

/* The events file's settings file, if it is a CSV: what it would read. */
static char *
settings_of(const args *a)
{
    if (a->opt.settings)
        return strdup(a->opt.settings);
    size_t n = strlen(a->input);
    if (n < 4 || strcmp(a->input + n - 4, ".csv") != 0)
        return NULL;
    char *s = malloc(n - 4 + sizeof(".settings.json"));
    if (s) {
        memcpy(s, a->input, n - 4);
        strcpy(s + n - 4, ".settings.json");
    }
    return s;
}

/* The paths in "SIDE:STATUS=PATH" and "ROLE=PATH". */
static const char *
path_part(const char *spec)
{
    const char *eq = strchr(spec, '=');
    return eq ? eq + 1 : spec;
}

static int
watch_all(watcher *wt, const args *a)
{
    char *settings = settings_of(a);
    int rc = watch_path(wt, a->input);
    if (!rc && settings)
        rc = watch_path(wt, settings);
    free(settings);
    /* a style file, not a preset's name (light, dark, print) */
    if (!rc && a->opt.style && (strchr(a->opt.style, '/') || strstr(a->opt.style, ".json")))
        rc = watch_path(wt, a->opt.style);
    for (size_t i = 0; !rc && i < a->n_shapes; i++)
        rc = watch_path(wt, path_part(a->shapes[i]));
    for (size_t i = 0; !rc && i < a->n_gazetteers; i++)
        rc = watch_path(wt, a->gazetteers[i]);
    for (size_t i = 0; !rc && i < a->n_controls; i++)
        rc = watch_path(wt, path_part(a->controls[i]));
    return rc;
}

/* One render, and what it did, on stderr. Returns the library's status. */
static cm_status
render_once(args *a, int round)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_render_result result;
    memset(&result, 0, sizeof result);
    if (!diags)
        return CM_ERR_NOMEM;
    double t0 = now_s();
    cm_status st = cm_render(&a->opt, diags, &result);
    double took = now_s() - t0;
    cm_diag_sort(diags);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
    if (st == CM_OK)
        fprintf(stderr, "conflictmap: watch: render %d: %zu slice%s, %zu drawn, %zu kept, "
                "published to %s/ in %.2f s\n", round, result.n_slices,
                result.n_slices == 1 ? "" : "s", result.n_drawn, result.n_kept,
                a->opt.out_dir, took);
    else
        fprintf(stderr, "conflictmap: watch: render %d failed; %s/ keeps the last maps that "
                "rendered; fix the file and save it again\n", round, a->opt.out_dir);
    cm_diag_list_destroy(diags);
    return st;
}

int
cli_watch(args *a)
{
    watcher wt;
    memset(&wt, 0, sizeof wt);
    if (!a->input)
        return cli_usage_error("watch needs an events file%s", "");
    wt.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (wt.fd < 0) {
        fprintf(stderr, "conflictmap: watch: cannot watch files (inotify): %s\n",
                strerror(errno));
        return EXIT_IO;
    }
    int rc = watch_all(&wt, a);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;   /* no SA_RESTART: poll() returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    a->opt.progress = NULL;
    a->opt.keep_buffers = 1;   /* the next render is seconds away, on this thread */
    cli_server *srv = NULL;
    for (int round = 1; !rc && !stopping; round++) {
        cm_status st = render_once(a, round);
        if (st == CM_ERR_NOMEM)
            rc = EXIT_IO;
        if (!rc && a->serve && !srv) {   /* after the first render: the folder is there */
            mkdir(a->opt.out_dir, 0777);
            if (!a->port)
                a->port = 8000;
            if (!(srv = cli_serve_start(a->opt.out_dir, a->host, a->port)))
                rc = EXIT_IO;
            else
                fprintf(stderr, "conflictmap: watch: serving %s/ at http://%s:%d/\n",
                        a->opt.out_dir, a->host ? a->host : "127.0.0.1", a->port);
        }
        if (!rc && !wait_for_change(&wt))
            break;
    }
    cli_serve_stop(srv);
    if (stopping && !a->quiet)
        fprintf(stderr, "conflictmap: watch: stopped; %s/ holds the last maps published\n",
                a->opt.out_dir);
    for (size_t i = 0; i < wt.n; i++) {
        free(wt.w[i].dir);
        free(wt.w[i].name);
    }
    close(wt.fd);
    return rc;
}

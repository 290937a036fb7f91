/* The conflictmap command: reads arguments, calls the library, prints its
 * diagnostics and maps the status to an exit code. Nothing here draws or
 * parses input files; that is the library's work. */
#include "cli.h"
#include "conflictmap/conflictmap.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>



static int
exit_code(cm_status st)
{
    switch (st) {
    case CM_OK: return EXIT_DONE;
    case CM_ERR_INPUT: return EXIT_INPUT;
    case CM_ERR_IO: case CM_ERR_NOMEM: return EXIT_IO;
    case CM_ERR_INTERNAL: return EXIT_BUG;
    }
    return EXIT_BUG;
}

enum { ANIMATIONS = CM_FORMAT_GIF | CM_FORMAT_MP4 };

/* "s" after a count that is not 1. */
static const char *
plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static void
print_diags(cm_diag_list *diags)
{
    cm_diag_sort(diags);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
}

/* The shipped gazetteer and those --gazetteer names, in *gaz (the caller's). */
static cm_status
load_gazetteer(const args *a, cm_gazetteer **gaz, cm_diag_list *diags)
{
    cm_status st = cm_gazetteer_create(gaz);
    if (st == CM_OK)
        st = cm_gazetteer_add_shipped(*gaz, NULL, diags);
    for (size_t i = 0; st == CM_OK && i < a->n_gazetteers; i++)
        st = cm_gazetteer_add_file(*gaz, a->gazetteers[i], diags);
    return st;
}

/* The events file as render reads it: --timezone and --date-order. */
static cm_status
load_events(const args *a, const cm_gazetteer *gaz, cm_events **events, cm_diag_list *diags)
{
    cm_events_options eo = { NULL, a->opt.timezone, a->opt.date_order, a->opt.settings };
    return cm_events_load_with(events, a->input, gaz, &eo, diags);
}

/* ---- signals ---------------------------------------------------------------------------- */

/* Ctrl-C or a kill from a job runner: remove the temporaries, then end by the
 * same signal so the caller sees what happened. */
static void
on_signal(int sig)
{
    cm_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* ---- commands ---------------------------------------------------------------------------- */

static int
cmd_render(args *a, cm_diag_list *diags)
{
    cm_render_result result = { 0 };
    cli_progress progress;
    if ((a->opt.formats & CM_FORMAT_HTML) && a->opt.shard_n > 1)
        return cli_usage_error("--format html needs every slice in one run; render the page "
                           "without --shard%s", "");
    if (cm_render_check_options(&a->opt, diags) != CM_OK) {   /* the options' fault: usage */
        cm_diag_sort(diags);
        for (size_t i = 0; i < cm_diag_count(diags); i++)
            fprintf(stderr, "conflictmap: %s\n", cm_diag_message(diags, i));
        return EXIT_USAGE;
    }
    cli_progress_start(&progress, a->quiet);
    a->opt.progress = cli_progress_update;
    a->opt.progress_data = &progress;
    cm_status st = cm_render(&a->opt, diags, &result);
    cli_progress_end(&progress);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        fprintf(stderr, "conflictmap: wrote %zu slice%s (%zu file%s, %.1f MB, %.0f KB a slice) "
                "to %s/\n", result.n_slices, plural(result.n_slices), result.n_files,
                plural(result.n_files), result.n_bytes / 1e6,
                result.n_slices ? result.n_slice_bytes / 1e3 / result.n_slices : 0.0,
                a->opt.out_dir);
    /* Only files drawn per slice can be kept; an animation is always made anew. */
    if (st == CM_OK && !a->quiet && result.n_kept && (a->opt.formats & ~ANIMATIONS))
        fprintf(stderr, "conflictmap: %zu slice%s %s unchanged and kept, %zu drawn\n",
                result.n_kept, plural(result.n_kept), result.n_kept == 1 ? "was" : "were",
                result.n_drawn);
    if (st == CM_OK && !a->quiet && (a->opt.formats & (CM_FORMAT_GIF | CM_FORMAT_MP4)))
        fprintf(stderr, "conflictmap: the animation has %zu frame%s; %zu slice%s left out "
                "(the same image as the one before)\n", result.n_frames,
                plural(result.n_frames), result.n_identical, plural(result.n_identical));
    return exit_code(st);
}

static int
cmd_watch(args *a, cm_diag_list *diags)
{
    if (a->opt.shard_n > 1)
        return cli_usage_error("watch renders every slice; leave out --shard%s", "");
    if (cm_render_check_options(&a->opt, diags) != CM_OK) {   /* the options' fault: usage */
        cm_diag_sort(diags);
        for (size_t i = 0; i < cm_diag_count(diags); i++)
            fprintf(stderr, "conflictmap: %s\n", cm_diag_message(diags, i));
        return EXIT_USAGE;
    }
    return cli_watch(a);
}

static int
cmd_serve(args *a, cm_diag_list *diags)
{
    (void)diags;
    if (!a->input)
        return cli_usage_error("serve needs the folder to serve%s", "");
    if (!a->port)
        a->port = 8000;
    return cli_serve(a);
}

static int
cmd_merge(args *a, cm_diag_list *diags)
{
    size_t n_slices = 0;
    cm_status st = cm_render_merge_manifests(a->input, &n_slices, diags);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        fprintf(stderr, "conflictmap: merged %zu slices into %s/manifest.json\n", n_slices,
                a->input);
    return exit_code(st);
}

/* ---- import ---------------------------------------------------------------------------- */

/* FILE.csv becomes FILE.json beside it (any other name gets .json added). */
static char *
import_default_output(const char *input)
{
    size_t len = strlen(input);
    char *out = malloc(len + 6);
    if (!out)
        return NULL;
    if (len > 4 && !strcmp(input + len - 4, ".csv"))
        len -= 4;
    memcpy(out, input, len);
    memcpy(out + len, ".json", 6);
    return out;
}

static int
import_to_stdout(const char *file, cm_diag_list *diags)
{
    char *json = NULL;
    cm_status st = cm_acled_convert(file, &json, diags);
    print_diags(diags);
    if (st == CM_OK && (fputs(json, stdout) < 0 || putchar('\n') < 0 || fflush(stdout) != 0)) {
        fprintf(stderr, "conflictmap: cannot write to standard output\n");
        st = CM_ERR_IO;
    }
    free(json);
    return exit_code(st);
}

static int
cmd_import(args *a, cm_diag_list *diags)
{
    if (strcmp(a->input, "acled") != 0)
        return cli_usage_error("import knows one format, acled, not \"%s\"", a->input);
    if (!a->import_file)
        return cli_usage_error("import acled needs the export: conflictmap import acled "
                           "FILE.csv%s", "");
    if (a->output && !strcmp(a->output, "-"))
        return import_to_stdout(a->import_file, diags);
    char *made = a->output ? NULL : import_default_output(a->import_file);
    const char *out = a->output ? a->output : made;
    if (!out)
        return EXIT_IO;
    cm_status st = cm_acled_import(a->import_file, out, diags);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        fprintf(stderr, "conflictmap: wrote %s\n", out);
    free(made);
    return exit_code(st);
}

/* validate --explain: each name of the file once, the place it resolved to
 * and why, on standard output. */
static int
explain_places(args *a, cm_diag_list *diags)
{
    cm_gazetteer *gaz = NULL;
    cm_events *events = NULL;
    cm_status st = load_gazetteer(a, &gaz, diags);
    if (st == CM_OK)
        st = load_events(a, gaz, &events, diags);
    for (size_t i = 0; st == CM_OK && i < cm_events_count(events); i++) {
        const cm_event *e = cm_events_get(events, i);
        const cm_place *p = cm_event_place(e);
        int seen = 0;
        for (size_t k = 0; p && k < i && !seen; k++)
            seen = !strcmp(cm_event_place_name(cm_events_get(events, k)), cm_event_place_name(e));
        if (!p || seen)
            continue;
        cm_pos pos = cm_event_pos(e);
        printf("%s:%d:%d: \"%s\" is %s (%s) at %.4f, %.4f: %s\n", pos.file, pos.line, pos.col,
               cm_event_place_name(e), cm_place_name(p), cm_place_country(p), cm_place_lon(p),
               cm_place_lat(p), cm_event_place_why(e));
    }
    print_diags(diags);
    cm_events_destroy(events);
    cm_gazetteer_destroy(gaz);
    return exit_code(st);
}

static int
cmd_validate(args *a, cm_diag_list *diags)
{
    if (a->explain)
        return explain_places(a, diags);
    cm_status st = cm_validate(&a->opt, diags);
    size_t n_warnings = cm_diag_count(diags) - cm_diag_error_count(diags);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        printf(n_warnings ? "%s: no errors, %zu warning%s\n" : "%s: no problems found\n",
               a->input, n_warnings, plural(n_warnings));
    return exit_code(st);
}

static int
cmd_slices(args *a, cm_diag_list *diags)
{
    cm_gazetteer *gaz = NULL;
    cm_events *events = NULL;
    cm_slices *slices = NULL;
    char buf[CM_TIME_BUF];
    cm_status st = load_gazetteer(a, &gaz, diags);
    if (st == CM_OK)
        st = load_events(a, gaz, &events, diags);
    if (st == CM_OK)
        st = cm_slices_make(&slices, events, &a->opt.slicing, diags);
    for (size_t i = 0; st == CM_OK && i < cm_slices_count(slices); i++)
        printf("%s\n", cm_time_format_iso(cm_slice_time(cm_slices_get(slices, i)), buf));
    print_diags(diags);
    cm_slices_destroy(slices);
    cm_events_destroy(events);
    cm_gazetteer_destroy(gaz);
    return exit_code(st);
}

/* A place of the world database has no line: its file alone. */
static void
print_place(const cm_place *p)
{
    cm_pos pos = cm_place_pos(p);
    printf("%s\t%.4f\t%.4f\t%s\t%s\t%s", cm_place_name(p), cm_place_lon(p),
           cm_place_lat(p), cm_place_country(p), cm_place_kind(p), pos.file);
    if (pos.line > 0)
        printf(":%d", pos.line);
    putchar('\n');
}

static int
cmd_place(args *a, cm_diag_list *diags)
{
    cm_gazetteer *gaz = NULL;
    const char *names[5];
    cm_status st = load_gazetteer(a, &gaz, diags);
    print_diags(diags);
    if (st != CM_OK) {
        cm_gazetteer_destroy(gaz);
        return exit_code(st);
    }
    /* The places of that name, namesakes too, in the order an event prefers
     * them; else the near misses. */
    const cm_place *exact[10];
    size_t n_exact = cm_gazetteer_find_all(gaz, a->input, NULL, exact, 10);
    for (size_t i = 0; i < n_exact; i++)
        print_place(exact[i]);
    size_t n = n_exact ? 0 : cm_gazetteer_suggest(gaz, a->input, names, 5);
    for (size_t i = 0; i < n; i++) {
        const cm_place *p = cm_gazetteer_find(gaz, names[i], NULL);
        if (p)
            print_place(p);
    }
    if (!n_exact && n == 0)
        fprintf(stderr, "conflictmap: no place in the gazetteer is called \"%s\" or "
                        "anything close\n", a->input);
    cm_gazetteer_destroy(gaz);
    return n_exact || n ? EXIT_DONE : EXIT_INPUT;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(args *, cm_diag_list *);
    } commands[] = {
        { "render", cmd_render }, { "validate", cmd_validate },
        { "slices", cmd_slices }, { "place", cmd_place },
        { "merge-manifests", cmd_merge }, { "import", cmd_import },
        { "watch", cmd_watch }, { "serve", cmd_serve },
    };
    args a = { 0 };
    size_t k = 0, n = sizeof(commands) / sizeof(commands[0]);

    cli_heap_on_huge_pages();

    if (argc < 2) {
        fputs(cli_usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
        return cli_help(argc > 2 && strcmp(argv[1], "help") == 0 ? argv[2] : NULL) == 0
                   ? EXIT_DONE : cli_usage_error("unknown command \"%s\"", argv[2]);
    if (cli_wants_help(argc, argv) && cli_help(argv[1]) == 0)
        return EXIT_DONE;
    while (k < n && strcmp(argv[1], commands[k].name) != 0)
        k++;
    if (k == n)
        return cli_usage_error("unknown command \"%s\"", argv[1]);
    int rc = cli_parse_args(&a, argc, argv);
    cm_limits_set(&a.limits);
    catch_signals();
    cm_diag_list *diags = cm_diag_list_create();
    if (rc == 0)
        rc = diags ? commands[k].run(&a, diags) : EXIT_IO;
    cm_diag_list_destroy(diags);
    cli_free_args(&a);
    return rc;
}

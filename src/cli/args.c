/* The command's arguments: read into an args, checked, turned into the
 * library's options (render, validate, slices and the rest share them). Apart
 * from main.c so that tests/fuzz/fuzz_args.c can feed it any argv. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char cli_usage_text[] =
    "usage: conflictmap render EVENTS.json [-o DIR]\n"
    "              [--format png,svg,pdf,html,svg-outlines,gif,mp4] [--hold SECONDS]\n"
    "              [--style FILE|PRESET] [--shapes PATH]... [--gazetteer FILE]...\n"
    "              [--control [SIDE[:STATUS]=]PATH]...\n"
    "              [--every DURATION | --at TIME[,TIME...] [--since TIME]]\n"
    "              [--window DURATION]\n"
    "              [--size WxH] [--scale N] [--bbox W,S,E,N] [--projection P]\n"
    "              [--print-size WxHmm|A4[-landscape]|letter|Wmm [--dpi N]]\n"
    "              [--lang en|ar|az|es|fr|hy|ru|uk] [--png-colors N]\n"
    "              [--timezone ZONE] [--date-order DMY|MDY] [--settings FILE]\n"
    "              [-j N] [--shard K/N] [--quiet]\n"
    "       limits, for every command: [--max-file-size BYTES] [--max-events N]\n"
    "              [--max-string BYTES] [--max-depth N] [--max-vertices N]\n"
    "       conflictmap validate EVENTS.json [--explain] [--gazetteer FILE]...\n"
    "       conflictmap slices EVENTS.json [--every DURATION | --at TIME,...]\n"
    "       conflictmap place NAME [--gazetteer FILE]...\n"
    "       conflictmap merge-manifests DIR     # after render --shard 1/N .. N/N\n"
    "       conflictmap watch EVENTS.json -o DIR [--serve [--port N]] [the options of render]\n"
    "       conflictmap serve DIR [--port N] [--host ADDR]\n"
    "       conflictmap import acled FILE.csv [-o OUT.json]\n"
    "       conflictmap COMMAND --help           # the command's options\n";

int
cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "conflictmap: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", cli_usage_text);
    return EXIT_USAGE;
}

/* ---- arguments ---------------------------------------------------------------------------- */



static int
push_str(const char ***list, size_t *n, const char *s)
{
    const char **p = realloc(*list, (*n + 1) * sizeof(*p));
    if (!p)
        return 0;
    p[(*n)++] = s;
    *list = p;
    return 1;
}

static int
parse_formats(args *a, const char *list)
{
    static const struct {
        const char *name;
        cm_format format;
    } names[] = {
        { "png", CM_FORMAT_PNG }, { "svg", CM_FORMAT_SVG }, { "pdf", CM_FORMAT_PDF },
        { "svg-outlines", CM_FORMAT_SVG_OUTLINES }, { "gif", CM_FORMAT_GIF },
        { "mp4", CM_FORMAT_MP4 },
    };
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    a->opt.formats = 0;
    for (char *save = NULL, *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        size_t k = 0, n = sizeof(names) / sizeof(names[0]);
        while (k < n && strcmp(f, names[k].name) != 0)
            k++;
        if (k < n)
            a->opt.formats |= names[k].format;
        else if (strcmp(f, "html") == 0)
            a->opt.formats |= CM_FORMAT_HTML;
        else
            return cli_usage_error("--format \"%s\" is not one of png, svg, pdf, html, "
                               "svg-outlines, gif, mp4", f);
    }
    if ((a->opt.formats & CM_FORMAT_SVG) && (a->opt.formats & CM_FORMAT_SVG_OUTLINES))
        return cli_usage_error("--format svg and svg-outlines both write the .svg files; give "
                           "one of them%s", "");
    return a->opt.formats ? 0 : cli_usage_error("--format needs at least one of png, svg, pdf, "
                                            "html, svg-outlines, gif, mp4%s", "");
}

static int
parse_at(args *a, const char *list)
{
    char *copy = strdup(list);
    if (!copy)
        return EXIT_IO;
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        cm_time *p = realloc(a->at, (a->n_at + 1) * sizeof(*p));
        if (!p) {
            free(copy);
            return EXIT_IO;
        }
        a->at = p;
        const char *why = cm_time_parse(t, &a->at[a->n_at]);
        if (why) {
            fprintf(stderr, "conflictmap: --at \"%s\" %s\n", t, why);
            free(copy);
            return EXIT_USAGE;
        }
        a->n_at++;
    }
    free(copy);
    a->opt.slicing.at = a->at;
    a->opt.slicing.n_at = a->n_at;
    return a->n_at ? 0 : cli_usage_error("--at needs at least one time%s", "");
}

/* "--since TIME": what is new on the first --at slice. */
static int
parse_since(args *a, const char *text)
{
    const char *why = cm_time_parse(text, &a->opt.slicing.since);
    if (why) {
        fprintf(stderr, "conflictmap: --since \"%s\" %s\n", text, why);
        return EXIT_USAGE;
    }
    a->opt.slicing.has_since = 1;
    return 0;
}

static int
parse_duration(const char *flag, const char *text, int64_t *out)
{
    const char *why = cm_duration_parse(text, out);
    if (!why)
        return 0;
    fprintf(stderr, "conflictmap: %s \"%s\" %s\n", flag, text, why);
    return EXIT_USAGE;
}

static int
parse_number(const char *flag, const char *text, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !(v >= lo && v <= hi)) {
        fprintf(stderr, "conflictmap: %s \"%s\" should be a number from %g to %g\n", flag,
                text, lo, hi);
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static int
parse_size(args *a, const char *text)
{
    int w, h;
    char tail;
    if (sscanf(text, "%dx%d%c", &w, &h, &tail) != 2 || w < 200 || h < 200 || w > 10000 ||
        h > 10000)
        return cli_usage_error("--size \"%s\" should be WIDTHxHEIGHT in pixels, each from "
                           "200 to 10000, such as 1600x1200", text);
    a->opt.width_px = w;
    a->opt.height_px = h;
    a->has_size = 1;
    return 0;
}

/* A length's unit in mm: "mm", "cm" or "in"; 0 for anything else. */
static double
mm_per_unit(const char *unit)
{
    return !strcmp(unit, "mm") ? 1 : !strcmp(unit, "cm") ? 10 : !strcmp(unit, "in") ? 25.4 : 0;
}

/* "--print-size 180x120mm", "7x5in", "18cm" (a width alone: the height from
 * --size's aspect), or a paper: A3, A4, A5, letter, legal, tabloid, upright,
 * with "-landscape" on its side. */
static int
parse_print_size(args *a, const char *text)
{
    static const struct {
        const char *name;
        double w_mm, h_mm;
    } papers[] = {
        { "A3", 297, 420 }, { "A4", 210, 297 }, { "A5", 148, 210 },
        { "letter", 215.9, 279.4 }, { "legal", 215.9, 355.6 }, { "tabloid", 279.4, 431.8 },
    };
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", text);
    int landscape = 0;
    size_t n = strlen(buf);
    if (n > 10 && !strcasecmp(buf + n - 10, "-landscape")) {
        buf[n - 10] = '\0';
        landscape = 1;
    }
    double w = 0, h = 0;
    for (size_t i = 0; i < sizeof(papers) / sizeof(papers[0]); i++)
        if (!strcasecmp(buf, papers[i].name)) {
            w = landscape ? papers[i].h_mm : papers[i].w_mm;
            h = landscape ? papers[i].w_mm : papers[i].h_mm;
        }
    if (w == 0 && !landscape) {
        char unit[8] = "";
        int used = 0;
        double u;
        if (sscanf(buf, "%lfx%lf%n", &w, &h, &used) == 2 && buf[used] != '\0' &&
            strlen(buf + used) < sizeof(unit) && h > 0)
            snprintf(unit, sizeof(unit), "%s", buf + used);
        else if (sscanf(buf, "%lf%n", &w, &used) == 1 && strlen(buf + used) < sizeof(unit) &&
                 !strchr(buf + used, 'x')) {
            snprintf(unit, sizeof(unit), "%s", buf + used);
            h = 0;
        }
        if ((u = mm_per_unit(unit)) > 0 && w > 0 && h >= 0) {
            w *= u;
            h *= u;
        } else {
            w = 0;
        }
    }
    if (!(w > 0))
        return cli_usage_error("--print-size \"%s\" should be WIDTHxHEIGHT with a unit, mm, "
                               "cm or in, such as 180x120mm or 7x5in; a width alone, such as "
                               "180mm (the height from --size); or a paper: A3, A4, A5, "
                               "letter, legal, tabloid, upright, or with -landscape, such as "
                               "A4-landscape", text);
    double small = h > 0 && h < w ? h : w, large = h > w ? h : w;
    if (small < CM_PRINT_MIN_MM || large > CM_PRINT_MAX_MM) {
        fprintf(stderr, "conflictmap: --print-size \"%s\" is too %s: each side should be "
                "from %.0f mm to %.0f mm\n", text, small < CM_PRINT_MIN_MM ? "small" : "large",
                CM_PRINT_MIN_MM, CM_PRINT_MAX_MM);
        return EXIT_USAGE;
    }
    a->opt.print_mm[0] = w;
    a->opt.print_mm[1] = h;
    return 0;
}

static int
parse_bbox(args *a, const char *text)
{
    double *b = a->bbox;
    char tail;
    if (sscanf(text, "%lf,%lf,%lf,%lf%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4 ||
        !(b[0] >= -180 && b[0] <= 180 && b[2] >= -180 && b[2] <= 180 && b[1] >= -90 &&
          b[3] <= 90 && b[0] != b[2] && b[1] < b[3]))
        return cli_usage_error("--bbox \"%s\" should be WEST,SOUTH,EAST,NORTH in degrees, such "
                           "as 45.4,38.9,48.0,41.0 (west greater than east crosses the "
                           "antimeridian)", text);
    a->has_bbox = 1;
    a->opt.bbox_deg = a->bbox;
    return 0;
}

/* A limit's option: a whole number from 1 up; 0 or an exit code. */
static int
parse_limit(args *a, const char *flag, const char *value)
{
    static const struct {
        const char *flag;
        size_t offset;
    } limits[] = {
        { "--max-file-size", offsetof(cm_limits, max_file_bytes) },
        { "--max-events", offsetof(cm_limits, max_events) },
        { "--max-string", offsetof(cm_limits, max_string_bytes) },
        { "--max-depth", offsetof(cm_limits, max_depth) },
        { "--max-vertices", offsetof(cm_limits, max_vertices) },
    };
    size_t k = 0, n = sizeof(limits) / sizeof(limits[0]);
    while (k < n && strcmp(flag, limits[k].flag) != 0)
        k++;
    if (k == n)
        return cli_usage_error("unknown option \"%s\"", flag);
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (end == value || *end || errno || v == 0 || value[0] == '-' || v > SIZE_MAX) {
        fprintf(stderr, "conflictmap: %s \"%s\" should be a whole number from 1 up\n",
                flag, value);
        return EXIT_USAGE;
    }
    *(size_t *)((char *)&a->limits + limits[k].offset) = (size_t)v;
    return 0;
}

static int
parse_lang(args *a, const char *lang)
{
    static const char *const langs[] = { "en", "ar", "az", "es", "fr", "hy", "ru", "uk" };
    for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
        if (!strcmp(lang, langs[i])) {
            a->opt.lang = lang;
            return 0;
        }
    return cli_usage_error("--lang \"%s\" should be one of en, ar, az, es, fr, hy, ru, uk",
                           lang);
}

/* "--hold 1.5s" or "--hold 2": how long each slice shows in gif and mp4. */
static int
parse_hold(args *a, const char *text)
{
    char buf[64];
    size_t n = strlen(text);
    snprintf(buf, sizeof(buf), "%s", text);
    if (n > 0 && n < sizeof(buf) && buf[n - 1] == 's')
        buf[n - 1] = '\0';
    return parse_number("--hold (seconds per slice)", buf, 0.05, 60, &a->opt.hold_s);
}

/* "--shard K/N": this run draws the K-th of N shares of the slices. */
static int
parse_shard(args *a, const char *text)
{
    int k, n;
    char tail;
    if (sscanf(text, "%d/%d%c", &k, &n, &tail) != 2 || n < 1 || n > 100000 || k < 1 ||
        k > n)
        return cli_usage_error("--shard \"%s\" should be K/N with 1 <= K <= N, such as 2/8 "
                           "for the second of eight shards", text);
    a->opt.shard_k = k;
    a->opt.shard_n = n;
    return 0;
}

/* One option with its value; returns 0, or an exit code. */
static int
parse_option(args *a, const char *flag, const char *value)
{
    double v;
    if (!strcmp(flag, "-o") || !strcmp(flag, "--output"))
        a->opt.out_dir = a->output = value;
    else if (!strcmp(flag, "--format"))
        return parse_formats(a, value);
    else if (!strcmp(flag, "--style"))
        a->opt.style = value;
    else if (!strcmp(flag, "--shapes"))
        return push_str(&a->shapes, &a->n_shapes, value) ? 0 : EXIT_IO;
    else if (!strcmp(flag, "--gazetteer"))
        return push_str(&a->gazetteers, &a->n_gazetteers, value) ? 0 : EXIT_IO;
    else if (!strcmp(flag, "--control"))
        return push_str(&a->controls, &a->n_controls, value) ? 0 : EXIT_IO;
    else if (!strcmp(flag, "--every"))
        return parse_duration(flag, value, &a->opt.slicing.every_s);
    else if (!strcmp(flag, "--window"))
        return parse_duration(flag, value, &a->opt.slicing.window_s);
    else if (!strcmp(flag, "--at"))
        return parse_at(a, value);
    else if (!strcmp(flag, "--since"))
        return parse_since(a, value);
    else if (!strcmp(flag, "--size"))
        return parse_size(a, value);
    else if (!strcmp(flag, "--print-size"))
        return parse_print_size(a, value);
    else if (!strcmp(flag, "--dpi"))
        return parse_number(flag, value, 72, 2400, &a->opt.dpi);
    else if (!strcmp(flag, "--scale"))
        return parse_number(flag, value, 0.25, 8, &a->opt.scale);
    else if (!strcmp(flag, "--bbox"))
        return parse_bbox(a, value);
    else if (!strcmp(flag, "--projection"))
        a->opt.projection = value;
    else if (!strcmp(flag, "--lang"))
        return parse_lang(a, value);
    else if (!strcmp(flag, "--timezone"))
        a->opt.timezone = value;
    else if (!strcmp(flag, "--settings"))
        a->opt.settings = value;
    else if (!strcmp(flag, "--host"))
        a->host = value;
    else if (!strcmp(flag, "--port")) {
        double port;
        int rc = parse_number("--port", value, 1, 65535, &port);
        if (rc)
            return rc;
        a->port = (int)port;
    }
    else if (!strcmp(flag, "--date-order"))
        a->opt.date_order = value;
    else if (!strcmp(flag, "--png-colors")) {
        if (parse_number(flag, value, 2, 256, &v))
            return EXIT_USAGE;
        if (v != (unsigned)v)
            return cli_usage_error("--png-colors \"%s\" should be a whole number from 2 to 256",
                               value);
        a->opt.png_colors = (unsigned)v;
    } else if (!strcmp(flag, "-j")) {
        if (parse_number(flag, value, 1, 256, &v))
            return EXIT_USAGE;
        a->jobs = (int)v;
        a->opt.jobs = a->jobs;
    } else if (!strcmp(flag, "--shard"))
        return parse_shard(a, value);
    else if (!strcmp(flag, "--hold"))
        return parse_hold(a, value);
    else
        return parse_limit(a, flag, value);
    return 0;
}

int
cli_parse_args(args *a, int argc, char **argv)
{
    a->opt = cm_render_options_default();
    a->jobs = a->opt.jobs;
    a->command = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
            a->quiet = 1;
        } else if (!strcmp(arg, "--explain") && !strcmp(a->command, "validate")) {
            a->explain = 1;
        } else if (!strcmp(arg, "--serve") && !strcmp(a->command, "watch")) {
            a->serve = 1;
        } else if (!strcmp(arg, "--strict") &&
                   (!strcmp(a->command, "validate") || !strcmp(a->command, "render"))) {
            a->opt.strict = 1;
        } else if (arg[0] == '-' && arg[1] == 'j' && arg[2] != '\0') {   /* -j4 */
            int rc = parse_option(a, "-j", arg + 2);
            if (rc)
                return rc;
        } else if (arg[0] == '-' && arg[1] == '-' && strchr(arg, '=')) {   /* --name=value */
            char name[64];
            size_t n = (size_t)(strchr(arg, '=') - arg);
            if (n >= sizeof(name))
                return cli_usage_error("unknown option \"%s\"", arg);
            memcpy(name, arg, n);
            name[n] = '\0';
            int rc = parse_option(a, name, arg + n + 1);
            if (rc)
                return rc;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            if (i + 1 >= argc)
                return cli_usage_error("%s needs a value", arg);
            int rc = parse_option(a, arg, argv[++i]);
            if (rc)
                return rc;
        } else if (!a->input) {
            a->input = arg;
        } else if (!strcmp(a->command, "import") && !a->import_file) {
            a->import_file = arg;
        } else {
            return cli_usage_error("unexpected argument \"%s\"", arg);
        }
    }
    if (!a->input)
        return cli_usage_error("%s needs a file or a name", a->command);
    if (a->opt.shard_n > 1 && (a->opt.formats & (CM_FORMAT_GIF | CM_FORMAT_MP4)))
        return cli_usage_error("--format gif and mp4 make one file of the whole timeline; "
                           "render them without --shard%s", "");
    if (a->opt.dpi > 0 && !(a->opt.print_mm[0] > 0))
        return cli_usage_error("--dpi sets a print size's pixels; give --print-size too, such "
                               "as --print-size 180x120mm --dpi 300%s", "");
    if (a->opt.print_mm[1] > 0 && a->has_size)
        return cli_usage_error("--print-size with a width and a height sets the map's size; "
                               "give --size only with a width alone, such as --print-size "
                               "180mm, for its aspect%s", "");
    if (a->opt.print_mm[0] > 0 && a->opt.scale != 1)
        return cli_usage_error("--print-size draws PNGs at --dpi (default 300); leave out "
                               "--scale%s", "");
    if (a->opt.slicing.every_s && a->n_at)
        return cli_usage_error("give --every or --at, not both%s", "");
    if (a->opt.slicing.has_since && !a->n_at)
        return cli_usage_error("--since says what is new at an --at moment; give --at too, "
                               "such as --at 2020-10-09T18:00:00Z --since "
                               "2020-10-09T12:00:00Z%s", "");
    for (size_t i = 0; a->opt.slicing.has_since && i < a->n_at; i++)
        if (a->at[i] <= a->opt.slicing.since) {
            char since[CM_TIME_BUF], at[CM_TIME_BUF], msg[256];
            cm_time_format_iso(a->opt.slicing.since, since);
            cm_time_format_iso(a->at[i], at);
            snprintf(msg, sizeof(msg), "--since %s is not before --at %s: nothing could be "
                     "new; give a time before it", since, at);
            return cli_usage_error("%s", msg);
        }
    a->opt.events_path = a->input;
    a->opt.shapes = a->shapes;
    a->opt.n_shapes = a->n_shapes;
    a->opt.controls = a->controls;
    a->opt.n_controls = a->n_controls;
    a->opt.gazetteers = a->gazetteers;
    a->opt.n_gazetteers = a->n_gazetteers;
    return 0;
}

void
cli_free_args(args *a)
{
    free(a->shapes);
    free(a->controls);
    free(a->gazetteers);
    free(a->at);
}

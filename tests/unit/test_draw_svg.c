/* The SVG writer (src/draw/draw_svg.c): the SVG of the 15:15 slice, rasterised by
 * headless Chromium, looks like the PNG of that slice; it is well-formed XML
 * with named layers, events that carry their data and text as <text>; hostile
 * headlines land as text. Skips (77) when Debian's chromium or python3 is
 * missing (scripts/install-deps installs them). */
#include "check.h"
#include "conflictmap/conflictmap.h"

#include <cairo.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const gazetteers[] = { CM_SOURCE_DIR "/gazetteer/caucasus.tsv" };
static const char *const shapes[] = { CM_SOURCE_DIR "/shapes" };

/* Runs @argv (found on PATH) with its output to /dev/null; its exit status, or -1. */
static int
run(char *const argv[])
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
on_path(const char *name)
{
    char *argv[] = { "sh", "-c", "command -v \"$0\"", (char *)name, NULL };
    return run(argv) == 0;
}

static int
render(const char *events, const char *at, unsigned formats, const char *out_dir)
{
    cm_time t[1];
    cm_render_options o = { 0 };
    cm_time_parse(at, &t[0]);
    o.events_path = events;
    o.out_dir = out_dir;
    o.formats = formats;
    o.shapes = shapes;
    o.n_shapes = 1;
    o.gazetteers = gazetteers;
    o.n_gazetteers = 1;
    o.no_shipped_data = 1;   /* these files only, whatever is installed */
    o.slicing.at = t;
    o.slicing.n_at = 1;
    o.width_px = 1600;
    o.height_px = 1200;
    o.scale = 1;
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = cm_render(&o, diags, NULL);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
    cm_diag_list_destroy(diags);
    return st == CM_OK;
}

/* Chromium's screenshot of @svg at 1600 x 1200, with a profile of its own. */
static int
screenshot(const char *svg, const char *png)
{
    char cwd[2048], url[4200], shot[2100], profile[2100];
    if (!getcwd(cwd, sizeof(cwd)))
        return 0;
    snprintf(url, sizeof(url), "file://%s/%s", cwd, svg);
    snprintf(shot, sizeof(shot), "--screenshot=%s", png);
    snprintf(profile, sizeof(profile), "--user-data-dir=%s/svg-chromium-profile", cwd);
    char *argv[] = { "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                     "--hide-scrollbars", "--force-device-scale-factor=1",
                     "--window-size=1600,1200", profile, shot, url, NULL };
    unlink(png);
    return run(argv) == 0 && access(png, R_OK) == 0;
}

/* @in without its <text> elements, written to @out. */
static int
strip_text(const char *in, const char *out)
{
    FILE *f = fopen(in, "rb"), *g = fopen(out, "wb");
    char line[1 << 16];
    int ok = f && g;
    while (ok && fgets(line, sizeof(line), f))
        if (strncmp(line, "<text", 5) != 0)
            fputs(line, g);
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    return ok;
}

static cairo_surface_t *
load(const char *png)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "cannot read %s\n", png);
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    return s;
}

static int
channel_diff(const unsigned char *a, const unsigned char *b)
{
    int m = 0;
    for (int k = 0; k < 3; k++)
        m = abs(a[k] - b[k]) > m ? abs(a[k] - b[k]) : m;
    return m;
}

/* PNG against Chromium's rendering of the SVG: the mean absolute difference
 * per channel, the share of pixels off by more than 32 in any channel, and
 * that share away from the text (more than 2 px from any pixel that the text
 * changes in Chromium's rendering), where only geometry and paint count. */
static void
compare_look(const char *events, const char *dir, const char *stem)
{
    char png[512], svg[512], shot[512], no_text[512], no_text_shot[512], diff_png[512];
    snprintf(png, sizeof(png), "%s/%s-20201009T1515Z.png", dir, stem);
    snprintf(svg, sizeof(svg), "%s/%s-20201009T1515Z.svg", dir, stem);
    snprintf(shot, sizeof(shot), "%s/chromium.png", dir);
    snprintf(no_text, sizeof(no_text), "%s/no-text.svg", dir);
    snprintf(no_text_shot, sizeof(no_text_shot), "%s/chromium-no-text.png", dir);
    snprintf(diff_png, sizeof(diff_png), "%s/diff.png", dir);
    mkdir(dir, 0777);
    CHECK(render(events, "2020-10-09T15:15:00Z", CM_FORMAT_PNG | CM_FORMAT_SVG, dir));
    CHECK(screenshot(svg, shot));
    CHECK(strip_text(svg, no_text));
    CHECK(screenshot(no_text, no_text_shot));
    cairo_surface_t *a = load(png), *b = load(shot), *t = load(no_text_shot);
    if (!a || !b || !t) {
        check_failures++;
        return;
    }
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    CHECK_INT(cairo_image_surface_get_width(b), w);
    CHECK_INT(cairo_image_surface_get_height(b), h);
    if (cairo_image_surface_get_width(b) != w || cairo_image_surface_get_height(b) != h)
        return;
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b),
        st = cairo_image_surface_get_stride(t);
    const unsigned char *pa = cairo_image_surface_get_data(a),
                        *pb = cairo_image_surface_get_data(b),
                        *pt = cairo_image_surface_get_data(t);
    unsigned char *text = calloc((size_t)w * h, 1);
    cairo_surface_t *diff = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char *pd = cairo_image_surface_get_data(diff);
    int sd = cairo_image_surface_get_stride(diff);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (channel_diff(pb + y * sb + 4 * x, pt + y * st + 4 * x) > 0)
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -2; dx <= 2; dx++)
                        if (y + dy >= 0 && y + dy < h && x + dx >= 0 && x + dx < w)
                            text[(size_t)(y + dy) * w + x + dx] = 1;
    double sum = 0;
    long off = 0, off_geometry = 0, n_text = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const unsigned char *ca = pa + y * sa + 4 * x, *cb = pb + y * sb + 4 * x;
            for (int k = 0; k < 3; k++)
                sum += abs(ca[k] - cb[k]);
            int d = channel_diff(ca, cb), is_text = text[(size_t)y * w + x];
            n_text += is_text;
            off += d > 32;
            off_geometry += d > 32 && !is_text;
            unsigned char *cd = pd + y * sd + 4 * x;
            cd[0] = cd[1] = cd[2] = (unsigned char)(ca[1] / 4 + 191);
            if (d > 32) {
                cd[0] = cd[1] = 0;
                cd[2] = is_text ? 160 : 255;
            }
        }
    cairo_surface_mark_dirty(diff);
    cairo_surface_write_to_png(diff, diff_png);
    double n = (double)w * h, mean = sum / (3 * n);
    printf("%s: SVG (Chromium) vs PNG, 1600x1200: mean absolute difference %.3f per channel; "
           "pixels off by more than 32: %.3f%% (%ld); away from text: %.4f%% (%ld of %ld "
           "pixels); near text: %.1f%% of pixels\n",
           stem, mean, 100 * off / n, off, 100 * off_geometry / (n - n_text), off_geometry,
           (long)(n - n_text), 100 * n_text / n);
    CHECK(mean < 2.5);
    CHECK(off / n < 0.025);
    CHECK(off_geometry / (n - n_text) < 0.0005);
    CHECK(n_text / n > 0.02);   /* the text was there to be found */
    free(text);
    cairo_surface_destroy(diff);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    cairo_surface_destroy(t);
}

static const char hatch_json[] =
    "{\"title\": \"Hatching\", \"map\": {\"bbox\": [45.5, 38.8, 48.5, 40.8]},\n"
    " \"sides\": {\"AZ\": {\"name\": \"Azerbaijan\", \"color\": \"#2b6cb0\"},\n"
    "           \"AM\": {\"name\": \"Armenian forces\", \"color\": \"#c53030\"}},\n"
    " \"initial_control\": {\"Hadrut\": \"AM\"},\n"
    " \"events\": [{\"id\": \"h\", \"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Hadrut\",\n"
    "   \"kind\": \"control\", \"control\": {\"from\": \"AM\", \"to\": \"AZ\"},\n"
    "   \"status\": \"claimed\", \"area\": \"Xocav\u0259nd\", \"headline\": \"Claimed\"}]}\n";

/* Checks with python3's XML parser (it refuses anything not well-formed). */
static const char structure_py[] =
    "import sys, xml.etree.ElementTree as ET\n"
    "ns = '{http://www.w3.org/2000/svg}'\n"
    "root = ET.parse(sys.argv[1]).getroot()\n"
    "assert root.tag == ns + 'svg'\n"
    "assert root.find(ns + 'title').text.startswith('Map of Nagorno-Karabakh, 9 October 2020, "
    "15:15 GMT'), root.find(ns + 'title').text\n"
    "assert 'Hadrut' in root.find(ns + 'desc').text\n"
    "ids = {g.get('id') for g in root.iter(ns + 'g')}\n"
    "for layer in ['countries', 'regions', 'lines', 'control', 'events', 'labels', 'legend',"
    " 'frame', 'inset']:\n"
    "    assert layer in ids, layer\n"
    "texts = [''.join(t.itertext()) for t in root.iter(ns + 'text')]\n"
    "assert 'Armenia, Azerbaijan meet for Nagorno-Karabakh talks' in texts, texts\n"
    "assert any(t.startswith('Azerbaijan says it took Hadrut') for t in texts), texts\n"
    "ev = [g for g in root.iter(ns + 'g') if g.get('data-id') == 'hadrut-claimed-1515']\n"
    "assert len(ev) == 1\n"
    "g = ev[0]\n"
    "assert g.get('data-time') == '2020-10-09T15:15:00Z', g.get('data-time')\n"
    "assert g.get('data-kind') == 'control' and g.get('data-status') == 'claimed'\n"
    "assert g.find(ns + 'title').text == 'Aliyev says Hadrut taken \\u00b7 Hadrut', "
    "g.find(ns + 'title').text\n"
    "assert g.find(ns + 'path') is not None or g.find(ns + 'circle') is not None\n"
    "assert not list(root.iter(ns + 'script'))\n"
    "print('%d text elements, %d event groups' % (len(texts), len([g for g in "
    "root.iter(ns + 'g') if g.get('class') == 'event'])))\n";

static void
check_structure(void)
{
    char *argv[] = { "python3", "-c", (char *)structure_py,
                     "svg-look/karabakh-2020-10-09-20201009T1515Z.svg", NULL };
    CHECK_INT(run(argv), 0);
}

/* Headlines that try to break out of the markup, with control characters that
 * XML 1.0 cannot carry: each event's <title> is the headline as text, less
 * those characters, then where the event is, and the document has no element
 * but the writer's. */
static const char hostile_json[] =
    "{\"title\": \"<svg onload=alert(1)> & ']]>\",\n"
    " \"sides\": {\"AZ\": {\"name\": \"A\\\"z<b>\", \"color\": \"#2b6cb0\"}},\n"
    " \"events\": [\n"
    "  {\"id\": \"s1\\\"><x\", \"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Hadrut\","
    " \"kind\": \"clash\", \"headline\": \"<script>alert(1)</script>\"},\n"
    "  {\"id\": \"s2\", \"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Baku\","
    " \"kind\": \"strike\", \"headline\": \"\\\"><img src=x onerror=alert(1)>\"},\n"
    "  {\"id\": \"s3\", \"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Goranboy\","
    " \"kind\": \"shelling\", \"headline\": \"]]> </script> \\u0001\\u0008bell\\u001f\\u007f"
    "\\ufffe\\uffff end\"}]}\n";

static const char hostile_py[] =
    "import sys, xml.etree.ElementTree as ET\n"
    "ns = '{http://www.w3.org/2000/svg}'\n"
    "root = ET.parse(sys.argv[1]).getroot()\n"
    "titles = {g.get('data-id'): g.find(ns + 'title').text for g in root.iter(ns + 'g')"
    " if g.get('class') == 'event'}\n"
    "assert titles.get('s1\"><x') == '<script>alert(1)</script> \\u00b7 Hadrut', titles\n"
    "assert titles.get('s2') == '\"><img src=x onerror=alert(1)> \\u00b7 Baku', titles\n"
    "assert titles.get('s3') == ']]> </script> bell end \\u00b7 Goranboy', titles\n"
    "tags = {e.tag.replace(ns, '') for e in root.iter()}\n"
    "assert tags <= {'svg', 'title', 'desc', 'rect', 'g', 'path', 'circle', 'clipPath',"
    " 'text', 'tspan'}, tags\n"
    "texts = [''.join(t.itertext()) for t in root.iter(ns + 'text')]\n"
    "assert \"<svg onload=alert(1)> & ']]>\" in texts, texts\n"
    "assert not [a for e in root.iter() for a in e.attrib if a.startswith('on')]\n";

static void
check_hostile(void)
{
    FILE *f = fopen("svg-hostile.json", "wb");
    if (!f) {
        check_failures++;
        return;
    }
    fputs(hostile_json, f);
    fclose(f);
    CHECK(render("svg-hostile.json", "2020-10-09T15:15:00Z", CM_FORMAT_SVG, "svg-hostile"));
    char *argv[] = { "python3", "-c", (char *)hostile_py,
                     "svg-hostile/svg-hostile-20201009T1515Z.svg", NULL };
    CHECK_INT(run(argv), 0);
    char *lint[] = { "xmllint", "--noout", "svg-hostile/svg-hostile-20201009T1515Z.svg", NULL };
    if (on_path("xmllint"))
        CHECK_INT(run(lint), 0);
}

int
main(void)
{
    if (!on_path("chromium") || !on_path("python3")) {
        fprintf(stderr, "test_draw_svg: needs chromium and python3 (scripts/install-deps)\n");
        return 77;
    }
    compare_look(CM_SOURCE_DIR "/examples/karabakh-2020-10-09.json", "svg-look",
                 "karabakh-2020-10-09");
    /* A claimed area, hatched: the lines must fall where the PNG has them. */
    FILE *f = fopen("svg-hatch.json", "wb");
    if (f) {
        fputs(hatch_json, f);
        fclose(f);
    }
    compare_look("svg-hatch.json", "svg-hatch", "svg-hatch");
    FILE *g = fopen("svg-hatch/svg-hatch-20201009T1515Z.svg", "rb");
    static char doc[1 << 21];
    size_t n = g ? fread(doc, 1, sizeof(doc) - 1, g) : 0;
    doc[n] = '\0';
    if (g)
        fclose(g);
    CHECK(strstr(doc, "<path clip-path=\"url(#clip") != NULL);   /* the hatching is there */
    check_structure();
    check_hostile();
    return check_result("test_draw_svg");
}

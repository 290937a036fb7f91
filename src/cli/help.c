/* --help: each command's usage and options, one line of explanation each, on
 * stdout. The man page (docs/conflictmap.1) says the same at more length. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* How the events file is read: render, validate and slices take the same. */
#define EVENTS_READING_HELP \
    "  --timezone ZONE        the zone of times written without one, such as\n" \
    "                         \"2020-10-09 08:00\": UTC, +04:00, Asia/Baku (over\n" \
    "                         the file's \"timezone\")\n" \
    "  --settings FILE        a CSV events file's title, sides and map, from FILE\n" \
    "                         (default: STEM.settings.json beside STEM.csv)\n" \
    "  --date-order DMY|MDY   whether 09/10/2020 is 9 October (DMY) or 10 September\n" \
    "                         (over the file's \"date_order\")\n"

static const char limits_help[] =
    "limits (every command):\n"
    "  --max-file-size BYTES  largest file read, each file of a layer and the previous\n"
    "                         manifest.json included (default 268435456, 256 MB)\n"
    "  --max-events N         most events in one file (default 1000000)\n"
    "  --max-string BYTES     longest text value or CSV cell (default 1048576)\n"
    "  --max-depth N          deepest JSON nesting (default 64)\n"
    "  --max-vertices N       most points in one layer (default 50000000)\n";

static const char main_help[] =
    "usage: conflictmap COMMAND [options]   (conflictmap COMMAND --help for its options)\n"
    "\n"
    "Draws a timeline of reported events in a conflict as one map per moment.\n"
    "\n"
    "commands:\n"
    "  render EVENTS          draw one map per slice, with manifest.json\n"
    "  validate EVENTS        print every problem in the events file as FILE:LINE:COL\n"
    "  slices EVENTS          print the slice times, one per line\n"
    "  place NAME             look a name up in the gazetteer, best matches first\n"
    "  import acled FILE.csv  turn an ACLED export into an events file\n"
    "  merge-manifests DIR    join the manifests of render --shard runs\n"
    "  watch EVENTS           render, then again at each save of its files\n"
    "  serve DIR              serve an output folder on this machine, with live reload\n"
    "\n"
    "EVENTS is a JSON events file, a GeoJSON FeatureCollection, or a CSV export\n"
    "(STEM.csv, with its title, sides and map in STEM.settings.json beside it).\n"
    "exit status: 0 done, 1 invalid input (nothing written), 2 usage,\n"
    "3 input/output failure or out of memory, 4 a bug in conflictmap.\n"
    "See conflictmap(1).\n";

static const char watch_help[] =
    "usage: conflictmap watch EVENTS.json|EVENTS.csv -o DIR [the options of render]\n"
    "\n"
    "Renders as render does, then renders again each time a file the maps are\n"
    "made from is saved: the events file, its settings file, the style, and the\n"
    "files and folders given to --shapes, --gazetteer and --control (a layer the\n"
    "events file names in map.control is watched when it is in the events\n"
    "file's folder). Several saves in quick succession make one render; only\n"
    "the slices that changed are drawn. Each render publishes a whole set\n"
    "(DIR/sets/); one that fails prints every problem, as validate does, and\n"
    "leaves the last good set published. Ctrl-C ends it. See render --help for\n"
    "the options; --shard is not one of them.\n"
    "\n"
    "  --serve                also serve DIR as serve does, the page reloading itself\n"
    "                         when a new set is published\n"
    "  --port N               the port to serve on (default 8000)\n"
    "  --host ADDR            the IPv4 address to listen on (default 127.0.0.1)\n";

static const char serve_help[] =
    "usage: conflictmap serve DIR [--port N] [--host ADDR]\n"
    "\n"
    "A preview server for an output folder: DIR's files and nothing else, with\n"
    "ETags; an open page reloads itself when a new set is published (by render\n"
    "or watch). Ctrl-C ends it.\n"
    "\n"
    "  --port N               the port (default 8000)\n"
    "  --host ADDR            the IPv4 address to listen on (default 127.0.0.1: this\n"
    "                         machine only)\n";

static const char render_help[] =
    "usage: conflictmap render EVENTS.json|EVENTS.csv [options]\n"
    "\n"
    "Draws one map per slice into DIR/<stem>-<YYYYMMDDTHHMMZ>.<ext>, with\n"
    "DIR/manifest.json; nothing is written unless the whole input is valid.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR       output folder, made when missing (default out)\n"
    "  --format LIST          comma-separated png, svg, pdf, html, svg-outlines,\n"
    "                         gif, mp4 (default png,svg); html: index.html and\n"
    "                         embed.html over the PNGs; gif, mp4: the whole\n"
    "                         timeline as one file, through ffmpeg\n"
    "  --hold SECONDS         how long each slice shows in gif and mp4 (default 1.5)\n"
    "  --style FILE|PRESET    light (default), dark, print, or a JSON style file\n"
    "  --shapes PATH          a shapefile, GeoJSON layer or folder of them, or\n"
    "                         ROLE=PATH; replaces the shipped layers (repeatable)\n"
    "  --gazetteer FILE       adds places to the shipped gazetteer (repeatable)\n"
    "  --control PATH         a layer of dated control areas (GeoJSON, KML, GPKG,\n"
    "                         shapefile ...) or a folder of layers named by date;\n"
    "                         SIDE=PATH or SIDE:STATUS=PATH for a layer whose\n"
    "                         features carry none (docs/control.md; repeatable)\n"
    "  --every DURATION       a slice every 30m, 1h, 1d ... from the first event\n"
    "  --at TIME[,TIME...]    slices at these RFC 3339 times; new on the first: the\n"
    "                         reports since the event time before the latest one by\n"
    "                         then, as the default slicing shows it\n"
    "  --since TIME           with --at, new on the first slice: the reports after\n"
    "                         TIME (--at 18:00 --since 12:00: since noon)\n"
    "  --window DURATION      leave out events older than this before each slice\n"
    "  --size WxH             map size in pixels at scale 1 (default 1600x1200)\n"
    "  --scale N              pixel density, 0.25 to 8 (2 for high-density screens)\n"
    "  --print-size SIZE      maps for print, laid out at that size, type at print\n"
    "                         sizes (96 px an inch: a 12 px label prints at 9 pt):\n"
    "                         WxH in mm, cm or in (180x120mm, 7x5in); a width alone\n"
    "                         (180mm, the height from --size's aspect); or A3, A4,\n"
    "                         A5, letter, legal, tabloid, upright, or A4-landscape\n"
    "                         ...; the PDF's page is that size\n"
    "  --dpi N                with --print-size, a PNG's pixels an inch (default 300)\n"
    "  --bbox W,S,E,N         the map's extent in degrees (default: the file's,\n"
    "                         else fitted to the events)\n"
    "  --projection P         auto (default), web, EPSG:NNNN or a PROJ string\n"
    "  --lang LANG            the map's language: its words, dates and page, and\n"
    "                         place names where the gazetteer has them: en, ar,\n"
    "                         az, es, fr, hy, ru, uk (over the file's \"lang\")\n"
    EVENTS_READING_HELP
    "  --png-colors N         PNGs with a palette of at most N colours (2 to 256)\n"
    "  -j N                   slices drawn at once (default: the number of cores)\n"
    "  --shard K/N            draw only the K-th of N shares of the slices\n"
    "  --strict               treat warnings as errors: write nothing, exit 1\n"
    "  -q, --quiet            print nothing but problems\n"
    "  -h, --help             print this help\n";

static const char validate_help[] =
    "usage: conflictmap validate EVENTS.json|EVENTS.csv [options]\n"
    "\n"
    "Prints every problem in the events file, sorted by position, as\n"
    "FILE:LINE:COL: message (warnings too); exits 1 if there is any error.\n"
    "\n"
    "options:\n"
    "  --explain              print each place name's resolution: the place\n"
    "                         chosen, its country and point, and why\n"
    "  --gazetteer FILE       adds places to the shipped gazetteer (repeatable)\n"
    "  --shapes PATH          the regions layer the \"area\" and initial_control\n"
    "                         names are checked against, as render reads it\n"
    "                         (only the regions role is read; default: shipped)\n"
    EVENTS_READING_HELP
    "  --strict               treat warnings as errors: exit 1 if there is any\n"
    "  -q, --quiet            print nothing when there is no problem\n"
    "  -h, --help             print this help\n";

static const char slices_help[] =
    "usage: conflictmap slices EVENTS.json|EVENTS.csv [options]\n"
    "\n"
    "Prints the slice times render would draw, one per line (RFC 3339).\n"
    "\n"
    "options:\n"
    "  --every DURATION       a slice every 30m, 1h, 1d ... from the first event\n"
    "  --at TIME[,TIME...]    slices at these RFC 3339 times\n"
    EVENTS_READING_HELP
    "  --gazetteer FILE       adds places to the shipped gazetteer (repeatable)\n"
    "  -h, --help             print this help\n";

static const char place_help[] =
    "usage: conflictmap place NAME [options]\n"
    "\n"
    "Looks NAME up in the gazetteer (case, diacritics and spelling variants do\n"
    "not matter) and prints the best matches: name, lon, lat, country, kind and\n"
    "the FILE:LINE it comes from, tab-separated.\n"
    "\n"
    "options:\n"
    "  --gazetteer FILE       adds places to the shipped gazetteer (repeatable)\n"
    "  -h, --help             print this help\n";

static const char import_help[] =
    "usage: conflictmap import acled FILE.csv [-o OUT.json]\n"
    "\n"
    "Turns an ACLED export (acleddata.com) into an events file: event types\n"
    "become kinds, territory sub-types control changes between sides made from\n"
    "actor1 and actor2, geo_precision precision; each event is at 00:00 GMT on\n"
    "its date, as ACLED dates events by the day.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT.json  where to write (default FILE.json beside FILE.csv;\n"
    "                         - for standard output)\n"
    "  -q, --quiet            print nothing but problems\n"
    "  -h, --help             print this help\n";

static const char merge_help[] =
    "usage: conflictmap merge-manifests DIR\n"
    "\n"
    "Joins DIR/manifest.K-of-N.json, written by render --shard K/N for K = 1..N,\n"
    "into DIR/manifest.json.\n"
    "\n"
    "options:\n"
    "  -q, --quiet            print nothing but problems\n"
    "  -h, --help             print this help\n";

int
cli_help(const char *command)
{
    static const struct {
        const char *command, *text;
        int has_limits;
    } helps[] = {
        { "render", render_help, 1 }, { "validate", validate_help, 1 },
        { "slices", slices_help, 1 }, { "place", place_help, 0 },
        { "import", import_help, 1 }, { "merge-manifests", merge_help, 0 },
        { "watch", watch_help, 1 }, { "serve", serve_help, 0 },
    };
    if (!command) {
        fputs(main_help, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
        if (strcmp(command, helps[i].command) == 0) {
            fputs(helps[i].text, stdout);
            if (helps[i].has_limits)
                printf("\n%s", limits_help);
            return 0;
        }
    return -1;
}

int
cli_wants_help(int argc, char **argv)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

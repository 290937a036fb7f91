/* The files of a run's slices: their names (only the events file's name and
 * the slice's time go into them), which to draw again and which to keep
 * (the incremental cache), drawing them, listing them in the manifest and
 * the page. They are written into the run's staging folder, published whole
 * or not at all (output/publish.c). */
#include "render/run.h"
#include "draw/png.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *
run_stem_of(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(buf, size, "%s", base);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

/* The base name of slice @i's file in @format: only the events file's name
 * and the slice's time go into it, never anything from the file's text. */
static void
slice_file_name(const run *r, size_t i, cm_format format, char *buf, size_t size)
{
    char stamp[CM_TIME_BUF];
    cm_time_format_stamp(cm_slice_time(cm_slices_get(r->plan.slices, i)), stamp);
    snprintf(buf, size, "%s-%s.%s", r->plan.stem, stamp, cm_format_extension(format));
}

static void
slice_file_path(const run *r, size_t i, cm_format format, char *buf, size_t size)
{
    char name[1024];
    slice_file_name(r, i, format, name, sizeof(name));
    snprintf(buf, size, "%s/%s", r->plan.dir, name);
}

static void
png_2x_name(const run *r, size_t i, char *buf, size_t size)
{
    char stamp[CM_TIME_BUF];
    cm_time_format_stamp(cm_slice_time(cm_slices_get(r->plan.slices, i)), stamp);
    snprintf(buf, size, "%s-%s@2x.png", r->plan.stem, stamp);
}

static void
phone_name(const run *r, size_t i, char *buf, size_t size)
{
    char stamp[CM_TIME_BUF];
    cm_time_format_stamp(cm_slice_time(cm_slices_get(r->plan.slices, i)), stamp);
    snprintf(buf, size, "%s-%s-phone.png", r->plan.stem, stamp);
}

static void
png_2x_path(const run *r, size_t i, char *buf, size_t size)
{
    char name[1024];
    png_2x_name(r, i, name, sizeof(name));
    snprintf(buf, size, "%s/%s", r->plan.dir, name);
}

/* The scale slice files of @format are drawn at: the options', but with a
 * print size a PDF's points a pixel, and an SVG's 1 (its pixels are CSS
 * pixels, 96 an inch: the print size in any viewer). */
static double
format_scale(const run *r, cm_format format)
{
    if (r->plan.print && format == CM_FORMAT_PDF)
        return r->plan.print->pdf_scale;
    if (r->plan.print && (format == CM_FORMAT_SVG || format == CM_FORMAT_SVG_OUTLINES))
        return 1;
    return r->opt->scale;
}

double run_phone_scale = 2;

/* Draws slice @i in every per-slice format the options ask for, into the
 * staging folder. */
cm_status
run_draw_slice(run *r, size_t i, cm_diag_list *diags)
{
    char path[4096];
    cm_status st = CM_OK;
    for (size_t f = 0; st == CM_OK && f < CM_N_SLICE_FORMATS; f++) {
        struct stat sb;
        if (!(r->sh.todo[i] & slice_format(f)))
            continue;
        slice_file_path(r, i, slice_format(f), path, sizeof(path));
        const run_print *p = r->plan.print;
        double scale = format_scale(r, slice_format(f));
        if (p && slice_format(f) == CM_FORMAT_PDF)
            st = cm_draw_trimmed(r->sh.scenes[i], NULL, CM_FORMAT_PDF, scale, 0, p->page_pt,
                                 path, diags);
        else if (p && slice_format(f) == CM_FORMAT_PNG)
            st = cm_draw_trimmed(r->sh.scenes[i], r->sh.cache, CM_FORMAT_PNG, scale,
                                 r->opt->png_colors, p->png_px, path, diags);
        else
            st = cm_draw_cached(r->sh.scenes[i], r->sh.cache, slice_format(f), scale,
                                r->opt->png_colors, path, diags);
        if (st == CM_OK)
            r->sh.bytes[i][f] = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
    }
    if (st == CM_OK && has_png_2x(r)) {
        png_2x_path(r, i, path, sizeof(path));
        st = cm_draw(r->sh.scenes[i], CM_FORMAT_PNG, 2, r->opt->png_colors, path, diags);
    }
    if (st == CM_OK && has_phone(r) && r->sh.phones[i]) {
        char name[1024];
        phone_name(r, i, name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", r->plan.dir, name);
        st = cm_draw(r->sh.phones[i], CM_FORMAT_PNG, run_phone_scale, r->opt->png_colors, path,
                     diags);
    }
    return st;
}

/* An incremental run: a file stays when the published set's manifest says
 * it was drawn from the same hash, and the set's copy has the size it had:
 * it is linked into the staging folder as it is. Files of the published set
 * are complete and never change (output/publish.h), so nothing an
 * interrupted run left is ever kept. */
void
run_choose_files(run *r, size_t i)
{
    char name[1024], path[4096];
    struct stat sb;
    const char *set = cm_publish_current(r->plan.pub);
    r->sh.todo[i] = 0;
    if (has_png_2x(r)) {   /* not recorded itself: kept with its slice's PNG, or drawn */
        png_2x_name(r, i, name, sizeof(name));
        if (!cm_publish_keep(r->plan.pub, name))
            r->sh.todo[i] |= WROTE_PAGE_PNGS;
    }
    if (has_phone(r)) {   /* the same: kept with its slice's files, or drawn with them */
        phone_name(r, i, name, sizeof(name));
        if (!cm_publish_keep(r->plan.pub, name))
            r->sh.todo[i] |= WROTE_PAGE_PNGS;
    }
    for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++) {
        if (!(formats_of(r) & slice_format(f)))
            continue;
        cm_draw_hash(r->sh.scenes[i], r->plan.base_hash, slice_format(f),
                     format_scale(r, slice_format(f)),
                     r->opt->png_colors, r->sh.hashes[i][f]);
        slice_file_name(r, i, slice_format(f), name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", set ? set : "", name);
        long long bytes = cm_manifest_drawn_find(r->plan.drawn, name, r->sh.hashes[i][f]);
        if (set && bytes >= 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
            sb.st_size == bytes && cm_publish_keep(r->plan.pub, name))
            r->sh.bytes[i][f] = bytes;
        else
            r->sh.todo[i] |= (unsigned char)slice_format(f);
    }
}

/* The sizes and hashes of slice @i's files, on its manifest entry @k. */
cm_status
run_note_drawn(run *r, size_t i, size_t k)
{
    const char *exts[CM_N_SLICE_FORMATS], *hashes[CM_N_SLICE_FORMATS];
    long long bytes[CM_N_SLICE_FORMATS];
    size_t n = 0;
    for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++) {
        if (!(formats_of(r) & slice_format(f)))
            continue;
        exts[n] = cm_formats[f].extension;
        hashes[n] = r->sh.hashes[i][f];
        bytes[n++] = r->sh.bytes[i][f];
    }
    return cm_manifest_set_drawn(r->plan.manifest, k, exts, hashes, bytes, n);
}

/* The manifest's entry for slice @i: the files draw_slice writes for it. */
cm_status
run_add_to_manifest(run *r, size_t i)
{
    char names[CM_N_SLICE_FORMATS][1024];
    const char *exts[CM_N_SLICE_FORMATS], *name_ptrs[CM_N_SLICE_FORMATS];
    size_t n_files = 0;
    for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++) {
        if (!(formats_of(r) & slice_format(f)))
            continue;
        slice_file_name(r, i, slice_format(f), names[n_files], sizeof(names[n_files]));
        exts[n_files] = cm_formats[f].extension;
        name_ptrs[n_files] = names[n_files];
        n_files++;
    }
    return cm_manifest_add_slice(r->plan.manifest, cm_slices_get(r->plan.slices, i), r->sh.scenes[i], exts,
                                 name_ptrs, n_files);
}

/* The page's entry for slice @i, taken while its scene is laid out. */
cm_status
run_add_to_page(run *r, size_t i)
{
    char png[1024], png_2x[1024], phone[1024];
    slice_file_name(r, i, CM_FORMAT_PNG, png, sizeof(png));
    png_2x_name(r, i, png_2x, sizeof(png_2x));
    cm_status st = cm_html_page_add_slice(r->plan.page, r->sh.scenes[i], png,
                                          has_png_2x(r) ? png_2x : NULL);
    phone_name(r, i, phone, sizeof(phone));
    if (st == CM_OK && r->sh.phones[i])
        st = cm_html_page_add_phone(r->plan.page, r->sh.phones[i], phone);
    return st;
}

/* manifest.json, or with --shard K/N its share, manifest.K-of-N.json, which
 * cm_render_merge_manifests() joins into the manifest.json of a single run. */
void
run_manifest_name(const run *r, char *buf, size_t size)
{
    if (r->opt->shard_n > 1)
        snprintf(buf, size, "manifest.%d-of-%d.json", r->opt->shard_k, r->opt->shard_n);
    else
        snprintf(buf, size, "manifest.json");
}

void
run_manifest_path(const run *r, char *buf, size_t size)
{
    char name[64];
    run_manifest_name(r, name, sizeof(name));
    snprintf(buf, size, "%s/%s", r->plan.dir, name);
}

/* index.html and embed.html, the page showing the images of set @id. */
cm_status
run_write_html(run *r, const char *id)
{
    char page[4096], embed[4096], folder[64];
    snprintf(page, sizeof(page), "%s/index.html", r->plan.dir);
    snprintf(embed, sizeof(embed), "%s/embed.html", r->plan.dir);
    snprintf(folder, sizeof(folder), "sets/%s/", id);
    cm_status st = cm_html_page_set_folder(r->plan.page, folder);
    if (st == CM_OK)
        st = cm_html_page_write(r->plan.page, page, r->diags);
    if (st == CM_OK)
        st = cm_html_write_embed(r->plan.page, embed, "index.html", r->diags);
    return st;
}

/* Bytes of this run's maps in the folder (drawn now or kept from before), and
 * with the manifest, for the report. */
void
run_count_bytes(const run *r, cm_render_result *result)
{
    char path[4096];
    struct stat sb;
    result->n_bytes = result->n_slice_bytes = 0;
    for (size_t i = 0; i < cm_slices_count(r->plan.slices); i++)
        for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++)
            if (in_share(r, i) && (formats_of(r) & slice_format(f))) {
                slice_file_path(r, i, slice_format(f), path, sizeof(path));
                result->n_slice_bytes += stat(path, &sb) == 0 ? (size_t)sb.st_size : 0;
            }
    run_manifest_path(r, path, sizeof(path));
    result->n_bytes = result->n_slice_bytes + (stat(path, &sb) == 0 ? (size_t)sb.st_size : 0);
}

/* What the published set's manifest (a share's own, else the whole run's)
 * says was drawn. */
cm_status
run_load_drawn(run *r)
{
    char name[64], path[4096];
    struct stat sb;
    const char *set = cm_publish_current(r->plan.pub);
    run_manifest_name(r, name, sizeof(name));
    snprintf(path, sizeof(path), "%s/%s", set ? set : "", name);
    if (!set || stat(path, &sb) != 0)
        snprintf(path, sizeof(path), "%s/manifest.json", set ? set : "");
    return cm_manifest_drawn_load(&r->plan.drawn, set ? path : "", r->diags);
}

/* The interactive page: DIR/index.html (a time slider over the slices' PNGs,
 * tooltips placed from each scene's marker positions) and DIR/embed.html (an
 * iframe snippet for a CMS). It shows the scenes as drawn; it lays out nothing.
 * Like the manifest, it takes each slice as it is laid out, so that a scene
 * can be freed once drawn. For other src/ files only. */
#ifndef CM_SRC_HTML_H
#define CM_SRC_HTML_H

#include <stddef.h>
#include "conflictmap/diag.h"
#include "conflictmap/scene.h"

typedef struct cm_html_page cm_html_page;

/* A page over @events' slices, drawn with @style at @width_px x @height_px
 * and @scale; @scale_2x is the scale of the 2x images (equal to @scale when
 * there are none). Borrows @events and @style: they must outlive the page.
 * On success *out is the caller's (cm_html_page_destroy). Returns CM_OK or
 * CM_ERR_NOMEM. */
cm_status cm_html_page_create(cm_html_page **out, const cm_events *events,
                              const cm_style *style, int width_px, int height_px,
                              double scale, double scale_2x);
void      cm_html_page_destroy(cm_html_page *page);   /* NULL is fine */

/* The page in the language of @base (cm_scene_base_set_lang): its lang and
 * dir attributes, its controls' words, the moments and the sides' names as
 * the map has them. Borrows @base: it must outlive the page. Call before the
 * first slice is added. CM_OK or CM_ERR_NOMEM. */
cm_status cm_html_page_set_lang(cm_html_page *page, const cm_scene_base *base);

/* Adds the next slice, in time order: what the page needs of @scene (marker
 * positions, labels, alt text) is copied, so the scene may go once this
 * returns. @png and @png_2x (NULL when none) are its PNGs' file names,
 * relative to the page. Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_html_page_add_slice(cm_html_page *page, const cm_scene *scene, const char *png,
                                 const char *png_2x);

/* Adds the phone layout of the slice just added (call right after
 * cm_html_page_add_slice): @phone_scene is the same slice laid out for a
 * portrait phone, drawn as @phone_png (relative to the page). The page shows
 * it at 720 CSS px wide and below, with markers placed from @phone_scene;
 * the first phone scene gives the layout's size. Slices without one show
 * the main image everywhere. Returns CM_OK, CM_ERR_NOMEM, or CM_ERR_INTERNAL
 * with no slice added. */
cm_status cm_html_page_add_phone(cm_html_page *page, const cm_scene *phone_scene,
                                 const char *phone_png);

/* The slices' images are in @folder ("sets/0123456789ab/"), relative to the
 * page, not beside it: the published set's own copies, which no later run
 * changes, so a reader who loaded this page never gets another set's image.
 * Call after the last slice is added. Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_html_page_set_folder(cm_html_page *page, const char *folder);

/* Writes the page to @path (all or nothing). Its style and script are inline
 * and allowed by their SHA-256 in its Content-Security-Policy; every string
 * from the events file is escaped for where it lands. Returns CM_OK, CM_ERR_IO
 * (with a diagnostic), CM_ERR_NOMEM, or CM_ERR_INTERNAL with no slice added. */
cm_status cm_html_page_write(const cm_html_page *page, const char *path, cm_diag_list *diags);

/* Writes @path: a snippet to paste into an article, a responsive iframe
 * titled after the map that shows @page_name (the page's file name, next to
 * it). Returns CM_OK, CM_ERR_IO (with a diagnostic) or CM_ERR_NOMEM. */
cm_status cm_html_write_embed(const cm_html_page *page, const char *path,
                              const char *page_name, cm_diag_list *diags);

#endif

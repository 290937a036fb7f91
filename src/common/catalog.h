/* A message catalogue: the map's own words (legend, "New at" box, callouts,
 * dates, alt text, the page's controls) in one language, read from a compiled
 * gettext .mo file (po/LANG.po, compiled by msgfmt at build time). Our own
 * reader, not glibc's dgettext: that needs a generated locale (a fresh Debian
 * has none but C and POSIX) and setlocale(), which is process-wide, wrong for
 * a library laying out slices in threads. Every offset and length in the file
 * is checked, and a translation whose printf conversions differ from its
 * msgid's is dropped (the English is used), so a damaged or hostile .mo can
 * never crash a render. A loaded catalogue is only read: share it between
 * threads freely. For src/ only. */
#ifndef CM_SRC_CATALOG_H
#define CM_SRC_CATALOG_H

#include "conflictmap/diag.h"
#include "conflictmap/timestamp.h"

#include <stddef.h>

typedef struct cm_catalog cm_catalog;

/* The languages the map's words come in, and the same as words for a
 * message ("en, ar, az, es, fr, hy, ru or uk"). */
extern const char *const cm_langs[];
enum { CM_N_LANGS = 8 };
extern const char cm_langs_words[];
int cm_lang_is_known(const char *lang);
/* 1 for a language written right to left (ar). */
int cm_lang_is_rtl(const char *lang);

/* Reads the .mo file at @path. On success *out is the caller's
 * (cm_catalog_destroy). CM_ERR_IO when it cannot be read, CM_ERR_INPUT when it
 * is no well-formed .mo (truncated, damaged, a bad Plural-Forms header), with
 * a message in @diags (may be NULL) naming the file. */
cm_status cm_catalog_load(cm_catalog **out, const char *path, cm_diag_list *diags);

/* As cm_catalog_load(), from the @size bytes at @data (copied); @name names
 * them in messages. */
cm_status cm_catalog_parse(cm_catalog **out, const void *data, size_t size, const char *name,
                           cm_diag_list *diags);
void cm_catalog_destroy(cm_catalog *c);   /* NULL is fine */

/* @msgid's translation, or @msgid itself when @c is NULL or has none.
 * Borrowed: valid while @c lives. */
const char *cm_catalog_get(const cm_catalog *c, const char *msgid);

/* As cm_catalog_get(), for @msgid in context @ctx (a .po msgctxt), which tells
 * apart one English word said two ways: a month in a date and alone. */
const char *cm_catalog_pget(const cm_catalog *c, const char *ctx, const char *msgid);

/* The form for @n of a message with plural forms (ngettext): the
 * translation's, chosen by the catalogue's Plural-Forms rule, or @singular
 * for n == 1 and @plural otherwise when there is none. */
const char *cm_catalog_nget(const cm_catalog *c, const char *singular, const char *plural,
                            unsigned long n);

/* Marks an English phrase kept in a table for the catalogue (po/update finds
 * it there) without translating it where it is written. */
#define CM_N_(s) s

/* The moment @t (UTC) into @buf as @pattern, translated, says: "{day}
 * {month} {year}, {time} GMT" is "9 October 2020, 15:15 GMT" in English,
 * "9 октября 2020 г., 15:15 GMT" in Russian. The month is the catalogue's
 * form of it in a date ("October": "октября"), the time HH:MM. Only dates use
 * the months' names, so they need no context. Cut at a character when longer than @size. Returns @buf. */
char *cm_catalog_date(const cm_catalog *c, const char *pattern, cm_time t, char *buf,
                      size_t size);

#endif

/* Text input files: read whole with a size limit, encoding checked once here so
 * every parser after it can rely on valid UTF-8 and report errors by position. */
#include "common/input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t
cm_utf8_sequence_length(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; min = 0x10000; }
    else
        return 0;
    if (avail < n)
        return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

cm_pos
cm_input_pos(const char *file, const char *text, size_t offset)
{
    cm_pos pos = { file, 1, 1 };
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            pos.line++;
            pos.col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            pos.col++;
        }
    }
    return pos;
}

static cm_status
check_encoding(const char *path, const char *text, size_t len, cm_diag_list *diags)
{
    const unsigned char *u = (const unsigned char *)text;
    cm_pos whole = { path, 0, 0 };

    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        cm_diag_error(diags, &whole, "the file is UTF-16; save it as UTF-8 and try again");
        return CM_ERR_INPUT;
    }
    for (size_t i = 0; i < len;) {
        size_t n = u[i] ? cm_utf8_sequence_length(u + i, len - i) : 0;
        if (n == 0) {
            cm_pos pos = cm_input_pos(path, text, i);
            if (u[i] == 0)
                cm_diag_error(diags, &pos, "the file contains a NUL byte; it is not a text file");
            else
                cm_diag_error(diags, &pos,
                              "byte 0x%02X is not UTF-8 (the file may be in Latin-1 or "
                              "Windows-1252); save it as UTF-8 and try again", u[i]);
            return CM_ERR_INPUT;
        }
        i += n;
    }
    return CM_OK;
}

static void
too_big(const char *path, size_t max_bytes, cm_diag_list *diags)
{
    cm_pos whole = { path, 0, 0 };
    cm_diag_error(diags, &whole, "the file is larger than %zu bytes, the limit "
                  "(--max-file-size changes it); split it", max_bytes);
}

static cm_status
read_all(FILE *f, const char *path, size_t max_bytes, char **out, size_t *len,
         cm_diag_list *diags)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    cm_pos whole = { path, 0, 0 };

    if (!buf)
        return CM_ERR_NOMEM;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes) {
                free(buf);
                too_big(path, max_bytes, diags);
                return CM_ERR_INPUT;
            }
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                return CM_ERR_NOMEM;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int err = errno;
        free(buf);
        cm_diag_error(diags, &whole, "cannot read \"%s\": %s", path, strerror(err));
        return CM_ERR_IO;
    }
    if (n > max_bytes) {
        free(buf);
        too_big(path, max_bytes, diags);
        return CM_ERR_INPUT;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CM_OK;
}

cm_status
cm_input_read_text(const char *path, size_t max_bytes, char **text, size_t *len,
                   cm_diag_list *diags)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = fopen(path, "rb");

    *text = NULL;
    *len = 0;
    if (!f) {
        cm_pos whole = { path, 0, 0 };
        cm_diag_error(diags, &whole, "cannot read \"%s\": %s", path, strerror(errno));
        return CM_ERR_IO;
    }
    cm_status st = read_all(f, path, max_bytes, &buf, &n, diags);
    fclose(f);
    if (st != CM_OK)
        return st;
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(buf, buf + 3, n - 2);
        n -= 3;
    }
    st = check_encoding(path, buf, n, diags);
    if (st != CM_OK) {
        free(buf);
        return st;
    }
    *text = buf;
    *len = n;
    return CM_OK;
}

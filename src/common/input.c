/* Input files: only regular files, within the size limit, checked before they
 * are read; text read whole with its encoding checked once here, so every
 * parser after it can rely on valid UTF-8 and report errors by position. */
#include "common/input.h"
#include "common/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
too_big(const char *path, size_t max_bytes, const char *advice, cm_diag_list *diags)
{
    cm_pos whole = { path, 0, 0 };
    cm_diag_error(diags, &whole, "the file is larger than %zu bytes, the limit "
                  "(--max-file-size changes it)%s%s", max_bytes, advice ? "; " : "",
                  advice ? advice : "");
}

static const char *
kind_of(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a named pipe (FIFO)";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISDIR(mode))
        return "a folder";
    return "a special file";
}

static cm_status
cannot_read(const char *path, int err, cm_diag_list *diags)
{
    cm_pos whole = { path, 0, 0 };
    cm_diag_error(diags, &whole, "cannot read \"%s\": %s", path, strerror(err));
    return CM_ERR_IO;
}

/* What a pipe or a device gives may never end, or never come (opening a
 * FIFO waits for a writer: found when a FIFO named out/manifest.json hung a
 * render), so only regular files are read, and their size is known first. */
static cm_status
check_stat(const char *path, const struct stat *sb, size_t max_bytes, const char *advice,
           cm_diag_list *diags)
{
    cm_pos whole = { path, 0, 0 };
    if (!S_ISREG(sb->st_mode)) {
        cm_diag_error(diags, &whole, "cannot read \"%s\": it is %s, not a regular file; "
                      "conflictmap reads only regular files", path, kind_of(sb->st_mode));
        return CM_ERR_INPUT;
    }
    if ((unsigned long long)sb->st_size > max_bytes) {
        too_big(path, max_bytes, advice, diags);
        return CM_ERR_INPUT;
    }
    return CM_OK;
}

cm_status
cm_input_check(const char *path, size_t max_bytes, const char *advice, cm_diag_list *diags)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cannot_read(path, errno, diags);
    return check_stat(path, &sb, max_bytes, advice, diags);
}

/* O_NONBLOCK so that opening a FIFO returns at once, for fstat() to refuse.
 * On a regular file the flag changes nothing, so it is left set. */
static int
open_nonblocking(const char *path, struct stat *sb)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, sb) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int
cm_input_open_regular(const char *path)
{
    struct stat sb;
    int fd = open_nonblocking(path, &sb);
    if (fd >= 0 && !S_ISREG(sb.st_mode)) {
        close(fd);
        errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    return fd;
}

cm_status
cm_input_open(const char *path, size_t max_bytes, const char *advice, int *fd,
              cm_diag_list *diags)
{
    struct stat sb;
    *fd = open_nonblocking(path, &sb);
    if (*fd < 0)
        return cannot_read(path, errno, diags);
    cm_status st = check_stat(path, &sb, max_bytes, advice, diags);
    if (st != CM_OK) {
        close(*fd);
        *fd = -1;
    }
    return st;
}

/* Reads to the end even so: the file may have grown since fstat(). */
static cm_status
read_all(int fd, const char *path, size_t max_bytes, const char *advice, char **out,
         size_t *len, cm_diag_list *diags)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);

    if (!buf)
        return CM_ERR_NOMEM;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes) {
                free(buf);
                too_big(path, max_bytes, advice, diags);
                return CM_ERR_INPUT;
            }
            if (!CM_RESERVE(buf, cap, cap * 2)) {
                free(buf);
                return CM_ERR_NOMEM;
            }
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int err = errno;
            free(buf);
            return cannot_read(path, err, diags);
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > max_bytes) {
        free(buf);
        too_big(path, max_bytes, advice, diags);
        return CM_ERR_INPUT;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CM_OK;
}

cm_status
cm_input_read(const char *path, size_t max_bytes, const char *advice, char **data,
              size_t *len, cm_diag_list *diags)
{
    int fd;
    *data = NULL;
    *len = 0;
    cm_status st = cm_input_open(path, max_bytes, advice, &fd, diags);
    if (st != CM_OK)
        return st;
    st = read_all(fd, path, max_bytes, advice, data, len, diags);
    close(fd);
    return st;
}

cm_status
cm_input_read_text(const char *path, size_t max_bytes, char **text, size_t *len,
                   cm_diag_list *diags)
{
    char *buf = NULL;
    size_t n = 0;
    cm_status st = cm_input_read(path, max_bytes, "split it", &buf, &n, diags);

    *text = NULL;
    *len = 0;
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

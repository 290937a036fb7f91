/* Animation: every slice drawn as pixels (draw.c's raster, the PNG's look) and
 * piped to ffmpeg, which encodes a GIF or an MP4. ffmpeg is Debian's, found on
 * PATH when the run starts and spawned with an argument vector (no shell). It
 * writes the file's temporary name (outfile.c), renamed into place only when
 * ffmpeg succeeded. */
#include "output/animate.h"
#include "draw/draw.h"
#include "draw/format.h"
#include "common/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The full path of ffmpeg on PATH into @buf; 0 when there is none. */
static int
find_ffmpeg(char *buf, size_t size)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        if (n > 0 && (size_t)snprintf(buf, size, "%.*s/ffmpeg", (int)n, path) < size &&
            access(buf, X_OK) == 0)
            return 1;
        path = end ? end + 1 : NULL;
    }
    return 0;
}

/* The animations among @formats as --format names them: "gif,mp4". */
static const char *
format_names(unsigned formats, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < CM_N_FORMATS; i++)
        if (cm_formats[i].made == CM_MADE_TIMELINE && (formats & cm_formats[i].format) &&
            n < size)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "",
                                  cm_formats[i].extension);
    return buf;
}

cm_status
cm_animate_check(unsigned formats, cm_diag_list *diags)
{
    char buf[4096];
    if (!(formats & cm_formats_made(CM_MADE_TIMELINE)) || find_ffmpeg(buf, sizeof(buf)))
        return CM_OK;
    cm_diag_error(diags, NULL, "--format %s needs ffmpeg, which is not installed (Debian: "
                  "apt-get install ffmpeg)", format_names(formats, buf, sizeof(buf)));
    return CM_ERR_IO;
}

/* @path as ffmpeg must get it to take it as a file: ffmpeg reads "file:x",
 * "pipe:" or "http://..." as URLs, so a relative path is given as "./path"
 * (an absolute one starts with "/" already). 0 with errno set if too long. */
static int
as_file_path(const char *path, char *out, size_t size)
{
    int n = snprintf(out, size, "%s%s", path[0] == '/' ? "" : "./", path);
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return 0;
    }
    return 1;
}

/* ffmpeg reading raw BGRA frames (cairo's ARGB32 on a little-endian machine)
 * of @w x @h at one frame per @hold_s seconds from its standard input. */
static pid_t
spawn_ffmpeg(const char *ffmpeg, cm_format format, int w, int h, double hold_s,
             const char *out, int *to_ffmpeg)
{
    char size[64], rate[64];
    int fds[2];
    pid_t pid;
    snprintf(size, sizeof(size), "%dx%d", w, h);
    snprintf(rate, sizeof(rate), "1000/%ld", lround(hold_s * 1000));
    static const char gif_filter[] =
        "split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a";
    const char *gif[] = { "-vf", gif_filter, "-loop", "0", "-f", "gif" };
    const char *mp4[] = { "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
                          "-pix_fmt", "yuv420p", "-tune", "stillimage", "-movflags", "+faststart",
                          "-f", "mp4" };
    const char *argv[48] = { ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                             "-f", "rawvideo", "-pix_fmt", "bgra", "-video_size", size,
                             "-framerate", rate, "-i", "pipe:0" };
    size_t n = 16;
    const char **enc = format == CM_FORMAT_GIF ? gif : mp4;
    size_t n_enc = format == CM_FORMAT_GIF ? sizeof(gif) / sizeof(gif[0])
                                           : sizeof(mp4) / sizeof(mp4[0]);
    for (size_t i = 0; i < n_enc; i++)
        argv[n++] = enc[i];
    argv[n++] = out;   /* a path, never a URL: see as_file_path() */
    argv[n] = NULL;

    if (pipe(fds) != 0)
        return -1;
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid, ffmpeg, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        errno = rc;
        return -1;
    }
    *to_ffmpeg = fds[1];
    return pid;
}

/* Writes all of @n bytes; 0 when the pipe broke (ffmpeg ended early). */
static int
write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return 0;
        p += k;
        n -= (size_t)k;
    }
    return 1;
}

static int
send_frame(int fd, cairo_surface_t *s)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    for (int y = 0; y < h; y++)
        if (!write_all(fd, data + (size_t)y * stride, (size_t)w * 4))
            return 0;
    return 1;
}

static int
same_image(cairo_surface_t *a, cairo_surface_t *b)
{
    int h = cairo_image_surface_get_height(a), stride = cairo_image_surface_get_stride(a);
    return a && b && memcmp(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b),
                            (size_t)h * stride) == 0;
}

/* Lays out and draws each slice, feeding ffmpeg the ones that differ from the
 * frame before. Returns CM_OK, CM_ERR_NOMEM, or CM_ERR_IO when ffmpeg stopped
 * reading. */
static cm_status
feed(int fd, const cm_scene_base *base, const cm_slices *slices, double scale,
     size_t *n_frames, size_t *n_skipped)
{
    cm_scene *prev = NULL;
    cairo_surface_t *last = NULL;
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < cm_slices_count(slices); i++) {
        cm_scene *sc = NULL;
        cairo_surface_t *img = NULL;
        st = cm_scene_layout(&sc, base, cm_slices_get(slices, i), prev);
        if (st == CM_OK)
            st = cm_draw_raster(sc, scale, &img);
        cm_scene_destroy(prev);
        prev = sc;
        if (st != CM_OK)
            break;
        if (last && same_image(last, img)) {
            (*n_skipped)++;
            cairo_surface_destroy(img);
            continue;
        }
        if (!send_frame(fd, img))
            st = CM_ERR_IO;
        (*n_frames)++;
        cairo_surface_destroy(last);
        last = img;
    }
    cm_scene_destroy(prev);
    cairo_surface_destroy(last);
    return st;
}

cm_status
cm_animate(const cm_scene_base *base, const cm_slices *slices, double scale, double hold_s,
           cm_format format, const char *path, size_t *n_frames, size_t *n_skipped,
           cm_diag_list *diags)
{
    char ffmpeg[4096];
    cm_outfile o;
    cm_pos pos = { path, 0, 0 };
    int fd = -1, status = 0;
    sigset_t pipe_set, old_set;

    *n_frames = *n_skipped = 0;
    if (!find_ffmpeg(ffmpeg, sizeof(ffmpeg)))
        return cm_animate_check(format, diags);
    cm_status st = cm_outfile_open(&o, path, diags);
    if (st != CM_OK)
        return st;
    int w = (int)ceil(base->width_px * scale), h = (int)ceil(base->height_px * scale);
    /* A broken pipe is an error to report, not a signal that ends the run. */
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
    char out[4096 + 2];
    pid_t pid = as_file_path(o.tmp, out, sizeof out)
                    ? spawn_ffmpeg(ffmpeg, format, w, h, hold_s, out, &fd) : -1;
    if (pid < 0) {
        cm_diag_error(diags, &pos, "cannot run %s: %s", ffmpeg, strerror(errno));
        st = CM_ERR_IO;
    } else {
        st = feed(fd, base, slices, scale, n_frames, n_skipped);
        close(fd);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (st != CM_ERR_NOMEM && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            cm_diag_error(diags, &pos, "ffmpeg could not write \"%s\" (%s %d); its messages "
                          "are above", path, WIFEXITED(status) ? "exit status" : "signal",
                          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            st = CM_ERR_IO;
        }
    }
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&pipe_set, NULL, &zero) > 0)   /* a SIGPIPE left pending */
        ;
    pthread_sigmask(SIG_SETMASK, &old_set, NULL);
    if (st != CM_OK) {
        cm_outfile_abort(&o);
        return st;
    }
    return cm_outfile_commit(&o, diags);
}

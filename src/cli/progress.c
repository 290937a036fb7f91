/* The progress bar on stderr while slices are drawn: slices done of the total,
 * the rate and the time left, redrawn in place on a terminal at most ten
 * times a second. Nothing at all when stderr is not a terminal. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "[#######.......]  12/2160 slices  8.3/s  4:18 left" in @buf. */
void
cli_progress_format(char *buf, size_t size, size_t done, size_t total, double elapsed_s)
{
    enum { WIDTH = 24 };
    char bar[WIDTH + 1], left[32] = "";
    size_t filled = total ? done * WIDTH / total : WIDTH;
    double rate = elapsed_s > 0 ? done / elapsed_s : 0;
    for (size_t k = 0; k < WIDTH; k++)
        bar[k] = k < filled ? '#' : '.';
    bar[WIDTH] = '\0';
    if (rate > 0 && done < total) {
        long s = (long)((total - done) / rate + 0.5);
        snprintf(left, sizeof(left), "  %ld:%02ld left", s / 60, s % 60);
    }
    snprintf(buf, size, "[%s] %zu/%zu slices  %.1f/s%s", bar, done, total, rate, left);
}

void
cli_progress_start(cli_progress *p, int quiet)
{
    memset(p, 0, sizeof(*p));
    p->is_on = !quiet && isatty(STDERR_FILENO);
    p->start_s = now_s();
}

void
cli_progress_update(void *data, size_t done, size_t total)
{
    cli_progress *p = data;
    char line[128];
    double t = now_s();
    if (!p->is_on || (done < total && t - p->shown_s < 0.1))
        return;
    p->shown_s = t;
    cli_progress_format(line, sizeof(line), done, total, t - p->start_s);
    fprintf(stderr, "\r%s\033[K", line);
    p->is_shown = 1;
}

void
cli_progress_end(cli_progress *p)
{
    if (p->is_shown)
        fputs("\n", stderr);
    p->is_shown = 0;
}

/* `conflictmap serve DIR` and `watch --serve`: a preview server for the
 * output folder, on GNU libmicrohttpd, for the desk's own machine.
 *
 * It listens on 127.0.0.1 (--host to choose another address) and serves the
 * files under DIR and nothing else: a path with a "." or ".." segment, a
 * backslash, an empty segment or a hidden name (.lock, .staging-*) is
 * refused; a path that resolves (symbolic links followed) outside DIR is
 * refused; a folder is served as its index.html, never listed. Only GET and
 * HEAD. Files go out with their Content-Type, an ETag (size, time, inode)
 * that If-None-Match answers with 304, and through sendfile from the page
 * cache. libmicrohttpd bounds what a client can make it hold: requests are
 * read into CONN_MEMORY bytes (a 100 KB URL is answered 414), a connection
 * idle for TIMEOUT_S seconds (half a request, then nothing) is closed, and
 * at most MAX_CONNECTIONS are open at once.
 *
 * Live reload: GET /_events is a stream of Server-Sent Events; each time
 * DIR/sets/current names another set (a render published), it says
 * "event: set" with the set's id. The page (src/output/html.js) listens when
 * it is served over HTTP and loads the new set, on the moment its address
 * names (#t=...). */
/* realpath() is X/Open */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CONNECTIONS = 256, TIMEOUT_S = 10, CONN_MEMORY = 32 * 1024, POLL_MS = 200 };

struct cli_server {
    struct MHD_Daemon *d;
    char root[PATH_MAX];          /* DIR, resolved */
    volatile int stopping;
};

static const struct { const char *ext, *type; } types[] = {
    { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" }, { ".json", "application/json" },
    { ".png", "image/png" }, { ".svg", "image/svg+xml" }, { ".pdf", "application/pdf" },
    { ".gif", "image/gif" }, { ".mp4", "video/mp4" }, { ".txt", "text/plain; charset=utf-8" },
};

static const char *
type_of(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t k = strlen(types[i].ext);
        if (n > k && strcmp(path + n - k, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

/* A URL path made only of names: no "." or "..", no hidden name, no empty
 * segment, no backslash (MHD has undone the %-escapes already). */
static int
path_is_plain(const char *url)
{
    if (url[0] != '/' || strchr(url, '\\'))
        return 0;
    for (const char *seg = url + 1; *seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 && end)
            return 0;   /* "//" */
        if (n && seg[0] == '.')
            return 0;   /* ".", "..", ".lock", ".staging-..." */
        if (!end)
            break;
        seg = end + 1;
    }
    return 1;
}

static enum MHD_Result
answer_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
                                                             MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- live reload ---------------------------------------------------------------------- */

typedef struct stream {
    struct cli_server *srv;
    char sent[64];                /* the set id said last, "" before the first */
    int waited_ms;
} stream;

static void
read_current(const struct cli_server *srv, char *id, size_t size)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/sets/current", srv->root);
    id[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(id, (int)size, f))
        id[strcspn(id, "\r\n")] = '\0';
    fclose(f);
}

/* Called by libmicrohttpd's thread for this connection whenever it can
 * send: blocks until there is something to say (a new set, or a comment
 * every 15 s that finds a client gone). */
static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *s = cls;
    (void)pos;
    for (;;) {
        if (s->srv->stopping)
            return MHD_CONTENT_READER_END_OF_STREAM;
        char id[64];
        read_current(s->srv, id, sizeof id);
        if (id[0] && strcmp(id, s->sent) != 0) {
            int n = snprintf(buf, max, "retry: 1000\nevent: set\ndata: %s\n\n", id);
            if (n < 0 || (size_t)n >= max)
                return MHD_CONTENT_READER_END_WITH_ERROR;
            snprintf(s->sent, sizeof s->sent, "%s", id);
            s->waited_ms = 0;
            return n;
        }
        if (s->waited_ms >= 15000) {
            s->waited_ms = 0;
            return snprintf(buf, max, ": still here\n\n");
        }
        struct timespec t = { 0, POLL_MS * 1000000L };
        nanosleep(&t, NULL);
        s->waited_ms += POLL_MS;
    }
}

static void
stream_free(void *cls)
{
    free(cls);
}

static enum MHD_Result
answer_events(struct cli_server *srv, struct MHD_Connection *c)
{
    stream *s = calloc(1, sizeof *s);
    if (!s)
        return MHD_NO;
    s->srv = srv;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 512, stream_read, s, stream_free);
    if (!r) {
        free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream");
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- files ------------------------------------------------------------------------------ */

/* @path with its links followed into @real, if that is DIR or inside it. */
static int
resolve_inside(const struct cli_server *srv, const char *path, char real[PATH_MAX])
{
    size_t n = strlen(srv->root);
    return realpath(path, real) && strncmp(real, srv->root, n) == 0 &&
           (real[n] == '/' || real[n] == '\0');
}

static enum MHD_Result
answer_file(struct cli_server *srv, struct MHD_Connection *c, const char *url, int head)
{
    char path[PATH_MAX * 2], real[PATH_MAX];
    struct stat sb;
    snprintf(path, sizeof path, "%s%s", srv->root, url);
    if (!resolve_inside(srv, path, real))   /* missing, or a link out of DIR */
        return answer_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    if (stat(real, &sb) == 0 && S_ISDIR(sb.st_mode)) {   /* its index.html, not a listing */
        snprintf(path, sizeof path, "%s/index.html", real);
        if (!resolve_inside(srv, path, real))
            return answer_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        return answer_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    }
    char etag[96];
    snprintf(etag, sizeof etag, "\"%llx-%llx-%llx\"", (unsigned long long)sb.st_size,
             (unsigned long long)sb.st_mtim.tv_sec * 1000000000ull + (unsigned long long)sb.st_mtim.tv_nsec,
             (unsigned long long)sb.st_ino);
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    struct MHD_Response *r;
    unsigned status = MHD_HTTP_OK;
    if (inm && strcmp(inm, etag) == 0) {
        close(fd);
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_NOT_MODIFIED;
    } else if (head) {
        close(fd);
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    } else {
        r = MHD_create_response_from_fd64((uint64_t)sb.st_size, fd);   /* closes fd */
    }
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type_of(real));
    MHD_add_response_header(r, "ETag", etag);
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct cli_server *srv = cls;
    (void)version, (void)upload_data;
    int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    int head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (!*con_cls) {   /* the headers: answer once the request is whole */
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_size) {   /* a body: not read, not wanted */
        *upload_size = 0;
        return MHD_YES;
    }
    if (!get && !head)
        return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    if (!path_is_plain(url))
        return answer_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
    if (get && strcmp(url, "/_events") == 0)
        return answer_events(srv, c);
    return answer_file(srv, c, url, head);
}

cli_server *
cli_serve_start(const char *dir, const char *host, int port)
{
    struct sockaddr_in addr;
    cli_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return NULL;
    if (!realpath(dir, srv->root)) {
        fprintf(stderr, "conflictmap: serve: cannot open \"%s\": %s\n", dir, strerror(errno));
        free(srv);
        return NULL;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host ? host : "127.0.0.1", &addr.sin_addr) != 1) {
        fprintf(stderr, "conflictmap: serve: \"%s\" is not an IPv4 address such as 127.0.0.1\n",
                host);
        free(srv);
        return NULL;
    }
    /* libmicrohttpd's threads, and the threads they start, never take SIGINT
     * or SIGTERM: those go to the thread that waits for them (cli_serve,
     * cli_watch), which would otherwise sleep on. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    srv->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
                              (uint16_t)port, NULL, NULL, answer, srv,
                              MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TIMEOUT_S,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
                              MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!srv->d) {
        fprintf(stderr, "conflictmap: serve: cannot listen on %s:%d (is the port in use?)\n",
                host ? host : "127.0.0.1", port);
        free(srv);
        return NULL;
    }
    return srv;
}

void
cli_serve_stop(cli_server *srv)
{
    if (!srv)
        return;
    srv->stopping = 1;   /* the event streams end at their next look */
    MHD_stop_daemon(srv->d);
    free(srv);
}

static volatile sig_atomic_t serve_stop;

static void
on_serve_stop(int sig)
{
    (void)sig;
    serve_stop = 1;
}

int
cli_serve(args *a)
{
    cli_server *srv = cli_serve_start(a->input, a->host, a->port);
    if (!srv)
        return EXIT_IO;
    if (!a->quiet)
        fprintf(stderr, "conflictmap: serving %s/ at http://%s:%d/ (Ctrl-C to stop)\n",
                a->input, a->host ? a->host : "127.0.0.1", a->port);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_serve_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (!serve_stop)
        pause();
    cli_serve_stop(srv);
    return EXIT_DONE;
}

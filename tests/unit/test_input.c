/* Input files: only regular files are read, a named pipe is refused without
 * waiting for a writer, and the size limit is met before a byte is read,
 * exactly at the limit; common/tempdir.c's folders are removed whole by the
 * signal handlers' cm_remove_temporaries(). Runs in the current folder. */
#include "check.h"
#include "common/input.h"
#include "common/tempdir.h"

#include <conflictmap/conflictmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The one diagnostic of @diags, formatted, or "" when there is not exactly one. */
static const char *
only(const cm_diag_list *diags)
{
    return cm_diag_count(diags) == 1 ? cm_diag_text(diags, 0) : "";
}

static void
write_bytes(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; f && i < n; i++)
        fputc('x', f);
    if (f)
        fclose(f);
}

/* cm_input_check(@path, @max, @advice) returns @want with @message alone. */
static void
expect_check(const char *path, size_t max, const char *advice, cm_status want,
             const char *message)
{
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_input_check(path, max, advice, diags), want);
    CHECK_STR(only(diags), message);
    cm_diag_list_destroy(diags);
}

static void
test_kinds(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    unlink("pipe.json");
    CHECK_INT(mkfifo("pipe.json", 0600), 0);
    int fd = 7;
    CHECK_INT(cm_input_open("pipe.json", 100, NULL, &fd, diags), CM_ERR_INPUT);
    CHECK_INT(fd, -1);
    CHECK_STR(only(diags), "pipe.json: cannot read \"pipe.json\": it is a named pipe (FIFO), "
              "not a regular file; conflictmap reads only regular files");
    cm_diag_list_destroy(diags);

    expect_check("/dev/null", 100, NULL, CM_ERR_INPUT, "/dev/null: cannot read "
                 "\"/dev/null\": it is a device, not a regular file; conflictmap reads "
                 "only regular files");

    diags = cm_diag_list_create();
    char *text = NULL;
    size_t len = 0;
    CHECK_INT(cm_input_read_text(".", 100, &text, &len, diags), CM_ERR_INPUT);
    CHECK(text == NULL);
    CHECK_STR(only(diags), ".: cannot read \".\": it is a folder, not a regular file; "
              "conflictmap reads only regular files");
    cm_diag_list_destroy(diags);

    CHECK_INT(cm_input_open_regular("pipe.json"), -1);
    CHECK_INT(cm_input_open_regular("no-such-file"), -1);
    unlink("pipe.json");
}

static void
test_size(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    char *data = NULL;
    size_t len = 0;
    write_bytes("hundred.txt", 100);
    CHECK_INT(cm_input_read("hundred.txt", 100, "split it", &data, &len, diags), CM_OK);
    CHECK_INT(len, 100);
    CHECK(data && data[100] == '\0');
    free(data);
    CHECK_INT(cm_diag_count(diags), 0);
    cm_diag_list_destroy(diags);
    expect_check("hundred.txt", 99, "split it", CM_ERR_INPUT, "hundred.txt: the file is "
                 "larger than 99 bytes, the limit (--max-file-size changes it); split it");

    diags = cm_diag_list_create();
    CHECK_INT(cm_input_read("hundred.txt", 99, NULL, &data, &len, diags), CM_ERR_INPUT);
    CHECK(data == NULL);
    CHECK_STR(only(diags), "hundred.txt: the file is larger than 99 bytes, the limit "
              "(--max-file-size changes it)");
    cm_diag_list_destroy(diags);

    expect_check("no-such-file", 99, NULL, CM_ERR_IO, "no-such-file: cannot read "
                 "\"no-such-file\": No such file or directory");
    unlink("hundred.txt");
}

/* A folder made under the TMPDIR we set, with a file in it, is gone after
 * cm_remove_temporaries(), and no new one is made after it. */
static void
test_tempdir(void)
{
    char base[4096], path[4200];
    struct stat sb;
    CHECK(getcwd(base, sizeof base - 16) != NULL);
    strcat(base, "/tmpdir");
    mkdir(base, 0700);
    setenv("TMPDIR", base, 1);
    char *dir = NULL;
    CHECK_INT(cm_tempdir_create("conflictmap-test", "layer.geojson", &dir, NULL), CM_OK);
    CHECK(dir && strncmp(dir, base, strlen(base)) == 0);
    CHECK(dir && strstr(dir, "/conflictmap-test-") != NULL);
    if (!dir)
        return;
    CHECK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & 0777) == 0700);
    snprintf(path, sizeof path, "%s/layer.shp", dir);
    write_bytes(path, 10);
    cm_remove_temporaries();
    CHECK(stat(dir, &sb) != 0);
    free(dir);

    cm_diag_list *diags = cm_diag_list_create();
    dir = NULL;
    CHECK_INT(cm_tempdir_create("conflictmap-test", "layer.geojson", &dir, diags), CM_ERR_IO);
    CHECK(dir == NULL);
    CHECK_INT(cm_diag_count(diags), 1);
    cm_diag_list_destroy(diags);
    rmdir(base);
}

int
main(void)
{
    test_kinds();
    test_size();
    test_tempdir();
    return check_result("test_input");
}

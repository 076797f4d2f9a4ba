/*
 * Unit tests of collector/tm-pcap: the file format, read back byte by
 * byte, and rotation by size, by age, on request and at open.  Time is
 * passed in, so nothing sleeps.
 *
 * usage: collector-pcap-test DIR   (an empty, writable directory)
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tm-pcap.h"
#include "util.h"

static int passed, failed;
static const char *dir;

#define CHECK(COND, ...)                        \
    do {                                        \
        if (COND) {                             \
            passed++;                           \
            printf("ok: ");                     \
        } else {                                \
            failed++;                           \
            printf("FAIL: ");                   \
        }                                       \
        printf(__VA_ARGS__);                    \
        putchar('\n');                          \
    } while (0)

static char *
file_name(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static bool
exists(const char *name)
{
    char *path = file_name(name);
    struct stat st;
    bool ok = !stat(path, &st);
    free(path);
    return ok;
}

/* Reads file 'name' whole into '*datap'; returns its size, -1 if none. */
static long
slurp(const char *name, uint8_t **datap)
{
    char *path = file_name(name);
    FILE *f = fopen(path, "rb");
    long n = -1;

    *datap = NULL;
    if (f) {
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        *datap = xmalloc(n + 1);
        if (fread(*datap, 1, n, f) != (size_t) n) {
            n = -1;
        }
        fclose(f);
    }
    free(path);
    return n;
}

static uint32_t
u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* The number of records in pcap file 'name', -1 if it is not one. */
static int
count_records(const char *name)
{
    uint8_t *data;
    long n = slurp(name, &data);
    int records = 0;

    if (n < 24 || u32(data) != 0xa1b2c3d4) {
        free(data);
        return -1;
    }
    for (long off = 24; off < n; records++) {
        if (off + 16 > n) {
            records = -1;
            break;
        }
        off += 16 + u32(data + off + 8);
    }
    free(data);
    return records;
}

static void
remove_all(void)
{
    static const char *names[] = {
        "t.pcap", "t.pcap.1", "t.pcap.2", "t.pcap.3", "t.pcap.4",
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char *path = file_name(names[i]);
        unlink(path);
        free(path);
    }
}

static void
fill(uint8_t *frame, size_t len, uint8_t seed)
{
    for (size_t i = 0; i < len; i++) {
        frame[i] = seed + i * 7;
    }
}

static void
test_format(void)
{
    struct tm_pcap_options opts = { 0 };
    char *path = file_name("t.pcap"), *error;
    struct tm_pcap *p = tm_pcap_open(path, &opts, 0, &error);
    uint8_t frames[3][100];
    size_t lens[3] = { 14, 60, 100 };

    CHECK(p != NULL, "open %s", path);
    if (!p) {
        free(error);
        free(path);
        return;
    }
    for (int i = 0; i < 3; i++) {
        struct timeval ts = { .tv_sec = 1700000000 + i, .tv_usec = 1000 * i };
        fill(frames[i], lens[i], i);
        tm_pcap_write(p, &ts, frames[i], lens[i], 0);
    }
    tm_pcap_flush(p);

    uint8_t *data;
    long n = slurp("t.pcap", &data);
    CHECK(n == 24 + 3 * 16 + 14 + 60 + 100, "flushed file: %ld bytes", n);
    CHECK(n >= 24 && u32(data) == 0xa1b2c3d4
          && data[4] == 2 && data[6] == 4                 /* v2.4 (LE). */
          && u32(data + 16) == TM_PCAP_SNAPLEN && u32(data + 20) == 1,
          "global header: magic, version 2.4, snaplen, linktype 1");

    long off = 24;
    bool same = n == 24 + 3 * 16 + 174;
    for (int i = 0; same && i < 3; i++) {
        same = (u32(data + off) == 1700000000u + i
                && u32(data + off + 4) == 1000u * i
                && u32(data + off + 8) == lens[i]
                && u32(data + off + 12) == lens[i]
                && !memcmp(data + off + 16, frames[i], lens[i]));
        off += 16 + lens[i];
    }
    CHECK(same, "records: timestamps, lengths and bytes as written");
    free(data);
    CHECK(tm_pcap_file_frames(p) == 3 && tm_pcap_rotations(p) == 0,
          "3 frames, no rotation");
    tm_pcap_close(p);
    free(path);
    remove_all();
}

static void
test_snaplen(void)
{
    struct tm_pcap_options opts = { 0 };
    char *path = file_name("t.pcap"), *error;
    struct tm_pcap *p = tm_pcap_open(path, &opts, 0, &error);
    size_t len = TM_PCAP_SNAPLEN + 100;
    uint8_t *frame = xzalloc(len);
    struct timeval ts = { 1, 2 };

    tm_pcap_write(p, &ts, frame, len, 0);
    tm_pcap_close(p);

    uint8_t *data;
    long n = slurp("t.pcap", &data);
    CHECK(n == 24 + 16 + TM_PCAP_SNAPLEN
          && u32(data + 24 + 8) == TM_PCAP_SNAPLEN
          && u32(data + 24 + 12) == len,
          "a frame over the snaplen is cut, with its original length");
    free(data);
    free(frame);
    free(path);
    remove_all();
}

static void
test_rotate_size(void)
{
    /* Header 24 + two 76-byte records = 176; a third would make 252. */
    struct tm_pcap_options opts = { .rotate_size = 200 };
    char *path = file_name("t.pcap"), *error;
    struct tm_pcap *p = tm_pcap_open(path, &opts, 0, &error);
    uint8_t frame[60] = { 0 };
    struct timeval ts = { 1, 2 };

    for (int i = 0; i < 5; i++) {
        tm_pcap_write(p, &ts, frame, sizeof frame, 0);
    }
    tm_pcap_flush(p);
    CHECK(count_records("t.pcap.1") == 2 && count_records("t.pcap.2") == 2
          && count_records("t.pcap") == 1 && !exists("t.pcap.3"),
          "--rotate-size 200, five 60-byte frames: 2 + 2 + 1");
    CHECK(tm_pcap_rotations(p) == 2, "2 rotations counted");

    /* A frame bigger than the limit gets a file of its own. */
    uint8_t big[300] = { 0 };
    tm_pcap_write(p, &ts, big, sizeof big, 0);
    tm_pcap_write(p, &ts, frame, sizeof frame, 0);
    tm_pcap_flush(p);
    CHECK(count_records("t.pcap.3") == 1 && count_records("t.pcap.4") == 1
          && count_records("t.pcap") == 1,
          "a frame over the limit: alone in its file");
    tm_pcap_close(p);
    free(path);
    remove_all();
}

static void
test_rotate_time(void)
{
    struct tm_pcap_options opts = { .rotate_seconds = 1 };
    char *path = file_name("t.pcap"), *error;
    struct tm_pcap *p = tm_pcap_open(path, &opts, 10000, &error);
    uint8_t frame[60] = { 0 };
    struct timeval ts = { 1, 2 };

    CHECK(tm_pcap_next_rotation(p) == 11000, "next rotation after 1 s");
    tm_pcap_write(p, &ts, frame, sizeof frame, 10000);
    tm_pcap_run(p, 10999);
    CHECK(!exists("t.pcap.1"), "not rotated before its time");
    tm_pcap_run(p, 11000);
    CHECK(count_records("t.pcap.1") == 1 && count_records("t.pcap") == 0,
          "rotated when its time is up, with no frame to trigger it");
    tm_pcap_run(p, 12500);
    CHECK(!exists("t.pcap.2") && tm_pcap_next_rotation(p) == 13500,
          "an empty file is not rotated, only restarted");
    tm_pcap_write(p, &ts, frame, sizeof frame, 13000);
    tm_pcap_write(p, &ts, frame, sizeof frame, 13600);
    tm_pcap_flush(p);
    CHECK(count_records("t.pcap.2") == 1 && count_records("t.pcap") == 1,
          "a frame past the time rotates first");
    tm_pcap_close(p);
    free(path);
    remove_all();
}

static void
test_reopen(void)
{
    struct tm_pcap_options opts = { 0 };
    char *path = file_name("t.pcap"), *error;
    uint8_t frame[60] = { 0 };
    struct timeval ts = { 1, 2 };

    for (int run = 0; run < 2; run++) {
        struct tm_pcap *p = tm_pcap_open(path, &opts, 0, &error);
        tm_pcap_write(p, &ts, frame, sizeof frame, 0);
        tm_pcap_close(p);
    }
    CHECK(count_records("t.pcap.1") == 1 && count_records("t.pcap") == 1,
          "a previous run's file is renamed out, not overwritten");

    struct tm_pcap *p = tm_pcap_open(path, &opts, 0, &error);
    tm_pcap_rotate(p, 0);
    CHECK(!exists("t.pcap.3") && count_records("t.pcap.2") == 1
          && count_records("t.pcap") == 0,
          "rotating an empty file keeps no empty file");
    tm_pcap_close(p);

    char *bad = file_name("no-such-dir/t.pcap");
    p = tm_pcap_open(bad, &opts, 0, &error);
    CHECK(!p && error && strstr(error, "No such file"),
          "open in a missing directory fails: %s", error ? error : "");
    free(error);
    free(bad);
    free(path);
    remove_all();
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc != 2) {
        ovs_fatal(0, "usage: %s DIR", argv[0]);
    }
    dir = argv[1];

    test_format();
    test_snaplen();
    test_rotate_size();
    test_rotate_time();
    test_reopen();

    printf("pcap: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}

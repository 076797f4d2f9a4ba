/*
 * tm-pcap: a pcap writer with rotation (see tm-pcap.h).
 */
#include <config.h>

#include "tm-pcap.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util.h"

/* Classic pcap: magic for microsecond timestamps, version 2.4, and
 * LINKTYPE_ETHERNET.  Fields are written in host byte order, which readers
 * recognize from the magic. */
#define PCAP_MAGIC 0xa1b2c3d4
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_HEADER_LEN 24
#define PCAP_RECORD_LEN 16

struct pcap_file_header {
    uint32_t magic;
    uint16_t version_major;
    uint16_t version_minor;
    int32_t thiszone;
    uint32_t sigfigs;
    uint32_t snaplen;
    uint32_t linktype;
};

struct pcap_record_header {
    uint32_t ts_sec;
    uint32_t ts_usec;
    uint32_t incl_len;
    uint32_t orig_len;
};

struct tm_pcap {
    char *path;
    struct tm_pcap_options opts;
    FILE *file;                 /* NULL after an error opening it. */
    long long int opened;       /* When 'file' was started, in ms. */
    uint64_t size;              /* Bytes in 'file', header included. */
    uint64_t frames;            /* Frames in 'file'. */
    uint64_t rotations;
    unsigned int next_seq;      /* Lowest sequence number maybe free. */
    char *error;                /* The last error, NULL if none. */
};

static void
set_error(struct tm_pcap *p, int error, const char *what)
{
    free(p->error);
    p->error = xasprintf("%s: %s: %s", p->path, what, ovs_strerror(error));
}

/* Renames 'p->path' to PATH.SEQ with the first free sequence number. */
static int
rename_out(struct tm_pcap *p)
{
    for (;;) {
        char *dst = xasprintf("%s.%u", p->path, p->next_seq);
        struct stat st;
        int error = 0;

        if (stat(dst, &st) && errno == ENOENT) {
            if (rename(p->path, dst)) {
                error = errno;
            }
            free(dst);
            if (!error) {
                p->next_seq++;
                p->rotations++;
            }
            return error;
        }
        free(dst);
        if (p->next_seq == UINT_MAX) {
            return EEXIST;
        }
        p->next_seq++;
    }
}

/* Starts a new file at 'p->path', with its global header. */
static int
start_file(struct tm_pcap *p, long long int now)
{
    struct pcap_file_header h = {
        .magic = PCAP_MAGIC,
        .version_major = 2,
        .version_minor = 4,
        .snaplen = TM_PCAP_SNAPLEN,
        .linktype = PCAP_LINKTYPE_ETHERNET,
    };

    p->opened = now;
    p->size = 0;
    p->frames = 0;
    p->file = fopen(p->path, "wb");
    if (!p->file) {
        int error = errno;
        set_error(p, error, "open");
        return error;
    }
    /* Flushed at once: a new file is a valid, empty capture from the
     * start, for whoever reads it while it is written. */
    errno = 0;
    if (fwrite(&h, sizeof h, 1, p->file) != 1 || fflush(p->file)) {
        int error = errno ? errno : EIO;
        set_error(p, error, "write");
        /* Closed, so that the next frame starts the file again: records
         * appended to a file without its header would be unreadable. */
        fclose(p->file);
        p->file = NULL;
        return error;
    }
    p->size = sizeof h;
    return 0;
}

static int
close_file(struct tm_pcap *p)
{
    int error = 0;

    if (p->file && fclose(p->file)) {
        error = errno;
        set_error(p, error, "close");
    }
    p->file = NULL;
    return error;
}

/* Opens a writer of 'path'.  On failure, returns NULL and a message in
 * '*errorp' (to be freed). */
struct tm_pcap *
tm_pcap_open(const char *path, const struct tm_pcap_options *opts,
             long long int now, char **errorp)
{
    struct tm_pcap *p = xzalloc(sizeof *p);
    struct stat st;

    BUILD_ASSERT_DECL(sizeof(struct pcap_file_header) == PCAP_HEADER_LEN);
    BUILD_ASSERT_DECL(sizeof(struct pcap_record_header) == PCAP_RECORD_LEN);

    p->path = xstrdup(path);
    p->opts = *opts;
    p->next_seq = 1;
    *errorp = NULL;

    /* A previous run's captures are kept, not overwritten. */
    if (!stat(path, &st) && st.st_size > 0) {
        int error = rename_out(p);
        if (error) {
            *errorp = xasprintf("%s: cannot rename it out of the way: %s",
                                path, ovs_strerror(error));
            tm_pcap_close(p);
            return NULL;
        }
        p->rotations = 0;
    }
    if (start_file(p, now)) {
        *errorp = xstrdup(p->error);
        tm_pcap_close(p);
        return NULL;
    }
    return p;
}

void
tm_pcap_close(struct tm_pcap *p)
{
    if (p) {
        close_file(p);
        free(p->path);
        free(p->error);
        free(p);
    }
}

/* Closes the current file, renames it out and starts a new one.  An empty
 * file (header only) is not worth keeping: it is only restarted. */
int
tm_pcap_rotate(struct tm_pcap *p, long long int now)
{
    bool keep = p->frames > 0;
    int error = close_file(p);

    if (!error && keep) {
        error = rename_out(p);
        if (error) {
            set_error(p, error, "rename");
        }
    }
    /* Whatever happened, go on writing at 'path': losing the rotation is
     * better than losing the frames. */
    int error2 = start_file(p, now);
    return error ? error : error2;
}

static bool
age_due(const struct tm_pcap *p, long long int now)
{
    return (p->opts.rotate_seconds
            && now - p->opened >= p->opts.rotate_seconds * 1000LL);
}

/* Appends 'frame' ('len' bytes, received at 'ts'), first rotating if the
 * file would grow past the size limit or has reached its age limit. */
int
tm_pcap_write(struct tm_pcap *p, const struct timeval *ts,
              const void *frame, size_t len, long long int now)
{
    size_t caplen = MIN(len, TM_PCAP_SNAPLEN);
    struct pcap_record_header h = {
        .ts_sec = ts->tv_sec,
        .ts_usec = ts->tv_usec,
        .incl_len = caplen,
        .orig_len = len,
    };

    if (p->frames
        && ((p->opts.rotate_size
             && p->size + sizeof h + caplen > p->opts.rotate_size)
            || age_due(p, now))) {
        tm_pcap_rotate(p, now);
    }
    if (!p->file) {
        /* Opening failed before (a full disk, a removed directory): try
         * again now. */
        int error = start_file(p, now);
        if (error) {
            return error;
        }
    }
    if (fwrite(&h, sizeof h, 1, p->file) != 1
        || fwrite(frame, 1, caplen, p->file) != caplen) {
        int error = errno ? errno : EIO;
        set_error(p, error, "write");
        return error;
    }
    p->size += sizeof h + caplen;
    p->frames++;
    return 0;
}

int
tm_pcap_flush(struct tm_pcap *p)
{
    if (p->file && fflush(p->file)) {
        int error = errno;
        set_error(p, error, "write");
        return error;
    }
    return 0;
}

/* Rotates a file that reached its age limit even if no frame comes to do
 * it, so that a rotated file is complete when its time is up.  A file
 * that is still empty then is only given a new start time. */
void
tm_pcap_run(struct tm_pcap *p, long long int now)
{
    if (age_due(p, now)) {
        if (p->frames) {
            tm_pcap_rotate(p, now);
        } else {
            p->opened = now;
        }
    }
}

/* When tm_pcap_run() next has something to do, LLONG_MAX for never. */
long long int
tm_pcap_next_rotation(const struct tm_pcap *p)
{
    return (p->opts.rotate_seconds
            ? p->opened + p->opts.rotate_seconds * 1000LL
            : LLONG_MAX);
}

const char *
tm_pcap_path(const struct tm_pcap *p)
{
    return p->path;
}

const char *
tm_pcap_last_error(const struct tm_pcap *p)
{
    return p->error;
}

uint64_t
tm_pcap_rotations(const struct tm_pcap *p)
{
    return p->rotations;
}

uint64_t
tm_pcap_file_size(const struct tm_pcap *p)
{
    return p->size;
}

uint64_t
tm_pcap_file_frames(const struct tm_pcap *p)
{
    return p->frames;
}

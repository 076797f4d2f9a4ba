/*
 * tm-pcap: writes Ethernet frames to a classic pcap file (microsecond
 * timestamps, linktype Ethernet), with rotation by size and by age.
 *
 * The file being written is always PATH; a rotated file is renamed to
 * PATH.SEQ, with SEQ the next sequence number not taken yet (1, 2, ...),
 * so that rotated files sort in the order they were written and nothing
 * is ever overwritten.  A non-empty PATH found when the writer opens (a
 * previous run's) is rotated out in the same way first.
 *
 * Time is passed in by the caller (milliseconds on a monotonic clock), so
 * that the unit tests can drive rotation by age without sleeping.
 */
#ifndef TM_PCAP_H
#define TM_PCAP_H 1

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

/* The largest frame recorded whole; longer ones are cut to it. */
#define TM_PCAP_SNAPLEN 262144

struct tm_pcap_options {
    uint64_t rotate_size;       /* Bytes per file, 0 for no limit. */
    unsigned int rotate_seconds;/* Seconds per file, 0 for no limit. */
};

struct tm_pcap;

struct tm_pcap *tm_pcap_open(const char *path,
                             const struct tm_pcap_options *,
                             long long int now, char **errorp);
void tm_pcap_close(struct tm_pcap *);

int tm_pcap_write(struct tm_pcap *, const struct timeval *ts,
                  const void *frame, size_t len, long long int now);
int tm_pcap_flush(struct tm_pcap *);
int tm_pcap_rotate(struct tm_pcap *, long long int now);

void tm_pcap_run(struct tm_pcap *, long long int now);
long long int tm_pcap_next_rotation(const struct tm_pcap *);

const char *tm_pcap_path(const struct tm_pcap *);
const char *tm_pcap_last_error(const struct tm_pcap *);
uint64_t tm_pcap_rotations(const struct tm_pcap *);
uint64_t tm_pcap_file_size(const struct tm_pcap *);
uint64_t tm_pcap_file_frames(const struct tm_pcap *);

#endif /* tm-pcap.h */

/*
 * tmirror-collector: a mirror target that receives the VXLAN copies that
 * tmirror sends and writes their inner Ethernet frames to pcap files, one
 * per VNI (that is, per mirror session), in a directory.
 *
 * The loop is OVS's (poll_block()), as in the other daemons, so that
 * unixctl, --detach and fatal signals work as they do everywhere else.
 * The UDP socket is a libevent event on an event_base of its own, which
 * the loop dispatches without blocking whenever poll_block() wakes with
 * the socket readable.
 */
#include <config.h>

#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "command-line.h"
#include "daemon.h"
#include "fatal-signal.h"
#include "hash.h"
#include "latch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "socket-util.h"
#include "timeval.h"
#include "tm-parse.h"
#include "tm-pcap.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tmirror_collector);

#define VXLAN_HEADER_LEN 8
#define VXLAN_FLAG_I 0x08       /* "The VNI is valid" (RFC 7348). */
#define DEFAULT_PORT 4789

/* The largest UDP payload is 65527 bytes (IPv6; 65507 over IPv4): one byte
 * more tells a datagram that the kernel cut (MSG_TRUNC) from one that
 * fits. */
#define RECV_BUF_LEN 65536

/* Datagrams read per wakeup, so that a flood cannot starve unixctl. */
#define RECV_BATCH 64

/* Options. */
static char *listen_target = "0.0.0.0:4789";
static char *pcap_dir;
static struct tm_pcap_options pcap_opts;
static char *unixctl_path;

/* One VNI: its counters and its pcap file. */
struct vni_stats {
    struct hmap_node node;      /* In 'collector.vnis', by VNI. */
    uint32_t vni;
    uint64_t frames, bytes;
    uint64_t write_errors;
    struct tm_pcap *pcap;       /* NULL if it could not be opened. */
    bool dirty;                 /* Written since the last flush. */
};

/* One outer source address (any port). */
struct src_stats {
    struct hmap_node node;      /* In 'collector.sources', by address. */
    struct in6_addr addr;       /* IPv4 as IPv4-mapped. */
    uint64_t datagrams, bytes, malformed;
};

struct collector {
    bool exiting;
    bool finished;              /* Files closed, summary logged. */
    int fd;
    struct event_base *base;
    struct event *recv_event;
    uint8_t *buf;

    struct hmap vnis;
    struct hmap sources;
    uint64_t datagrams, bytes;
    uint64_t too_short, no_vni_flag, truncated;
    uint64_t recv_errors, open_errors;
};

static struct latch usr1_latch;

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);

static struct vni_stats *
vni_lookup(struct collector *c, uint32_t vni)
{
    struct vni_stats *v;

    HMAP_FOR_EACH_WITH_HASH (v, node, hash_int(vni, 0), &c->vnis) {
        if (v->vni == vni) {
            return v;
        }
    }

    /* First frame of this VNI: open its file. */
    v = xzalloc(sizeof *v);
    v->vni = vni;
    hmap_insert(&c->vnis, &v->node, hash_int(vni, 0));

    char *path = xasprintf("%s/vni-%"PRIu32".pcap", pcap_dir, vni);
    char *error;
    v->pcap = tm_pcap_open(path, &pcap_opts, time_msec(), &error);
    if (v->pcap) {
        VLOG_INFO("VNI %"PRIu32": writing %s", vni, path);
    } else {
        /* Counted, and frames of this VNI dropped, rather than exit: the
         * other VNIs may be fine. */
        VLOG_ERR("VNI %"PRIu32": %s", vni, error);
        c->open_errors++;
        free(error);
    }
    free(path);
    return v;
}

static struct src_stats *
src_lookup(struct collector *c, const struct sockaddr_storage *ss)
{
    struct in6_addr addr = ss_get_address(ss);
    uint32_t hash = hash_bytes(&addr, sizeof addr, 0);
    struct src_stats *s;

    HMAP_FOR_EACH_WITH_HASH (s, node, hash, &c->sources) {
        if (ipv6_addr_equals(&s->addr, &addr)) {
            return s;
        }
    }
    s = xzalloc(sizeof *s);
    s->addr = addr;
    hmap_insert(&c->sources, &s->node, hash);
    return s;
}

/* Handles one datagram: counts it, and writes its inner frame if it is a
 * VXLAN packet. */
static void
handle_datagram(struct collector *c, const struct sockaddr_storage *from,
                const uint8_t *data, size_t len, bool truncated,
                const struct timeval *ts)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct src_stats *src = src_lookup(c, from);

    c->datagrams++;
    c->bytes += len;
    src->datagrams++;
    src->bytes += len;

    /* An inner frame needs at least an Ethernet header. */
    if (truncated || len < VXLAN_HEADER_LEN + ETH_HEADER_LEN
        || !(data[0] & VXLAN_FLAG_I)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        const char *why;

        if (truncated) {
            c->truncated++;
            why = "longer than the receive buffer";
        } else if (len < VXLAN_HEADER_LEN + ETH_HEADER_LEN) {
            c->too_short++;
            why = "too short";
        } else {
            c->no_vni_flag++;
            why = "I flag clear";
        }
        src->malformed++;
        if (!VLOG_DROP_WARN(&rl)) {
            ss_format_address(from, &s);
            VLOG_WARN("dropped a %"PRIuSIZE"-byte datagram from %s: %s",
                      len, ds_cstr(&s), why);
            ds_destroy(&s);
        }
        return;
    }

    uint32_t vni = ((uint32_t) data[4] << 16) | (data[5] << 8) | data[6];
    struct vni_stats *v = vni_lookup(c, vni);
    size_t frame_len = len - VXLAN_HEADER_LEN;

    v->frames++;
    v->bytes += frame_len;
    if (!v->pcap) {
        v->write_errors++;
        return;
    }
    int error = tm_pcap_write(v->pcap, ts, data + VXLAN_HEADER_LEN,
                              frame_len, time_msec());
    if (error) {
        v->write_errors++;
        VLOG_WARN_RL(&rl, "%s", tm_pcap_last_error(v->pcap));
    }
    v->dirty = true;
}

/* The socket's libevent callback: reads what is there, up to a batch. */
static void
recv_cb(evutil_socket_t fd, short what OVS_UNUSED, void *c_)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct collector *c = c_;

    for (int i = 0; i < RECV_BATCH; i++) {
        struct sockaddr_storage from;
        union {
            struct cmsghdr cm;
            char buf[CMSG_SPACE(sizeof(struct timeval))];
        } control;
        struct iovec iov = { .iov_base = c->buf, .iov_len = RECV_BUF_LEN };
        struct msghdr msg = {
            .msg_name = &from,
            .msg_namelen = sizeof from,
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = &control,
            .msg_controllen = sizeof control,
        };

        ssize_t n = recvmsg(fd, &msg, 0);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                c->recv_errors++;
                VLOG_WARN_RL(&rl, "receive failed: %s",
                             ovs_strerror(errno));
            }
            break;
        }

        /* The kernel's receive time, else ours. */
        struct timeval ts;
        bool have_ts = false;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm;
             cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == SOL_SOCKET
                && cm->cmsg_type == SCM_TIMESTAMP
                && cm->cmsg_len >= CMSG_LEN(sizeof ts)) {
                memcpy(&ts, CMSG_DATA(cm), sizeof ts);
                have_ts = true;
            }
        }
        if (!have_ts) {
            xgettimeofday(&ts);
        }
        handle_datagram(c, &from, c->buf, n, msg.msg_flags & MSG_TRUNC,
                        &ts);
    }

    /* Flushed per batch, as tcpdump -U does: a file is readable while the
     * collector runs, and a crash loses at most one batch. */
    struct vni_stats *v;
    HMAP_FOR_EACH (v, node, &c->vnis) {
        if (v->dirty) {
            if (v->pcap && tm_pcap_flush(v->pcap)) {
                VLOG_WARN_RL(&rl, "%s", tm_pcap_last_error(v->pcap));
            }
            v->dirty = false;
        }
    }
}

static int
compare_vnis(const void *a_, const void *b_)
{
    const struct vni_stats *const *a = a_, *const *b = b_;
    return (*a)->vni < (*b)->vni ? -1 : (*a)->vni > (*b)->vni;
}

static int
compare_sources(const void *a_, const void *b_)
{
    const struct src_stats *const *a = a_, *const *b = b_;
    return memcmp(&(*a)->addr, &(*b)->addr, sizeof (*a)->addr);
}

/* The summary: totals, then one line per VNI and per outer source, in
 * order. */
static void
format_summary(const struct collector *c, struct ds *s)
{
    uint64_t frames = 0, write_errors = 0;
    const struct vni_stats *v;

    HMAP_FOR_EACH (v, node, &c->vnis) {
        frames += v->frames;
        write_errors += v->write_errors;
    }
    ds_put_format(s, "datagrams: %"PRIu64"\n", c->datagrams);
    ds_put_format(s, "bytes: %"PRIu64"\n", c->bytes);
    ds_put_format(s, "frames: %"PRIu64"\n", frames);
    ds_put_format(s, "malformed: %"PRIu64" (too short %"PRIu64", I flag "
                  "clear %"PRIu64", truncated %"PRIu64")\n",
                  c->too_short + c->no_vni_flag + c->truncated,
                  c->too_short, c->no_vni_flag, c->truncated);
    ds_put_format(s, "errors: %"PRIu64" write, %"PRIu64" open, %"PRIu64
                  " receive\n", write_errors, c->open_errors,
                  c->recv_errors);

    size_t n = hmap_count(&c->vnis), i = 0;
    const struct vni_stats **vs = xmalloc(n * sizeof *vs);
    HMAP_FOR_EACH (v, node, &c->vnis) {
        vs[i++] = v;
    }
    qsort(vs, n, sizeof *vs, compare_vnis);
    for (i = 0; i < n; i++) {
        v = vs[i];
        ds_put_format(s, "vni %"PRIu32": %"PRIu64" frames, %"PRIu64" bytes, "
                      "%"PRIu64" rotations\n", v->vni, v->frames, v->bytes,
                      v->pcap ? tm_pcap_rotations(v->pcap) : 0);
    }
    free(vs);

    const struct src_stats *src;
    n = hmap_count(&c->sources), i = 0;
    const struct src_stats **ss = xmalloc(n * sizeof *ss);
    HMAP_FOR_EACH (src, node, &c->sources) {
        ss[i++] = src;
    }
    qsort(ss, n, sizeof *ss, compare_sources);
    for (i = 0; i < n; i++) {
        src = ss[i];
        ds_put_cstr(s, "source ");
        ipv6_format_mapped(&src->addr, s);
        ds_put_format(s, ": %"PRIu64" datagrams, %"PRIu64" bytes, "
                      "%"PRIu64" malformed\n", src->datagrams, src->bytes,
                      src->malformed);
    }
    free(ss);
}

static void
log_summary(const struct collector *c)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char *save_ptr = NULL;

    format_summary(c, &s);
    for (char *line = strtok_r(ds_cstr(&s), "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        VLOG_INFO("summary: %s", line);
    }
    ds_destroy(&s);
}

/* Logs the summary and closes every file (which flushes it), once: on
 * exit, or from the fatal signal hook. */
static void
collector_finish(struct collector *c)
{
    struct vni_stats *v;

    if (c->finished) {
        return;
    }
    c->finished = true;
    log_summary(c);
    HMAP_FOR_EACH (v, node, &c->vnis) {
        tm_pcap_close(v->pcap);
        v->pcap = NULL;
    }
}

static void
fatal_hook(void *c_)
{
    collector_finish(c_);
}

static void
usr1_handler(int sig OVS_UNUSED)
{
    /* latch_set() only write()s to a pipe: safe in a signal handler. */
    latch_set(&usr1_latch);
}

/* unixctl commands. */

static void
cmd_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *c_)
{
    struct collector *c = c_;
    c->exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
cmd_summary(struct unixctl_conn *conn, int argc OVS_UNUSED,
            const char *argv[] OVS_UNUSED, void *c_)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    format_summary(c_, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_rotate(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *c_)
{
    struct collector *c = c_;
    struct vni_stats *v;

    HMAP_FOR_EACH (v, node, &c->vnis) {
        if (v->pcap) {
            tm_pcap_rotate(v->pcap, time_msec());
        }
    }
    unixctl_command_reply(conn, NULL);
}

static int
open_socket(const char *target)
{
    struct sockaddr_storage ss;
    int fd, one = 1;

    if (!inet_parse_active(target, DEFAULT_PORT, &ss, false, NULL)) {
        ovs_fatal(0, "--listen: \"%s\" is not HOST[:PORT] with an IPv4 "
                  "address or a bracketed IPv6 address", target);
    }
    fd = socket(ss.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        ovs_fatal(errno, "socket");
    }
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one)) {
        VLOG_WARN("SO_TIMESTAMP: %s (using the time of reading)",
                  ovs_strerror(errno));
    }
    /* Copies come in bursts: a larger receive buffer loses fewer of them
     * while a file is being rotated.  The kernel caps it at rmem_max. */
    int rcvbuf = 4 * 1024 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(fd, (struct sockaddr *) &ss, ss_length(&ss))) {
        ovs_fatal(errno, "bind to %s", target);
    }
    int error = set_nonblocking(fd);
    if (error) {
        ovs_fatal(error, "set_nonblocking");
    }
    return fd;
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    struct collector c;

    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();

    memset(&c, 0, sizeof c);
    hmap_init(&c.vnis);
    hmap_init(&c.sources);
    c.buf = xmalloc(RECV_BUF_LEN);

    /* Before detaching, so that a wrong address or a port in use is an
     * error that the caller sees. */
    c.fd = open_socket(listen_target);

    daemonize_start(false);
    if (unixctl_server_create(unixctl_path, &unixctl)) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exit", "", 0, 0, cmd_exit, &c);
    unixctl_command_register("summary", "", 0, 0, cmd_summary, &c);
    unixctl_command_register("rotate", "", 0, 0, cmd_rotate, &c);

    /* SIGTERM and the other fatal signals: the files are closed and the
     * summary logged before the process dies. */
    fatal_signal_add_hook(fatal_hook, NULL, &c, false);
    latch_init(&usr1_latch);
    struct sigaction sa = { .sa_handler = usr1_handler };
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGUSR1, &sa, NULL)) {
        ovs_fatal(errno, "sigaction(SIGUSR1)");
    }

    c.base = event_base_new();
    if (!c.base) {
        ovs_fatal(0, "libevent initialization failed");
    }
    c.recv_event = event_new(c.base, c.fd, EV_READ | EV_PERSIST, recv_cb,
                             &c);
    if (!c.recv_event || event_add(c.recv_event, NULL)) {
        ovs_fatal(0, "libevent: cannot watch the socket");
    }
    daemonize_complete();

    VLOG_INFO("listening on %s, writing to %s (rotation: %"PRIu64" bytes, "
              "%u seconds; 0 is none)", listen_target, pcap_dir,
              pcap_opts.rotate_size, pcap_opts.rotate_seconds);

    while (!c.exiting) {
        unixctl_server_run(unixctl);
        event_base_loop(c.base, EVLOOP_NONBLOCK);
        if (latch_poll(&usr1_latch)) {
            log_summary(&c);
        }

        long long int now = time_msec();
        long long int next = LLONG_MAX;
        struct vni_stats *v;
        HMAP_FOR_EACH (v, node, &c.vnis) {
            if (v->pcap) {
                tm_pcap_run(v->pcap, now);
                next = MIN(next, tm_pcap_next_rotation(v->pcap));
            }
        }

        unixctl_server_wait(unixctl);
        poll_fd_wait(c.fd, POLLIN);
        latch_wait(&usr1_latch);
        if (next != LLONG_MAX) {
            poll_timer_wait_until(next);
        }
        if (c.exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    /* What is still queued on the socket was sent before "exit": take it
     * too, but within bounds, in case it never stops coming. */
    for (int i = 0; i < 100; i++) {
        uint64_t before = c.datagrams;
        event_base_loop(c.base, EVLOOP_NONBLOCK);
        if (c.datagrams == before) {
            break;
        }
    }
    VLOG_INFO("exiting");
    collector_finish(&c);

    struct vni_stats *v;
    HMAP_FOR_EACH_POP (v, node, &c.vnis) {
        free(v);
    }
    hmap_destroy(&c.vnis);
    struct src_stats *src;
    HMAP_FOR_EACH_POP (src, node, &c.sources) {
        free(src);
    }
    hmap_destroy(&c.sources);
    event_free(c.recv_event);
    event_base_free(c.base);
    close(c.fd);
    free(c.buf);
    latch_destroy(&usr1_latch);
    unixctl_server_destroy(unixctl);
    service_stop();
    return 0;
}

/* Parses BYTES with an optional k, M or G (powers of 1024). */
static uint64_t
parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    int shift = 0;

    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    }
    if (errno || end == s || *end || !n || s[0] == '-'
        || n > (UINT64_MAX >> shift)) {
        ovs_fatal(0, "--rotate-size: \"%s\" is not a positive number of "
                  "bytes (with an optional k, M or G)", s);
    }
    return (uint64_t) n << shift;
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_LISTEN = UCHAR_MAX + 1,
        OPT_DIR,
        OPT_ROTATE_SIZE,
        OPT_ROTATE_SECONDS,
        OPT_UNIXCTL,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"dir", required_argument, NULL, OPT_DIR},
        {"rotate-size", required_argument, NULL, OPT_ROTATE_SIZE},
        {"rotate-seconds", required_argument, NULL, OPT_ROTATE_SECONDS},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);
    const char *dir = ".";

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_LISTEN:
            listen_target = xstrdup(optarg);
            break;
        case OPT_DIR:
            dir = optarg;
            break;
        case OPT_ROTATE_SIZE:
            pcap_opts.rotate_size = parse_size(optarg);
            break;
        case OPT_ROTATE_SECONDS: {
            /* In ms, the rotation deadline must fit an int. */
            uint32_t n;
            tm_parse_uint_option("--rotate-seconds", optarg, 1,
                                 INT_MAX / 1000, &n);
            pcap_opts.rotate_seconds = n;
            break;
        }
        case OPT_UNIXCTL:
            unixctl_path = xstrdup(optarg);
            break;
        case 'h':
            usage();
        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);
        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);

    if (optind < argc) {
        ovs_fatal(0, "no arguments expected; use --help for usage");
    }

    /* --detach changes to "/" (unless --no-chdir): the directory must not
     * depend on where we were started. */
    pcap_dir = abs_file_name(NULL, dir);
    if (!pcap_dir) {
        ovs_fatal(errno, "getcwd");
    }
    if (mkdir(pcap_dir, 0755) && errno != EEXIST) {
        ovs_fatal(errno, "--dir: cannot create %s", pcap_dir);
    }
    struct stat st;
    if (stat(pcap_dir, &st) || !S_ISDIR(st.st_mode)) {
        ovs_fatal(0, "--dir: %s is not a directory", pcap_dir);
    }
}

static void
usage(void)
{
    printf("%s: writes the frames mirrored to it over VXLAN to pcap files\n"
           "usage: %s [OPTIONS]\n"
           "\n"
           "Options:\n"
           "  --listen=HOST[:PORT]   UDP address to receive on (default: "
           "0.0.0.0:4789)\n"
           "  --dir=DIR              where vni-N.pcap files go (default: "
           "the current\n"
           "                         directory; created if missing)\n"
           "  --rotate-size=BYTES    rotate a file before it grows past "
           "BYTES (k, M, G)\n"
           "  --rotate-seconds=N     rotate a file after N seconds\n"
           "  --unixctl=SOCKET       control socket (default: "
           "RUNDIR/tmirror-collector.PID.ctl)\n"
           "  -h, --help             this help\n"
           "  -V, --version          version\n",
           program_name, program_name);
    daemon_usage();
    vlog_usage();
    exit(EXIT_SUCCESS);
}

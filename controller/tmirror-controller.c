/*
 * tmirror-controller: programs one hypervisor's integration bridge from the
 * northbound database.
 *
 * main() wires the modules together and runs the loop; the work is done in
 * tm-vswitch (the local Open_vSwitch database), tm-engine (incremental
 * compilation), tm-ofctrl (the OpenFlow connection), tm-reach (targets'
 * reachability), tm-hv (this hypervisor's row in the NB database) and
 * tm-metrics (the Prometheus metrics, with --metrics).
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "command-line.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "openvswitch/poll-loop.h"
#include "socket-util.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "tm-bindings.h"
#include "tm-counters.h"
#include "tm-engine.h"
#include "tm-features.h"
#include "tm-flow.h"
#include "tm-hv.h"
#include "tm-metrics.h"
#include "tm-model.h"
#include "tm-nb.h"
#include "tm-ofctrl.h"
#include "tm-parse.h"
#include "tm-prom.h"
#include "tm-reach.h"
#include "tm-stats.h"
#include "tm-vswitch.h"
#include "tm-vswitchd.h"
#include "tmirror-idl.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(tmirror_controller);

/* How often the traffic counters are read from the switch. */
#define TM_COUNTERS_INTERVAL_MS 2000

/* The coverage counter of ovs-patches/ 0005: packets that a truncating
 * output actually shortened. */
#define TM_TRUNCATED "datapath_truncated"

/* Options. */
static char *nb_remote;
static char *ovs_remote;
static char *switch_target;         /* NULL: the bridge's mgmt socket. */
static char *hv_name;               /* NULL: system-id, else host name. */
static char *unixctl_path;
static bool force_stock;            /* Ignore the patched features. */
static bool mirror_only;            /* --pipeline=mirror-only. */
/* How often the counters may be published in the northbound database, in
 * seconds; 0: never.  Each publication is one transaction per hypervisor
 * that saw traffic change: 1,000 hypervisors at the default make 100
 * small transactions a second. */
#define TM_STATS_INTERVAL_MAX 3600
static uint32_t stats_interval = 10;
static bool metrics_enabled;        /* --metrics. */
static struct tm_ip metrics_ip;
static uint16_t metrics_port;
static struct tm_vswitch_config vs_cfg = {
    .bridge = "br-int",
    .tunnel_port = "tm-vxlan",
};

/* State the unixctl commands look at. */
struct controller {
    bool exiting;
    bool recompute;
    struct tm_engine engine;
    struct tm_model model;
    struct tm_ofctrl *ofctrl;
    struct tm_reach *reach;
    uint64_t counters_published;    /* Transactions that carried them. */
    /* The switch's latest counters by session and rule id (see
     * controller_counters()), and the reading and model they are from. */
    struct tm_counters counters;
    bool counters_valid;
    long long int counters_when;
    uint64_t counters_runs;
    struct tm_features features;
    bool probed;                    /* 'features' is from a probe. */
    int64_t desired_cfg;
    const char *name;
    uint64_t runs, sources_compiled, pipeline_compiles;
    bool tunnel_ready;              /* The mirror tunnel has an ofport. */
    struct sset warnings;           /* Logged, still current. */
    struct tm_vswitchd_tally truncated;     /* TM_TRUNCATED. */
    struct tm_metrics *metrics;     /* NULL without --metrics. */
};

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);

/* Logs the warnings that are new since the last run, and forgets those
 * that are gone, so that a problem is logged once, when it appears. */
static void
log_warnings(struct controller *c, const struct svec *warnings)
{
    struct sset current = SSET_INITIALIZER(&current);
    const char *w;
    size_t i;

    SVEC_FOR_EACH (i, w, warnings) {
        if (sset_add(&current, w) && !sset_contains(&c->warnings, w)) {
            VLOG_WARN("%s", w);
        }
    }
    sset_swap(&current, &c->warnings);
    sset_destroy(&current);
}

static const char *
controller_mode(const struct controller *c)
{
    if (!c->probed) {
        return NULL;
    }
    return force_stock ? "stock" : tm_features_mode(&c->features);
}

/* Probes the switch's features (on start and after every reconnection:
 * the switch may have been upgraded or downgraded meanwhile). */
static bool
probe_features(struct controller *c, const char *ctl)
{
    struct tm_features f;
    const char *old_mode = controller_mode(c);

    if (!ctl || tm_features_probe(ctl, &f)) {
        return false;
    }
    c->features = f;
    c->probed = true;

    const char *mode = controller_mode(c);
    if (!old_mode || strcmp(old_mode, mode)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        tm_features_format(&f, &s);
        VLOG_INFO("mode %s (%s)%s: mirror copies leave with %s as outer "
                  "source", mode, ds_cstr(&s),
                  force_stock ? ", patched features ignored (--stock)" : "",
                  !strcmp(mode, "patched") ? "the source VM's address"
                  : "this hypervisor's address");
        ds_destroy(&s);
    }
    vs_cfg.nonlocal_src = !force_stock && f.nonlocal_src;
    vs_cfg.truncate_to_fit = !force_stock && f.truncate_to_fit;
    return true;
}

static void
collect_local_sources(const struct controller *c, struct sset *sources)
{
    for (size_t i = 0; i < c->model.n_ports; i++) {
        const char *id = c->model.ports[i]->id;
        if (tm_engine_source_flows(&c->engine, id)) {
            sset_add(sources, id);
        }
    }
}

/* unixctl commands. */

static void
cmd_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    c->exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
cmd_recompute(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    c->recompute = true;
    tm_ofctrl_resync(c->ofctrl);
    poll_immediate_wake();
    unixctl_command_reply(conn, NULL);
}

static void
cmd_source_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                const char *argv[], void *c_)
{
    struct controller *c = c_;
    const struct tm_flow_table *flows = tm_engine_source_flows(&c->engine,
                                                               argv[1]);
    if (!flows) {
        char *msg = xasprintf("%s: not a mirror source bound on this "
                              "hypervisor (no enabled session lists it, or "
                              "no interface has it as iface-id)", argv[1]);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    tm_flow_table_format(flows, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* The switch's latest counters by session and rule id, or NULL before its
 * first answer; '*whenp' says when it answered.  Summed once per reading
 * of the switch (or change of the model), however many views (the stats
 * command, the database, the metrics) look at them. */
static const struct tm_counters *
controller_counters(struct controller *c, long long int *whenp)
{
    long long int when;
    const struct hmap *flows = tm_ofctrl_counters(c->ofctrl, &when);

    if (!flows) {
        return NULL;
    }
    if (!c->counters_valid || when != c->counters_when
        || c->runs != c->counters_runs) {
        tm_counters_clear(&c->counters);
        tm_stats_collect(&c->model, flows, &c->counters);
        c->counters_valid = true;
        c->counters_when = when;
        c->counters_runs = c->runs;
    }
    if (whenp) {
        *whenp = when;
    }
    return &c->counters;
}

static void
cmd_stats(struct unixctl_conn *conn, int argc, const char *argv[], void *c_)
{
    struct controller *c = c_;
    long long int when;
    const struct tm_counters *counters = controller_counters(c, &when);

    if (!counters) {
        unixctl_command_reply_error(conn, "no counters yet: the switch has "
                                    "not answered a statistics request");
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    char *error = tm_counters_format(&c->model, counters,
                                     argc > 1 ? argv[1] : NULL, NULL, 0, &s);
    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        ds_put_format(&s, "(counters of this hypervisor's switch, %.1f s "
                      "old)\n", (time_msec() - when) / 1000.0);
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

/* Publishes the switch's latest counters in this hypervisor's row, at
 * most once per --stats-interval and only when they changed, so that
 * "tmirror-ctl stats" and the API can add up every hypervisor's. */
static void
publish_counters(struct controller *c, const struct ovsdb_idl *idl,
                 long long int *next_publish,
                 long long int *published_when)
{
    long long int when;
    const struct tm_counters *counters = controller_counters(c, &when);

    if (!stats_interval || !counters || time_msec() < *next_publish
        || when == *published_when) {
        return;
    }

    /* 'when' is monotonic time; the row says wall-clock time. */
    long long int wall = time_wall_msec() - (time_msec() - when);
    if (tm_hv_publish_counters(idl, c->name, counters, wall)) {
        c->counters_published++;
    }
    *published_when = when;
    *next_publish = time_msec() + stats_interval * 1000LL;
}

static void
cmd_mode_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    const char *mode = controller_mode(c);
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "mode: %s\n", mode ? mode : "unknown (switch not "
                  "probed yet)");
    if (c->probed) {
        ds_put_cstr(&s, "features: ");
        tm_features_format(&c->features, &s);
        ds_put_format(&s, "%s\n", force_stock ? " (ignored: --stock)" : "");
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *mode = controller_mode(c);

    ds_put_format(&s, "hypervisor: %s\nmode: %s\n",
                  c->name ? c->name : "(unknown yet)",
                  mode ? mode : "unknown");
    ds_put_format(&s, "desired configuration: %"PRId64"\n", c->desired_cfg);
    tm_ofctrl_format_status(c->ofctrl, &s);
    ds_put_format(&s, "desired flows: %"PRIuSIZE"\n",
                  tm_flow_table_count(tm_engine_desired(&c->engine)));
    ds_put_format(&s, "compilations: %"PRIu64" runs, %"PRIu64" pipeline, "
                  "%"PRIu64" sources\n", c->runs, c->pipeline_compiles,
                  c->sources_compiled);
    if (tm_vswitchd_tally_valid(&c->truncated)) {
        ds_put_format(&s, "copies truncated: %"PRIu64"\n",
                      c->truncated.total);
    }
    tm_reach_format(c->reach, &s);
    if (stats_interval) {
        ds_put_format(&s, "counters published: %"PRIu64" times (at most "
                      "every %d s)\n", c->counters_published,
                      stats_interval);
    } else {
        ds_put_cstr(&s, "counters published: never (--stats-interval=0)\n");
    }
    if (c->metrics) {
        tm_metrics_format_status(c->metrics, &s);
    }
    ds_put_format(&s, "warnings: %"PRIuSIZE"\n", sset_count(&c->warnings));

    const char *w;
    SSET_FOR_EACH (w, &c->warnings) {
        ds_put_format(&s, "  %s\n", w);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Everything the metrics show besides the model and the traffic
 * counters, whose changes c->runs and the counters' time tell.  The
 * snapshot is rebuilt only when this differs from the last one's. */
struct metrics_state {
    long long int counters_time;
    uint64_t runs;
    const char *name;
    const char *mode;
    int64_t desired_cfg;
    int64_t applied_cfg;
    size_t desired_flows;
    bool connected;
    struct tm_ofctrl_stats ofctrl;
    bool have_failures;
    uint64_t failures;
    bool have_truncated;
    uint64_t truncated;
    size_t warnings;
};

static void
metrics_get_state(const struct controller *c, struct metrics_state *st)
{
    /* Zeroed padding too: the states are compared with memcmp(). */
    memset(st, 0, sizeof *st);
    tm_ofctrl_counters(c->ofctrl, &st->counters_time);
    st->runs = c->runs;
    st->name = c->name;
    st->mode = controller_mode(c);
    st->desired_cfg = c->desired_cfg;
    st->applied_cfg = tm_ofctrl_applied_cfg(c->ofctrl);
    st->desired_flows = tm_flow_table_count(tm_engine_desired(&c->engine));
    st->connected = tm_ofctrl_is_ready(c->ofctrl);
    tm_ofctrl_get_stats(c->ofctrl, &st->ofctrl);
    st->have_failures = tm_reach_routing_failures(c->reach, &st->failures);
    st->have_truncated = tm_vswitchd_tally_valid(&c->truncated);
    st->truncated = c->truncated.total;
    st->warnings = sset_count(&c->warnings);
}

/* The whole exposition (docs/controller.rst lists the metrics). */
static void
metrics_format(struct controller *c, const struct metrics_state *st,
               struct ds *out)
{
    struct ds labels = DS_EMPTY_INITIALIZER;
    struct ds info = DS_EMPTY_INITIALIZER;

    tm_prom_label(&labels, "hypervisor", st->name ? st->name : "");
    ds_put_cstr(&info, ds_cstr(&labels));
    tm_prom_label(&info, "mode", st->mode ? st->mode : "unknown");
    tm_prom_single(out, "tmirror_controller_info", "gauge", "Always 1: the "
                   "hypervisor's name and the controller's mode (patched, "
                   "stock, or unknown before the switch answers).", &info,
                   1);

    const struct tm_counters *counters = controller_counters(c, NULL);
    if (counters) {
        tm_stats_metrics(&c->model, counters, &labels, out);
    }

    tm_prom_single(out, "tmirror_desired_cfg", "gauge", "The configuration "
                   "sequence number (TM_Global nb_cfg) the controller last "
                   "read from the northbound database.", &labels,
                   st->desired_cfg);
    tm_prom_single(out, "tmirror_applied_cfg", "gauge", "The configuration "
                   "sequence number the switch has applied, as written to "
                   "this hypervisor's Hypervisor row (-1 before the "
                   "first).", &labels, st->applied_cfg);
    tm_prom_single(out, "tmirror_flows_installed", "gauge", "OpenFlow "
                   "flows of tmirror's cookie range that the switch has.",
                   &labels, st->ofctrl.installed);
    tm_prom_single(out, "tmirror_flows_desired", "gauge", "OpenFlow flows "
                   "that the current configuration compiles to.", &labels,
                   st->desired_flows);
    tm_prom_single(out, "tmirror_switch_connected", "gauge", "1 while the "
                   "OpenFlow connection to the switch is up and its flows "
                   "are known, else 0.", &labels, st->connected);
    tm_prom_single(out, "tmirror_switch_reconnects_total", "counter",
                   "OpenFlow connections to the switch after the first "
                   "(a restarted switch, or a lost connection).", &labels,
                   st->ofctrl.connections ? st->ofctrl.connections - 1 : 0);
    tm_prom_single(out, "tmirror_bundles_total", "counter", "Flow bundles "
                   "the switch committed.", &labels, st->ofctrl.bundles);
    tm_prom_single(out, "tmirror_bundle_failures_total", "counter", "Flow "
                   "bundles the switch refused (each is retried).", &labels,
                   st->ofctrl.bundle_failures);

    struct tm_prom_family changes;
    tm_prom_family_init(&changes, "tmirror_flow_changes_total", "counter",
                        "Flows added, modified and deleted in committed "
                        "bundles.");
    static const char *names[] = { "add", "modify", "delete" };
    const uint64_t values[] = { st->ofctrl.flow_adds, st->ofctrl.flow_mods,
                                st->ofctrl.flow_dels };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        struct ds l = DS_EMPTY_INITIALIZER;
        ds_put_cstr(&l, ds_cstr(&labels));
        tm_prom_label(&l, "change", names[i]);
        tm_prom_add_u64(&changes, &l, values[i]);
        ds_destroy(&l);
    }
    tm_prom_family_finish(&changes, out);

    if (st->have_failures) {
        tm_prom_single(out, "tmirror_tunnel_routing_failures_total",
                       "counter", "Mirror copies that ovs-vswitchd dropped "
                       "for want of a route to their target, since the "
                       "controller started (coverage counter "
                       "drop_action_tunnel_routing_failed, read every 5 s; "
                       "absent on a switch without it).", &labels,
                       st->failures);
    }
    if (st->have_truncated) {
        tm_prom_single(out, "tmirror_truncated_copies_total", "counter",
                       "Mirror copies that the switch cut to the session's "
                       "packet length or the MTU, since the controller "
                       "started (coverage counter "TM_TRUNCATED" of "
                       "ovs-patches/ 0005, read every 2 s; absent on a "
                       "switch without it).", &labels, st->truncated);
    }
    tm_prom_single(out, "tmirror_warnings", "gauge", "Problems the "
                   "controller currently reports (\"status\" lists them).",
                   &labels, st->warnings);
    ds_destroy(&info);
    ds_destroy(&labels);
}

/* Publishes a new snapshot of the metrics if anything in it changed. */
static void
metrics_run(struct controller *c, struct metrics_state *last, bool *first)
{
    struct metrics_state st;

    metrics_get_state(c, &st);
    if (*first || memcmp(&st, last, sizeof st)) {
        struct ds text = DS_EMPTY_INITIALIZER;

        metrics_format(c, &st, &text);
        tm_metrics_publish(c->metrics, &text);
        ds_destroy(&text);
        /* memcpy(), not assignment, which need not copy the padding
         * that memcmp() compares. */
        memcpy(last, &st, sizeof st);
        *first = false;
    }
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    struct controller c;

    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();

    daemonize_start(false);
    int retval = unixctl_server_create(unixctl_path, &unixctl);
    if (retval) {
        exit(EXIT_FAILURE);
    }

    memset(&c, 0, sizeof c);
    tm_engine_init(&c.engine);
    tm_model_init(&c.model);
    c.ofctrl = tm_ofctrl_create();
    c.reach = tm_reach_create();
    sset_init(&c.warnings);
    tm_counters_init(&c.counters);
    if (metrics_enabled) {
        /* Bound before detaching, so that a port in use is an error the
         * operator sees. */
        char *error = tm_metrics_listen("--metrics", &metrics_ip,
                                        metrics_port, &c.metrics);
        if (error) {
            ovs_fatal(0, "%s", error);
        }
    }

    unixctl_command_register("exit", "", 0, 0, cmd_exit, &c);
    unixctl_command_register("recompute", "", 0, 0, cmd_recompute, &c);
    unixctl_command_register("source/show", "PORT-ID", 1, 1,
                             cmd_source_show, &c);
    unixctl_command_register("mode/show", "", 0, 0, cmd_mode_show, &c);
    unixctl_command_register("stats", "[SESSION]", 0, 1, cmd_stats, &c);
    unixctl_command_register("status", "", 0, 0, cmd_status, &c);
    daemonize_complete();
    tm_metrics_run_thread(c.metrics);

    struct ovsdb_idl_loop ovs_loop = OVSDB_IDL_LOOP_INITIALIZER(
        ovsdb_idl_create(ovs_remote, &ovsrec_idl_class, false, true));
    tm_vswitch_register(ovs_loop.idl);

    /* Any member of a clustered NB database will do: the controller
     * mostly reads, and a follower forwards the few writes. */
    struct ovsdb_idl_loop nb_loop = OVSDB_IDL_LOOP_INITIALIZER(
        ovsdb_idl_create(nb_remote, &tmrec_idl_class, true, true));
    ovsdb_idl_set_leader_only(nb_loop.idl, false);
    /* The counters this controller publishes are not configuration: its
     * own writes to them must not wake it up to recompile. */
    ovsdb_idl_omit_alert(nb_loop.idl, &tmrec_hypervisor_col_stats_packets);
    ovsdb_idl_omit_alert(nb_loop.idl, &tmrec_hypervisor_col_stats_bytes);
    ovsdb_idl_omit_alert(nb_loop.idl, &tmrec_hypervisor_col_stats_time);

    char *target = switch_target ? xstrdup(switch_target)
        : xasprintf("unix:%s/%s.mgmt", ovs_rundir(), vs_cfg.bridge);
    tm_ofctrl_set_target(c.ofctrl, target);
    free(target);

    unsigned int nb_seqno = 0, ovs_seqno = 0, conn_seqno = 0;
    bool need_probe = true;
    long long int next_probe = 0;
    long long int next_counters = 0;
    long long int next_publish = 0, published_when = LLONG_MIN;
    struct metrics_state metrics_last;
    bool metrics_first = true;
    char *ctl = NULL;
    char *sysname = NULL;
    VLOG_INFO("northbound database %s, Open_vSwitch database %s, bridge %s",
              nb_remote, ovs_remote, vs_cfg.bridge);

    while (!c.exiting) {
        struct ovsdb_idl_txn *ovs_txn = ovsdb_idl_loop_run(&ovs_loop);
        struct ovsdb_idl_txn *nb_txn = ovsdb_idl_loop_run(&nb_loop);
        bool synced = (ovsdb_idl_has_ever_connected(ovs_loop.idl)
                       && ovsdb_idl_has_ever_connected(nb_loop.idl));

        unixctl_server_run(unixctl);
        tm_ofctrl_run(c.ofctrl);

        /* ovs-vswitchd's control socket and features change only when it
         * restarts, which makes a new OpenFlow connection: then the
         * targets' reachability starts again, once, and the features are
         * probed until the switch answers, every half second, not on
         * every pass. */
        if (tm_ofctrl_connection_seqno(c.ofctrl) != conn_seqno) {
            conn_seqno = tm_ofctrl_connection_seqno(c.ofctrl);
            tm_reach_reset(c.reach);
            need_probe = true;
            next_probe = 0;
        }
        if ((need_probe || !c.probed) && time_msec() >= next_probe) {
            free(ctl);
            ctl = tm_vswitchd_ctl_path();
            if (probe_features(&c, ctl)) {
                need_probe = false;
            } else {
                next_probe = time_msec() + 500;
            }
        }

        /* The name: once chosen, kept. */
        if (!c.name && ovsdb_idl_has_ever_connected(ovs_loop.idl)) {
            const char *sid = tm_vswitch_system_id(ovs_loop.idl);
            char host[256] = "";

            if (gethostname(host, sizeof host - 1)) {
                ovs_strlcpy(host, "localhost", sizeof host);
            }
            sysname = xstrdup(hv_name ? hv_name : sid ? sid : host);
            c.name = sysname;
            tm_hv_monitor_own_row(nb_loop.idl, c.name);
        }

        /* Bindings are cheap to read; recompiling is what the engine
         * keeps small. */
        struct tm_bindings bindings;
        struct svec warnings = SVEC_EMPTY_INITIALIZER;
        tm_bindings_init(&bindings);
        tm_vswitch_run(ovs_loop.idl, c.probed ? ovs_txn : NULL, &vs_cfg,
                       &bindings, &warnings);
        bindings.mirror_only = mirror_only;
        c.tunnel_ready = bindings.tunnel_ofport != 0;

        unsigned int new_nb = ovsdb_idl_get_seqno(nb_loop.idl);
        unsigned int new_ovs = ovsdb_idl_get_seqno(ovs_loop.idl);
        if (new_ovs != ovs_seqno) {
            /* A restarted ovs-vswitchd updates the database as it sets up
             * its bridges: don't wait out a back-off to reconnect. */
            tm_ofctrl_kick(c.ofctrl);
        }
        if (synced && (new_nb != nb_seqno || new_ovs != ovs_seqno
                       || c.recompute)) {
            nb_seqno = new_nb;
            ovs_seqno = new_ovs;
            if (c.recompute) {
                tm_engine_clear(&c.engine);
                c.recompute = false;
            }

            tm_model_destroy(&c.model);
            tm_model_init(&c.model);
            char *error = tm_nb_to_model(nb_loop.idl, &c.model);
            if (error) {
                svec_add_nocopy(&warnings, error);
            }
            c.desired_cfg = tm_hv_global_cfg(nb_loop.idl);

            struct tm_engine_stats stats;
            tm_engine_run(&c.engine, &c.model, &bindings, &stats);
            c.runs++;
            c.sources_compiled += stats.sources_compiled;
            c.pipeline_compiles += stats.pipeline_compiled;
            if (stats.sources_compiled || stats.sources_removed
                || stats.pipeline_compiled) {
                VLOG_INFO("configuration %"PRId64": compiled %"PRIuSIZE
                          " sources%s, kept %"PRIuSIZE", removed %"PRIuSIZE
                          "; %"PRIuSIZE" desired flows", c.desired_cfg,
                          stats.sources_compiled,
                          stats.pipeline_compiled ? " and the pipeline" : "",
                          stats.sources_kept, stats.sources_removed,
                          tm_flow_table_count(tm_engine_desired(&c.engine)));
            }
            tm_engine_warnings(&c.engine, &warnings);
            log_warnings(&c, &warnings);
            tm_reach_set_targets(c.reach, &c.model, &c.engine);
        }
        svec_destroy(&warnings);
        tm_bindings_destroy(&bindings);

        if (synced && tm_ofctrl_is_ready(c.ofctrl)) {
            /* Until the mirror tunnel has its OpenFlow port, the sources'
             * flows can't be compiled: install what can be, but don't
             * report the configuration as applied ("tmirror-ctl
             * --wait=hv" would return before the mirrors work). */
            int64_t cfg = (c.tunnel_ready ? c.desired_cfg
                           : tm_ofctrl_applied_cfg(c.ofctrl));
            tm_ofctrl_put(c.ofctrl, tm_engine_desired(&c.engine), c.runs,
                          cfg);
        }
        tm_reach_run(c.reach, ctl);

        /* Traffic counters, from the switch, every couple of seconds. */
        if (time_msec() >= next_counters) {
            tm_ofctrl_request_counters(c.ofctrl);
            tm_vswitchd_tally_update(&c.truncated, ctl, TM_TRUNCATED);
            next_counters = time_msec() + TM_COUNTERS_INTERVAL_MS;
        }

        if (nb_txn && c.name && ovsdb_idl_has_ever_connected(nb_loop.idl)) {
            struct sset sources = SSET_INITIALIZER(&sources);
            collect_local_sources(&c, &sources);
            tm_hv_update(nb_loop.idl, nb_txn, c.name, controller_mode(&c),
                         tm_ofctrl_applied_cfg(c.ofctrl), &sources);
            sset_destroy(&sources);
            publish_counters(&c, nb_loop.idl, &next_publish,
                             &published_when);
        }
        if (c.metrics) {
            metrics_run(&c, &metrics_last, &metrics_first);
        }

        ovsdb_idl_loop_commit_and_wait(&ovs_loop);
        ovsdb_idl_loop_commit_and_wait(&nb_loop);
        unixctl_server_wait(unixctl);
        tm_ofctrl_wait(c.ofctrl);
        tm_reach_wait(c.reach);
        poll_timer_wait_until(next_counters);
        if (stats_interval) {
            poll_timer_wait_until(next_publish);
        }
        if (need_probe || !c.probed) {
            /* The switch may not be up yet: ask again soon. */
            poll_timer_wait_until(next_probe);
        }
        if (c.exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    VLOG_INFO("exiting; the switch keeps its flows");
    tm_metrics_destroy(c.metrics);
    tm_vswitchd_tally_destroy(&c.truncated);
    free(ctl);
    unixctl_server_destroy(unixctl);
    ovsdb_idl_loop_destroy(&ovs_loop);
    ovsdb_idl_loop_destroy(&nb_loop);
    tm_ofctrl_destroy(c.ofctrl);
    tm_reach_destroy(c.reach);
    tm_engine_destroy(&c.engine);
    tm_model_destroy(&c.model);
    sset_destroy(&c.warnings);
    tm_counters_destroy(&c.counters);
    free(sysname);
    service_stop();
    return 0;
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_NB = UCHAR_MAX + 1,
        OPT_BRIDGE,
        OPT_NAME,
        OPT_UPLINK,
        OPT_TUNNEL_PORT,
        OPT_TUNNEL_MTU,
        OPT_DATAPATH_TYPE,
        OPT_SWITCH,
        OPT_STOCK,
        OPT_PIPELINE,
        OPT_UNIXCTL,
        OPT_STATS_INTERVAL,
        OPT_METRICS,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"nb", required_argument, NULL, OPT_NB},
        {"bridge", required_argument, NULL, OPT_BRIDGE},
        {"name", required_argument, NULL, OPT_NAME},
        {"uplink", required_argument, NULL, OPT_UPLINK},
        {"tunnel-port", required_argument, NULL, OPT_TUNNEL_PORT},
        {"tunnel-mtu", required_argument, NULL, OPT_TUNNEL_MTU},
        {"datapath-type", required_argument, NULL, OPT_DATAPATH_TYPE},
        {"switch", required_argument, NULL, OPT_SWITCH},
        {"stock", no_argument, NULL, OPT_STOCK},
        {"pipeline", required_argument, NULL, OPT_PIPELINE},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"stats-interval", required_argument, NULL, OPT_STATS_INTERVAL},
        {"metrics", required_argument, NULL, OPT_METRICS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        /* An option given twice: the last one counts, and the string of
         * the first is freed (a sanitizer build reports it otherwise). */
        switch (c) {
        case OPT_NB:
            free(nb_remote);
            nb_remote = xstrdup(optarg);
            break;
        case OPT_BRIDGE:
            vs_cfg.bridge = xstrdup(optarg);
            break;
        case OPT_NAME:
            free(hv_name);
            hv_name = xstrdup(optarg);
            break;
        case OPT_UPLINK:
            vs_cfg.uplink = xstrdup(optarg);
            break;
        case OPT_TUNNEL_PORT:
            vs_cfg.tunnel_port = xstrdup(optarg);
            break;
        case OPT_TUNNEL_MTU:
            tm_parse_uint_option("--tunnel-mtu", optarg, TM_MTU_MIN,
                                 TM_MTU_MAX, &vs_cfg.tunnel_mtu);
            break;
        case OPT_STATS_INTERVAL:
            tm_parse_uint_option("--stats-interval", optarg, 0,
                                 TM_STATS_INTERVAL_MAX, &stats_interval);
            break;
        case OPT_DATAPATH_TYPE:
            vs_cfg.datapath_type = xstrdup(optarg);
            break;
        case OPT_SWITCH:
            free(switch_target);
            switch_target = xstrdup(optarg);
            break;
        case OPT_STOCK:
            force_stock = true;
            break;
        case OPT_PIPELINE:
            if (!strcmp(optarg, "mirror-only")) {
                mirror_only = true;
            } else if (!strcmp(optarg, "standalone")) {
                mirror_only = false;
            } else {
                ovs_fatal(0, "--pipeline: \"%s\" is not one of standalone, "
                          "mirror-only", optarg);
            }
            break;
        case OPT_UNIXCTL:
            free(unixctl_path);
            unixctl_path = xstrdup(optarg);
            break;
        case OPT_METRICS: {
            /* Loopback unless told otherwise: the metrics name sessions
             * and hypervisors. */
            char *error = tm_parse_listen("--metrics", optarg, "127.0.0.1",
                                          &metrics_ip, &metrics_port);
            if (error) {
                ovs_fatal(0, "%s", error);
            }
            metrics_enabled = true;
            break;
        }
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

    argc -= optind;
    argv += optind;
    if (argc > 1) {
        ovs_fatal(0, "at most one argument (the Open_vSwitch database) "
                  "expected; use --help for usage");
    }
    ovs_remote = (argc ? xstrdup(argv[0])
                  : xasprintf("unix:%s/db.sock", ovs_rundir()));
    if (!nb_remote) {
        const char *env = getenv("TMIRROR_NB_DB");
        nb_remote = (env && env[0] ? xstrdup(env)
                     : xstrdup("unix:/var/run/tmirror/tmirror_nb.sock"));
    }
}

static void
usage(void)
{
    printf("%s: programs a hypervisor's integration bridge for tmirror\n"
           "usage: %s [OPTIONS] [OVS-DATABASE]\n"
           "\n"
           "OVS-DATABASE is the local Open_vSwitch database "
           "(default: unix:%s/db.sock).\n"
           "\n"
           "Options:\n"
           "  --nb=REMOTE           northbound database (default: "
           "$TMIRROR_NB_DB, else\n"
           "                        unix:/var/run/tmirror/tmirror_nb.sock);"
           " a comma-separated\n"
           "                        list for a cluster\n"
           "  --bridge=NAME         integration bridge (default: br-int; "
           "created if missing)\n"
           "  --name=NAME           this hypervisor's name in the database "
           "(default:\n"
           "                        Open_vSwitch external_ids:system-id, "
           "else the host name)\n"
           "  --uplink=PORT         where unknown unicast goes (default: "
           "dropped)\n"
           "  --tunnel-port=NAME    the mirror VXLAN port (default: "
           "tm-vxlan)\n"
           "  --tunnel-mtu=N        MTU toward mirror targets (default: the "
           "bridge's own)\n"
           "  --datapath-type=TYPE  datapath type of a bridge it creates\n"
           "  --switch=TARGET       OpenFlow connection (default: "
           "unix:RUNDIR/BRIDGE.mgmt)\n"
           "  --stock               do not use the features of ovs-patches/"
           " even if present\n"
           "  --pipeline=standalone|mirror-only\n"
           "                        the whole pipeline (default), or only "
           "the two mirror\n"
           "                        stages for a host with its own "
           "(docs/pipeline.rst)\n"
           "  --stats-interval=SECS publish the traffic counters in the "
           "northbound\n"
           "                        database at most this often (default: "
           "10; 0: never)\n"
           "  --unixctl=SOCKET      control socket (default: "
           "RUNDIR/tmirror-controller.PID.ctl)\n"
           "  --metrics=[HOST:]PORT serve Prometheus metrics at "
           "http://HOST:PORT/metrics\n"
           "                        (HOST an address, default 127.0.0.1; "
           "port 0: any)\n"
           "  -h, --help            this help\n"
           "  -V, --version         version\n",
           program_name, program_name, ovs_rundir());
    daemon_usage();
    vlog_usage();
    exit(EXIT_SUCCESS);
}

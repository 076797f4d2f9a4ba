/*
 * tmirror-ctl: the tmirror command-line tool, in the manner of ovn-nbctl.
 *
 * A command table maps each command to a function.  Database commands run
 * against the northbound database through lib/tm-nb-write: every write is
 * one transaction, validated against the whole model as it will be after
 * the write, and retried from fresh data if another writer got there
 * first.  The functions here only parse arguments into model structs and
 * hand them to the library.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "svec.h"
#include "timeval.h"
#include "tm-bindings.h"
#include "tm-compile.h"
#include "tm-counters.h"
#include "tm-explain.h"
#include "tm-features.h"
#include "tm-flow.h"
#include "tm-json.h"
#include "tm-live.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-nb-write.h"
#include "tm-nb.h"
#include "tm-parse.h"
#include "tm-validate.h"
#include "tmirror-idl.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(tmirror_ctl);

/* Options. */
static const char *db;              /* --db. */
static const char *bindings_file;   /* --bindings. */
static bool wait_hv;                /* --wait=hv. */
static long long int timeout_ms = 30 * 1000;    /* --timeout. */
static bool format_json;            /* --format=json. */

/* Options of "trace". */
static const char *model_file;      /* --model. */
static const char *trace_source;    /* --source. */
static bool trace_direction_set;    /* --direction. */
static enum tm_direction trace_direction;
static bool trace_live;             /* --live. */
static struct tm_live_options live_options = {
    .bridge = "br-int",             /* --bridge, */
    .tunnel_port = "tm-vxlan",      /* --tunnel-port, --tunnel-mtu (as */
    .tunnel_mtu = 0,                /* tmirror-controller's), */
    .in_port = NULL,                /* --in-port. */
};
static bool trace_options;          /* Any of them given. */

struct ctl_context;

enum ctl_kind {
    CTL_FILE,                   /* Works on files, no database. */
    CTL_READ,                   /* Reads the database. */
    CTL_WRITE,                  /* Writes the database. */
    CTL_MODEL,                  /* Reads the model of --model, or else the
                                 * database. */
};

struct ctl_command {
    const char *name;
    const char *usage;
    int min_args;
    int max_args;
    enum ctl_kind kind;

    /* Reads print into ctx->output.  Writes change ctx->txn's rows, and may
     * print too; output is shown only if the write commits.  Either returns
     * NULL or a malloc'd error. */
    char *(*run)(struct ctl_context *);
};

struct ctl_context {
    int argc;
    char **argv;                /* argv[0] is the command name. */
    struct ovsdb_idl *idl;
    struct ovsdb_idl_txn *txn;  /* Writes only. */
    struct ds output;

    /* A row the write inserted, whose final UUID is printed on success,
     * and its temporary UUID, kept (with 'has_inserted') because the IDL
     * frees inserted rows when it sends the transaction: after that,
     * 'inserted' must not be looked at, not even compared with NULL. */
    const struct ovsdb_idl_row *inserted;
    bool has_inserted;
    struct uuid inserted_uuid;

    /* Labels for inserted rows in errors (see struct tm_nb_writer). */
    struct smap *labels;

    /* Exit status after printing the output (e.g. 2: "trace --live"
     * found a disagreement). */
    int status;
};

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);
static const struct ctl_command *find_command(const char *name);
static void run_command(const struct ctl_command *, int argc, char *argv[]);

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    vlog_set_levels(NULL, VLF_SYSLOG, VLL_OFF);
    /* Database errors are reported as this program's own error. */
    vlog_set_levels(vlog_module_from_name("ovsdb_idl"), VLF_CONSOLE,
                    VLL_ERR);
    /* ovs-features reports a switch it can't reach as its own error. */
    vlog_set_levels(vlog_module_from_name("unixctl"), VLF_CONSOLE, VLL_ERR);
    /* A large import keeps this process busy; that is not a problem. */
    vlog_set_levels(vlog_module_from_name("timeval"), VLF_CONSOLE,
                    VLL_ERR);
    parse_options(argc, argv);

    argc -= optind;
    argv += optind;
    if (argc < 1) {
        ovs_fatal(0, "missing command name (use --help for help)");
    }
    const struct ctl_command *command = find_command(argv[0]);
    if (!command) {
        ovs_fatal(0, "unknown command '%s'; use --help for help", argv[0]);
    }
    if (trace_options && command->kind != CTL_MODEL) {
        ovs_fatal(0, "--model, --source, --direction, --live, --bridge, "
                  "--tunnel-port, --tunnel-mtu and --in-port are options of "
                  "trace, not of %s", command->name);
    }
    if (argc - 1 < command->min_args || argc - 1 > command->max_args) {
        if (!command->max_args) {
            ovs_fatal(0, "'%s' takes no arguments", command->name);
        }
        ovs_fatal(0, "usage: %s %s", command->name, command->usage);
    }
    run_command(command, argc, argv);
    return 0;
}

static const char *
default_db(void)
{
    const char *env = getenv("TMIRROR_NB_DB");
    if (env && env[0]) {
        return env;
    }
    const char *rundir = getenv("TMIRROR_RUNDIR");
    return xasprintf("unix:%s/tmirror_nb.sock",
                     rundir && rundir[0] ? rundir : "/var/run/tmirror");
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_BINDINGS,
        OPT_WAIT,
        OPT_TIMEOUT,
        OPT_FORMAT,
        OPT_MODEL,
        OPT_SOURCE,
        OPT_DIRECTION,
        OPT_LIVE,
        OPT_BRIDGE,
        OPT_TUNNEL_PORT,
        OPT_TUNNEL_MTU,
        OPT_IN_PORT,
        VLOG_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"bindings", required_argument, NULL, OPT_BINDINGS},
        {"wait", required_argument, NULL, OPT_WAIT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"model", required_argument, NULL, OPT_MODEL},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"direction", required_argument, NULL, OPT_DIRECTION},
        {"live", no_argument, NULL, OPT_LIVE},
        {"bridge", required_argument, NULL, OPT_BRIDGE},
        {"tunnel-port", required_argument, NULL, OPT_TUNNEL_PORT},
        {"tunnel-mtu", required_argument, NULL, OPT_TUNNEL_MTU},
        {"in-port", required_argument, NULL, OPT_IN_PORT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(
        long_options);
    uint32_t seconds;

    /* The options of "trace" stand after the command name in the usual
     * "trace --source=P --direction=D FLOW", which getopt_long() accepts
     * since it permutes. */
    opterr = 0;
    char *error;

    /* Options may stand anywhere, as for ovs-ofctl; "--" ends them. */
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_BINDINGS:
            bindings_file = optarg;
            break;
        case OPT_WAIT:
            if (!strcmp(optarg, "hv")) {
                wait_hv = true;
            } else if (!strcmp(optarg, "none")) {
                wait_hv = false;
            } else {
                ovs_fatal(0, "--wait: \"%s\" is not one of none, hv",
                          optarg);
            }
            break;
        case OPT_TIMEOUT:
            error = tm_parse_uint("--timeout", optarg, 0, 86400, &seconds);
            if (error) {
                ovs_fatal(0, "%s (seconds; 0 waits forever)", error);
            }
            timeout_ms = seconds * 1000LL;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "json")) {
                format_json = true;
            } else if (!strcmp(optarg, "table")) {
                format_json = false;
            } else {
                ovs_fatal(0, "--format: \"%s\" is not one of table, json",
                          optarg);
            }
            break;
        case OPT_MODEL:
            model_file = optarg;
            trace_options = true;
            break;
        case OPT_SOURCE:
            trace_source = optarg;
            trace_options = true;
            break;
        case OPT_DIRECTION:
            error = tm_parse_direction("--direction", optarg,
                                       &trace_direction);
            if (error) {
                ovs_fatal(0, "%s", error);
            }
            trace_direction_set = trace_options = true;
            break;
        case OPT_LIVE:
            trace_live = trace_options = true;
            break;
        case OPT_BRIDGE:
            live_options.bridge = optarg;
            trace_options = true;
            break;
        case OPT_TUNNEL_PORT:
            live_options.tunnel_port = optarg;
            trace_options = true;
            break;
        case OPT_TUNNEL_MTU:
            tm_parse_uint_option("--tunnel-mtu", optarg, TM_MTU_MIN,
                                 TM_MTU_MAX, &live_options.tunnel_mtu);
            trace_options = true;
            break;
        case OPT_IN_PORT:
            live_options.in_port = optarg;
            trace_options = true;
            break;
        case 'h':
            usage();
        case 'V':
            printf("%s (tmirror) 0.1\n", program_name);
            exit(EXIT_SUCCESS);
        VLOG_OPTION_HANDLERS
        case '?':
            if (optopt) {
                ovs_fatal(0, "option -%c needs an argument or does not "
                          "exist (use --help for help)", optopt);
            }
            ovs_fatal(0, "unrecognized option '%s' (use --help for help)",
                      argv[optind - 1]);
        default:
            abort();
        }
    }
    free(short_options);
    if (!db) {
        db = default_db();
    }
}

static void
usage(void)
{
    printf("\
%s: tmirror control utility\n\
usage: %s [OPTIONS] COMMAND [ARG...]\n\
\n\
Objects are named by UUID (filters and sessions also by a unique name),\n\
ports and load balancers by the cloud's ids.  KEY=VALUE arguments use the\n\
field names of Huawei's VPC v3 API (docs/model-format.rst).\n\
\n\
General:\n\
  show                        the whole configuration as a tree\n\
  init                        create the global row (any write does)\n\
  sync                        a write that changes nothing (with --wait)\n\
  quota-set sources_per_session=N|default\n\
  import MODEL.json           add a model file's objects, in one write\n\
  export                      the configuration as a model file\n\
\n\
Filters and rules:\n\
  filter-add NAME [KEY=VALUE]...       print the new filter's UUID\n\
  filter-set FILTER KEY=VALUE...       name, description, project_id\n\
  filter-del FILTER\n\
  filter-list\n\
  filter-show FILTER\n\
  rule-add FILTER DIRECTION PRIORITY ACTION [KEY=VALUE]...\n\
                              protocol, ethertype, source_cidr_block,\n\
                              destination_cidr_block, source_port_range,\n\
                              destination_port_range, description\n\
  rule-set RULE KEY=VALUE...  the same, plus direction, priority, action\n\
  rule-del RULE\n\
  rule-list FILTER\n\
\n\
Sessions:\n\
  session-add NAME FILTER TARGET-TYPE TARGET PRIORITY [KEY=VALUE]...\n\
                              virtual_network_id, packet_length, enabled,\n\
                              traffic_mirror_sources (comma-separated),\n\
                              description, project_id\n\
  session-set SESSION KEY=VALUE...     also traffic_mirror_filter_id,\n\
                              traffic_mirror_target_type/_id, priority\n\
  session-add-sources SESSION PORT...\n\
  session-remove-sources SESSION PORT...\n\
  session-enable SESSION\n\
  session-disable SESSION\n\
  session-del SESSION\n\
  session-list\n\
  session-show SESSION\n\
\n\
Ports, load balancers, hypervisors:\n\
  port-add PORT-ID [KEY=VALUE]...      name, mac_address, fixed_ips\n\
                              (comma-separated), traffic_mirroring_supported\n\
  port-set PORT-ID KEY=VALUE...\n\
  port-del PORT-ID\n\
  port-list\n\
  lb-add LB-ID [KEY=VALUE]...          name, vip_address, udp_supported\n\
  lb-set LB-ID KEY=VALUE...\n\
  lb-del LB-ID\n\
  lb-list\n\
  hv-list                     what each hypervisor reports back\n\
  stats [SESSION]             packets and bytes each session mirrored and\n\
                              each rule matched, over all hypervisors\n\
\n\
Hypervisor:\n\
  ovs-features CTL-SOCKET     which ovs-patches/ features the running\n\
                              ovs-vswitchd has, and the mode it allows\n\
\n\
Model files (no database):\n\
  validate MODEL.json         check a model, print the first problem\n\
  compile MODEL.json          print one hypervisor's flows (--bindings)\n\
\n\
Explaining (docs/trace.rst):\n\
  trace --source=PORT --direction=ingress|egress [--live] FLOW\n\
                              every session and rule PORT tries for the\n\
                              packet FLOW (e.g. tcp,nw_dst=10.0.0.1),\n\
                              the one that decides, and what is sent; with\n\
                              --live, compared with ofproto/trace on this\n\
                              hypervisor (exit status 2 if they disagree)\n\
\n\
Options:\n\
  --db=DATABASE               database remote, or comma-separated cluster\n\
                              remotes (default: $TMIRROR_NB_DB, else\n\
                              unix:$TMIRROR_RUNDIR/tmirror_nb.sock,\n\
                              TMIRROR_RUNDIR defaulting to /var/run/tmirror)\n\
  --wait=none|hv              after a write, wait until every hypervisor\n\
                              controller has applied it\n\
  --timeout=SECS              give up after SECS (default 30; 0: never)\n\
  --format=table|json         output format of show, export and lists\n\
  --bindings=FILE             hypervisor bindings (JSON), for compile and\n\
                              trace\n\
  --model=MODEL.json          trace this model file instead of the database\n\
  --source=PORT               trace: the source port (id or name)\n\
  --direction=ingress|egress  trace: inbound or outbound for the source\n\
  --live                      trace: also ask this hypervisor's ovs-vswitchd\n\
                              ($OVS_RUNDIR) and compare\n\
  --bridge=NAME               trace --live: integration bridge (br-int)\n\
  --tunnel-port=NAME          trace --live: mirror tunnel port (tm-vxlan)\n\
  --tunnel-mtu=N              trace --live: as given to tmirror-controller\n\
  --in-port=PORT              trace --live, ingress: where the packet\n\
                              enters: LOCAL (default), an OpenFlow port or a\n\
                              port id\n\
  -v, --verbose=[SPEC]        set logging levels (as other OVS programs)\n\
  -h, --help                  display this help message\n\
  -V, --version               display version information\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

/* Helpers for commands. */

static char *
uuid_text(const struct uuid *uuid)
{
    return xasprintf(UUID_FMT, UUID_ARGS(uuid));
}

/* Reads the database into 'model'.  Rows that don't parse keep their
 * defaults here; the write's validation reports them. */
static void
read_model(const struct ctl_context *ctx, struct tm_model *model)
{
    tm_model_init(model);
    free(tm_nb_to_model(ctx->idl, model));
}

/* Splits "KEY=VALUE" arguments argv[first..] into 'kv', checking that each
 * key is one of 'allowed' (NULL-terminated) and appears once. */
static char *
parse_assignments(const struct ctl_context *ctx, int first,
                  const char *const allowed[], struct smap *kv)
{
    for (int i = first; i < ctx->argc; i++) {
        const char *arg = ctx->argv[i];
        const char *eq = strchr(arg, '=');
        if (!eq) {
            return xasprintf("\"%s\": expected KEY=VALUE", arg);
        }

        char *key = xmemdup0(arg, eq - arg);
        size_t j;
        for (j = 0; allowed[j] && strcmp(allowed[j], key); j++) {
            continue;
        }
        if (!allowed[j]) {
            struct ds s = DS_EMPTY_INITIALIZER;
            ds_put_format(&s, "%s: not a field that %s takes as KEY=VALUE; "
                          "fields:", key, ctx->argv[0]);
            for (j = 0; allowed[j]; j++) {
                ds_put_format(&s, " %s", allowed[j]);
            }
            free(key);
            return ds_steal_cstr(&s);
        }
        if (smap_get(kv, key)) {
            char *error = xasprintf("%s: given more than once", key);
            free(key);
            return error;
        }
        smap_add(kv, key, eq + 1);
        free(key);
    }
    return NULL;
}

/* Like parse_assignments(), allowing only the first 'n' of 'allowed'. */
static char *
parse_assignments_n(const struct ctl_context *ctx, int first,
                    const char *const allowed[], size_t n, struct smap *kv)
{
    const char **some = xmalloc((n + 1) * sizeof *some);

    memcpy(some, allowed, n * sizeof *some);
    some[n] = NULL;
    char *error = parse_assignments(ctx, first, some, kv);
    free(some);
    return error;
}

static void
replace_string(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

/* Sets a text field after 'check' accepts it (NULL: anything). */
static char *
set_text(const char *key, const char *value,
         char *(*check)(const char *, const char *), char **field)
{
    char *error = check ? check(key, value) : NULL;
    if (!error) {
        replace_string(field, value);
    }
    return error;
}

static char *
check_optional_name(const char *key, const char *value)
{
    return value[0] ? tm_check_name(key, value) : NULL;
}

/* "a,b,c" into 'out' (cleared first); "" is the empty list. */
static void
split_list(const char *value, struct svec *out)
{
    svec_clear(out);
    if (value[0]) {
        char *copy = xstrdup(value), *save_ptr = NULL;
        for (char *token = strtok_r(copy, ",", &save_ptr); token;
             token = strtok_r(NULL, ",", &save_ptr)) {
            svec_add(out, token);
        }
        free(copy);
    }
}

/* Finding objects named on the command line. */

/* The only one of the 'n' 'objects' whose name (the string at
 * 'name_offset' in each) is 'arg', or NULL with an error that names 'kind'
 * and says to use 'id_kind' when several share the name. */
static void *
find_named(void *const *objects, size_t n, size_t name_offset,
           const char *arg, const char *kind, const char *id_kind,
           char **error)
{
    void *found = NULL;
    size_t n_found = 0;

    for (size_t i = 0; i < n; i++) {
        const char *name = *(const char **) ((const char *) objects[i]
                                             + name_offset);
        if (!strcmp(name, arg)) {
            found = objects[i];
            n_found++;
        }
    }
    if (n_found == 1) {
        return found;
    }
    *error = (n_found ? xasprintf("%"PRIuSIZE" %ss are named \"%s\": use "
                                  "the %s", n_found, kind, arg, id_kind)
              : xasprintf("no %s \"%s\"", kind, arg));
    return NULL;
}

static struct tm_filter *
find_filter_arg(const struct tm_model *model, const char *arg, char **error)
{
    struct tm_filter *found = tm_model_find_filter(model, arg);

    return (found ? found
            : find_named((void *const *) model->filters, model->n_filters,
                         offsetof(struct tm_filter, name), arg,
                         "traffic_mirror_filter", "UUID", error));
}

static struct tm_session *
find_session_arg(const struct tm_model *model, const char *arg, char **error)
{
    struct tm_session *found = tm_model_find_session(model, arg);

    return (found ? found
            : find_named((void *const *) model->sessions, model->n_sessions,
                         offsetof(struct tm_session, name), arg,
                         "traffic_mirror_session", "UUID", error));
}

static struct tm_port *
find_port_arg(const struct tm_model *model, const char *arg, char **error)
{
    struct tm_port *found = tm_model_find_port(model, arg);

    return (found ? found
            : find_named((void *const *) model->ports, model->n_ports,
                         offsetof(struct tm_port, name), arg, "port",
                         "port id", error));
}

static struct tm_rule *
find_rule_arg(const struct tm_model *model, const char *arg, char **error)
{
    struct tm_rule *rule = tm_model_find_rule(model, arg);
    if (!rule) {
        *error = xasprintf("no traffic_mirror_filter_rule \"%s\"", arg);
    }
    return rule;
}

/* Filters. */

static char *
apply_filter(struct tm_filter *f, const struct smap *kv)
{
    struct smap_node *node;

    SMAP_FOR_EACH (node, kv) {
        const char *key = node->key, *value = node->value;
        char *error = NULL;

        if (!strcmp(key, "name")) {
            error = set_text(key, value, tm_check_name, &f->name);
        } else if (!strcmp(key, "description")) {
            error = set_text(key, value, tm_check_description,
                             &f->description);
        } else if (!strcmp(key, "project_id")) {
            error = set_text(key, value, tm_check_project_id,
                             &f->project_id);
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

static const char *const filter_fields[] = {
    "name", "description", "project_id", NULL,
};

static char *
cmd_filter_add(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model scratch;
    char *error;

    tm_model_init(&scratch);
    struct tm_filter *f = tm_model_add_filter(&scratch, "new");
    error = tm_check_name("name", ctx->argv[1]);
    if (!error) {
        replace_string(&f->name, ctx->argv[1]);
        error = parse_assignments(ctx, 2, filter_fields + 1, &kv);
    }
    if (!error) {
        error = apply_filter(f, &kv);
    }
    if (!error) {
        ctx->inserted = &tm_nb_filter_insert(ctx->txn, f)->header_;
    }
    smap_destroy(&kv);
    tm_model_destroy(&scratch);
    return error;
}

static char *
cmd_filter_set(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_filter *f = find_filter_arg(&model, ctx->argv[1], &error);
    if (f) {
        error = parse_assignments(ctx, 2, filter_fields, &kv);
    }
    if (!error) {
        error = apply_filter(f, &kv);
    }
    if (!error) {
        tm_nb_filter_update(tm_nb_find_filter(ctx->idl, f->id), f);
    }
    smap_destroy(&kv);
    tm_model_destroy(&model);
    return error;
}

static char *
cmd_filter_del(struct ctl_context *ctx)
{
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_filter *f = find_filter_arg(&model, ctx->argv[1], &error);
    if (f) {
        error = tm_nb_filter_delete(ctx->idl,
                                    tm_nb_find_filter(ctx->idl, f->id));
    }
    tm_model_destroy(&model);
    return error;
}

static void
put_rule_line(struct ds *s, const struct tm_rule *r)
{
    ds_put_format(s, "%s %s priority=%"PRIu32" ", r->id,
                  tm_direction_to_string(r->direction), r->priority);
    tm_rule_format_conditions(r, s);
    if (r->description[0]) {
        ds_put_format(s, " description=\"%s\"", r->description);
    }
    ds_put_char(s, '\n');
}

/* Prints 'json' (consumed) on its own line. */
static void
put_json(struct ds *s, struct json *json)
{
    json_to_ds(json, JSSF_SORT | JSSF_PRETTY, s);
    ds_put_char(s, '\n');
    json_destroy(json);
}

static void
put_filter(struct ds *s, const struct tm_filter *f, const char *indent)
{
    size_t n_in = 0;

    for (size_t i = 0; i < f->n_rules; i++) {
        n_in += f->rules[i]->direction == TM_INGRESS;
    }
    ds_put_format(s, "%straffic_mirror_filter %s (%s): %"PRIuSIZE" ingress, "
                  "%"PRIuSIZE" egress rules\n", indent, f->id, f->name, n_in,
                  f->n_rules - n_in);
}

static char *
cmd_filter_list(struct ctl_context *ctx)
{
    struct tm_model model;

    read_model(ctx, &model);
    if (format_json) {
        struct json *list = json_array_create_empty();
        for (size_t i = 0; i < model.n_filters; i++) {
            json_array_add(list, tm_filter_to_json(model.filters[i]));
        }
        put_json(&ctx->output, list);
    } else {
        for (size_t i = 0; i < model.n_filters; i++) {
            put_filter(&ctx->output, model.filters[i], "");
        }
    }
    tm_model_destroy(&model);
    return NULL;
}

static char *
cmd_filter_show(struct ctl_context *ctx)
{
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_filter *f = find_filter_arg(&model, ctx->argv[1], &error);
    if (f && format_json) {
        put_json(&ctx->output, tm_filter_to_json(f));
    } else if (f) {
        put_filter(&ctx->output, f, "");
        for (size_t i = 0; i < f->n_rules; i++) {
            ds_put_cstr(&ctx->output, "    ");
            put_rule_line(&ctx->output, f->rules[i]);
        }
    }
    tm_model_destroy(&model);
    return error;
}

/* Rules. */

/* rule-add takes direction, priority and action as arguments; rule-set
 * takes everything as KEY=VALUE.  The first RULE_ADD_N_FIELDS are those
 * rule-add takes. */
static const char *const rule_fields[] = {
    "protocol", "ethertype", "source_cidr_block", "destination_cidr_block",
    "source_port_range", "destination_port_range", "description",
    "direction", "priority", "action", NULL,
};
#define RULE_ADD_N_FIELDS 7

static char *
apply_rule(struct tm_rule *r, const struct smap *kv)
{
    struct smap_node *node;

    SMAP_FOR_EACH (node, kv) {
        const char *key = node->key, *value = node->value;
        char *error = NULL;

        if (!strcmp(key, "protocol")) {
            error = tm_parse_protocol(key, value, &r->protocol);
        } else if (!strcmp(key, "ethertype")) {
            error = tm_parse_ethertype(key, value, &r->ethertype);
        } else if (!strcmp(key, "direction")) {
            error = tm_parse_direction(key, value, &r->direction);
        } else if (!strcmp(key, "priority")) {
            error = tm_parse_rule_priority(key, value, &r->priority);
        } else if (!strcmp(key, "action")) {
            error = tm_parse_action(key, value, &r->action);
        } else if (!strcmp(key, "description")) {
            error = set_text(key, value, tm_check_description,
                             &r->description);
        } else {
            /* The match fields; "" means any. */
            bool src = strstr(key, "source") == key;
            if (strstr(key, "cidr")) {
                struct tm_cidr *cidr = src ? &r->src : &r->dst;
                if (!value[0]) {
                    cidr->set = false;
                } else {
                    error = tm_parse_cidr(key, value, cidr);
                }
            } else {
                struct tm_port_range *range = src ? &r->src_ports
                                                  : &r->dst_ports;
                if (!value[0]) {
                    range->set = false;
                } else {
                    error = tm_parse_port_range(key, value, range);
                }
            }
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

static char *
cmd_rule_add(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_filter *f = find_filter_arg(&model, ctx->argv[1], &error);
    if (!f) {
        goto out;
    }

    struct tm_rule *r = tm_filter_add_rule(f, "new");
    error = tm_parse_direction("direction", ctx->argv[2], &r->direction);
    if (!error) {
        error = tm_parse_rule_priority("priority", ctx->argv[3],
                                       &r->priority);
    }
    if (!error) {
        error = tm_parse_action("action", ctx->argv[4], &r->action);
    }
    if (!error) {
        error = parse_assignments_n(ctx, 5, rule_fields, RULE_ADD_N_FIELDS,
                                    &kv);
    }
    if (!error) {
        error = apply_rule(r, &kv);
    }
    if (!error) {
        const struct tmrec_filter_rule *row;
        error = tm_nb_rule_insert(ctx->txn,
                                  tm_nb_find_filter(ctx->idl, f->id), r,
                                  tm_nb_next_rule_key(ctx->idl), &row);
        if (!error) {
            ctx->inserted = &row->header_;
        }
    }
out:
    smap_destroy(&kv);
    tm_model_destroy(&model);
    return error;
}

static char *
cmd_rule_set(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_rule *r = find_rule_arg(&model, ctx->argv[1], &error);
    if (r) {
        error = parse_assignments(ctx, 2, rule_fields, &kv);
    }
    if (!error) {
        error = apply_rule(r, &kv);
    }
    if (!error) {
        const struct tmrec_filter_rule *row = tm_nb_find_rule(ctx->idl,
                                                              r->id);
        error = tm_nb_rule_update(tm_nb_rule_filter(ctx->idl, row), row, r);
    }
    smap_destroy(&kv);
    tm_model_destroy(&model);
    return error;
}

static char *
cmd_rule_del(struct ctl_context *ctx)
{
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_rule *r = find_rule_arg(&model, ctx->argv[1], &error);
    if (r) {
        const struct tmrec_filter_rule *row = tm_nb_find_rule(ctx->idl,
                                                              r->id);
        tm_nb_rule_delete(tm_nb_rule_filter(ctx->idl, row), row);
    }
    tm_model_destroy(&model);
    return error;
}

static char *
cmd_rule_list(struct ctl_context *ctx)
{
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_filter *f = find_filter_arg(&model, ctx->argv[1], &error);
    if (f && format_json) {
        struct json *list = json_array_create_empty();
        for (size_t i = 0; i < f->n_rules; i++) {
            json_array_add(list, tm_rule_to_json(f->rules[i]));
        }
        put_json(&ctx->output, list);
    } else if (f) {
        for (size_t i = 0; i < f->n_rules; i++) {
            put_rule_line(&ctx->output, f->rules[i]);
        }
    }
    tm_model_destroy(&model);
    return error;
}

/* Sessions. */

/* session-add takes the name, filter, target and priority as arguments;
 * session-set takes everything as KEY=VALUE.  The first
 * SESSION_ADD_N_FIELDS are those session-add takes. */
static const char *const session_fields[] = {
    "virtual_network_id", "packet_length", "enabled",
    "traffic_mirror_sources", "description", "project_id", "name",
    "traffic_mirror_filter_id", "traffic_mirror_target_type",
    "traffic_mirror_target_id", "priority", NULL,
};
#define SESSION_ADD_N_FIELDS 6

static void
set_sources(struct tm_session *s, const struct svec *sources)
{
    for (size_t i = 0; i < s->n_sources; i++) {
        free(s->sources[i]);
    }
    s->n_sources = 0;
    for (size_t i = 0; i < sources->n; i++) {
        tm_session_add_source(s, sources->names[i]);
    }
}

static char *
apply_session(const struct tm_model *model, struct tm_session *s,
              const struct smap *kv)
{
    struct svec list = SVEC_EMPTY_INITIALIZER;
    struct smap_node *node;
    char *error = NULL;

    SMAP_FOR_EACH (node, kv) {
        const char *key = node->key, *value = node->value;

        if (!strcmp(key, "virtual_network_id")) {
            error = tm_parse_vni(key, value, &s->vni);
        } else if (!strcmp(key, "packet_length")) {
            error = tm_parse_packet_length(key, value, &s->packet_length);
        } else if (!strcmp(key, "priority")) {
            error = tm_parse_session_priority(key, value, &s->priority);
        } else if (!strcmp(key, "enabled")) {
            error = tm_parse_bool(key, value, &s->enabled);
        } else if (!strcmp(key, "name")) {
            error = set_text(key, value, check_optional_name, &s->name);
        } else if (!strcmp(key, "description")) {
            error = set_text(key, value, tm_check_description,
                             &s->description);
        } else if (!strcmp(key, "project_id")) {
            error = set_text(key, value, tm_check_project_id,
                             &s->project_id);
        } else if (!strcmp(key, "traffic_mirror_target_type")) {
            error = tm_parse_target_type(key, value, &s->target_type);
        } else if (!strcmp(key, "traffic_mirror_target_id")) {
            error = set_text(key, value, tm_check_id, &s->target_id);
        } else if (!strcmp(key, "traffic_mirror_filter_id")) {
            struct tm_filter *f = find_filter_arg(model, value, &error);
            if (f) {
                replace_string(&s->filter_id, f->id);
            } else {
                char *wrapped = xasprintf("%s: %s", key, error);
                free(error);
                error = wrapped;
            }
        } else if (!strcmp(key, "traffic_mirror_sources")) {
            split_list(value, &list);
            set_sources(s, &list);
        }
        if (error) {
            break;
        }
    }
    svec_destroy(&list);
    return error;
}

static char *
cmd_session_add(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_session *s = tm_model_add_session(&model, "new");
    error = check_optional_name("name", ctx->argv[1]);
    if (!error) {
        replace_string(&s->name, ctx->argv[1]);
        error = parse_assignments_n(ctx, 6, session_fields,
                                    SESSION_ADD_N_FIELDS, &kv);
    }
    if (!error) {
        smap_add(&kv, "traffic_mirror_filter_id", ctx->argv[2]);
        smap_add(&kv, "traffic_mirror_target_type", ctx->argv[3]);
        smap_add(&kv, "traffic_mirror_target_id", ctx->argv[4]);
        smap_add(&kv, "priority", ctx->argv[5]);
    }
    if (!error) {
        error = apply_session(&model, s, &kv);
    }
    if (!error) {
        const struct tmrec_session *row;
        error = tm_nb_session_insert(ctx->txn, ctx->idl, s,
                                     tm_nb_next_session_key(ctx->idl), &row);
        if (!error) {
            ctx->inserted = &row->header_;
        }
    }
    smap_destroy(&kv);
    tm_model_destroy(&model);
    return error;
}

/* Runs 'change' on the session named by argv[1], then writes it back. */
static char *
change_session(struct ctl_context *ctx,
               char *(*change)(struct ctl_context *,
                               const struct tm_model *,
                               struct tm_session *))
{
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_session *s = find_session_arg(&model, ctx->argv[1], &error);
    if (s) {
        error = change(ctx, &model, s);
    }
    if (!error) {
        error = tm_nb_session_update(ctx->idl,
                                     tm_nb_find_session(ctx->idl, s->id), s);
    }
    tm_model_destroy(&model);
    return error;
}

static char *
set_session_fields(struct ctl_context *ctx, const struct tm_model *model,
                   struct tm_session *s)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    char *error = parse_assignments(ctx, 2, session_fields, &kv);
    if (!error) {
        error = apply_session(model, s, &kv);
    }
    smap_destroy(&kv);
    return error;
}

static char *
add_session_sources(struct ctl_context *ctx,
                    const struct tm_model *model OVS_UNUSED,
                    struct tm_session *s)
{
    for (int i = 2; i < ctx->argc; i++) {
        for (int j = 2; j < i; j++) {
            if (!strcmp(ctx->argv[j], ctx->argv[i])) {
                return xasprintf("traffic_mirror_sources: port \"%s\" is "
                                 "given twice", ctx->argv[i]);
            }
        }
        for (size_t j = 0; j < s->n_sources; j++) {
            if (!strcmp(s->sources[j], ctx->argv[i])) {
                return xasprintf("traffic_mirror_sources: port \"%s\" is "
                                 "already a source of this session",
                                 ctx->argv[i]);
            }
        }
        tm_session_add_source(s, ctx->argv[i]);
    }
    return NULL;
}

static char *
remove_session_sources(struct ctl_context *ctx,
                       const struct tm_model *model OVS_UNUSED,
                       struct tm_session *s)
{
    for (int i = 2; i < ctx->argc; i++) {
        size_t j;
        for (j = 0; j < s->n_sources; j++) {
            if (!strcmp(s->sources[j], ctx->argv[i])) {
                break;
            }
        }
        if (j == s->n_sources) {
            return xasprintf("traffic_mirror_sources: port \"%s\" is not a "
                             "source of this session", ctx->argv[i]);
        }
        free(s->sources[j]);
        memmove(&s->sources[j], &s->sources[j + 1],
                (s->n_sources - j - 1) * sizeof *s->sources);
        s->n_sources--;
    }
    return NULL;
}

static char *
enable_session(struct ctl_context *ctx OVS_UNUSED,
               const struct tm_model *model OVS_UNUSED, struct tm_session *s)
{
    s->enabled = true;
    return NULL;
}

static char *
disable_session(struct ctl_context *ctx OVS_UNUSED,
                const struct tm_model *model OVS_UNUSED,
                struct tm_session *s)
{
    s->enabled = false;
    return NULL;
}

static char *
cmd_session_set(struct ctl_context *ctx)
{
    return change_session(ctx, set_session_fields);
}

static char *
cmd_session_add_sources(struct ctl_context *ctx)
{
    return change_session(ctx, add_session_sources);
}

static char *
cmd_session_remove_sources(struct ctl_context *ctx)
{
    return change_session(ctx, remove_session_sources);
}

static char *
cmd_session_enable(struct ctl_context *ctx)
{
    return change_session(ctx, enable_session);
}

static char *
cmd_session_disable(struct ctl_context *ctx)
{
    return change_session(ctx, disable_session);
}

static char *
cmd_session_del(struct ctl_context *ctx)
{
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_session *s = find_session_arg(&model, ctx->argv[1], &error);
    if (s) {
        tm_nb_session_delete(tm_nb_find_session(ctx->idl, s->id));
    }
    tm_model_destroy(&model);
    return error;
}

static void
put_session(struct ds *out, const struct tm_model *model,
            const struct tm_session *s, const char *indent)
{
    const struct tm_filter *f = tm_model_find_filter(model, s->filter_id);

    ds_put_format(out, "%straffic_mirror_session %s (%s): priority=%"PRIu32
                  " %s virtual_network_id=%"PRIu32" packet_length=%"PRIu32
                  "\n", indent, s->id, s->name, s->priority,
                  s->enabled ? "enabled" : "disabled", s->vni,
                  s->packet_length);
    ds_put_format(out, "%s    filter: %s (%s)\n", indent, s->filter_id,
                  f ? f->name : "missing");
    ds_put_format(out, "%s    target: %s %s\n", indent,
                  tm_target_type_to_string(s->target_type), s->target_id);
    for (size_t i = 0; i < s->n_sources; i++) {
        ds_put_format(out, "%s    source: %s\n", indent, s->sources[i]);
    }
}

static char *
cmd_session_list(struct ctl_context *ctx)
{
    struct tm_model model;

    read_model(ctx, &model);
    if (format_json) {
        struct json *list = json_array_create_empty();
        for (size_t i = 0; i < model.n_sessions; i++) {
            json_array_add(list, tm_session_to_json(model.sessions[i]));
        }
        put_json(&ctx->output, list);
    } else {
        for (size_t i = 0; i < model.n_sessions; i++) {
            put_session(&ctx->output, &model, model.sessions[i], "");
        }
    }
    tm_model_destroy(&model);
    return NULL;
}

static char *
cmd_session_show(struct ctl_context *ctx)
{
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_session *s = find_session_arg(&model, ctx->argv[1], &error);
    if (s && format_json) {
        put_json(&ctx->output, tm_session_to_json(s));
    } else if (s) {
        put_session(&ctx->output, &model, s, "");
    }
    tm_model_destroy(&model);
    return error;
}

/* Ports and load balancers. */

static const char *const port_fields[] = {
    "name", "mac_address", "fixed_ips", "traffic_mirroring_supported", NULL,
};

static char *
apply_port(struct tm_port *p, const struct smap *kv)
{
    struct svec ips = SVEC_EMPTY_INITIALIZER;
    struct smap_node *node;
    char *error = NULL;

    SMAP_FOR_EACH (node, kv) {
        const char *key = node->key, *value = node->value;

        if (!strcmp(key, "name")) {
            error = set_text(key, value, check_optional_name, &p->name);
        } else if (!strcmp(key, "mac_address")) {
            if (!value[0]) {
                p->has_mac = false;
            } else {
                error = tm_parse_mac(key, value, &p->mac);
                p->has_mac |= !error;
            }
        } else if (!strcmp(key, "traffic_mirroring_supported")) {
            error = tm_parse_bool(key, value, &p->mirror_supported);
        } else if (!strcmp(key, "fixed_ips")) {
            split_list(value, &ips);
            p->n_ips = 0;
            for (size_t i = 0; !error && i < ips.n; i++) {
                struct tm_ip ip;
                error = tm_parse_ip(key, ips.names[i], &ip);
                if (!error) {
                    tm_port_add_ip(p, &ip);
                }
            }
        }
        if (error) {
            break;
        }
    }
    svec_destroy(&ips);
    return error;
}

static char *
cmd_port_add(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model scratch;
    char *error;

    tm_model_init(&scratch);
    error = tm_check_id("port_id", ctx->argv[1]);
    if (!error && tm_nb_find_port(ctx->idl, ctx->argv[1])) {
        error = xasprintf("port \"%s\" already exists", ctx->argv[1]);
    }
    if (!error) {
        struct tm_port *p = tm_model_add_port(&scratch, ctx->argv[1]);
        error = parse_assignments(ctx, 2, port_fields, &kv);
        if (!error) {
            error = apply_port(p, &kv);
        }
        if (!error) {
            tm_nb_port_insert(ctx->txn, p);
        }
    }
    smap_destroy(&kv);
    tm_model_destroy(&scratch);
    return error;
}

static char *
cmd_port_set(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_port *p = tm_model_find_port(&model, ctx->argv[1]);
    if (!p) {
        error = xasprintf("no port \"%s\"", ctx->argv[1]);
    } else {
        error = parse_assignments(ctx, 2, port_fields, &kv);
    }
    if (!error) {
        error = apply_port(p, &kv);
    }
    if (!error) {
        tm_nb_port_update(tm_nb_find_port(ctx->idl, p->id), p);
    }
    smap_destroy(&kv);
    tm_model_destroy(&model);
    return error;
}

static char *
cmd_port_del(struct ctl_context *ctx)
{
    const struct tmrec_port *row = tm_nb_find_port(ctx->idl, ctx->argv[1]);
    return (row ? tm_nb_port_delete(ctx->idl, row)
            : xasprintf("no port \"%s\"", ctx->argv[1]));
}

static char *
cmd_port_list(struct ctl_context *ctx)
{
    struct tm_model model;
    struct json *list = json_array_create_empty();

    read_model(ctx, &model);
    for (size_t i = 0; i < model.n_ports; i++) {
        json_array_add(list, tm_port_to_json(model.ports[i]));
    }
    if (format_json) {
        put_json(&ctx->output, list);
    } else {
        for (size_t i = 0; i < model.n_ports; i++) {
            const struct tm_port *p = model.ports[i];
            ds_put_format(&ctx->output, "port %s", p->id);
            if (p->name[0]) {
                ds_put_format(&ctx->output, " (%s)", p->name);
            }
            if (p->has_mac) {
                ds_put_format(&ctx->output, " "ETH_ADDR_FMT,
                              ETH_ADDR_ARGS(p->mac));
            }
            for (size_t j = 0; j < p->n_ips; j++) {
                ds_put_char(&ctx->output, ' ');
                tm_ip_format(&p->ips[j], &ctx->output);
            }
            if (!p->mirror_supported) {
                ds_put_cstr(&ctx->output, " (can't be a mirror source)");
            }
            ds_put_char(&ctx->output, '\n');
        }
        json_destroy(list);
    }
    tm_model_destroy(&model);
    return NULL;
}

static const char *const lb_fields[] = {
    "name", "vip_address", "udp_supported", NULL,
};

static char *
apply_lb(struct tm_lb *lb, const struct smap *kv)
{
    struct smap_node *node;

    SMAP_FOR_EACH (node, kv) {
        const char *key = node->key, *value = node->value;
        char *error = NULL;

        if (!strcmp(key, "name")) {
            error = set_text(key, value, check_optional_name, &lb->name);
        } else if (!strcmp(key, "vip_address")) {
            if (!value[0]) {
                lb->has_vip = false;
            } else {
                error = tm_parse_ip(key, value, &lb->vip);
                lb->has_vip |= !error;
            }
        } else if (!strcmp(key, "udp_supported")) {
            error = tm_parse_bool(key, value, &lb->udp_supported);
        }
        if (error) {
            return error;
        }
    }
    return NULL;
}

static char *
cmd_lb_add(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model scratch;
    char *error;

    tm_model_init(&scratch);
    error = tm_check_id("lb_id", ctx->argv[1]);
    if (!error && tm_nb_find_lb(ctx->idl, ctx->argv[1])) {
        error = xasprintf("loadbalancer \"%s\" already exists",
                          ctx->argv[1]);
    }
    if (!error) {
        struct tm_lb *lb = tm_model_add_lb(&scratch, ctx->argv[1]);
        error = parse_assignments(ctx, 2, lb_fields, &kv);
        if (!error) {
            error = apply_lb(lb, &kv);
        }
        if (!error) {
            tm_nb_lb_insert(ctx->txn, lb);
        }
    }
    smap_destroy(&kv);
    tm_model_destroy(&scratch);
    return error;
}

static char *
cmd_lb_set(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    struct tm_lb *lb = tm_model_find_lb(&model, ctx->argv[1]);
    if (!lb) {
        error = xasprintf("no loadbalancer \"%s\"", ctx->argv[1]);
    } else {
        error = parse_assignments(ctx, 2, lb_fields, &kv);
    }
    if (!error) {
        error = apply_lb(lb, &kv);
    }
    if (!error) {
        tm_nb_lb_update(tm_nb_find_lb(ctx->idl, lb->id), lb);
    }
    smap_destroy(&kv);
    tm_model_destroy(&model);
    return error;
}

static char *
cmd_lb_del(struct ctl_context *ctx)
{
    const struct tmrec_load_balancer *row = tm_nb_find_lb(ctx->idl,
                                                          ctx->argv[1]);
    return (row ? tm_nb_lb_delete(ctx->idl, row)
            : xasprintf("no loadbalancer \"%s\"", ctx->argv[1]));
}

static char *
cmd_lb_list(struct ctl_context *ctx)
{
    struct tm_model model;

    read_model(ctx, &model);
    if (format_json) {
        struct json *list = json_array_create_empty();
        for (size_t i = 0; i < model.n_lbs; i++) {
            json_array_add(list, tm_lb_to_json(model.lbs[i]));
        }
        put_json(&ctx->output, list);
    } else {
        for (size_t i = 0; i < model.n_lbs; i++) {
            const struct tm_lb *lb = model.lbs[i];
            ds_put_format(&ctx->output, "loadbalancer %s", lb->id);
            if (lb->name[0]) {
                ds_put_format(&ctx->output, " (%s)", lb->name);
            }
            if (lb->has_vip) {
                ds_put_cstr(&ctx->output, " vip ");
                tm_ip_format(&lb->vip, &ctx->output);
            }
            ds_put_format(&ctx->output, " %s\n", lb->udp_supported
                          ? "udp" : "(no udp: can't be a mirror target)");
        }
    }
    tm_model_destroy(&model);
    return NULL;
}

/* Global commands. */

static char *
cmd_nothing(struct ctl_context *ctx OVS_UNUSED)
{
    /* tm_nb_write() creates the global row and bumps nb_cfg. */
    return NULL;
}

static char *
cmd_quota_set(struct ctl_context *ctx)
{
    struct smap kv = SMAP_INITIALIZER(&kv);
    static const char *const fields[] = { "sources_per_session", NULL };
    char *error = parse_assignments(ctx, 1, fields, &kv);
    uint32_t quota = 0;

    if (!error) {
        const char *value = smap_get(&kv, "sources_per_session");
        if (value && strcmp(value, "default")) {
            error = tm_parse_uint("sources_per_session", value, 1,
                                  TM_QUOTA_SOURCES_PER_SESSION_MAX, &quota);
        }
    }
    if (!error) {
        tm_nb_set_sources_per_session(ctx->idl, quota);
    }
    smap_destroy(&kv);
    return error;
}

static void
put_hypervisors(struct ds *out, const struct ovsdb_idl *idl)
{
    const struct tmrec_hypervisor *hv;

    TMREC_HYPERVISOR_FOR_EACH (hv, idl) {
        ds_put_format(out, "hypervisor %s: applied nb_cfg=%"PRId64", mode=%s",
                      hv->name, hv->nb_cfg, hv->mode ? hv->mode : "unknown");
        for (size_t i = 0; i < hv->n_local_sources; i++) {
            ds_put_format(out, "%s%s", i ? "," : ", sources=",
                          hv->local_sources[i]->port_id);
        }
        ds_put_char(out, '\n');
    }
}

static struct json *
hypervisors_to_json(const struct ovsdb_idl *idl)
{
    struct json *list = json_array_create_empty();
    const struct tmrec_hypervisor *hv;

    TMREC_HYPERVISOR_FOR_EACH (hv, idl) {
        struct json *o = json_object_create();
        struct json *sources = json_array_create_empty();

        json_object_put_string(o, "name", hv->name);
        json_object_put(o, "nb_cfg", json_integer_create(hv->nb_cfg));
        json_object_put_string(o, "mode", hv->mode ? hv->mode : "unknown");
        for (size_t i = 0; i < hv->n_local_sources; i++) {
            json_array_add(sources, json_string_create(
                               hv->local_sources[i]->port_id));
        }
        json_object_put(o, "local_sources", sources);
        json_array_add(list, o);
    }
    return list;
}

static char *
cmd_hv_list(struct ctl_context *ctx)
{
    if (format_json) {
        put_json(&ctx->output, hypervisors_to_json(ctx->idl));
    } else {
        put_hypervisors(&ctx->output, ctx->idl);
    }
    return NULL;
}

/* What the sessions mirrored and their rules matched, added up over every
 * hypervisor that published counters (tmirror-controller
 * --stats-interval). */
static char *
cmd_stats(struct ctl_context *ctx)
{
    const char *session = ctx->argc > 1 ? ctx->argv[1] : NULL;
    struct tm_counters_all all;
    struct tm_model model;
    char *error = NULL;

    read_model(ctx, &model);
    tm_counters_read_nb(ctx->idl, &all);
    if (format_json) {
        struct json *list;
        error = tm_counters_sessions_to_json(&model, &all.total, session,
                                             &all, &list);
        if (!error) {
            put_json(&ctx->output, list);
        }
    } else {
        error = tm_counters_format(&model, &all.total, session, &all,
                                   time_wall_msec(), &ctx->output);
        bool any = false;
        for (size_t i = 0; i < all.n_hvs; i++) {
            any = any || all.hvs[i].time;
        }
        if (!error && !any) {
            ds_put_cstr(&ctx->output, "(no hypervisor has published "
                        "counters yet)\n");
        }
    }
    tm_counters_all_destroy(&all);
    tm_model_destroy(&model);
    return error;
}

static char *
cmd_export(struct ctl_context *ctx)
{
    struct tm_model model;

    read_model(ctx, &model);
    put_json(&ctx->output, tm_model_to_json(&model));
    tm_model_destroy(&model);
    return NULL;
}

static char *
cmd_show(struct ctl_context *ctx)
{
    const struct tmrec_tm_global *global = tmrec_tm_global_first(ctx->idl);
    struct ds *out = &ctx->output;
    struct tm_model model;

    read_model(ctx, &model);
    if (format_json) {
        struct json *json = tm_model_to_json(&model);
        json_object_put(json, "hypervisors", hypervisors_to_json(ctx->idl));
        json_object_put(json, "nb_cfg",
                        json_integer_create(global ? global->nb_cfg : 0));
        put_json(out, json);
        tm_model_destroy(&model);
        return NULL;
    }

    ds_put_format(out, "nb_cfg=%"PRId64", sources_per_session=%"PRIu32"\n",
                  global ? global->nb_cfg : 0,
                  model.quotas.sources_per_session);
    for (size_t i = 0; i < model.n_filters; i++) {
        const struct tm_filter *f = model.filters[i];
        put_filter(out, f, "");
        for (size_t j = 0; j < f->n_rules; j++) {
            ds_put_cstr(out, "    rule ");
            put_rule_line(out, f->rules[j]);
        }
    }
    for (size_t i = 0; i < model.n_sessions; i++) {
        put_session(out, &model, model.sessions[i], "");
    }
    tm_model_destroy(&model);

    /* The list commands append to the output. */
    cmd_port_list(ctx);
    cmd_lb_list(ctx);
    put_hypervisors(out, ctx->idl);
    return NULL;
}

/* Allocates cookie keys for a bulk write: one scan of the table, then
 * counting up.  Once the keys reach their limit, the scan finds gaps among
 * keys in use, and counting up from a gap could collide: from then on,
 * every key comes from a scan (which sees this write's own rows). */
struct key_allocator {
    uint32_t next;
    bool wrapped;
    uint32_t (*scan)(const struct ovsdb_idl *);
};

static uint32_t
next_key(struct key_allocator *keys, const struct ovsdb_idl *idl)
{
    if (keys->wrapped) {
        return keys->scan(idl);
    }
    if (!keys->next || keys->next > TM_KEY_MAX) {
        keys->wrapped = keys->next > TM_KEY_MAX;
        keys->next = keys->scan(idl);
        if (!keys->next) {
            return 0;
        }
    }
    return keys->next++;
}

/* "import": a model file's objects, added in one write.  Ports and load
 * balancers keep their ids (and are updated if they exist); filters, rules
 * and sessions get new UUIDs, and sessions refer to the new filters.  The
 * file's quota, if it has one, applies.  Errors name the file's ids. */
static char *
import_model(struct ctl_context *ctx, const struct json *json,
             struct tm_model *model)
{
    struct key_allocator rule_keys = { 0, false, tm_nb_next_rule_key };
    struct key_allocator session_keys = { 0, false,
                                          tm_nb_next_session_key };
    struct shash filters = SHASH_INITIALIZER(&filters);
    char *error = tm_model_from_json(json, model);

    if (!error && tm_json_member(json, "quotas")) {
        tm_nb_set_sources_per_session(ctx->idl,
                                      model->quotas.sources_per_session);
    }
    for (size_t i = 0; !error && i < model->n_ports; i++) {
        const struct tm_port *p = model->ports[i];
        const struct tmrec_port *row = tm_nb_find_port(ctx->idl, p->id);
        if (row) {
            tm_nb_port_update(row, p);
        } else {
            tm_nb_port_insert(ctx->txn, p);
        }
    }
    for (size_t i = 0; !error && i < model->n_lbs; i++) {
        const struct tm_lb *lb = model->lbs[i];
        const struct tmrec_load_balancer *row = tm_nb_find_lb(ctx->idl,
                                                              lb->id);
        if (row) {
            tm_nb_lb_update(row, lb);
        } else {
            tm_nb_lb_insert(ctx->txn, lb);
        }
    }
    for (size_t i = 0; !error && i < model->n_filters; i++) {
        const struct tm_filter *f = model->filters[i];
        const struct tmrec_filter *row = tm_nb_filter_insert(ctx->txn, f);

        shash_add(&filters, f->id, row);
        smap_add_nocopy(ctx->labels, uuid_text(&row->header_.uuid),
                        xstrdup(f->id));
        for (size_t j = 0; !error && j < f->n_rules; j++) {
            const struct tmrec_filter_rule *rule_row;
            error = tm_nb_rule_insert(ctx->txn, row, f->rules[j],
                                      next_key(&rule_keys, ctx->idl),
                                      &rule_row);
            if (!error) {
                smap_add_nocopy(ctx->labels,
                                uuid_text(&rule_row->header_.uuid),
                                xstrdup(f->rules[j]->id));
            }
        }
    }
    for (size_t i = 0; !error && i < model->n_sessions; i++) {
        struct tm_session *s = model->sessions[i];
        const struct tmrec_filter *f = shash_find_data(&filters,
                                                       s->filter_id);
        const struct tmrec_session *row;

        if (f) {
            /* Before the commit the row's UUID is a temporary one, which is
             * what the lookup sees too. */
            free(s->filter_id);
            s->filter_id = uuid_text(&f->header_.uuid);
        }
        error = tm_nb_session_insert(ctx->txn, ctx->idl, s,
                                     next_key(&session_keys, ctx->idl),
                                     &row);
        if (error) {
            char *wrapped = xasprintf("traffic_mirror_sessions[%"PRIuSIZE"] "
                                      "(\"%s\"): %s", i, s->id, error);
            free(error);
            error = wrapped;
        } else {
            smap_add_nocopy(ctx->labels, uuid_text(&row->header_.uuid),
                            xstrdup(s->id));
        }
    }
    shash_destroy(&filters);
    return error;
}

static char *
cmd_import(struct ctl_context *ctx)
{
    const char *file_name = ctx->argv[1];
    struct json *json;
    struct tm_model model;
    char *error;

    tm_model_init(&model);
    error = tm_json_parse_file(file_name, &json);
    if (!error) {
        error = import_model(ctx, json, &model);
        json_destroy(json);
        if (error) {
            char *wrapped = xasprintf("%s: %s", file_name, error);
            free(error);
            error = wrapped;
        }
    }
    if (!error) {
        ds_put_format(&ctx->output, "imported %"PRIuSIZE" filters, "
                      "%"PRIuSIZE" sessions, %"PRIuSIZE" ports, %"PRIuSIZE
                      " load balancers\n", model.n_filters, model.n_sessions,
                      model.n_ports, model.n_lbs);
    }
    tm_model_destroy(&model);
    return error;
}

/* "ovs-features": what a running ovs-vswitchd can do (ovs-patches/). */
static char *
cmd_ovs_features(struct ctl_context *ctx)
{
    struct tm_features features;
    int error = tm_features_probe(ctx->argv[1], &features);

    if (error) {
        return xasprintf("%s: can't ask the switch (%s)", ctx->argv[1],
                         ovs_strerror(error));
    }
    ds_put_format(&ctx->output, "mode: %s\n", tm_features_mode(&features));
    tm_features_format(&features, &ctx->output);
    ds_put_char(&ctx->output, '\n');
    return NULL;
}

/* Model files. */

static struct tm_model *
load_model_file(const char *file_name, char **error)
{
    struct tm_model *model = xmalloc(sizeof *model);

    tm_model_init(model);
    *error = tm_model_from_file(file_name, model);
    if (!*error) {
        *error = tm_model_validate(model);
    }
    if (*error) {
        char *wrapped = xasprintf("%s: %s", file_name, *error);
        free(*error);
        *error = wrapped;
        tm_model_destroy(model);
        free(model);
        return NULL;
    }
    return model;
}

static char *
cmd_validate(struct ctl_context *ctx)
{
    char *error;
    struct tm_model *model = load_model_file(ctx->argv[1], &error);

    if (model) {
        ds_put_format(&ctx->output, "%s: valid: %"PRIuSIZE" filters, "
                      "%"PRIuSIZE" sessions, %"PRIuSIZE" ports, %"PRIuSIZE
                      " load balancers\n", ctx->argv[1], model->n_filters,
                      model->n_sessions, model->n_ports, model->n_lbs);
        tm_model_destroy(model);
        free(model);
    }
    return error;
}

static char *
cmd_compile(struct ctl_context *ctx)
{
    struct tm_bindings bindings;
    char *error;

    if (!bindings_file) {
        return xstrdup("compile: --bindings=FILE is required (which ports "
                       "are on this hypervisor, and the mirror tunnel "
                       "port)");
    }
    struct tm_model *model = load_model_file(ctx->argv[1], &error);
    if (!model) {
        return error;
    }
    tm_bindings_init(&bindings);
    error = tm_bindings_from_file(bindings_file, &bindings);
    if (error) {
        char *wrapped = xasprintf("%s: %s", bindings_file, error);
        free(error);
        error = wrapped;
    } else {
        struct tm_flow_table flows;
        struct svec warnings = SVEC_EMPTY_INITIALIZER;
        const char *warning;
        size_t i;

        tm_flow_table_init(&flows);
        tm_compile(model, &bindings, &flows, &warnings);
        SVEC_FOR_EACH (i, warning, &warnings) {
            fprintf(stderr, "%s: warning: %s\n", program_name, warning);
        }
        tm_flow_table_format(&flows, &ctx->output);
        svec_destroy(&warnings);
        tm_flow_table_destroy(&flows);
    }
    tm_bindings_destroy(&bindings);
    tm_model_destroy(model);
    free(model);
    return error;
}

/* "trace": why a packet is mirrored or not (lib/tm-explain), and with
 * --live whether the switch agrees (lib/tm-live). */
static char *
trace_facts(struct tm_bindings *b, const char **origin)
{
    char *error = NULL;

    if (trace_live && bindings_file) {
        return xstrdup("--live and --bindings both give the hypervisor's "
                       "facts: use one");
    }
    if (trace_live) {
        *origin = live_options.bridge;
        live_options.timeout_ms = timeout_ms;
        return tm_live_read_bindings(&live_options, b);
    }
    if (bindings_file) {
        *origin = bindings_file;
        error = tm_bindings_from_file(bindings_file, b);
        if (error) {
            char *wrapped = xasprintf("%s: %s", bindings_file, error);
            free(error);
            error = wrapped;
        }
        return error;
    }
    /* Without facts, a patched switch and a 1500-byte underlay: what the
     * seeds describe. */
    *origin = "assumed: no --live or --bindings";
    b->nonlocal_src = true;
    return NULL;
}

static char *
cmd_trace(struct ctl_context *ctx)
{
    struct tm_model db_model, *model;
    struct tm_bindings bindings;
    struct flow_wildcards wc;
    struct flow flow;
    char *error = NULL;

    if (!trace_source || !trace_direction_set) {
        return xstrdup("trace: --source=PORT and --direction=ingress|egress "
                       "are required");
    }
    if (model_file) {
        model = load_model_file(model_file, &error);
        if (!model) {
            return error;
        }
    } else {
        model = &db_model;
        read_model(ctx, model);
    }
    tm_bindings_init(&bindings);

    const char *origin = NULL;
    const struct tm_port *source = find_port_arg(model, trace_source, &error);
    if (!error) {
        error = tm_explain_parse_flow(ctx->argv[1], &flow, &wc);
    }
    if (!error) {
        error = trace_facts(&bindings, &origin);
    }
    if (!error) {
        struct tm_explain ex;
        bool agree = true;

        struct ds live = DS_EMPTY_INITIALIZER;

        tm_explain_init(&ex);
        tm_explain_run(model, &bindings, source, trace_direction, &flow, &wc,
                       &ex);
        ex.facts_origin = origin;
        if (trace_live) {
            error = tm_live_run(&live_options, model, &bindings, &ex,
                                ctx->argv[1], &flow, &wc, &live, &agree);
        }
        tm_explain_format(&ex, &ctx->output);
        ds_put_buffer(&ctx->output, live.string, live.length);
        ctx->status = agree ? 0 : 2;
        ds_destroy(&live);
        tm_explain_destroy(&ex);
    }

    tm_bindings_destroy(&bindings);
    tm_model_destroy(model);
    if (model != &db_model) {
        free(model);
    }
    return error;
}

/* The command table. */

static const struct ctl_command all_commands[] = {
    { "show", "", 0, 0, CTL_READ, cmd_show },
    { "init", "", 0, 0, CTL_WRITE, cmd_nothing },
    { "sync", "", 0, 0, CTL_WRITE, cmd_nothing },
    { "quota-set", "sources_per_session=N|default", 1, 1, CTL_WRITE,
      cmd_quota_set },
    { "import", "MODEL.json", 1, 1, CTL_WRITE, cmd_import },
    { "export", "", 0, 0, CTL_READ, cmd_export },

    { "filter-add", "NAME [KEY=VALUE]...", 1, INT_MAX, CTL_WRITE,
      cmd_filter_add },
    { "filter-set", "FILTER KEY=VALUE...", 2, INT_MAX, CTL_WRITE,
      cmd_filter_set },
    { "filter-del", "FILTER", 1, 1, CTL_WRITE, cmd_filter_del },
    { "filter-list", "", 0, 0, CTL_READ, cmd_filter_list },
    { "filter-show", "FILTER", 1, 1, CTL_READ, cmd_filter_show },

    { "rule-add", "FILTER DIRECTION PRIORITY ACTION [KEY=VALUE]...", 4,
      INT_MAX, CTL_WRITE, cmd_rule_add },
    { "rule-set", "RULE KEY=VALUE...", 2, INT_MAX, CTL_WRITE, cmd_rule_set },
    { "rule-del", "RULE", 1, 1, CTL_WRITE, cmd_rule_del },
    { "rule-list", "FILTER", 1, 1, CTL_READ, cmd_rule_list },

    { "session-add",
      "NAME FILTER TARGET-TYPE TARGET PRIORITY [KEY=VALUE]...", 5, INT_MAX,
      CTL_WRITE, cmd_session_add },
    { "session-set", "SESSION KEY=VALUE...", 2, INT_MAX, CTL_WRITE,
      cmd_session_set },
    { "session-add-sources", "SESSION PORT...", 2, INT_MAX, CTL_WRITE,
      cmd_session_add_sources },
    { "session-remove-sources", "SESSION PORT...", 2, INT_MAX, CTL_WRITE,
      cmd_session_remove_sources },
    { "session-enable", "SESSION", 1, 1, CTL_WRITE, cmd_session_enable },
    { "session-disable", "SESSION", 1, 1, CTL_WRITE, cmd_session_disable },
    { "session-del", "SESSION", 1, 1, CTL_WRITE, cmd_session_del },
    { "session-list", "", 0, 0, CTL_READ, cmd_session_list },
    { "session-show", "SESSION", 1, 1, CTL_READ, cmd_session_show },

    { "port-add", "PORT-ID [KEY=VALUE]...", 1, INT_MAX, CTL_WRITE,
      cmd_port_add },
    { "port-set", "PORT-ID KEY=VALUE...", 2, INT_MAX, CTL_WRITE,
      cmd_port_set },
    { "port-del", "PORT-ID", 1, 1, CTL_WRITE, cmd_port_del },
    { "port-list", "", 0, 0, CTL_READ, cmd_port_list },

    { "lb-add", "LB-ID [KEY=VALUE]...", 1, INT_MAX, CTL_WRITE, cmd_lb_add },
    { "lb-set", "LB-ID KEY=VALUE...", 2, INT_MAX, CTL_WRITE, cmd_lb_set },
    { "lb-del", "LB-ID", 1, 1, CTL_WRITE, cmd_lb_del },
    { "lb-list", "", 0, 0, CTL_READ, cmd_lb_list },

    { "hv-list", "", 0, 0, CTL_READ, cmd_hv_list },
    { "stats", "[SESSION]", 0, 1, CTL_READ, cmd_stats },

    { "ovs-features", "OVS-VSWITCHD-CTL-SOCKET", 1, 1, CTL_FILE,
      cmd_ovs_features },

    { "validate", "MODEL.json", 1, 1, CTL_FILE, cmd_validate },
    { "compile", "MODEL.json", 1, 1, CTL_FILE, cmd_compile },
    { "trace", "--source=PORT --direction=ingress|egress [--live] FLOW", 1,
      1, CTL_MODEL, cmd_trace },
};

static const struct ctl_command *
find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(all_commands); i++) {
        if (!strcmp(all_commands[i].name, name)) {
            return &all_commands[i];
        }
    }
    if (!strcmp(name, "help")) {
        usage();
    }
    return NULL;
}

/* Running commands. */

struct write_aux {
    const struct ctl_command *command;
    struct ctl_context *ctx;
};

static char *
write_callback(struct ovsdb_idl *idl OVS_UNUSED, struct ovsdb_idl_txn *txn,
               struct smap *labels, void *aux_)
{
    struct write_aux *aux = aux_;

    /* A retry starts from scratch. */
    ds_clear(&aux->ctx->output);
    aux->ctx->inserted = NULL;
    aux->ctx->txn = txn;
    aux->ctx->labels = labels;
    char *error = aux->command->run(aux->ctx);
    aux->ctx->has_inserted = aux->ctx->inserted != NULL;
    if (aux->ctx->has_inserted) {
        aux->ctx->inserted_uuid = aux->ctx->inserted->uuid;
    }
    aux->ctx->inserted = NULL;
    return error;
}

static void
committed_callback(const struct ovsdb_idl_txn *txn, void *aux_)
{
    struct write_aux *aux = aux_;
    if (aux->ctx->has_inserted) {
        const struct uuid *tmp = &aux->ctx->inserted_uuid;
        const struct uuid *uuid = ovsdb_idl_txn_get_insert_uuid(txn, tmp);
        ds_put_format(&aux->ctx->output, UUID_FMT"\n",
                      UUID_ARGS(uuid ? uuid : tmp));
    }
}

/* Waits until every hypervisor has applied 'nb_cfg'. */
static char *
wait_for_hypervisors(struct ovsdb_idl *idl, int64_t nb_cfg)
{
    long long int deadline = timeout_ms ? time_msec() + timeout_ms : 0;

    for (;;) {
        const struct tmrec_hypervisor *hv, *behind = NULL;

        ovsdb_idl_run(idl);
        TMREC_HYPERVISOR_FOR_EACH (hv, idl) {
            if (hv->nb_cfg < nb_cfg) {
                behind = hv;
                break;
            }
        }
        if (!behind) {
            return NULL;
        }
        if (deadline && time_msec() >= deadline) {
            return xasprintf("timed out waiting for hypervisors to apply "
                             "nb_cfg %"PRId64": hypervisor \"%s\" is at "
                             "%"PRId64, nb_cfg, behind->name,
                             behind->nb_cfg);
        }
        ovsdb_idl_wait(idl);
        if (deadline) {
            poll_timer_wait_until(deadline);
        }
        poll_block();
    }
}

static void
run_command(const struct ctl_command *command, int argc, char *argv[])
{
    struct ctl_context ctx = {
        .argc = argc,
        .argv = argv,
        .output = DS_EMPTY_INITIALIZER,
    };
    char *error = NULL;

    enum ctl_kind kind = command->kind;
    if (kind == CTL_MODEL) {
        kind = model_file ? CTL_FILE : CTL_READ;
    }
    if (kind != CTL_FILE) {
        ctx.idl = ovsdb_idl_create(db, &tmrec_idl_class, true, true);
        /* Given a cluster's remotes, use its leader, which has every
         * committed write; given one server, use that server. */
        ovsdb_idl_set_leader_only(ctx.idl, strchr(db, ',') != NULL);
    }

    switch (kind) {
    case CTL_MODEL:
        OVS_NOT_REACHED();

    case CTL_FILE:
        error = command->run(&ctx);
        break;

    case CTL_READ:
        error = tm_nb_sync(ctx.idl, timeout_ms ? time_msec() + timeout_ms
                                               : 0);
        if (!error) {
            error = command->run(&ctx);
        }
        break;

    case CTL_WRITE: {
        struct write_aux aux = { command, &ctx };
        struct tm_nb_writer writer = {
            .write = write_callback,
            .committed = committed_callback,
            .aux = &aux,
        };
        int64_t nb_cfg;

        error = tm_nb_write(ctx.idl, &writer, true, timeout_ms, &nb_cfg);
        if (!error && wait_hv) {
            error = wait_for_hypervisors(ctx.idl, nb_cfg);
        }
        break;
    }
    }

    if (error) {
        ovs_fatal(0, "%s", error);
    }
    fputs(ds_cstr(&ctx.output), stdout);
    ds_destroy(&ctx.output);
    ovsdb_idl_destroy(ctx.idl);
    if (ctx.status) {
        exit(ctx.status);
    }
}

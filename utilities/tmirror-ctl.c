/*
 * tmirror-ctl: the tmirror command-line tool.
 *
 * A command table in the style of ovs-ofctl: each command is a small
 * function that wires library calls together; the work is done in lib/.
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "command-line.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "tm-bindings.h"
#include "tm-compile.h"
#include "tm-flow.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-validate.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tmirror_ctl);

/* --bindings: the hypervisor facts "compile" uses. */
static char *bindings_file;

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);
static const struct ovs_cmdl_command *get_all_commands(void);

int
main(int argc, char *argv[])
{
    struct ovs_cmdl_context ctx = { .argc = 0, };

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    parse_options(argc, argv);
    ctx.argc = argc - optind;
    ctx.argv = argv + optind;
    ovs_cmdl_run_command(&ctx, get_all_commands());
    return 0;
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_BINDINGS = UCHAR_MAX + 1,
    };
    static const struct option long_options[] = {
        {"bindings", required_argument, NULL, OPT_BINDINGS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(
        long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_BINDINGS:
            bindings_file = optarg;
            break;
        case 'h':
            usage();
        case 'V':
            printf("%s (tmirror) 0.1\n", program_name);
            exit(EXIT_SUCCESS);
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);
}

static void
usage(void)
{
    printf("%s: tmirror control utility\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n"
           "\n"
           "Model files:\n"
           "  validate MODEL.json         check a model, print the first "
           "problem\n"
           "  compile MODEL.json          print the flows of one hypervisor"
           "\n"
           "                              (needs --bindings)\n"
           "\n"
           "Options:\n"
           "  --bindings=FILE             hypervisor bindings (JSON) for "
           "compile\n"
           "  -h, --help                  display this help message\n"
           "  -V, --version               display version information\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

/* Loads and validates a model file, exiting with the error if it is not
 * valid. */
static void
load_model(const char *file_name, struct tm_model *model)
{
    char *error;

    tm_model_init(model);
    error = tm_model_from_file(file_name, model);
    if (!error) {
        error = tm_model_validate(model);
    }
    if (error) {
        ovs_fatal(0, "%s: %s", file_name, error);
    }
}

static void
cmd_validate(struct ovs_cmdl_context *ctx)
{
    struct tm_model model;

    load_model(ctx->argv[1], &model);
    printf("%s: valid: %"PRIuSIZE" filters, %"PRIuSIZE" sessions, "
           "%"PRIuSIZE" ports, %"PRIuSIZE" load balancers\n",
           ctx->argv[1], model.n_filters, model.n_sessions, model.n_ports,
           model.n_lbs);
    tm_model_destroy(&model);
}

static void
cmd_compile(struct ovs_cmdl_context *ctx)
{
    struct tm_flow_table flows;
    struct tm_bindings bindings;
    struct svec warnings = SVEC_EMPTY_INITIALIZER;
    struct tm_model model;
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *warning;
    size_t i;

    if (!bindings_file) {
        ovs_fatal(0, "compile: --bindings=FILE is required (which ports are "
                  "on this hypervisor, and the mirror tunnel port)");
    }
    load_model(ctx->argv[1], &model);
    tm_bindings_init(&bindings);
    char *error = tm_bindings_from_file(bindings_file, &bindings);
    if (error) {
        ovs_fatal(0, "%s: %s", bindings_file, error);
    }

    tm_flow_table_init(&flows);
    tm_compile(&model, &bindings, &flows, &warnings);
    SVEC_FOR_EACH (i, warning, &warnings) {
        fprintf(stderr, "%s: warning: %s\n", program_name, warning);
    }
    tm_flow_table_format(&flows, &s);
    fputs(ds_cstr(&s), stdout);

    ds_destroy(&s);
    svec_destroy(&warnings);
    tm_flow_table_destroy(&flows);
    tm_bindings_destroy(&bindings);
    tm_model_destroy(&model);
}

static void
cmd_help(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    usage();
}

static const struct ovs_cmdl_command all_commands[] = {
    { "validate", "MODEL", 1, 1, cmd_validate, OVS_RO },
    { "compile", "MODEL", 1, 1, cmd_compile, OVS_RO },
    { "help", NULL, 0, INT_MAX, cmd_help, OVS_RO },
    { NULL, NULL, 0, 0, NULL, OVS_RO },
};

static const struct ovs_cmdl_command *
get_all_commands(void)
{
    return all_commands;
}

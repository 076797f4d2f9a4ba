/*
 * libFuzzer target for "tmirror-ctl trace": the packet description
 * (tm_explain_parse_flow()), the explanation of a parsed packet, and the
 * reading of ofproto/trace output (tm_live_parse_trace()), each fed the
 * same input.
 *
 * Beyond "no crash, no leak, no undefined behaviour", it checks that
 * errors stay short and that an explanation is consistent: a mirrored
 * packet was decided by an accept rule of an enabled session that lists
 * the source, a rejected one by a reject rule, and the text ends with the
 * verdict.
 */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "tm-bindings.h"
#include "tm-explain.h"
#include "tm-live.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-validate.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Errors of the trace reader quote a bounded part of the input; those of
 * the flow parser (OVS's parse_ofp_exact_flow()) quote the input whole,
 * and fields of it again. */
#define MAX_ERROR_LEN 512

/* Two sources, both directions, IPv4 and IPv6, ranges, a reject, a
 * disabled session and a load balancer. */
static const char model_json[] =
    "{\"ports\": ["
    "  {\"id\": \"a\", \"mac_address\": \"fa:16:3e:00:00:01\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\"}]},"
    "  {\"id\": \"b\", \"mac_address\": \"fa:16:3e:00:00:02\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.2\"},"
    "                   {\"ip_address\": \"2001:db8::2\"}]},"
    "  {\"id\": \"t\", \"fixed_ips\": [{\"ip_address\": \"2001:db8::9\"}]}],"
    " \"loadbalancers\": [{\"id\": \"lb\", \"vip_address\": \"10.9.9.9\"}],"
    " \"traffic_mirror_filters\": [{\"id\": \"f\","
    "  \"ingress_rules\": ["
    "   {\"id\": \"r1\", \"priority\": 1, \"protocol\": \"tcp\","
    "    \"action\": \"reject\", \"source_cidr_block\": \"10.0.0.0/8\","
    "    \"source_port_range\": \"1000-2000\"},"
    "   {\"id\": \"r2\", \"priority\": 2, \"protocol\": \"all\","
    "    \"action\": \"accept\", \"destination_cidr_block\": \"10.0.0.0/24\"},"
    "   {\"id\": \"r3\", \"priority\": 3, \"protocol\": \"icmpv6\","
    "    \"ethertype\": \"IPv6\", \"action\": \"accept\"}],"
    "  \"egress_rules\": ["
    "   {\"id\": \"r4\", \"priority\": 1, \"protocol\": \"udp\","
    "    \"action\": \"accept\", \"destination_port_range\": \"53-53\"},"
    "   {\"id\": \"r5\", \"priority\": 2, \"protocol\": \"tcp\","
    "    \"ethertype\": \"IPv6\", \"action\": \"accept\","
    "    \"source_cidr_block\": \"2001:db8::/64\"}]}],"
    " \"traffic_mirror_sessions\": ["
    "  {\"id\": \"s1\", \"priority\": 1, \"enabled\": true,"
    "   \"traffic_mirror_filter_id\": \"f\","
    "   \"traffic_mirror_sources\": [\"a\", \"b\"],"
    "   \"traffic_mirror_target_id\": \"t\","
    "   \"traffic_mirror_target_type\": \"eni\"},"
    "  {\"id\": \"s2\", \"priority\": 2, \"enabled\": true,"
    "   \"packet_length\": 1460, \"traffic_mirror_filter_id\": \"f\","
    "   \"traffic_mirror_sources\": [\"b\"],"
    "   \"traffic_mirror_target_id\": \"lb\","
    "   \"traffic_mirror_target_type\": \"elb\"},"
    "  {\"id\": \"s3\", \"priority\": 3, \"enabled\": false,"
    "   \"traffic_mirror_filter_id\": \"f\","
    "   \"traffic_mirror_sources\": [\"a\"],"
    "   \"traffic_mirror_target_id\": \"lb\","
    "   \"traffic_mirror_target_type\": \"elb\"}]}";

static void OVS_NO_RETURN
fail(const char *what, const char *input, const char *detail)
{
    fprintf(stderr, "fuzz-trace: %s\ninput: \"%s\"\ndetail: %s\n", what,
            input, detail ? detail : "");
    abort();
}

static void
check_error(char *error, const char *input, size_t limit)
{
    if (strlen(error) > limit) {
        fail("error is too long", input, error);
    }
    free(error);
}

static void
check_explanation(const struct tm_explain *ex, const char *text,
                  const char *input)
{
    const char *last = strrchr(text, '\n');

    /* The text ends with the verdict line. */
    while (last > text && last[-1] != '\n') {
        last--;
    }
    if (strncmp(last, ex->mirrored ? "mirror: " : "not mirrored: ",
                ex->mirrored ? 8 : 14)) {
        fail("the text does not end with the verdict", input, text);
    }
    if (ex->mirrored && (!ex->rule || ex->rule->action != TM_ACCEPT
                         || !ex->session || !ex->session->enabled)) {
        fail("mirrored without an accept rule of an enabled session",
             input, text);
    }
    if (!ex->mirrored && ex->rule && ex->rule->action != TM_REJECT) {
        fail("an accept rule decided but nothing is sent", input, text);
    }
    if (ex->mirrored && (ex->copy.max_len < 14 || ex->copy.max_len > 1460)) {
        fail("truncation out of range", input, text);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tm_model model;
    static bool initialized;
    char *text, *error;

    if (!initialized) {
        vlog_set_verbosity("off");
        tm_model_init(&model);
        error = tm_model_from_string(model_json, &model);
        if (!error) {
            error = tm_model_validate(&model);
        }
        if (error) {
            fail("the built-in model does not load", "", error);
        }
        initialized = true;
    }
    text = xmemdup0((const char *) data, size);

    /* As a packet. */
    struct flow_wildcards wc;
    struct flow flow;
    error = tm_explain_parse_flow(text, &flow, &wc);
    if (error) {
        check_error(error, text, 2 * size + MAX_ERROR_LEN);
    } else {
        struct tm_bindings b;

        tm_bindings_init(&b);
        b.nonlocal_src = size & 1;
        b.tunnel_mtu = size & 2 ? 1400 : 1500;
        for (size_t i = 0; i < model.n_ports; i++) {
            for (int dir = 0; dir < TM_N_DIRECTIONS; dir++) {
                struct ds s = DS_EMPTY_INITIALIZER;
                struct tm_explain ex;

                tm_explain_init(&ex);
                tm_explain_run(&model, &b, model.ports[i], dir, &flow, &wc,
                               &ex);
                tm_explain_format(&ex, &s);
                check_explanation(&ex, ds_cstr(&s), text);
                tm_explain_destroy(&ex);
                ds_destroy(&s);
            }
        }
        tm_bindings_destroy(&b);
    }

    /* As ofproto/trace output. */
    struct tm_copies copies;
    char *actions = NULL;
    tm_copies_init(&copies);
    error = tm_live_parse_trace(text, &copies, &actions);
    if (error) {
        check_error(error, text, MAX_ERROR_LEN);
    } else {
        struct ds s = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < copies.n; i++) {
            tm_copy_format(&copies.copies[i], &s);
        }
        ds_destroy(&s);
    }
    free(actions);
    tm_copies_destroy(&copies);

    free(text);
    return 0;
}

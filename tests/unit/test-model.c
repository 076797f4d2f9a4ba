/*
 * Unit tests for the model and its JSON form (lib/tm-model.c,
 * lib/tm-model-json.c): defaults, required and unknown members, types,
 * ranges with their JSON paths, ids, cookie keys, and round trips.
 */
#include <config.h>
#include <string.h>
#include "openvswitch/json.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-test.h"
#include "util.h"

/* Loads 'text' into 'model' (initialized here) and returns the error. */
static char *
load(const char *text, struct tm_model *model)
{
    tm_model_init(model);
    return tm_model_from_string(text, model);
}

/* Asserts that 'text' fails to load with an error containing 'a' and
 * 'b'. */
static void
expect_load_error(const char *text, const char *a, const char *b)
{
    struct tm_model model;

    TM_ASSERT_ERROR(load(text, &model), a, b);
    tm_model_destroy(&model);
}

/* A minimal session and filter with 'extra' members added to the
 * session. */
#define SESSION(EXTRA)                                                  \
    "{\"traffic_mirror_filters\": [{\"id\": \"f\"}],"                   \
    " \"traffic_mirror_sessions\": [{\"id\": \"s\","                    \
    " \"traffic_mirror_filter_id\": \"f\", \"priority\": 1,"            \
    " \"traffic_mirror_target_id\": \"t\","                             \
    " \"traffic_mirror_target_type\": \"eni\"" EXTRA "}]}"

/* A filter with one ingress rule with 'members'. */
#define RULE(MEMBERS)                                                   \
    "{\"traffic_mirror_filters\": [{\"id\": \"f\", \"ingress_rules\": " \
    "[{\"id\": \"r\", " MEMBERS "}]}]}"

static void
test_defaults(void)
{
    struct tm_model model;

    TM_ASSERT_OK(load(SESSION("") , &model));
    const struct tm_session *s = tm_model_find_session(&model, "s");
    CU_ASSERT_EQUAL(s->vni, 1);
    CU_ASSERT_EQUAL(s->packet_length, 96);
    CU_ASSERT(!s->enabled);
    CU_ASSERT_STRING_EQUAL(s->type, "eni");
    CU_ASSERT_EQUAL(s->n_sources, 0);
    CU_ASSERT_EQUAL(model.quotas.sources_per_session, 10);
    tm_model_destroy(&model);

    TM_ASSERT_OK(load(RULE("\"priority\": 3, \"action\": \"reject\""),
                      &model));
    const struct tm_rule *r = tm_model_find_rule(&model, "r");
    CU_ASSERT_EQUAL(r->direction, TM_INGRESS);
    CU_ASSERT_EQUAL(r->protocol, TM_PROTO_ALL);
    CU_ASSERT_EQUAL(r->ethertype, TM_ETH_IPV4);
    CU_ASSERT_EQUAL(r->action, TM_REJECT);
    CU_ASSERT_EQUAL(r->priority, 3);
    CU_ASSERT(!r->src.set && !r->dst.set);
    CU_ASSERT(!r->src_ports.set && !r->dst_ports.set);
    CU_ASSERT_STRING_EQUAL(r->filter_id, "f");
    tm_model_destroy(&model);

    TM_ASSERT_OK(load("{\"ports\": [{\"id\": \"p\"}], \"loadbalancers\": "
                      "[{\"id\": \"l\"}]}", &model));
    CU_ASSERT(tm_model_find_port(&model, "p")->mirror_supported);
    CU_ASSERT(!tm_model_find_port(&model, "p")->has_mac);
    CU_ASSERT(tm_model_find_lb(&model, "l")->udp_supported);
    CU_ASSERT(!tm_model_find_lb(&model, "l")->has_vip);
    tm_model_destroy(&model);
}

static void
test_fields(void)
{
    struct tm_model model;

    TM_ASSERT_OK(load(
        "{\"quotas\": {\"sources_per_session\": 12},"
        " \"ports\": [{\"id\": \"p\", \"mac_address\": \"FA:16:3E:00:00:01\","
        "  \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\", \"subnet_id\": "
        "  \"sub\"}, {\"ip_address\": \"2001:db8::1\"}],"
        "  \"traffic_mirroring_supported\": false}],"
        " \"traffic_mirror_filters\": [{\"id\": \"f\", \"egress_rules\": [{"
        "  \"id\": \"r\", \"priority\": 65535, \"protocol\": \"UDP\","
        "  \"ethertype\": \"ipv6\", \"action\": \"accept\","
        "  \"source_cidr_block\": \"2001:db8::/32\","
        "  \"destination_cidr_block\": null,"
        "  \"source_port_range\": \"\","
        "  \"destination_port_range\": \"53-53\"}]}],"
        " \"traffic_mirror_sessions\": [{\"id\": \"s\","
        "  \"traffic_mirror_filter_id\": \"f\", \"priority\": 32766,"
        "  \"traffic_mirror_target_id\": \"l\", \"enabled\": true,"
        "  \"traffic_mirror_target_type\": \"elb\", \"packet_length\": 1460,"
        "  \"virtual_network_id\": 0, \"traffic_mirror_sources\": [\"p\"]}]}",
        &model));
    CU_ASSERT_EQUAL(model.quotas.sources_per_session, 12);

    const struct tm_port *p = tm_model_find_port(&model, "p");
    CU_ASSERT(p->has_mac && !p->mirror_supported && p->n_ips == 2);
    CU_ASSERT_PTR_NOT_NULL(tm_port_find_ip(p, AF_INET6));

    const struct tm_rule *r = tm_model_find_rule(&model, "r");
    CU_ASSERT_EQUAL(r->direction, TM_EGRESS);
    CU_ASSERT_EQUAL(r->protocol, TM_PROTO_UDP);
    CU_ASSERT_EQUAL(r->ethertype, TM_ETH_IPV6);
    CU_ASSERT(r->src.set && r->src.plen == 32 && r->src.family == AF_INET6);
    /* null and "" mean "not set" for the match fields. */
    CU_ASSERT(!r->dst.set && !r->src_ports.set);
    CU_ASSERT(r->dst_ports.set && r->dst_ports.min == 53
              && r->dst_ports.max == 53);

    const struct tm_session *s = tm_model_find_session(&model, "s");
    CU_ASSERT_EQUAL(s->target_type, TM_TARGET_ELB);
    CU_ASSERT_EQUAL(s->packet_length, 1460);
    CU_ASSERT_EQUAL(s->vni, 0);
    CU_ASSERT_EQUAL(s->priority, 32766);
    CU_ASSERT(s->enabled && s->n_sources == 1);
    tm_model_destroy(&model);
}

/* Errors name the JSON path of the member and the limit. */
static void
test_errors(void)
{
    expect_load_error("[1]", "model", "must be an object");
    expect_load_error("{\"traffic_mirror_sessions\": [", "model:", "");
    expect_load_error("{\"sessions\": []}", "sessions", "unknown member");
    expect_load_error(SESSION(", \"packet_lenght\": 64"),
                      "traffic_mirror_sessions[0].packet_lenght",
                      "unknown member");
    expect_load_error(
        "{\"traffic_mirror_sessions\": [{\"id\": \"s\", \"priority\": 1,"
        " \"traffic_mirror_target_id\": \"t\","
        " \"traffic_mirror_target_type\": \"eni\"}]}",
        "traffic_mirror_sessions[0].traffic_mirror_filter_id", "required");
    expect_load_error(SESSION(", \"virtual_network_id\": 16777216"),
                      "traffic_mirror_sessions[0].virtual_network_id",
                      "0-16777215");
    expect_load_error(SESSION(", \"packet_length\": 1461"),
                      "traffic_mirror_sessions[0].packet_length", "1-1460");
    expect_load_error(SESSION(", \"packet_length\": 0"),
                      "traffic_mirror_sessions[0].packet_length", "1-1460");
    expect_load_error(SESSION(", \"packet_length\": 96.5"),
                      "traffic_mirror_sessions[0].packet_length",
                      "an integer");
    expect_load_error(SESSION(", \"packet_length\": \"96\""),
                      "traffic_mirror_sessions[0].packet_length",
                      "an integer");
    expect_load_error(SESSION(", \"enabled\": \"yes\""),
                      "traffic_mirror_sessions[0].enabled", "true or false");
    expect_load_error(SESSION(", \"traffic_mirror_sources\": \"p\""),
                      "traffic_mirror_sessions[0].traffic_mirror_sources",
                      "an array");
    expect_load_error(SESSION(", \"traffic_mirror_sources\": [1]"),
                      "traffic_mirror_sessions[0].traffic_mirror_sources[0]",
                      "a string");
    expect_load_error(SESSION(", \"traffic_mirror_target_type\": \"vm\""),
                      "traffic_mirror_target_type", "eni");
    expect_load_error(RULE("\"priority\": 0, \"action\": \"accept\""),
                      "traffic_mirror_filters[0].ingress_rules[0].priority",
                      "1-65535");
    expect_load_error(RULE("\"priority\": 65536, \"action\": \"accept\""),
                      "traffic_mirror_filters[0].ingress_rules[0].priority",
                      "1-65535");
    expect_load_error(RULE("\"priority\": 1"),
                      "traffic_mirror_filters[0].ingress_rules[0].action",
                      "required");
    expect_load_error(RULE("\"priority\": 1, \"action\": \"accept\", "
                           "\"direction\": \"egress\""),
                      "ingress_rules[0].direction", "ingress_rules");
    expect_load_error(RULE("\"priority\": 1, \"action\": \"accept\", "
                           "\"traffic_mirror_filter_id\": \"g\""),
                      "ingress_rules[0].traffic_mirror_filter_id", "\"f\"");
    expect_load_error(RULE("\"priority\": 1, \"action\": \"accept\", "
                           "\"source_cidr_block\": \"10.0.0.1/24\""),
                      "ingress_rules[0].source_cidr_block", "host bits");
    expect_load_error(RULE("\"priority\": 1, \"action\": \"accept\", "
                           "\"protocol\": \"tcp\", "
                           "\"destination_port_range\": \"80-79\""),
                      "ingress_rules[0].destination_port_range", "80-79");
    expect_load_error("{\"quotas\": {\"sources_per_session\": 0}}",
                      "quotas.sources_per_session", "1-1000");
    expect_load_error("{\"quotas\": {\"sources_per_session\": 1001}}",
                      "quotas.sources_per_session", "1-1000");
    expect_load_error("{\"quotas\": {\"sessions_per_source\": 4}}",
                      "quotas.sessions_per_source", "unknown member");
    expect_load_error("{\"ports\": [{\"id\": \"p\", \"mac_address\": "
                      "\"01:00:5e:00:00:01\"}]}",
                      "ports[0].mac_address", "multicast");
    expect_load_error("{\"ports\": [{\"id\": \"p\", \"fixed_ips\": "
                      "[{\"ip_address\": \"10.0.0.0/8\"}]}]}",
                      "ports[0].fixed_ips[0].ip_address", "");
    expect_load_error("{\"ports\": [{\"name\": \"p\"}]}", "ports[0].id",
                      "required");
    expect_load_error("{\"ports\": [{\"id\": \"p\"}, {\"id\": \"p\"}]}",
                      "port id \"p\"", "more than once");
    expect_load_error("{\"ports\": [{\"id\": \"a b\"}]}", "ports[0].id", "");
}

/* Rules, sessions and so on get cookie keys in input order; keys set by
 * the caller (from the database) are kept and new ones come after them. */
static void
test_keys(void)
{
    struct tm_model model;

    TM_ASSERT_OK(load(
        "{\"traffic_mirror_filters\": [{\"id\": \"f\","
        "  \"ingress_rules\": [{\"id\": \"r1\", \"priority\": 1,"
        "   \"action\": \"accept\"}],"
        "  \"egress_rules\": [{\"id\": \"r2\", \"priority\": 1,"
        "   \"action\": \"accept\"}]},"
        " {\"id\": \"g\", \"ingress_rules\": [{\"id\": \"r3\","
        "   \"priority\": 1, \"action\": \"accept\"}]}]}", &model));
    CU_ASSERT_EQUAL(tm_model_find_rule(&model, "r1")->key, 1);
    CU_ASSERT_EQUAL(tm_model_find_rule(&model, "r2")->key, 2);
    CU_ASSERT_EQUAL(tm_model_find_rule(&model, "r3")->key, 3);

    struct tm_filter *f = tm_model_find_filter(&model, "f");
    struct tm_rule *r4 = tm_filter_add_rule(f, "r4");
    tm_model_find_rule(&model, "r1")->key = 100;
    TM_ASSERT_OK(tm_model_index(&model));
    CU_ASSERT_EQUAL(r4->key, 101);
    CU_ASSERT_EQUAL(tm_model_find_rule(&model, "r1")->key, 100);
    CU_ASSERT_PTR_EQUAL(tm_model_find_rule(&model, "r4"), r4);

    /* A duplicate added later is caught by the next index. */
    tm_filter_add_rule(f, "r3");
    TM_ASSERT_ERROR(tm_model_index(&model), "traffic_mirror_filter_rule",
                    "\"r3\"", "more than once");
    tm_model_destroy(&model);
}

/* tm_model_to_json() writes what tm_model_from_json() reads back equal. */
static void
test_round_trip(void)
{
    static const char *text =
        "{\"quotas\": {\"sources_per_session\": 7},"
        " \"ports\": [{\"id\": \"p\", \"name\": \"ecs\", \"mac_address\":"
        "  \"fa:16:3e:00:00:01\", \"fixed_ips\": [{\"ip_address\":"
        "  \"192.168.0.230\"}, {\"ip_address\": \"2001:db8::1\"}],"
        "  \"traffic_mirroring_supported\": false}],"
        " \"loadbalancers\": [{\"id\": \"l\", \"vip_address\": \"10.0.0.9\","
        "  \"udp_supported\": false}],"
        " \"traffic_mirror_filters\": [{\"id\": \"f\", \"name\": \"A\","
        "  \"description\": \"d\", \"project_id\": \"proj\","
        "  \"created_at\": \"2026-11-21T05:00:00.000+00:00\","
        "  \"ingress_rules\": [{\"id\": \"r\", \"priority\": 1,"
        "   \"protocol\": \"tcp\", \"action\": \"accept\","
        "   \"source_cidr_block\": \"172.16.0.0/24\","
        "   \"destination_cidr_block\": \"10.0.0.3/32\","
        "   \"source_port_range\": \"10000-10001\","
        "   \"destination_port_range\": \"80\"}],"
        "  \"egress_rules\": [{\"id\": \"e\", \"priority\": 1,"
        "   \"protocol\": \"icmpv6\", \"ethertype\": \"IPv6\","
        "   \"action\": \"reject\", \"description\": \"no pings\"}]}],"
        " \"traffic_mirror_sessions\": [{\"id\": \"s\", \"name\": \"S\","
        "  \"traffic_mirror_filter_id\": \"f\", \"priority\": 4,"
        "  \"traffic_mirror_target_id\": \"l\","
        "  \"traffic_mirror_target_type\": \"elb\", \"enabled\": true,"
        "  \"virtual_network_id\": 77, \"packet_length\": 200,"
        "  \"traffic_mirror_sources\": [\"p\"]}]}";
    struct tm_model a, b;

    TM_ASSERT_OK(load(text, &a));
    struct json *ja = tm_model_to_json(&a);
    tm_model_init(&b);
    TM_ASSERT_OK(tm_model_from_json(ja, &b));
    struct json *jb = tm_model_to_json(&b);
    CU_ASSERT(json_equal(ja, jb));

    /* Spot-check the canonical forms written out. */
    char *s = json_to_string(ja, JSSF_SORT);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"destination_port_range\":\"80-80\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"destination_cidr_block\":"
                                     "\"10.0.0.3/32\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"protocol\":\"icmpv6\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"ethertype\":\"IPv6\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"direction\":\"egress\""));
    free(s);

    json_destroy(ja);
    json_destroy(jb);
    tm_model_destroy(&a);
    tm_model_destroy(&b);
}

static int
model_suite(void)
{
    CU_pSuite suite = CU_add_suite("model", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "defaults", test_defaults)
        || !CU_add_test(suite, "fields", test_fields)
        || !CU_add_test(suite, "errors", test_errors)
        || !CU_add_test(suite, "keys", test_keys)
        || !CU_add_test(suite, "round_trip", test_round_trip)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(model_suite);

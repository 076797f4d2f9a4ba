/*
 * Unit tests for the explanation of a packet's fate (lib/tm-explain.c) and
 * for reading and comparing the switch's copies (lib/tm-live.c).
 *
 * The explanations are checked against what the seeds say of their own
 * scenarios (seed 002; seed 000's Table 2, session priority and rule
 * priority examples), plus IPv6, truncation, disabled sessions, load
 * balancer targets, the outer-source fallback and what the compiler skips.
 * tests/sandbox/test-explain.sh compares the same explanations with
 * ofproto/trace on the compiled flows.
 */
#include <config.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "tm-bindings.h"
#include "tm-explain.h"
#include "tm-live.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-parse.h"
#include "tm-test.h"
#include "tm-validate.h"
#include "util.h"

/* Seed 002: ECS-test (192.168.0.161) to ECS-source (192.168.0.230) TCP
 * 1234, inbound, mirrored to ECS-target (192.168.0.164), VNI 1, 96 bytes. */
static const char seed002[] =
    "{\"ports\": ["
    "  {\"id\": \"ecs-source\", \"name\": \"Network-interface-s\","
    "   \"mac_address\": \"fa:16:3e:7e:d6:bc\","
    "   \"fixed_ips\": [{\"ip_address\": \"192.168.0.230\"}]},"
    "  {\"id\": \"ecs-target\", \"mac_address\": \"fa:16:3e:7e:d6:7a\","
    "   \"fixed_ips\": [{\"ip_address\": \"192.168.0.164\"}]},"
    "  {\"id\": \"ecs-test\", \"mac_address\": \"fa:16:3e:7e:d6:77\","
    "   \"fixed_ips\": [{\"ip_address\": \"192.168.0.161\"}]}],"
    " \"traffic_mirror_filters\": [{\"id\": \"filter-a\","
    "  \"name\": \"mirror-filter-A\", \"ingress_rules\": ["
    "   {\"id\": \"rule-in\", \"priority\": 1, \"protocol\": \"tcp\","
    "    \"action\": \"accept\", \"ethertype\": \"IPv4\","
    "    \"source_cidr_block\": \"192.168.0.161/32\","
    "    \"destination_cidr_block\": \"192.168.0.230/32\","
    "    \"destination_port_range\": \"1234-1234\"}]}],"
    " \"traffic_mirror_sessions\": [{\"id\": \"session-a\","
    "  \"name\": \"mirror-session-A\", \"priority\": 1,"
    "  \"virtual_network_id\": 1, \"packet_length\": 96, \"enabled\": true,"
    "  \"traffic_mirror_filter_id\": \"filter-a\","
    "  \"traffic_mirror_sources\": [\"ecs-source\"],"
    "  \"traffic_mirror_target_id\": \"ecs-target\","
    "  \"traffic_mirror_target_type\": \"eni\"}]}";

/* Seed 000, Table 2: inbound TCP from 172.16.0.0/24 ports 10000-10001 to
 * 10.0.0.3/32 port 80 accepted; outbound IPv4 from 192.168.0.0/24 to
 * 10.2.0.0/24 rejected.  The target is a load balancer. */
static const char seed000_table2[] =
    "{\"ports\": [{\"id\": \"eni-b\", \"mac_address\": \"fa:16:3e:00:00:0b\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.3\"}]}],"
    " \"loadbalancers\": [{\"id\": \"lb\", \"vip_address\": \"192.168.1.25\","
    "   \"udp_supported\": true}],"
    " \"traffic_mirror_filters\": [{\"id\": \"f\", \"ingress_rules\": ["
    "   {\"id\": \"in-1\", \"priority\": 1, \"protocol\": \"tcp\","
    "    \"action\": \"accept\", \"source_cidr_block\": \"172.16.0.0/24\","
    "    \"source_port_range\": \"10000-10001\","
    "    \"destination_cidr_block\": \"10.0.0.3/32\","
    "    \"destination_port_range\": \"80-80\"}],"
    "  \"egress_rules\": ["
    "   {\"id\": \"out-1\", \"priority\": 1, \"protocol\": \"all\","
    "    \"action\": \"reject\", \"source_cidr_block\": \"192.168.0.0/24\","
    "    \"destination_cidr_block\": \"10.2.0.0/24\"}]}],"
    " \"traffic_mirror_sessions\": [{\"id\": \"s\", \"priority\": 1,"
    "  \"virtual_network_id\": 2, \"enabled\": true,"
    "  \"traffic_mirror_filter_id\": \"f\","
    "  \"traffic_mirror_sources\": [\"eni-b\"],"
    "  \"traffic_mirror_target_id\": \"lb\","
    "  \"traffic_mirror_target_type\": \"elb\"}]}";

/* Seed 000, session priority: sessions A and B share a source; '%d' and
 * '%d' are their priorities.  A mirrors TCP 80, B TCP 1-1024. */
static const char session_priority[] =
    "{\"ports\": ["
    "  {\"id\": \"src\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.10\"}]},"
    "  {\"id\": \"ta\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.100\"}]},"
    "  {\"id\": \"tb\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.200\"}]}],"
    " \"traffic_mirror_filters\": ["
    "  {\"id\": \"fa\", \"ingress_rules\": [{\"id\": \"ra\", \"priority\": 1,"
    "    \"protocol\": \"tcp\", \"action\": \"accept\","
    "    \"destination_port_range\": \"80-80\"}]},"
    "  {\"id\": \"fb\", \"ingress_rules\": [{\"id\": \"rb\", \"priority\": 1,"
    "    \"protocol\": \"tcp\", \"action\": \"accept\","
    "    \"destination_port_range\": \"1-1024\"}]}],"
    " \"traffic_mirror_sessions\": ["
    "  {\"id\": \"A\", \"priority\": %d, \"virtual_network_id\": 100,"
    "   \"enabled\": true, \"traffic_mirror_filter_id\": \"fa\","
    "   \"traffic_mirror_sources\": [\"src\"],"
    "   \"traffic_mirror_target_id\": \"ta\","
    "   \"traffic_mirror_target_type\": \"eni\"},"
    "  {\"id\": \"B\", \"priority\": %d, \"virtual_network_id\": 200,"
    "   \"packet_length\": 128, \"enabled\": true,"
    "   \"traffic_mirror_filter_id\": \"fb\","
    "   \"traffic_mirror_sources\": [\"src\"],"
    "   \"traffic_mirror_target_id\": \"tb\","
    "   \"traffic_mirror_target_type\": \"eni\"}]}";

/* Seed 000, rule priority: rules A (priority %d, reject) and B (priority
 * %d, accept) with the same match. */
static const char rule_priority[] =
    "{\"ports\": ["
    "  {\"id\": \"src\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.10\"}]},"
    "  {\"id\": \"t\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.100\"}]}],"
    " \"traffic_mirror_filters\": [{\"id\": \"f\", \"ingress_rules\": ["
    "  {\"id\": \"rule-A\", \"priority\": %d, \"protocol\": \"tcp\","
    "   \"action\": \"reject\", \"destination_port_range\": \"80-80\"},"
    "  {\"id\": \"rule-B\", \"priority\": %d, \"protocol\": \"tcp\","
    "   \"action\": \"accept\", \"destination_port_range\": \"80-80\"}]}],"
    " \"traffic_mirror_sessions\": [{\"id\": \"s\", \"priority\": 1,"
    "  \"virtual_network_id\": 7, \"enabled\": true,"
    "  \"traffic_mirror_filter_id\": \"f\","
    "  \"traffic_mirror_sources\": [\"src\"],"
    "  \"traffic_mirror_target_id\": \"t\","
    "  \"traffic_mirror_target_type\": \"eni\"}]}";

/* IPv6: a source with both families, an IPv6-only target, a source with
 * IPv4 only, and a disabled session. */
static const char ipv6[] =
    "{\"ports\": ["
    "  {\"id\": \"src\", \"fixed_ips\": [{\"ip_address\": \"2001:db8::10\"},"
    "                                 {\"ip_address\": \"192.168.4.10\"}]},"
    "  {\"id\": \"v4only\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\"}]},"
    "  {\"id\": \"t6\","
    "   \"fixed_ips\": [{\"ip_address\": \"2001:db8::100\"}]}],"
    " \"traffic_mirror_filters\": [{\"id\": \"f\", \"ingress_rules\": ["
    "  {\"id\": \"ping\", \"priority\": 1, \"protocol\": \"icmpv6\","
    "   \"ethertype\": \"IPv6\", \"action\": \"accept\","
    "   \"source_cidr_block\": \"2001:db8:1::/48\"},"
    "  {\"id\": \"web\", \"priority\": 2, \"protocol\": \"tcp\","
    "   \"ethertype\": \"IPv6\", \"action\": \"accept\","
    "   \"destination_port_range\": \"443-443\"}]}],"
    " \"traffic_mirror_sessions\": ["
    "  {\"id\": \"on\", \"priority\": 1, \"virtual_network_id\": 16777215,"
    "   \"packet_length\": 1460, \"enabled\": true,"
    "   \"traffic_mirror_filter_id\": \"f\","
    "   \"traffic_mirror_sources\": [\"src\", \"v4only\"],"
    "   \"traffic_mirror_target_id\": \"t6\","
    "   \"traffic_mirror_target_type\": \"eni\"},"
    "  {\"id\": \"off\", \"priority\": 2, \"enabled\": false,"
    "   \"traffic_mirror_filter_id\": \"f\","
    "   \"traffic_mirror_sources\": [\"src\"],"
    "   \"traffic_mirror_target_id\": \"t6\","
    "   \"traffic_mirror_target_type\": \"eni\"}]}";

struct fixture {
    struct tm_model model;
    struct tm_bindings b;
    struct tm_explain ex;
    struct ds text;
};

/* Loads 'json' (validated if 'validate') on a hypervisor with 'mtu' and
 * the patched switch's outer source. */
static void
fixture_init(struct fixture *f, const char *json, bool validate,
             uint32_t mtu)
{
    tm_model_init(&f->model);
    TM_ASSERT_OK(tm_model_from_string(json, &f->model));
    if (validate) {
        TM_ASSERT_OK(tm_model_validate(&f->model));
    }
    tm_bindings_init(&f->b);
    f->b.tunnel_mtu = mtu;
    f->b.nonlocal_src = true;
    tm_explain_init(&f->ex);
    ds_init(&f->text);
}

static void
fixture_destroy(struct fixture *f)
{
    tm_explain_destroy(&f->ex);
    ds_destroy(&f->text);
    tm_bindings_destroy(&f->b);
    tm_model_destroy(&f->model);
}

/* Explains 'flow' for 'source' in 'dir' into f->ex and f->text. */
static void
explain(struct fixture *f, const char *source, enum tm_direction dir,
        const char *flow_text)
{
    const struct tm_port *port = tm_model_find_port(&f->model, source);
    struct flow_wildcards wc;
    struct flow flow;

    tm_explain_destroy(&f->ex);
    tm_explain_init(&f->ex);
    ds_clear(&f->text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(port);
    TM_ASSERT_OK(tm_explain_parse_flow(flow_text, &flow, &wc));
    tm_explain_run(&f->model, &f->b, port, dir, &flow, &wc, &f->ex);
    tm_explain_format(&f->ex, &f->text);
}

/* Asserts that the text has 'line' as a whole line. */
#define ASSERT_LINE(F, LINE) assert_line(F, LINE, __FILE__, __LINE__)
static void
assert_line(const struct fixture *f, const char *line, const char *file,
            int lineno)
{
    const char *text = f->text.string ? f->text.string : "";
    size_t len = strlen(line);
    bool found = false;

    for (const char *p = text; *p; p = strchr(p, '\n') + 1) {
        if (!strncmp(p, line, len) && p[len] == '\n') {
            found = true;
            break;
        }
        if (!strchr(p, '\n')) {
            break;
        }
    }
    if (!found) {
        fprintf(stderr, "\n%s:%d: no line \"%s\" in:\n%s", file, lineno,
                line, text);
    }
    CU_assertImplementation(found, lineno, "line", file, "", CU_FALSE);
}

/* Asserts that the text contains 'needle'. */
#define ASSERT_TEXT(F, NEEDLE) assert_text(F, NEEDLE, __FILE__, __LINE__)
static void
assert_text(const struct fixture *f, const char *needle, const char *file,
            int lineno)
{
    const char *text = f->text.string ? f->text.string : "";
    bool found = strstr(text, needle) != NULL;

    if (!found) {
        fprintf(stderr, "\n%s:%d: no \"%s\" in:\n%s", file, lineno, needle,
                text);
    }
    CU_assertImplementation(found, lineno, "text", file, "", CU_FALSE);
}

static void
assert_copy(const struct tm_explain *ex, uint32_t vni, const char *src,
            const char *dst, uint32_t max_len)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    CU_ASSERT_FATAL(ex->mirrored);
    CU_ASSERT_EQUAL(ex->copy.vni, vni);
    CU_ASSERT_EQUAL(ex->copy.max_len, max_len);
    tm_ip_format(&ex->copy.dst, &s);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&s), dst);
    CU_ASSERT_EQUAL(ex->copy.has_src, src != NULL);
    if (src) {
        ds_clear(&s);
        tm_ip_format(&ex->copy.src, &s);
        CU_ASSERT_STRING_EQUAL(ds_cstr(&s), src);
    }
    ds_destroy(&s);
}

static void
test_seed002(void)
{
    struct fixture f;
    const char *client = "tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,"
                         "tp_src=38944";
    char *flow;

    fixture_init(&f, seed002, true, 1500);

    flow = xasprintf("%s,tp_dst=1234", client);
    explain(&f, "ecs-source", TM_INGRESS, flow);
    free(flow);
    assert_copy(&f.ex, 1, "192.168.0.230", "192.168.0.164", 96);
    CU_ASSERT_STRING_EQUAL(f.ex.rule->id, "rule-in");
    CU_ASSERT_STRING_EQUAL(f.ex.session->id, "session-a");
    /* The whole text, as docs/trace.rst shows it. */
    CU_ASSERT_STRING_EQUAL(ds_cstr(&f.text),
        "source: ecs-source (Network-interface-s), direction ingress "
        "(inbound: delivered to the source)\n"
        "packet: tcp,nw_src=192.168.0.161,nw_dst=192.168.0.230,"
        "tp_src=38944,tp_dst=1234\n"
        "hypervisor: tunnel MTU 1500, outer source the source's address "
        "(allow_nonlocal_src)\n"
        "session session-a (mirror-session-A) priority=1 vni=1 "
        "packet_length=96 target=eni:ecs-target: considered, 1 ingress "
        "rule\n"
        "  rule rule-in priority=1 accept tcp IPv4 "
        "source_cidr_block=192.168.0.161/32 "
        "destination_cidr_block=192.168.0.230/32 "
        "destination_port_range=1234-1234: matches\n"
        "decision: rule rule-in (priority 1) of session session-a "
        "(priority 1): accept\n"
        "mirror: session session-a -> target ecs-target (port), outer "
        "192.168.0.230 -> 192.168.0.164, VNI 1, truncated to 96 bytes\n");

    /* Each field missing in turn. */
    flow = xasprintf("%s,tp_dst=1235", client);
    explain(&f, "ecs-source", TM_INGRESS, flow);
    free(flow);
    CU_ASSERT(!f.ex.mirrored);
    CU_ASSERT_PTR_NULL(f.ex.rule);
    ASSERT_LINE(&f, "  rule rule-in priority=1 accept tcp IPv4 "
                "source_cidr_block=192.168.0.161/32 "
                "destination_cidr_block=192.168.0.230/32 "
                "destination_port_range=1234-1234: does not match: tp_dst "
                "1235 not in 1234-1234");
    ASSERT_LINE(&f, "decision: none");
    ASSERT_LINE(&f, "not mirrored: no ingress rule matches (1 tried)");

    explain(&f, "ecs-source", TM_INGRESS, "tcp,nw_src=192.168.0.162,"
            "nw_dst=192.168.0.231,tp_dst=1233");
    CU_ASSERT(!f.ex.mirrored);
    ASSERT_TEXT(&f, ": does not match: nw_src "
                "192.168.0.162 not in 192.168.0.161/32, nw_dst "
                "192.168.0.231 not in 192.168.0.230/32, tp_dst 1233 "
                "not in 1234-1234\n");

    explain(&f, "ecs-source", TM_INGRESS, "udp,nw_src=192.168.0.161,"
            "nw_dst=192.168.0.230,udp_dst=1234");
    ASSERT_TEXT(&f, ": does not match: nw_proto 17 not "
                "in tcp (6)\n");
    explain(&f, "ecs-source", TM_INGRESS, "tcp6,tp_dst=1234");
    ASSERT_TEXT(&f, ": does not match: dl_type 0x86dd "
                "not in IPv4 (0x0800)\n");
    explain(&f, "ecs-source", TM_INGRESS, "arp");
    ASSERT_LINE(&f, "not mirrored: not an IP packet (dl_type 0x0806): rules "
                "match only IPv4 and IPv6");

    /* The reply is outbound: the filter has no outbound rule. */
    explain(&f, "ecs-source", TM_EGRESS, "tcp,nw_src=192.168.0.230,"
            "nw_dst=192.168.0.161,tp_src=1234,tp_dst=38944");
    CU_ASSERT(!f.ex.mirrored);
    ASSERT_LINE(&f, "not mirrored: the enabled sessions of source "
                "ecs-source have no egress rules");

    /* ECS-test is no source at all. */
    explain(&f, "ecs-test", TM_EGRESS, "tcp");
    CU_ASSERT(!f.ex.mirrored);
    CU_ASSERT_EQUAL(f.ex.n_sessions, 0);
    ASSERT_LINE(&f, "not mirrored: no session has source ecs-test");

    /* On a stock switch the outer source is the hypervisor's. */
    f.b.nonlocal_src = false;
    flow = xasprintf("%s,tp_dst=1234", client);
    explain(&f, "ecs-source", TM_INGRESS, flow);
    free(flow);
    assert_copy(&f.ex, 1, NULL, "192.168.0.164", 96);
    ASSERT_LINE(&f, "mirror: session session-a -> target ecs-target (port), "
                "outer (hypervisor) -> 192.168.0.164, VNI 1, truncated to "
                "96 bytes");
    ASSERT_LINE(&f, "hypervisor: tunnel MTU 1500, outer source the "
                "hypervisor's address");
    fixture_destroy(&f);
}

static void
test_seed000_table2(void)
{
    static const struct {
        uint16_t sport, dport;
        bool mirrored;
    } cases[] = {
        { 9999, 80, false }, { 10000, 80, true }, { 10001, 80, true },
        { 10002, 80, false }, { 10000, 79, false }, { 10001, 81, false },
    };
    struct fixture f;

    fixture_init(&f, seed000_table2, true, 1500);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *flow = xasprintf("tcp,nw_src=172.16.0.7,nw_dst=10.0.0.3,"
                               "tp_src=%"PRIu16",tp_dst=%"PRIu16,
                               cases[i].sport, cases[i].dport);
        explain(&f, "eni-b", TM_INGRESS, flow);
        free(flow);
        CU_ASSERT_EQUAL(f.ex.mirrored, cases[i].mirrored);
    }
    explain(&f, "eni-b", TM_INGRESS, "tcp,nw_src=172.16.0.255,"
            "nw_dst=10.0.0.3,tp_src=10000,tp_dst=80");
    assert_copy(&f.ex, 2, "10.0.0.3", "192.168.1.25", 96);
    ASSERT_LINE(&f, "mirror: session s -> target lb (load balancer), outer "
                "10.0.0.3 -> 192.168.1.25, VNI 2, truncated to 96 bytes");
    explain(&f, "eni-b", TM_INGRESS, "tcp,nw_src=172.16.1.0,"
            "nw_dst=10.0.0.3,tp_src=10000,tp_dst=80");
    ASSERT_TEXT(&f, "does not match: nw_src 172.16.1.0 "
                "not in 172.16.0.0/24\n");
    explain(&f, "eni-b", TM_INGRESS, "tcp,nw_src=172.16.0.1,"
            "nw_dst=10.0.0.3,tp_src=9999,tp_dst=80");
    ASSERT_TEXT(&f, "does not match: tp_src 9999 not in "
                "10000-10001\n");

    /* Outbound from 192.168.0.0/24 to 10.2.0.0/24: rejected, whatever the
     * protocol; elsewhere: no rule matches. */
    explain(&f, "eni-b", TM_EGRESS, "udp,nw_src=192.168.0.5,"
            "nw_dst=10.2.0.9,udp_dst=53");
    CU_ASSERT(!f.ex.mirrored);
    CU_ASSERT_STRING_EQUAL(f.ex.rule->id, "out-1");
    ASSERT_LINE(&f, "decision: rule out-1 (priority 1) of session s "
                "(priority 1): reject");
    ASSERT_LINE(&f, "not mirrored: rule out-1 (priority 1) of session s "
                "rejects it");
    explain(&f, "eni-b", TM_EGRESS, "icmp,nw_src=192.168.0.5,"
            "nw_dst=10.3.0.9");
    CU_ASSERT(!f.ex.mirrored);
    CU_ASSERT_PTR_NULL(f.ex.rule);
    fixture_destroy(&f);
}

static void
test_session_priority(void)
{
    char *json = xasprintf(session_priority, 1, 2);
    struct fixture f;

    fixture_init(&f, json, true, 1500);
    free(json);

    /* Port 80 matches both: A, the higher priority, decides; B is not
     * reached. */
    explain(&f, "src", TM_INGRESS, "tcp,tp_dst=80");
    assert_copy(&f.ex, 100, "10.0.0.10", "10.0.0.100", 96);
    CU_ASSERT_EQUAL(f.ex.n_sessions, 2);
    CU_ASSERT_EQUAL(f.ex.sessions[0].state, TM_EXPLAIN_TRIED);
    CU_ASSERT_EQUAL(f.ex.sessions[1].state, TM_EXPLAIN_NOT_REACHED);
    CU_ASSERT_EQUAL(f.ex.sessions[1].rules[0].result,
                    TM_EXPLAIN_RULE_NOT_REACHED);
    ASSERT_LINE(&f, "session B priority=2 vni=200 packet_length=128 "
                "target=eni:tb: not reached: an earlier rule decided");
    ASSERT_LINE(&f, "  rule rb priority=1 accept tcp IPv4 "
                "destination_port_range=1-1024: not reached");

    /* 443 only matches B's rule: A's rules are tried first, then B's. */
    explain(&f, "src", TM_INGRESS, "tcp,tp_dst=443");
    assert_copy(&f.ex, 200, "10.0.0.10", "10.0.0.200", 128);
    CU_ASSERT_EQUAL(f.ex.sessions[0].rules[0].result, TM_EXPLAIN_NO_MATCH);
    CU_ASSERT_EQUAL(f.ex.sessions[1].rules[0].result, TM_EXPLAIN_MATCH);
    explain(&f, "src", TM_INGRESS, "tcp,tp_dst=1025");
    CU_ASSERT(!f.ex.mirrored);
    ASSERT_LINE(&f, "not mirrored: no ingress rule matches (2 tried)");
    fixture_destroy(&f);

    /* Swapping the priorities swaps the result. */
    json = xasprintf(session_priority, 2, 1);
    fixture_init(&f, json, true, 1500);
    free(json);
    explain(&f, "src", TM_INGRESS, "tcp,tp_dst=80");
    assert_copy(&f.ex, 200, "10.0.0.10", "10.0.0.200", 128);
    CU_ASSERT_STRING_EQUAL(f.ex.sessions[0].session->id, "B");
    fixture_destroy(&f);
}

static void
test_rule_priority(void)
{
    char *json = xasprintf(rule_priority, 1, 2);
    struct fixture f;

    fixture_init(&f, json, true, 1500);
    free(json);
    explain(&f, "src", TM_INGRESS, "tcp,tp_dst=80");
    CU_ASSERT(!f.ex.mirrored);
    CU_ASSERT_STRING_EQUAL(f.ex.rule->id, "rule-A");
    CU_ASSERT_EQUAL(f.ex.sessions[0].rules[1].result,
                    TM_EXPLAIN_RULE_NOT_REACHED);
    ASSERT_LINE(&f, "not mirrored: rule rule-A (priority 1) of session s "
                "rejects it");
    fixture_destroy(&f);

    json = xasprintf(rule_priority, 2, 1);
    fixture_init(&f, json, true, 1500);
    free(json);
    explain(&f, "src", TM_INGRESS, "tcp,tp_dst=80");
    assert_copy(&f.ex, 7, "10.0.0.10", "10.0.0.100", 96);
    CU_ASSERT_STRING_EQUAL(f.ex.rule->id, "rule-B");
    /* In order: B (priority 1) first. */
    CU_ASSERT_STRING_EQUAL(f.ex.sessions[0].rules[0].rule->id, "rule-B");
    fixture_destroy(&f);
}

static void
test_ipv6(void)
{
    struct fixture f;

    fixture_init(&f, ipv6, true, 1400);

    /* Truncated to fit the MTU over IPv6: 1400 - 56. */
    explain(&f, "src", TM_INGRESS, "icmp6,ipv6_src=2001:db8:1::5,"
            "ipv6_dst=2001:db8::10,icmpv6_type=128");
    assert_copy(&f.ex, 16777215, "2001:db8::10", "2001:db8::100", 1344);
    ASSERT_LINE(&f, "session off priority=2 vni=1 packet_length=96 "
                "target=eni:t6: disabled: not considered");
    CU_ASSERT_EQUAL(f.ex.sessions[1].state, TM_EXPLAIN_DISABLED);
    CU_ASSERT_EQUAL(f.ex.sessions[1].n_rules, 0);

    explain(&f, "src", TM_INGRESS, "icmp6,ipv6_src=2001:db8:2::5,"
            "ipv6_dst=2001:db8::10,icmpv6_type=128");
    ASSERT_TEXT(&f, "does not match: ipv6_src "
                "2001:db8:2::5 not in 2001:db8:1::/48\n");
    explain(&f, "src", TM_INGRESS, "tcp6,ipv6_src=2001:db8:2::5,"
            "ipv6_dst=2001:db8::10,tp_dst=443");
    CU_ASSERT(f.ex.mirrored);
    CU_ASSERT_STRING_EQUAL(f.ex.rule->id, "web");
    explain(&f, "src", TM_INGRESS, "tcp,tp_dst=443");
    CU_ASSERT(!f.ex.mirrored);

    /* A source without an IPv6 address: the copy leaves with the
     * hypervisor's, and the compiler's warning says so. */
    explain(&f, "v4only", TM_INGRESS, "icmp6,ipv6_src=2001:db8:1::5");
    assert_copy(&f.ex, 16777215, NULL, "2001:db8::100", 1344);
    ASSERT_LINE(&f, "note: session \"on\": source \"v4only\" has no IPv6 "
                "address, so its copies leave with this hypervisor's "
                "address as outer source");
    fixture_destroy(&f);
}

/* A database written around our tools can hold what validation refuses:
 * the explanation says what the compiler skips, as the compiler does. */
static void
test_compiler_skips(void)
{
    static const char json[] =
        "{\"ports\": [{\"id\": \"src\","
        "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\"}]},"
        "  {\"id\": \"t\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.2\"}]}],"
        " \"traffic_mirror_filters\": [{\"id\": \"f\", \"ingress_rules\": ["
        "  {\"id\": \"bad\", \"priority\": 1, \"protocol\": \"icmp\","
        "   \"ethertype\": \"IPv6\", \"action\": \"reject\"},"
        "  {\"id\": \"good\", \"priority\": 2, \"protocol\": \"all\","
        "   \"action\": \"accept\"}]}],"
        " \"traffic_mirror_sessions\": ["
        "  {\"id\": \"nowhere\", \"priority\": 1, \"enabled\": true,"
        "   \"traffic_mirror_filter_id\": \"f\","
        "   \"traffic_mirror_sources\": [\"src\"],"
        "   \"traffic_mirror_target_id\": \"gone\","
        "   \"traffic_mirror_target_type\": \"eni\"},"
        "  {\"id\": \"s\", \"priority\": 2, \"enabled\": true,"
        "   \"traffic_mirror_filter_id\": \"f\","
        "   \"traffic_mirror_sources\": [\"src\"],"
        "   \"traffic_mirror_target_id\": \"t\","
        "   \"traffic_mirror_target_type\": \"eni\"}]}";
    struct fixture f;

    fixture_init(&f, json, false, 1500);
    explain(&f, "src", TM_INGRESS, "icmp6");
    CU_ASSERT_EQUAL(f.ex.sessions[0].state, TM_EXPLAIN_SESSION_SKIPPED);
    ASSERT_LINE(&f, "session nowhere priority=1 vni=1 packet_length=96 "
                "target=eni:gone: skipped by the compiler: its target eni "
                "\"gone\" does not exist or has no IP address");
    ASSERT_LINE(&f, "  rule bad priority=1 reject icmp IPv6: skipped by the "
                "compiler: protocol icmp, ethertype IPv6 and its port "
                "ranges do not fit together");
    /* The skipped reject does not decide; the next rule is IPv4. */
    CU_ASSERT(!f.ex.mirrored);
    CU_ASSERT_PTR_NULL(f.ex.rule);
    explain(&f, "src", TM_INGRESS, "udp");
    assert_copy(&f.ex, 1, "10.0.0.1", "10.0.0.2", 96);
    CU_ASSERT_STRING_EQUAL(f.ex.session->id, "s");
    fixture_destroy(&f);
}

static void
test_parse_flow(void)
{
    static const char *const refused[][2] = {
        { "in_port=1,tcp", "in_port: not a packet header field" },
        { "reg15=1,tcp", "reg15: not a packet header field" },
        { "tcp,tun_id=5", "tun_id: not a packet header field" },
        { "metadata=1", "metadata: not a packet header field" },
        { "ct_mark=1,tcp", "ct_mark: not a packet header field" },
        { "tcp,tp_dst=80,ip_frag=later", "tp_dst: a later fragment" },
        { "tcp,nope=1", "unknown field nope" },
        { "nw_src=1.2.3.4", "prerequisites not met for setting nw_src" },
    };
    struct flow_wildcards wc;
    struct flow flow;

    for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
        TM_ASSERT_ERROR(tm_explain_parse_flow(refused[i][0], &flow, &wc),
                        refused[i][1]);
    }
    TM_ASSERT_OK(tm_explain_parse_flow("dl_dst=ff:ff:ff:ff:ff:ff,tcp6,"
                                       "ipv6_src=2001:db8::1,tp_dst=443",
                                       &flow, &wc));
    CU_ASSERT_EQUAL(ntohs(flow.tp_dst), 443);
    TM_ASSERT_OK(tm_explain_parse_flow("", &flow, &wc));
    TM_ASSERT_OK(tm_explain_parse_flow("ip,ip_frag=later", &flow, &wc));
}

/* Reading copies out of datapath actions. */

static const char trace_v4[] =
    "Flow: tcp,in_port=LOCAL\n\nbridge(\"br-int\")\n 0. priority 0\n"
    "Megaflow: recirc_id=0,eth,tcp\n"
    "Datapath actions: clone(trunc(96),tnl_push(tnl_port(4789),header("
    "size=50,type=4,eth(dst=aa:55:aa:55:00:fe,src=fa:16:3e:d1:6b:5d,"
    "dl_type=0x0800),ipv4(src=192.168.0.230,dst=192.168.0.164,proto=17,"
    "tos=0,ttl=64,frag=0x4000),udp(src=0,dst=4789,csum=0x0),vxlan("
    "flags=0x8000000,vni=0x1)),out_port(4)),recirc(0)),1\n";

static void
assert_parsed(const struct tm_copy *c, uint32_t vni, const char *src,
              const char *dst, uint32_t max_len)
{
    struct tm_explain ex = { .mirrored = true, .copy = *c };
    assert_copy(&ex, vni, src, dst, max_len);
}

static void
test_parse_trace(void)
{
    struct tm_copies copies;
    char *actions;

    tm_copies_init(&copies);
    TM_ASSERT_OK(tm_live_parse_trace(trace_v4, &copies, &actions));
    CU_ASSERT_EQUAL_FATAL(copies.n, 1);
    assert_parsed(&copies.copies[0], 1, "192.168.0.230", "192.168.0.164",
                  96);
    CU_ASSERT(!strncmp(actions, "clone(trunc(96),tnl_push(", 25));
    free(actions);
    tm_copies_destroy(&copies);

    /* Two copies, the second over IPv6 without a clone(); a truncation
     * belongs to the copy after it. */
    tm_copies_init(&copies);
    TM_ASSERT_OK(tm_live_parse_trace(
        "Datapath actions: clone(trunc(128),tnl_push(tnl_port(4789),header("
        "size=50,type=4,eth(dst=aa:55:aa:55:00:fe,src=fa:16:3e:d1:6b:5d,"
        "dl_type=0x0800),ipv4(src=10.0.1.20,dst=10.0.1.100,proto=17,tos=0,"
        "ttl=64,frag=0x4000),udp(src=0,dst=4789,csum=0x0),vxlan(flags="
        "0x8000000,vni=0x64)),out_port(6)),recirc(0)),2,trunc(1344),"
        "tnl_push(tnl_port(4789),header(size=70,type=4,eth(dst=aa:55:aa:55:"
        "00:fe,src=fa:16:3e:d1:6b:5d,dl_type=0x86dd),ipv6(src=2001:db8:ffff"
        "::1,dst=2001:db8::100,label=0,proto=17,tclass=0x0,hlimit=64),udp("
        "src=0,dst=4789,csum=0xffff),vxlan(flags=0x8000000,vni=0xffffff)),"
        "out_port(1)),recirc(0)\n", &copies, NULL));
    CU_ASSERT_EQUAL_FATAL(copies.n, 2);
    assert_parsed(&copies.copies[0], 100, "10.0.1.20", "10.0.1.100", 128);
    assert_parsed(&copies.copies[1], 16777215, "2001:db8:ffff::1",
                  "2001:db8::100", 1344);
    tm_copies_destroy(&copies);

    /* The kernel datapath's form, and a copy without truncation. */
    tm_copies_init(&copies);
    TM_ASSERT_OK(tm_live_parse_trace(
        "Datapath actions: trunc(96),set(tunnel(tun_id=0x2a,src=10.0.0.1,"
        "dst=10.0.0.2,ttl=64,tp_dst=4789,flags(df|key))),3,"
        "set(tunnel(tun_id=0x7,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
        "ttl=64,tp_dst=4789,flags(key))),3,1\n", &copies, NULL));
    CU_ASSERT_EQUAL_FATAL(copies.n, 2);
    assert_parsed(&copies.copies[0], 42, "10.0.0.1", "10.0.0.2", 96);
    assert_parsed(&copies.copies[1], 7, "2001:db8::1", "2001:db8::2", 0);
    tm_copies_destroy(&copies);

    /* No copy; no datapath actions at all; a copy without a VNI. */
    tm_copies_init(&copies);
    TM_ASSERT_OK(tm_live_parse_trace("Datapath actions: drop\n", &copies,
                                     NULL));
    CU_ASSERT_EQUAL(copies.n, 0);
    TM_ASSERT_ERROR(tm_live_parse_trace("Flow: tcp\n", &copies, NULL),
                    "no datapath actions");
    TM_ASSERT_ERROR(tm_live_parse_trace("Datapath actions: tnl_push(ipv4("
                                        "src=1.1.1.1,dst=2.2.2.2))\n",
                                        &copies, NULL), "no VNI");
    /* Unbalanced parentheses end at the end of the line (the fuzzer found
     * a read past it). */
    TM_ASSERT_ERROR(tm_live_parse_trace("Datapath actions: tnl_push(vxlan("
                                        "vni=0x1),ipv4(src=1.1.1.1\n"
                                        "dst=2.2.2.2)\n", &copies, NULL),
                    "no outer destination");
    tm_copies_destroy(&copies);
}

static void
test_compare(void)
{
    struct tm_copies model, sw;
    struct tm_copy a = { .vni = 1, .has_src = true, .max_len = 96 };
    struct ds why = DS_EMPTY_INITIALIZER;

    TM_ASSERT_OK(tm_parse_ip("dst", "192.168.0.164", &a.dst));
    TM_ASSERT_OK(tm_parse_ip("src", "192.168.0.230", &a.src));
    tm_copies_init(&model);
    tm_copies_init(&sw);

    CU_ASSERT(tm_live_compare(&model, &sw, &why));
    tm_copies_add(&model, &a);
    CU_ASSERT(!tm_live_compare(&model, &sw, &why));
    CU_ASSERT_STRING_EQUAL(ds_cstr(&why), "the model sends 1 copy, the "
                           "switch 0");

    struct tm_copy b = a;
    tm_copies_add(&sw, &b);
    ds_clear(&why);
    CU_ASSERT(tm_live_compare(&model, &sw, &why));
    CU_ASSERT_EQUAL(why.length, 0);

    sw.copies[0].vni = 2;
    sw.copies[0].max_len = 64;
    TM_ASSERT_OK(tm_parse_ip("src", "192.0.2.1", &sw.copies[0].src));
    TM_ASSERT_OK(tm_parse_ip("dst", "2001:db8::1", &sw.copies[0].dst));
    CU_ASSERT(!tm_live_compare(&model, &sw, &why));
    CU_ASSERT_STRING_EQUAL(ds_cstr(&why),
        "copy 1: VNI 2 on the switch, 1 in the model; copy 1: outer "
        "destination 2001:db8::1 on the switch, 192.168.0.164 in the model; "
        "copy 1: outer source 192.0.2.1 on the switch, 192.168.0.230 in the "
        "model; copy 1: truncation 64 on the switch, 96 in the model");

    /* A source the model does not know is not compared. */
    sw.copies[0] = a;
    TM_ASSERT_OK(tm_parse_ip("src", "192.0.2.1", &sw.copies[0].src));
    model.copies[0].has_src = false;
    ds_clear(&why);
    CU_ASSERT(tm_live_compare(&model, &sw, &why));

    ds_destroy(&why);
    tm_copies_destroy(&model);
    tm_copies_destroy(&sw);
}

static int
explain_suite(void)
{
    CU_pSuite suite = CU_add_suite("explain", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "seed002", test_seed002)
        || !CU_add_test(suite, "seed000_table2", test_seed000_table2)
        || !CU_add_test(suite, "session_priority", test_session_priority)
        || !CU_add_test(suite, "rule_priority", test_rule_priority)
        || !CU_add_test(suite, "ipv6", test_ipv6)
        || !CU_add_test(suite, "compiler_skips", test_compiler_skips)
        || !CU_add_test(suite, "parse_flow", test_parse_flow)
        || !CU_add_test(suite, "parse_trace", test_parse_trace)
        || !CU_add_test(suite, "compare", test_compare)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(explain_suite);

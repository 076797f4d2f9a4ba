/*
 * Unit tests for the rule compiler (lib/tm-compile.c).
 *
 * The golden tests (tests/golden) pin the exact flow text of the seed
 * examples and the sandbox tests check what packets do with it; these
 * tests check the compiler's decisions one by one: ranks, directions,
 * truncation, outer addresses, conjunctions, cookies, what is skipped and
 * why, and that compiling one source agrees with compiling everything.
 */
#include <config.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "svec.h"
#include "tm-bindings.h"
#include "tm-compile.h"
#include "tm-flow.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-ranges.h"
#include "tm-test.h"
#include "tm-validate.h"
#include "util.h"

/* A hypervisor with a source (ofport 1), a client (2) and two targets (3
 * and 4), used by most tests.  '%s' in the template is replaced with the
 * filters and sessions of each test. */
static const char base_ports[] =
    "\"ports\": ["
    "  {\"id\": \"src\", \"mac_address\": \"fa:16:3e:00:00:01\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\"},"
    "                   {\"ip_address\": \"2001:db8::1\"}]},"
    "  {\"id\": \"client\", \"mac_address\": \"fa:16:3e:00:00:02\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.2\"}]},"
    "  {\"id\": \"t1\", \"mac_address\": \"fa:16:3e:00:00:03\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.3\"}]},"
    "  {\"id\": \"t2\", \"mac_address\": \"fa:16:3e:00:00:04\","
    "   \"fixed_ips\": [{\"ip_address\": \"2001:db8::4\"}]}],"
    "\"loadbalancers\": [{\"id\": \"lb\", \"vip_address\": \"10.9.9.9\"}]";

struct fixture {
    struct tm_model model;
    struct tm_bindings bindings;
    struct tm_flow_table flows;
    struct svec warnings;
};

/* Loads 'body' (the members after "ports" and "loadbalancers") as a valid
 * model, binds src/client/t1/t2 to ofports 1-4 with the tunnel at 10, and
 * compiles it. */
static void
fixture_compile_with(struct fixture *f, const char *body, uint32_t mtu,
                     bool nonlocal_src, uint16_t tunnel_ofport)
{
    char *text = xasprintf("{%s, %s}", base_ports, body);

    tm_model_init(&f->model);
    TM_ASSERT_OK(tm_model_from_string(text, &f->model));
    TM_ASSERT_OK(tm_model_validate(&f->model));
    free(text);

    tm_bindings_init(&f->bindings);
    tm_bindings_set(&f->bindings, "src", 1);
    tm_bindings_set(&f->bindings, "client", 2);
    tm_bindings_set(&f->bindings, "t1", 3);
    tm_bindings_set(&f->bindings, "t2", 4);
    f->bindings.tunnel_ofport = tunnel_ofport;
    f->bindings.tunnel_mtu = mtu;
    f->bindings.nonlocal_src = nonlocal_src;

    tm_flow_table_init(&f->flows);
    svec_init(&f->warnings);
    tm_compile(&f->model, &f->bindings, &f->flows, &f->warnings);
}

static void
fixture_compile(struct fixture *f, const char *body)
{
    fixture_compile_with(f, body, 1500, true, 10);
}

static void
fixture_destroy(struct fixture *f)
{
    tm_flow_table_destroy(&f->flows);
    svec_destroy(&f->warnings);
    tm_bindings_destroy(&f->bindings);
    tm_model_destroy(&f->model);
}

/* Returns how many flows of 'table' have 'needle' in their match and, if
 * 'actions' is nonnull, in their actions. */
static size_t
count_flows(const struct tm_flow_table *flows, uint8_t table,
            const char *needle, const char *actions)
{
    const struct tm_flow *flow;
    size_t n = 0;

    HMAP_FOR_EACH (flow, node, &flows->flows) {
        if (flow->table_id == table && strstr(flow->match, needle)
            && (!actions || strstr(flow->actions, actions))) {
            n++;
        }
    }
    return n;
}

/* Returns the only flow of 'table' whose match contains 'needle'. */
static const struct tm_flow *
only_flow(const struct tm_flow_table *flows, uint8_t table,
          const char *needle)
{
    const struct tm_flow *flow, *found = NULL;
    size_t n = 0;

    HMAP_FOR_EACH (flow, node, &flows->flows) {
        if (flow->table_id == table && strstr(flow->match, needle)) {
            found = flow;
            n++;
        }
    }
    CU_ASSERT_EQUAL(n, 1);
    return n == 1 ? found : NULL;
}

static bool
has_warning(const struct svec *warnings, const char *needle)
{
    const char *w;
    size_t i;

    SVEC_FOR_EACH (i, w, warnings) {
        if (strstr(w, needle)) {
            return true;
        }
    }
    return false;
}

/* A session on "src" toward "t1" with one filter of 'rules' (a JSON list
 * of ingress rules) and 'egress' (a JSON list of egress rules). */
#define ONE_SESSION(INGRESS, EGRESS, EXTRA)                             \
    "\"traffic_mirror_filters\": [{\"id\": \"f\","                     \
    " \"ingress_rules\": " INGRESS ", \"egress_rules\": " EGRESS "}],"  \
    "\"traffic_mirror_sessions\": [{\"id\": \"s\", \"priority\": 1,"    \
    " \"enabled\": true, \"traffic_mirror_filter_id\": \"f\","          \
    " \"traffic_mirror_sources\": [\"src\"],"                           \
    " \"traffic_mirror_target_id\": \"t1\","                            \
    " \"traffic_mirror_target_type\": \"eni\"" EXTRA "}]"

static void
test_max_len(void)
{
    /* Packet length wins when it fits. */
    CU_ASSERT_EQUAL(tm_compile_max_len(96, 1500, AF_INET), 96);
    CU_ASSERT_EQUAL(tm_compile_max_len(1460, 1500, AF_INET), 1460);
    /* 1500 - 36 = 1464 is the largest inner frame on IPv4. */
    CU_ASSERT_EQUAL(tm_compile_max_len(1464, 1500, AF_INET), 1464);
    CU_ASSERT_EQUAL(tm_compile_max_len(1465, 1500, AF_INET), 1464);
    /* The example: MTU 1400 cuts 1460 to 1364 (IPv4), 1344
     * (IPv6). */
    CU_ASSERT_EQUAL(tm_compile_max_len(1460, 1400, AF_INET), 1364);
    CU_ASSERT_EQUAL(tm_compile_max_len(1460, 1400, AF_INET6), 1344);
    CU_ASSERT_EQUAL(tm_compile_max_len(1344, 1400, AF_INET6), 1344);
    CU_ASSERT_EQUAL(tm_compile_max_len(1345, 1400, AF_INET6), 1344);
    /* Never below an Ethernet header, which OVS refuses to cut into. */
    CU_ASSERT_EQUAL(tm_compile_max_len(1, 1500, AF_INET), 14);
    CU_ASSERT_EQUAL(tm_compile_max_len(14, 1500, AF_INET), 14);
    CU_ASSERT_EQUAL(tm_compile_max_len(15, 1500, AF_INET), 15);
    CU_ASSERT_EQUAL(tm_compile_max_len(96, 40, AF_INET), 14);
    CU_ASSERT_EQUAL(tm_compile_max_len(96, 36, AF_INET), 14);
}

static void
test_truncation_in_flows(void)
{
    struct fixture f;

    fixture_compile_with(&f, ONE_SESSION(
        "[{\"id\": \"r\", \"priority\": 1, \"action\": \"accept\"}]", "[]",
        ", \"packet_length\": 1460"), 1400, true, 10);
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_IN, "reg15=0x1",
                                "max_len=1364"), 1);
    fixture_destroy(&f);
}

/* Ranks: session priority first, then rule priority, whatever the input
 * order, each rule one priority step below the one before. */
static void
test_ranks(void)
{
    struct fixture f;
    const struct tm_flow *flow;

    fixture_compile(&f,
        "\"traffic_mirror_filters\": ["
        " {\"id\": \"fa\", \"ingress_rules\": ["
        "   {\"id\": \"a20\", \"priority\": 20, \"action\": \"accept\","
        "    \"protocol\": \"udp\"},"
        "   {\"id\": \"a10\", \"priority\": 10, \"action\": \"reject\","
        "    \"protocol\": \"tcp\"}]},"
        " {\"id\": \"fb\", \"ingress_rules\": ["
        "   {\"id\": \"b1\", \"priority\": 1, \"action\": \"accept\","
        "    \"protocol\": \"icmp\"}]}],"
        "\"traffic_mirror_sessions\": ["
        " {\"id\": \"sb\", \"priority\": 7, \"enabled\": true,"
        "  \"traffic_mirror_filter_id\": \"fb\","
        "  \"traffic_mirror_sources\": [\"src\"],"
        "  \"traffic_mirror_target_id\": \"t1\","
        "  \"traffic_mirror_target_type\": \"eni\"},"
        " {\"id\": \"sa\", \"priority\": 3, \"enabled\": true,"
        "  \"traffic_mirror_filter_id\": \"fa\","
        "  \"traffic_mirror_sources\": [\"src\"],"
        "  \"traffic_mirror_target_id\": \"lb\","
        "  \"traffic_mirror_target_type\": \"elb\"}]");

    /* Session sa (priority 3) before sb (7); within sa, a10 before a20. */
    flow = only_flow(&f.flows, TM_TABLE_MIRROR_IN, ",tcp");
    CU_ASSERT(flow && flow->priority == TM_PRIO_RULE_TOP);
    CU_ASSERT(flow && !strstr(flow->actions, "clone"));
    flow = only_flow(&f.flows, TM_TABLE_MIRROR_IN, ",udp");
    CU_ASSERT(flow && flow->priority == TM_PRIO_RULE_TOP - 1);
    CU_ASSERT(flow && strstr(flow->actions, "10.9.9.9->tun_dst"));
    flow = only_flow(&f.flows, TM_TABLE_MIRROR_IN, ",icmp");
    CU_ASSERT(flow && flow->priority == TM_PRIO_RULE_TOP - 2);
    CU_ASSERT(flow && strstr(flow->actions, "10.0.0.3->tun_dst"));
    CU_ASSERT_EQUAL(f.warnings.n, 0);
    fixture_destroy(&f);
}

/* Egress rules match in_port in the outbound table; ingress rules match
 * the output register in the inbound table; reject continues without a
 * copy; accept copies once and continues to the next stage. */
static void
test_directions_and_actions(void)
{
    struct fixture f;
    const struct tm_flow *flow;

    fixture_compile(&f, ONE_SESSION(
        "[{\"id\": \"in\", \"priority\": 1, \"action\": \"reject\","
        "  \"protocol\": \"tcp\"}]",
        "[{\"id\": \"out\", \"priority\": 1, \"action\": \"accept\","
        "  \"protocol\": \"udp\", \"destination_port_range\": \"53-53\"}]",
        ", \"virtual_network_id\": 4660"));

    flow = only_flow(&f.flows, TM_TABLE_MIRROR_OUT, "in_port=1,");
    CU_ASSERT_STRING_EQUAL(flow ? flow->match : "", "in_port=1,udp,tp_dst=53");
    CU_ASSERT_STRING_EQUAL(
        flow ? flow->actions : "",
        "clone(set_field:10.0.0.3->tun_dst,set_field:0x1234->tun_id,"
        "set_field:10.0.0.1->tun_src,output(port=10,max_len=96)),"
        "resubmit(,30)");

    flow = only_flow(&f.flows, TM_TABLE_MIRROR_IN, "reg15=0x1,");
    CU_ASSERT_STRING_EQUAL(flow ? flow->match : "", "reg15=0x1,tcp");
    CU_ASSERT_STRING_EQUAL(flow ? flow->actions : "", "resubmit(,60)");
    fixture_destroy(&f);
}

/* Outer source: the VM's own IP only with a patched OVS, and only of the
 * target's family; an IPv6 target gets an IPv6 underlay. */
static void
test_outer_addresses(void)
{
    const char *body = ONE_SESSION(
        "[{\"id\": \"r\", \"priority\": 1, \"action\": \"accept\"}]", "[]",
        "");
    struct fixture f;
    const struct tm_flow *flow;

    fixture_compile_with(&f, body, 1500, false, 10);
    flow = only_flow(&f.flows, TM_TABLE_MIRROR_IN, "reg15=0x1,");
    CU_ASSERT(flow && !strstr(flow->actions, "tun_src"));
    fixture_destroy(&f);

    /* Target t2 is IPv6-only. */
    char *v6 = xstrdup(body);
    char *t1 = strstr(v6, "\"t1\"");
    t1[2] = '2';
    fixture_compile_with(&f, v6, 1500, true, 10);
    flow = only_flow(&f.flows, TM_TABLE_MIRROR_IN, "reg15=0x1,");
    CU_ASSERT(flow && strstr(flow->actions,
                             "set_field:2001:db8::4->tun_ipv6_dst,"));
    CU_ASSERT(flow && strstr(flow->actions,
                             "set_field:2001:db8::1->tun_ipv6_src,"));
    CU_ASSERT(flow && strstr(flow->actions, "max_len=96"));
    fixture_destroy(&f);

    /* A source without an address of the target's family (client has
     * IPv4 only): no outer source in the flow, and a warning that says
     * the hypervisor's address is used. */
    char *at = strstr(v6, "[\"src\"]");
    char *client = xasprintf("%.*s[\"client\"]%s", (int) (at - v6), v6,
                             at + strlen("[\"src\"]"));
    fixture_compile_with(&f, client, 1500, true, 10);
    flow = only_flow(&f.flows, TM_TABLE_MIRROR_IN, "reg15=0x2,");
    CU_ASSERT(flow && !strstr(flow->actions, "tun_ipv6_src"));
    CU_ASSERT(has_warning(&f.warnings, "session \"s\": source \"client\" "
                          "has no IPv6 address"));
    fixture_destroy(&f);
    free(client);
    free(v6);
}

/* Cross product while it is no larger than a conjunction, conjunction
 * beyond. */
static void
test_conjunction_threshold(void)
{
    struct fixture f;

    /* 2 x 2 = 4 flows <= 2 + 2 + 1: cross product. */
    fixture_compile(&f, ONE_SESSION("[]",
        "[{\"id\": \"r\", \"priority\": 1, \"action\": \"accept\","
        "  \"protocol\": \"tcp\", \"source_port_range\": \"6-9\","
        "  \"destination_port_range\": \"6-9\"}]", ""));
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_OUT, "in_port=1,",
                                NULL), 4);
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_OUT, "conj_id",
                                NULL), 0);
    fixture_destroy(&f);

    /* 3 x 3 = 9 > 3 + 3 + 1: conjunction, with the copy on the conj_id
     * flow only. */
    fixture_compile(&f, ONE_SESSION("[]",
        "[{\"id\": \"r\", \"priority\": 1, \"action\": \"accept\","
        "  \"protocol\": \"tcp\", \"source_port_range\": \"6-10\","
        "  \"destination_port_range\": \"6-10\"}]", ""));
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_OUT, "in_port=1,",
                                NULL), 7);
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_OUT, "tp_src",
                                "conjunction(256,1/2)"), 3);
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_OUT, "tp_dst",
                                "conjunction(256,2/2)"), 3);
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_OUT,
                                "conj_id=256,in_port=1,tcp", "clone("), 1);
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_OUT, "",
                                "clone("), 1);
    fixture_destroy(&f);
}

/* Every mirror flow's cookie names its session and rule, and the rule's
 * direction matches the table. */
static void
test_cookies(void)
{
    struct fixture f;
    const struct tm_flow *flow;
    size_t n_mirror = 0;

    fixture_compile(&f, ONE_SESSION(
        "[{\"id\": \"in\", \"priority\": 1, \"action\": \"accept\","
        "  \"protocol\": \"tcp\", \"destination_port_range\": \"1-1000\"}]",
        "[{\"id\": \"out\", \"priority\": 1, \"action\": \"reject\"}]", ""));

    HMAP_FOR_EACH (flow, node, &f.flows.flows) {
        CU_ASSERT(tm_cookie_is_ours(flow->cookie));
        if (!tm_cookie_rule(flow->cookie)) {
            CU_ASSERT_EQUAL(tm_cookie_session(flow->cookie), 0);
            continue;
        }
        n_mirror++;
        const struct tm_session *s = tm_model_find_session(&f.model, "s");
        const struct tm_rule *in = tm_model_find_rule(&f.model, "in");
        const struct tm_rule *out = tm_model_find_rule(&f.model, "out");
        CU_ASSERT_EQUAL(tm_cookie_session(flow->cookie), s->key);
        CU_ASSERT_EQUAL(tm_cookie_rule(flow->cookie),
                        flow->table_id == TM_TABLE_MIRROR_IN
                        ? in->key : out->key);
    }
    /* One flow per mask of 1-1000 (15 of them), plus the reject rule. */
    struct tm_masked_port masks[TM_RANGE_MAX_MASKS];
    CU_ASSERT_EQUAL(tm_range_to_masks(1, 1000, masks), 15);
    CU_ASSERT_EQUAL(n_mirror, 15 + 1);

    CU_ASSERT(tm_cookie_is_ours(tm_cookie(0xffffff, 0xffffff)));
    CU_ASSERT(!tm_cookie_is_ours(0));
    CU_ASSERT(!tm_cookie_is_ours(UINT64_C(0x746c000000000001)));
    CU_ASSERT_EQUAL(tm_cookie_session(tm_cookie(0x123456, 0xabcdef)),
                    0x123456);
    CU_ASSERT_EQUAL(tm_cookie_rule(tm_cookie(0x123456, 0xabcdef)),
                    0xabcdef);
    fixture_destroy(&f);
}

/* Disabled sessions and sources bound elsewhere compile to nothing.  Mirror
 * rule flows are told apart from the pipeline's by their protocol keyword
 * (",ip": these rules are protocol all). */
static void
test_disabled_and_unbound(void)
{
    struct fixture f;
    const char *rules = "[{\"id\": \"r\", \"priority\": 1, "
                        "\"action\": \"accept\"}]";
    char *body;

    body = xasprintf("\"traffic_mirror_filters\": [{\"id\": \"f\", "
                     "\"ingress_rules\": %s}], "
                     "\"traffic_mirror_sessions\": ["
                     "{\"id\": \"off\", \"priority\": 1, \"enabled\": false, "
                     "\"traffic_mirror_filter_id\": \"f\", "
                     "\"traffic_mirror_sources\": [\"src\"], "
                     "\"traffic_mirror_target_id\": \"t1\", "
                     "\"traffic_mirror_target_type\": \"eni\"}]", rules);
    fixture_compile(&f, body);
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_IN, ",ip", NULL),
                    0);
    fixture_destroy(&f);
    free(body);

    /* Enabled, but the source is not bound on this hypervisor. */
    fixture_compile(&f, ONE_SESSION("[{\"id\": \"r\", \"priority\": 1, "
                                    "\"action\": \"accept\"}]", "[]", ""));
    struct tm_flow_table flows;
    struct svec warnings = SVEC_EMPTY_INITIALIZER;
    struct tm_bindings other;
    tm_bindings_init(&other);
    tm_bindings_set(&other, "client", 2);
    other.tunnel_ofport = 10;
    tm_flow_table_init(&flows);
    tm_compile(&f.model, &other, &flows, &warnings);
    CU_ASSERT_EQUAL(count_flows(&flows, TM_TABLE_MIRROR_IN, ",ip", NULL),
                    0);
    CU_ASSERT_EQUAL(count_flows(&flows, TM_TABLE_MIRROR_OUT, "in_port",
                                NULL), 0);
    tm_compile_source(&f.model, &other, "src", &flows, &warnings);
    CU_ASSERT_EQUAL(count_flows(&flows, TM_TABLE_MIRROR_IN, ",ip", NULL),
                    0);
    tm_flow_table_destroy(&flows);
    svec_destroy(&warnings);
    tm_bindings_destroy(&other);
    fixture_destroy(&f);
}

/* What can't be compiled is skipped with a warning, never silently, and
 * does not stop the rest. */
static void
test_skips_are_loud(void)
{
    const char *rule = "[{\"id\": \"r\", \"priority\": 1, "
                       "\"action\": \"accept\"}]";
    struct fixture f;

    /* No tunnel port yet. */
    fixture_compile_with(&f, ONE_SESSION("[{\"id\": \"r\", \"priority\": 1, "
                                         "\"action\": \"accept\"}]", "[]",
                                         ""), 1500, true, 0);
    CU_ASSERT(has_warning(&f.warnings, "tunnel port"));
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_IN, "reg15=0x1,",
                                NULL), 0);
    fixture_destroy(&f);

    /* A session whose filter vanished (the controller compiles what it
     * reads even if another writer broke it) next to a good one. */
    fixture_compile(&f, ONE_SESSION("[{\"id\": \"r\", \"priority\": 1, "
                                    "\"action\": \"accept\"}]", "[]", ""));
    struct tm_session *bad = tm_model_add_session(&f.model, "bad");
    free(bad->filter_id);
    bad->filter_id = xstrdup("gone");
    free(bad->target_id);
    bad->target_id = xstrdup("t1");
    bad->priority = 2;
    bad->enabled = true;
    tm_session_add_source(bad, "src");
    struct tm_session *nowhere = tm_model_add_session(&f.model, "nowhere");
    nowhere->filter_id = xstrdup("f");
    nowhere->target_id = xstrdup("no-such-port");
    nowhere->priority = 3;
    nowhere->enabled = true;
    tm_session_add_source(nowhere, "src");
    TM_ASSERT_OK(tm_model_index(&f.model));

    tm_flow_table_clear(&f.flows);
    svec_clear(&f.warnings);
    tm_compile(&f.model, &f.bindings, &f.flows, &f.warnings);
    CU_ASSERT(has_warning(&f.warnings, "session \"bad\" skipped"));
    CU_ASSERT(has_warning(&f.warnings, "session \"nowhere\" skipped"));
    CU_ASSERT_EQUAL(count_flows(&f.flows, TM_TABLE_MIRROR_IN, "reg15=0x1,",
                                "clone"), 1);

    /* An interface whose iface-id the model does not know: said once,
     * with its OpenFlow port, also on a host that runs only the mirror
     * stages. */
    tm_bindings_set(&f.bindings, "ghost", 77);
    for (int mirror_only = 0; mirror_only < 2; mirror_only++) {
        f.bindings.mirror_only = mirror_only;
        tm_flow_table_clear(&f.flows);
        svec_clear(&f.warnings);
        tm_compile(&f.model, &f.bindings, &f.flows, &f.warnings);
        CU_ASSERT(has_warning(&f.warnings, "bound port \"ghost\" "
                              "(OpenFlow port 77) is not in the model"));
        size_t n = 0;
        for (size_t i = 0; i < f.warnings.n; i++) {
            n += strstr(f.warnings.names[i], "not in the model") != NULL;
        }
        CU_ASSERT_EQUAL(n, 1);
    }
    fixture_destroy(&f);
    (void) rule;
}

/* Compiling the pipeline plus each source on its own gives exactly what
 * compiling everything gives: the controller's incremental path can't
 * drift from the full one. */
static void
test_incremental_matches_full(void)
{
    struct fixture f;
    struct tm_flow_table parts;
    struct svec warnings = SVEC_EMPTY_INITIALIZER;
    struct tm_flow_diff diff;

    fixture_compile(&f,
        "\"traffic_mirror_filters\": ["
        " {\"id\": \"f1\", \"ingress_rules\": ["
        "   {\"id\": \"r1\", \"priority\": 5, \"action\": \"accept\","
        "    \"protocol\": \"tcp\", \"source_port_range\": \"1000-2000\","
        "    \"destination_port_range\": \"1024-65535\"}],"
        "  \"egress_rules\": ["
        "   {\"id\": \"r2\", \"priority\": 5, \"action\": \"reject\","
        "    \"source_cidr_block\": \"10.0.0.0/8\"},"
        "   {\"id\": \"r3\", \"priority\": 6, \"action\": \"accept\"}]}],"
        "\"traffic_mirror_sessions\": ["
        " {\"id\": \"s1\", \"priority\": 1, \"enabled\": true,"
        "  \"traffic_mirror_filter_id\": \"f1\","
        "  \"traffic_mirror_sources\": [\"src\", \"client\"],"
        "  \"traffic_mirror_target_id\": \"t1\","
        "  \"traffic_mirror_target_type\": \"eni\"},"
        " {\"id\": \"s2\", \"priority\": 2, \"enabled\": true,"
        "  \"traffic_mirror_filter_id\": \"f1\","
        "  \"traffic_mirror_sources\": [\"src\"],"
        "  \"traffic_mirror_target_id\": \"lb\","
        "  \"traffic_mirror_target_type\": \"elb\"}]");

    tm_flow_table_init(&parts);
    tm_compile_pipeline(&f.model, &f.bindings, &parts, &warnings);
    tm_compile_source(&f.model, &f.bindings, "src", &parts, &warnings);
    tm_compile_source(&f.model, &f.bindings, "client", &parts, &warnings);
    tm_compile_source(&f.model, &f.bindings, "t1", &parts, &warnings);

    tm_flow_table_diff(&f.flows, &parts, &diff);
    CU_ASSERT_EQUAL(diff.n_adds, 0);
    CU_ASSERT_EQUAL(diff.n_mods, 0);
    CU_ASSERT_EQUAL(diff.n_dels, 0);
    CU_ASSERT(tm_flow_table_count(&parts) > 30);
    tm_flow_diff_destroy(&diff);

    /* And the same model compiles to the same text twice. */
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    tm_flow_table_format(&f.flows, &a);
    tm_flow_table_format(&parts, &b);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&a), ds_cstr(&b));
    ds_destroy(&a);
    ds_destroy(&b);

    tm_flow_table_destroy(&parts);
    svec_destroy(&warnings);
    fixture_destroy(&f);
}

/* A change to one session's rule changes only that source's flows. */
static void
test_change_touches_one_source(void)
{
    struct fixture f;
    struct tm_flow_table before;
    struct tm_flow_diff diff;

    fixture_compile(&f,
        "\"traffic_mirror_filters\": ["
        " {\"id\": \"f1\", \"ingress_rules\": ["
        "   {\"id\": \"r1\", \"priority\": 5, \"action\": \"accept\"}]},"
        " {\"id\": \"f2\", \"ingress_rules\": ["
        "   {\"id\": \"r2\", \"priority\": 5, \"action\": \"accept\","
        "    \"protocol\": \"udp\"}]}],"
        "\"traffic_mirror_sessions\": ["
        " {\"id\": \"s1\", \"priority\": 1, \"enabled\": true,"
        "  \"traffic_mirror_filter_id\": \"f1\","
        "  \"traffic_mirror_sources\": [\"src\"],"
        "  \"traffic_mirror_target_id\": \"t1\","
        "  \"traffic_mirror_target_type\": \"eni\"},"
        " {\"id\": \"s2\", \"priority\": 1, \"enabled\": true,"
        "  \"traffic_mirror_filter_id\": \"f2\","
        "  \"traffic_mirror_sources\": [\"client\"],"
        "  \"traffic_mirror_target_id\": \"t1\","
        "  \"traffic_mirror_target_type\": \"eni\"}]");

    tm_flow_table_init(&before);
    tm_flow_table_merge(&before, &f.flows);
    tm_model_find_rule(&f.model, "r2")->src_ports
        = (struct tm_port_range) { .set = true, .min = 53, .max = 53 };
    tm_compile(&f.model, &f.bindings, &f.flows, &f.warnings);

    tm_flow_table_diff(&f.flows, &before, &diff);
    CU_ASSERT_EQUAL(diff.n_adds, 1);
    CU_ASSERT_EQUAL(diff.n_dels, 1);
    CU_ASSERT_EQUAL(diff.n_mods, 0);
    CU_ASSERT(diff.n_adds == 1
              && !strcmp(diff.adds[0]->match, "reg15=0x2,udp,tp_src=53"));
    CU_ASSERT(diff.n_dels == 1
              && !strcmp(diff.dels[0]->match, "reg15=0x2,udp"));
    tm_flow_diff_destroy(&diff);
    tm_flow_table_destroy(&before);
    fixture_destroy(&f);
}

/* The forwarding pipeline: every bound port classified, every known MAC
 * forwarded, floods never back to the input port, unknown unicast to the
 * uplink or dropped. */
static void
test_pipeline(void)
{
    struct fixture f;
    const struct tm_flow *flow;

    fixture_compile(&f, ONE_SESSION("[]", "[]", ""));
    for (int port = 1; port <= 4; port++) {
        char match[32];
        snprintf(match, sizeof match, "in_port=%d", port);
        CU_ASSERT_PTR_NOT_NULL(tm_flow_table_find(
            &f.flows, TM_TABLE_CLASSIFY, TM_PRIO_PORT, match));

        snprintf(match, sizeof match, "dl_dst=fa:16:3e:00:00:%02d", port);
        flow = tm_flow_table_find(&f.flows, TM_TABLE_L2, TM_PRIO_PORT,
                                  match);
        char load[64];
        snprintf(load, sizeof load, "load:%#x->NXM_NX_REG15[]", port);
        CU_ASSERT(flow && strstr(flow->actions, load));

        snprintf(match, sizeof match, "in_port=%d,dl_dst=01", port);
        flow = only_flow(&f.flows, TM_TABLE_L2, match);
        CU_ASSERT(flow && !strstr(flow->actions, load));
        CU_ASSERT(flow && strstr(flow->actions, "load:0xfffe->"));
    }
    flow = tm_flow_table_find(&f.flows, TM_TABLE_L2, TM_PRIO_DEFAULT, "");
    CU_ASSERT_STRING_EQUAL(flow ? flow->actions : "", "drop");
    fixture_destroy(&f);

    fixture_compile(&f, ONE_SESSION("[]", "[]", ""));
    f.bindings.uplink_ofport = 9;
    tm_flow_table_clear(&f.flows);
    tm_compile(&f.model, &f.bindings, &f.flows, &f.warnings);
    flow = tm_flow_table_find(&f.flows, TM_TABLE_L2, TM_PRIO_DEFAULT, "");
    CU_ASSERT_STRING_EQUAL(flow ? flow->actions : "",
                           "load:0x9->NXM_NX_REG15[],resubmit(,40)");
    CU_ASSERT_PTR_NOT_NULL(tm_flow_table_find(
        &f.flows, TM_TABLE_L2, TM_PRIO_FLOOD,
        "in_port=9,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00"));
    /* Mirror copies back through LOCAL skip the inbound stage. */
    flow = tm_flow_table_find(&f.flows, TM_TABLE_MIRROR_IN, TM_PRIO_SKIP,
                              "reg13=0x1/0x1");
    CU_ASSERT_STRING_EQUAL(flow ? flow->actions : "", "resubmit(,60)");
    fixture_destroy(&f);
}

static void
test_bindings_json(void)
{
    struct tm_bindings b;
    struct json *json;

    tm_bindings_init(&b);
    json = json_from_string("{\"ports\": {\"a\": 1, \"b\": 65279}, "
                            "\"uplink\": 7, \"local_mac\": "
                            "\"fa:16:3e:00:00:01\", \"tunnel\": {\"ofport\": "
                            "10, \"mtu\": 9000, \"nonlocal_src\": true}}");
    TM_ASSERT_OK(tm_bindings_from_json(json, &b));
    CU_ASSERT_EQUAL(tm_bindings_find(&b, "a")->ofport, 1);
    CU_ASSERT_EQUAL(tm_bindings_find(&b, "b")->ofport, 65279);
    CU_ASSERT_EQUAL(b.uplink_ofport, 7);
    CU_ASSERT_EQUAL(b.tunnel_ofport, 10);
    CU_ASSERT_EQUAL(b.tunnel_mtu, 9000);
    CU_ASSERT(b.nonlocal_src && b.has_local_mac);
    json_destroy(json);
    tm_bindings_destroy(&b);

    static const struct {
        const char *json;
        const char *field;
        const char *limit;
    } bad[] = {
        { "{\"ports\": {\"a\": 0}}", "ports.a", "1-65279" },
        { "{\"ports\": {\"a\": 65280}}", "ports.a", "1-65279" },
        { "{\"ports\": {\"a\": \"1\"}}", "ports.a", "integer" },
        { "{\"tunnel\": {\"mtu\": 67}}", "tunnel.mtu", "68-65535" },
        { "{\"tunnel\": {\"mtu\": 65536}}", "tunnel.mtu", "68-65535" },
        { "{\"tunnel\": {\"ofprot\": 1}}", "tunnel.ofprot", "unknown" },
        { "{\"uplnk\": 1}", "uplnk", "unknown" },
        { "{\"local_mac\": \"01:00:00:00:00:00\"}", "local_mac",
          "multicast" },
        /* Two things on one OpenFlow port. */
        { "{\"ports\": {\"a\": 5, \"b\": 5}}", "OpenFlow port 5",
          "port \"a\" and port \"b\"" },
        { "{\"ports\": {\"a\": 5}, \"uplink\": 5}", "OpenFlow port 5",
          "the uplink" },
        { "{\"ports\": {\"a\": 5}, \"tunnel\": {\"ofport\": 5}}",
          "OpenFlow port 5", "the mirror tunnel" },
        { "{\"uplink\": 9, \"tunnel\": {\"ofport\": 9}}", "port 9",
          "the mirror tunnel and the uplink" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        tm_bindings_init(&b);
        json = json_from_string(bad[i].json);
        TM_ASSERT_ERROR(tm_bindings_from_json(json, &b), bad[i].field,
                        bad[i].limit);
        json_destroy(json);
        tm_bindings_destroy(&b);
    }

    /* The edges that are valid. */
    tm_bindings_init(&b);
    json = json_from_string("{\"tunnel\": {\"mtu\": 68}}");
    TM_ASSERT_OK(tm_bindings_from_json(json, &b));
    CU_ASSERT_EQUAL(b.tunnel_mtu, 68);
    json_destroy(json);
    tm_bindings_destroy(&b);
}

/* The compiler does not trust its input: bindings that put two ports on
 * one OpenFlow port (the controller may see that for a moment while OVS
 * renumbers) give a warning, not a crash or a silently wrong table. */
static void
test_conflicting_bindings(void)
{
    struct fixture f;

    fixture_compile(&f, ONE_SESSION("[{\"id\": \"r\", \"priority\": 1, "
                                    "\"action\": \"accept\"}]", "[]", ""));
    TM_ASSERT_OK(tm_bindings_check(&f.bindings));
    tm_bindings_set(&f.bindings, "client", 1);
    TM_ASSERT_ERROR(tm_bindings_check(&f.bindings), "OpenFlow port 1",
                    "port \"client\" and port \"src\"");
    tm_flow_table_clear(&f.flows);
    svec_clear(&f.warnings);
    tm_compile(&f.model, &f.bindings, &f.flows, &f.warnings);
    CU_ASSERT(has_warning(&f.warnings, "conflicting flows for table=0"));
    CU_ASSERT_PTR_NOT_NULL(tm_flow_table_find(&f.flows, TM_TABLE_CLASSIFY,
                                              TM_PRIO_PORT, "in_port=1"));
    fixture_destroy(&f);
}

static int
compile_suite(void)
{
    CU_pSuite suite = CU_add_suite("compile", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "max_len", test_max_len)
        || !CU_add_test(suite, "truncation_in_flows",
                        test_truncation_in_flows)
        || !CU_add_test(suite, "ranks", test_ranks)
        || !CU_add_test(suite, "directions_and_actions",
                        test_directions_and_actions)
        || !CU_add_test(suite, "outer_addresses", test_outer_addresses)
        || !CU_add_test(suite, "conjunction_threshold",
                        test_conjunction_threshold)
        || !CU_add_test(suite, "cookies", test_cookies)
        || !CU_add_test(suite, "disabled_and_unbound",
                        test_disabled_and_unbound)
        || !CU_add_test(suite, "skips_are_loud", test_skips_are_loud)
        || !CU_add_test(suite, "incremental_matches_full",
                        test_incremental_matches_full)
        || !CU_add_test(suite, "change_touches_one_source",
                        test_change_touches_one_source)
        || !CU_add_test(suite, "pipeline", test_pipeline)
        || !CU_add_test(suite, "bindings_json", test_bindings_json)
        || !CU_add_test(suite, "conflicting_bindings",
                        test_conflicting_bindings)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(compile_suite);

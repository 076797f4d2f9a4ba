/*
 * Unit tests for incremental compilation (lib/tm-engine.c) and canonical
 * flow text (lib/tm-ofp.c).
 *
 * The engine must always leave the desired flows equal to a full compile
 * of the same model and bindings, whatever changed; and it must compile
 * again only the sources a change touches.  Each test changes one thing
 * the compiler reads, runs the engine, and checks both.
 */
#include <config.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "svec.h"
#include "tm-bindings.h"
#include "tm-compile.h"
#include "tm-engine.h"
#include "tm-flow.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-ofp.h"
#include "tm-parse.h"
#include "tm-test.h"
#include "tm-validate.h"
#include "util.h"

/* Two sources ("a" on ofport 1 and "b" on 2), each in a session of its
 * own with a filter of its own, a target port "t" (3) and a load balancer;
 * "c" (4) is bound but mirrors nothing. */
static const char model_text[] = "{"
    "\"ports\": ["
    "  {\"id\": \"a\", \"mac_address\": \"fa:16:3e:00:00:01\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\"}]},"
    "  {\"id\": \"b\", \"mac_address\": \"fa:16:3e:00:00:02\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.2\"}]},"
    "  {\"id\": \"c\", \"mac_address\": \"fa:16:3e:00:00:04\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.4\"}]},"
    "  {\"id\": \"t\", \"mac_address\": \"fa:16:3e:00:00:03\","
    "   \"fixed_ips\": [{\"ip_address\": \"10.0.0.3\"}]}],"
    "\"loadbalancers\": [{\"id\": \"lb\", \"vip_address\": \"10.9.9.9\"}],"
    "\"traffic_mirror_filters\": ["
    "  {\"id\": \"fa\", \"ingress_rules\": [{\"id\": \"ra\", \"priority\": 1,"
    "    \"action\": \"accept\", \"protocol\": \"tcp\","
    "    \"destination_port_range\": \"80-90\"}],"
    "   \"egress_rules\": [{\"id\": \"ra2\", \"priority\": 2,"
    "    \"action\": \"reject\", \"protocol\": \"udp\","
    "    \"source_cidr_block\": \"10.1.0.0/16\"}]},"
    "  {\"id\": \"fb\", \"ingress_rules\": [{\"id\": \"rb\", \"priority\": 1,"
    "    \"action\": \"accept\", \"protocol\": \"all\"}]}],"
    "\"traffic_mirror_sessions\": ["
    "  {\"id\": \"sa\", \"traffic_mirror_filter_id\": \"fa\","
    "   \"traffic_mirror_sources\": [\"a\"], \"type\": \"eni\","
    "   \"traffic_mirror_target_id\": \"t\","
    "   \"traffic_mirror_target_type\": \"eni\", \"priority\": 1,"
    "   \"virtual_network_id\": 1, \"packet_length\": 96,"
    "   \"enabled\": true},"
    "  {\"id\": \"sb\", \"traffic_mirror_filter_id\": \"fb\","
    "   \"traffic_mirror_sources\": [\"b\"], \"type\": \"eni\","
    "   \"traffic_mirror_target_id\": \"lb\","
    "   \"traffic_mirror_target_type\": \"elb\", \"priority\": 2,"
    "   \"virtual_network_id\": 2, \"packet_length\": 1460,"
    "   \"enabled\": true}]}";

struct fixture {
    struct tm_model model;
    struct tm_bindings bindings;
    struct tm_engine engine;
    struct tm_engine_stats stats;
};

static void
fixture_init(struct fixture *f)
{
    tm_model_init(&f->model);
    TM_ASSERT_OK(tm_model_from_string(model_text, &f->model));
    TM_ASSERT_OK(tm_model_validate(&f->model));

    tm_bindings_init(&f->bindings);
    tm_bindings_set(&f->bindings, "a", 1);
    tm_bindings_set(&f->bindings, "b", 2);
    tm_bindings_set(&f->bindings, "t", 3);
    tm_bindings_set(&f->bindings, "c", 4);
    f->bindings.tunnel_ofport = 10;
    f->bindings.tunnel_mtu = 1500;
    f->bindings.nonlocal_src = true;
    f->bindings.uplink_ofport = 20;

    tm_engine_init(&f->engine);
    tm_engine_run(&f->engine, &f->model, &f->bindings, &f->stats);
}

static void
fixture_destroy(struct fixture *f)
{
    tm_engine_destroy(&f->engine);
    tm_bindings_destroy(&f->bindings);
    tm_model_destroy(&f->model);
}

/* Checks that the engine's flows are those of a full compile. */
static void
check_full(struct fixture *f)
{
    struct tm_flow_table raw, full;
    struct svec warnings;
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;

    tm_flow_table_init(&raw);
    tm_flow_table_init(&full);
    svec_init(&warnings);
    tm_compile(&f->model, &f->bindings, &raw, &warnings);
    tm_ofp_canonicalize_table(&raw, &full, &warnings);

    tm_flow_table_format(&full, &a);
    tm_flow_table_format(tm_engine_desired(&f->engine), &b);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&b), ds_cstr(&a));
    if (strcmp(ds_cstr(&a), ds_cstr(&b))) {
        fprintf(stderr, "\nfull:\n%s\nincremental:\n%s\n", ds_cstr(&a),
                ds_cstr(&b));
    }
    CU_ASSERT(tm_flow_table_count(&full) > 0);

    ds_destroy(&a);
    ds_destroy(&b);
    svec_destroy(&warnings);
    tm_flow_table_destroy(&raw);
    tm_flow_table_destroy(&full);
}

/* Runs the engine after a change and checks the result and how many
 * sources it compiled. */
static void
run_and_check(struct fixture *f, bool pipeline, size_t compiled,
              size_t removed)
{
    tm_engine_run(&f->engine, &f->model, &f->bindings, &f->stats);
    CU_ASSERT_EQUAL(f->stats.pipeline_compiled, pipeline);
    CU_ASSERT_EQUAL(f->stats.sources_compiled, compiled);
    CU_ASSERT_EQUAL(f->stats.sources_removed, removed);
    check_full(f);
}

static struct tm_rule *
rule(struct fixture *f, const char *id)
{
    return shash_find_data(&f->model.rule_index, id);
}

static struct tm_session *
session(struct fixture *f, const char *id)
{
    return tm_model_find_session(&f->model, id);
}

static void
set_string(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

static void
test_first_run(void)
{
    struct fixture f;

    fixture_init(&f);
    CU_ASSERT(f.stats.pipeline_compiled);
    CU_ASSERT_EQUAL(f.stats.sources_compiled, 2);
    check_full(&f);

    /* Nothing changed: nothing compiled. */
    run_and_check(&f, false, 0, 0);
    CU_ASSERT_EQUAL(f.stats.sources_kept, 2);
    CU_ASSERT_PTR_NOT_NULL(tm_engine_source_flows(&f.engine, "a"));
    CU_ASSERT_PTR_NULL(tm_engine_source_flows(&f.engine, "c"));
    fixture_destroy(&f);
}

/* Every field of a rule, alone, recompiles only the source whose session
 * uses the rule's filter. */
static void
test_rule_fields(void)
{
    struct fixture f;
    struct tm_rule *r;

    fixture_init(&f);
    r = rule(&f, "ra");
    r->priority = 5;
    run_and_check(&f, false, 1, 0);
    r->dst_ports.min = 81;
    run_and_check(&f, false, 1, 0);
    r->protocol = TM_PROTO_UDP;
    run_and_check(&f, false, 1, 0);
    r->action = TM_REJECT;
    run_and_check(&f, false, 1, 0);
    r->direction = TM_EGRESS;
    run_and_check(&f, false, 1, 0);
    TM_ASSERT_OK(tm_parse_cidr("cidr", "10.5.0.0/24", &r->dst));
    run_and_check(&f, false, 1, 0);
    TM_ASSERT_OK(tm_parse_cidr("cidr", "10.6.0.0/24", &r->src));
    run_and_check(&f, false, 1, 0);
    r->src_ports.set = true;
    r->src_ports.min = 1;
    r->src_ports.max = 1024;
    run_and_check(&f, false, 1, 0);
    r->key = 77;
    run_and_check(&f, false, 1, 0);

    /* The description is not compiled. */
    set_string(&r->description, "changed");
    run_and_check(&f, false, 0, 0);
    fixture_destroy(&f);
}

static void
test_session_fields(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    s = session(&f, "sb");
    s->priority = 9;
    run_and_check(&f, false, 1, 0);
    s->vni = 99;
    run_and_check(&f, false, 1, 0);
    s->packet_length = 100;
    run_and_check(&f, false, 1, 0);
    s->key = 12;
    run_and_check(&f, false, 1, 0);
    set_string(&s->target_id, "t");
    s->target_type = TM_TARGET_ENI;
    run_and_check(&f, false, 1, 0);
    set_string(&s->filter_id, "fa");
    run_and_check(&f, false, 1, 0);

    /* Disabled: source "b" has no session any more. */
    s->enabled = false;
    run_and_check(&f, false, 0, 1);
    s->enabled = true;
    run_and_check(&f, false, 1, 0);

    /* A second source for session "sa". */
    tm_session_add_source(session(&f, "sa"), "c");
    run_and_check(&f, false, 1, 0);
    fixture_destroy(&f);
}

static void
test_addresses(void)
{
    struct fixture f;
    struct tm_ip ip;

    fixture_init(&f);
    /* The target's address: only source "a" mirrors to "t". */
    TM_ASSERT_OK(tm_parse_ip("ip", "10.0.0.33", &ip));
    tm_model_find_port(&f.model, "t")->ips[0] = ip;
    run_and_check(&f, false, 1, 0);

    /* The load balancer's VIP: only "b". */
    TM_ASSERT_OK(tm_parse_ip("ip", "10.9.9.10", &ip));
    tm_model_find_lb(&f.model, "lb")->vip = ip;
    run_and_check(&f, false, 1, 0);

    /* A source's own address (the outer source). */
    TM_ASSERT_OK(tm_parse_ip("ip", "10.0.0.11", &ip));
    tm_model_find_port(&f.model, "a")->ips[0] = ip;
    run_and_check(&f, false, 1, 0);

    /* A MAC address: the pipeline only. */
    tm_model_find_port(&f.model, "c")->mac.ea[5] = 0x44;
    run_and_check(&f, true, 0, 0);
    fixture_destroy(&f);
}

static void
test_bindings(void)
{
    struct fixture f;

    fixture_init(&f);
    /* A source moves to another OpenFlow port. */
    tm_bindings_set(&f.bindings, "a", 5);
    run_and_check(&f, true, 1, 0);

    /* Tunnel facts concern every source. */
    f.bindings.tunnel_mtu = 1400;
    run_and_check(&f, false, 2, 0);
    f.bindings.nonlocal_src = false;
    run_and_check(&f, false, 2, 0);
    f.bindings.tunnel_ofport = 11;
    run_and_check(&f, true, 2, 0);
    f.bindings.uplink_ofport = 21;
    run_and_check(&f, true, 0, 0);
    f.bindings.mirror_only = true;
    run_and_check(&f, true, 2, 0);
    f.bindings.mirror_only = false;
    run_and_check(&f, true, 2, 0);

    /* A source goes away, and comes back. */
    tm_bindings_destroy(&f.bindings);
    tm_bindings_init(&f.bindings);
    tm_bindings_set(&f.bindings, "b", 2);
    f.bindings.tunnel_ofport = 11;
    f.bindings.tunnel_mtu = 1400;
    run_and_check(&f, true, 0, 1);
    tm_bindings_set(&f.bindings, "a", 1);
    run_and_check(&f, true, 1, 0);

    /* Forgetting everything compiles everything again, same result. */
    tm_engine_clear(&f.engine);
    run_and_check(&f, true, 2, 0);
    fixture_destroy(&f);
}

/* Two ports bound to one OpenFlow port for a moment (a hypervisor
 * changing): their flows collide, one part's are left out; once the
 * bindings are consistent again, the desired flows are a full compile's,
 * whichever part was compiled again or removed. */
/* Runs the engine and checks that its flows are a full compile's. */
static void
run_and_check_full(struct fixture *f)
{
    tm_engine_run(&f->engine, &f->model, &f->bindings, &f->stats);
    check_full(f);
}

static void
test_collisions(void)
{
    struct fixture f;

    fixture_init(&f);
    /* Sources "a" (port 1) and "c" (port 4) in the same session: on one
     * OpenFlow port, their flows have the same keys. */
    tm_session_add_source(tm_model_find_session(&f.model, "sa"), "c");
    run_and_check_full(&f);

    /* "c" on port 1 for a moment, then back: "c" is compiled again. */
    tm_bindings_set(&f.bindings, "c", 1);
    tm_engine_run(&f.engine, &f.model, &f.bindings, &f.stats);
    tm_bindings_set(&f.bindings, "c", 4);
    run_and_check_full(&f);

    /* "c" on port 1 again, then "a" moves away: "a" is compiled again,
     * and "c"'s flows, left out while they collided, must come in. */
    tm_bindings_set(&f.bindings, "c", 1);
    tm_engine_run(&f.engine, &f.model, &f.bindings, &f.stats);
    tm_bindings_set(&f.bindings, "a", 5);
    tm_engine_run(&f.engine, &f.model, &f.bindings, &f.stats);
    tm_bindings_set(&f.bindings, "c", 4);
    tm_bindings_set(&f.bindings, "a", 1);
    run_and_check_full(&f);

    /* An interface the model does not know is reported, once. */
    tm_bindings_set(&f.bindings, "ghost", 77);
    run_and_check_full(&f);
    struct svec w = SVEC_EMPTY_INITIALIZER;
    tm_engine_warnings(&f.engine, &w);
    size_t n = 0;
    for (size_t i = 0; i < w.n; i++) {
        n += !strcmp(w.names[i], "bound port \"ghost\" (OpenFlow port 77) "
                     "is not in the model");
    }
    CU_ASSERT_EQUAL(n, 1);
    svec_destroy(&w);

    /* A source that collided goes away altogether. */
    tm_bindings_set(&f.bindings, "c", 1);
    tm_engine_run(&f.engine, &f.model, &f.bindings, &f.stats);
    struct tm_bindings b;
    tm_bindings_init(&b);
    tm_bindings_set(&b, "a", 1);
    tm_bindings_set(&b, "b", 2);
    tm_bindings_set(&b, "t", 3);
    b.tunnel_ofport = 10;
    b.tunnel_mtu = 1500;
    b.nonlocal_src = true;
    b.uplink_ofport = 20;
    tm_bindings_destroy(&f.bindings);
    f.bindings = b;
    run_and_check_full(&f);
    fixture_destroy(&f);
}

/* Canonical text is a fixed point, and the encoded flow_mods do what
 * tm-ofp.h says. */
static void
test_canonical(void)
{
    struct tm_flow flow = {
        .table_id = 50, .priority = 60000,
        .cookie = tm_cookie(1, 1),
        .match = "reg15=0x1,tcp,nw_src=192.168.0.161,tp_dst=1234",
        .actions = "clone(set_field:192.168.0.164->tun_dst,"
                   "set_field:0x1->tun_id,output(port=10,max_len=96)),"
                   "resubmit(,60)",
    };
    char *match, *actions, *match2, *actions2;

    TM_ASSERT_OK(tm_ofp_canonicalize(&flow, &match, &actions));
    struct tm_flow again = flow;
    again.match = match;
    again.actions = actions;
    TM_ASSERT_OK(tm_ofp_canonicalize(&again, &match2, &actions2));
    CU_ASSERT_STRING_EQUAL(match, match2);
    CU_ASSERT_STRING_EQUAL(actions, actions2);
    CU_ASSERT_PTR_NOT_NULL(strstr(match, "reg15=0x1"));
    free(match2);
    free(actions2);

    /* A delete matches the cookie exactly, so that it never removes a
     * flow that is not ours. */
    struct ofpbuf *msg;
    struct ofputil_flow_mod fm;
    struct ofpbuf ofpacts;
    TM_ASSERT_OK(tm_ofp_encode_flow_mod(&again, TM_OFP_DELETE,
                                        TM_OFP_VERSION, &msg));
    ofpbuf_init(&ofpacts, 64);
    CU_ASSERT_EQUAL(ofputil_decode_flow_mod(&fm, msg->data, TM_OFP_PROTOCOL,
                                            NULL, NULL, &ofpacts, OFPP_MAX,
                                            255), 0);
    CU_ASSERT_EQUAL(fm.command, OFPFC_DELETE_STRICT);
    CU_ASSERT_EQUAL(ntohll(fm.cookie), tm_cookie(1, 1));
    CU_ASSERT_EQUAL(fm.cookie_mask, OVS_BE64_MAX);
    minimatch_destroy(&fm.match);
    ofpbuf_delete(msg);

    TM_ASSERT_OK(tm_ofp_encode_flow_mod(&again, TM_OFP_MODIFY,
                                        TM_OFP_VERSION, &msg));
    ofpbuf_clear(&ofpacts);
    CU_ASSERT_EQUAL(ofputil_decode_flow_mod(&fm, msg->data, TM_OFP_PROTOCOL,
                                            NULL, NULL, &ofpacts, OFPP_MAX,
                                            255), 0);
    CU_ASSERT_EQUAL(fm.command, OFPFC_MODIFY_STRICT);
    CU_ASSERT_EQUAL(fm.cookie_mask, OVS_BE64_MAX);
    CU_ASSERT(fm.ofpacts_len > 0);
    minimatch_destroy(&fm.match);
    ofpbuf_delete(msg);
    ofpbuf_uninit(&ofpacts);
    free(match);
    free(actions);

    /* Something that is not a flow is refused with the flow named. */
    flow.match = "reg15=bogus";
    TM_ASSERT_ERROR(tm_ofp_canonicalize(&flow, &match, &actions),
                    "reg15=bogus");
}

static int
engine_suite(void)
{
    CU_pSuite suite = CU_add_suite("engine", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "first run, then nothing", test_first_run)
        || !CU_add_test(suite, "rule fields", test_rule_fields)
        || !CU_add_test(suite, "session fields", test_session_fields)
        || !CU_add_test(suite, "addresses", test_addresses)
        || !CU_add_test(suite, "bindings", test_bindings)
        || !CU_add_test(suite, "colliding flows", test_collisions)
        || !CU_add_test(suite, "canonical flows", test_canonical)) {
        return CU_get_error();
    }
    return CUE_SUCCESS;
}

TM_TEST_SUITE(engine_suite);

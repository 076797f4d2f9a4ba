/*
 * Unit tests for lib/tm-counters.c: adding up counters by session and
 * rule, comparing them, and the text and JSON that tmirror-ctl, the
 * controller and the API show.
 */
#include <config.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "tm-counters.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-test.h"
#include "util.h"

/* One session "s" (named "mirror") whose filter has a reject rule "r1"
 * and an accept rule "r2", and a disabled session "d" with the same
 * filter. */
static const char model_text[] = "{"
    "\"ports\": ["
    "  {\"id\": \"a\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.1\"}]},"
    "  {\"id\": \"t\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.3\"}]}],"
    "\"traffic_mirror_filters\": ["
    "  {\"id\": \"f\", \"egress_rules\": ["
    "    {\"id\": \"r1\", \"priority\": 1, \"action\": \"reject\","
    "     \"protocol\": \"udp\", \"destination_port_range\": \"53-53\"},"
    "    {\"id\": \"r2\", \"priority\": 2, \"action\": \"accept\","
    "     \"protocol\": \"udp\"}]}],"
    "\"traffic_mirror_sessions\": ["
    "  {\"id\": \"s\", \"name\": \"mirror\", \"traffic_mirror_filter_id\": \"f\","
    "   \"traffic_mirror_sources\": [\"a\"], \"traffic_mirror_target_id\": \"t\","
    "   \"traffic_mirror_target_type\": \"eni\", \"priority\": 1,"
    "   \"virtual_network_id\": 1, \"enabled\": true},"
    "  {\"id\": \"d\", \"traffic_mirror_filter_id\": \"f\","
    "   \"traffic_mirror_sources\": [\"a\"], \"traffic_mirror_target_id\": \"t\","
    "   \"traffic_mirror_target_type\": \"eni\", \"priority\": 2,"
    "   \"virtual_network_id\": 2, \"enabled\": false}]}";

static void
test_add_and_get(void)
{
    struct tm_counters c;

    tm_counters_init(&c);
    tm_counters_add(&c, "s", NULL, 3, 300);
    tm_counters_add(&c, "s", NULL, 2, 200);
    tm_counters_add(&c, "s", "r2", 5, 500);

    struct tm_counter n = tm_counters_get(&c, "s", NULL);
    CU_ASSERT_EQUAL(n.packets, 5);
    CU_ASSERT_EQUAL(n.bytes, 500);
    n = tm_counters_get(&c, "s", "r2");
    CU_ASSERT_EQUAL(n.packets, 5);
    /* Nobody reported r1, or session "x": zero, not an error. */
    n = tm_counters_get(&c, "s", "r1");
    CU_ASSERT_EQUAL(n.packets, 0);
    CU_ASSERT_EQUAL(n.bytes, 0);
    n = tm_counters_get(&c, "x", NULL);
    CU_ASSERT_EQUAL(n.packets, 0);

    char *key = tm_counters_key("s", "r2");
    CU_ASSERT_STRING_EQUAL(key, "s/r2");
    free(key);
    key = tm_counters_key("s", NULL);
    CU_ASSERT_STRING_EQUAL(key, "s");
    free(key);
    tm_counters_destroy(&c);
}

static void
test_add_all_and_equal(void)
{
    struct tm_counters a, b, sum;

    tm_counters_init(&a);
    tm_counters_init(&b);
    tm_counters_init(&sum);
    tm_counters_add(&a, "s", NULL, 3, 300);
    tm_counters_add(&a, "s", "r1", 1, 100);
    /* A rule's counter makes its session's exist, at 0 until added to. */
    tm_counters_add(&a, "x", "r9", 2, 200);
    CU_ASSERT_PTR_NOT_NULL(shash_find(&a.by_key, "x"));
    CU_ASSERT_EQUAL(tm_counters_get(&a, "x", NULL).packets, 0);
    CU_ASSERT_EQUAL(tm_counters_get(&a, "x", "r9").packets, 2);
    tm_counters_add(&b, "s", NULL, 4, 400);
    tm_counters_add(&b, "s", "r2", 4, 400);

    CU_ASSERT_FALSE(tm_counters_equal(&a, &b));
    tm_counters_add_all(&sum, &a);
    tm_counters_add_all(&sum, &b);
    CU_ASSERT_EQUAL(tm_counters_get(&sum, "s", NULL).packets, 7);
    CU_ASSERT_EQUAL(tm_counters_get(&sum, "s", NULL).bytes, 700);
    CU_ASSERT_EQUAL(tm_counters_get(&sum, "s", "r1").packets, 1);
    CU_ASSERT_EQUAL(tm_counters_get(&sum, "s", "r2").packets, 4);

    /* Equal means the same keys and the same numbers. */
    struct tm_counters copy;
    tm_counters_init(&copy);
    tm_counters_add_all(&copy, &sum);
    CU_ASSERT_TRUE(tm_counters_equal(&copy, &sum));
    tm_counters_add(&copy, "s", "r1", 0, 1);
    CU_ASSERT_FALSE(tm_counters_equal(&copy, &sum));
    tm_counters_clear(&copy);
    tm_counters_add_all(&copy, &sum);
    tm_counters_add(&copy, "s", "r3", 0, 0);
    CU_ASSERT_FALSE(tm_counters_equal(&copy, &sum));
    CU_ASSERT_FALSE(tm_counters_equal(&sum, &copy));

    tm_counters_destroy(&a);
    tm_counters_destroy(&b);
    tm_counters_destroy(&sum);
    tm_counters_destroy(&copy);
}

static void
test_format(void)
{
    struct tm_model model;
    struct tm_counters c;
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_model_init(&model);
    TM_ASSERT_OK(tm_model_from_string(model_text, &model));
    tm_counters_init(&c);
    tm_counters_add(&c, "s", NULL, 7, 700);
    tm_counters_add(&c, "s", "r1", 6, 600);
    tm_counters_add(&c, "s", "r2", 7, 700);

    /* By name; the rules in the filter's order, with what they do. */
    TM_ASSERT_OK(tm_counters_format(&model, &c, "mirror", NULL, 0, &s));
    CU_ASSERT_STRING_EQUAL(ds_cstr(&s),
        "session s (mirror): mirrored 7 packets, 700 bytes\n"
        "  rule r1 (egress, priority 1, reject): 6 packets, 600 bytes "
        "not mirrored\n"
        "  rule r2 (egress, priority 2, accept): 7 packets, 700 bytes "
        "mirrored\n");

    /* Every session: the disabled one says so. */
    ds_clear(&s);
    TM_ASSERT_OK(tm_counters_format(&model, &c, NULL, NULL, 0, &s));
    CU_ASSERT_PTR_NOT_NULL(strstr(ds_cstr(&s),
        "session d (-): mirrored 0 packets, 0 bytes (disabled)\n"));

    ds_clear(&s);
    TM_ASSERT_ERROR(tm_counters_format(&model, &c, "nope", NULL, 0, &s),
                    "nope: no such session (id or name)");
    CU_ASSERT_EQUAL(s.length, 0);

    /* The JSON list: one session by name; an unknown one is an error. */
    struct json *list;
    TM_ASSERT_OK(tm_counters_sessions_to_json(&model, &c, "mirror", NULL,
                                              &list));
    CU_ASSERT_EQUAL(json_array(list)->n, 1);
    json_destroy(list);
    TM_ASSERT_OK(tm_counters_sessions_to_json(&model, &c, NULL, NULL,
                                              &list));
    CU_ASSERT_EQUAL(json_array(list)->n, 2);
    json_destroy(list);
    TM_ASSERT_ERROR(tm_counters_sessions_to_json(&model, &c, "nope", NULL,
                                                 &list),
                    "nope: no such session (id or name)");
    CU_ASSERT_PTR_NULL(list);

    /* JSON, without hypervisors. */
    struct json *j = tm_counters_session_to_json(
        &model, tm_model_find_session(&model, "s"), &c, NULL);
    char *text = json_to_string(j, JSSF_SORT);
    CU_ASSERT_STRING_EQUAL(text,
        "{\"bytes\":700,\"packets\":7,\"rules\":["
        "{\"action\":\"reject\",\"bytes\":600,\"direction\":\"egress\","
        "\"packets\":6,\"priority\":1,"
        "\"traffic_mirror_filter_rule_id\":\"r1\"},"
        "{\"action\":\"accept\",\"bytes\":700,\"direction\":\"egress\","
        "\"packets\":7,\"priority\":2,"
        "\"traffic_mirror_filter_rule_id\":\"r2\"}],"
        "\"traffic_mirror_session_id\":\"s\"}");
    free(text);
    json_destroy(j);

    ds_destroy(&s);
    tm_counters_destroy(&c);
    tm_model_destroy(&model);
}

static int
counters_suite(void)
{
    CU_pSuite suite = CU_add_suite("counters", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "add and get", test_add_and_get)
        || !CU_add_test(suite, "add all and equal", test_add_all_and_equal)
        || !CU_add_test(suite, "format", test_format)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(counters_suite);

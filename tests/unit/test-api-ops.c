/*
 * tmirror unit tests: the REST API's request parsers, list operations and
 * response formats (api/tm-api-ops.h), which need no database.  The
 * database-backed paths of tm_api_handle() are exercised against a live
 * ovsdb-server by the API's own integration tests.
 */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/json.h"
#include "smap.h"
#include "svec.h"
#include "tm-api-ops.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-test.h"
#include "util.h"

/* Parses 's' as a request body, asserting that it is well-formed JSON. */
static struct json *
body(const char *s)
{
    struct json *json = NULL;
    TM_ASSERT_OK(tm_api_parse_body(s, strlen(s), &json));
    return json;
}

/* Parsing bodies. */

static void
test_parse_body(void)
{
    struct json *json;

    TM_ASSERT_ERROR(tm_api_parse_body(NULL, 0, &json), "missing");
    TM_ASSERT_ERROR(tm_api_parse_body("[1]", 3, &json), "JSON object",
                    "array");
    TM_ASSERT_ERROR(tm_api_parse_body("{\"a\":", 5, &json), "request body");
    TM_ASSERT_ERROR(tm_api_parse_body("{} x", 4, &json), "request body");
    TM_ASSERT_ERROR(tm_api_parse_body("{\"a\":\"\xff\"}", 8, &json),
                    "UTF-8");
    TM_ASSERT_ERROR(tm_api_parse_body("{\"a\":\"\\udc00\"}", 14, &json),
                    "UTF-8");
    TM_ASSERT_ERROR(tm_api_parse_body("{\"a\":1}\0", 8, &json), "NUL");
    CU_ASSERT_PTR_NULL(json);

    json = body("{\"a\": \"\xe6\xb5\x8b\"}");
    CU_ASSERT_PTR_NOT_NULL(json);
    json_destroy(json);
}

static void
test_filter_body(void)
{
    struct tm_model model;
    struct json *json;

    tm_model_init(&model);
    struct tm_filter *f = tm_model_add_filter(&model, "f");

    json = body("{\"traffic_mirror_filter\": {\"name\": \"flt\", "
                "\"description\": \"d\"}}");
    TM_ASSERT_OK(tm_api_filter_from_body(json, true, f));
    CU_ASSERT_STRING_EQUAL(f->name, "flt");
    CU_ASSERT_STRING_EQUAL(f->description, "d");
    json_destroy(json);

    /* An update changes only what it names. */
    json = body("{\"traffic_mirror_filter\": {\"description\": \"e\"}}");
    TM_ASSERT_OK(tm_api_filter_from_body(json, false, f));
    CU_ASSERT_STRING_EQUAL(f->name, "flt");
    CU_ASSERT_STRING_EQUAL(f->description, "e");
    TM_ASSERT_ERROR(tm_api_filter_from_body(json, true, f),
                    "traffic_mirror_filter.name", "missing");
    json_destroy(json);

    json = body("{\"traffic_mirror_filter\": {\"name\": \"x\", \"id\": "
                "\"y\"}}");
    TM_ASSERT_ERROR(tm_api_filter_from_body(json, true, f),
                    "traffic_mirror_filter.id", "unknown member");
    json_destroy(json);

    json = body("{\"traffic_mirror_filter\": {\"name\": \"x\"}, \"b\": 1}");
    TM_ASSERT_ERROR(tm_api_filter_from_body(json, true, f), "b",
                    "unknown member");
    json_destroy(json);

    json = body("{\"traffic_mirror_filter\": {\"name\": 5}}");
    TM_ASSERT_ERROR(tm_api_filter_from_body(json, true, f),
                    "traffic_mirror_filter.name", "string");
    json_destroy(json);

    json = body("{\"traffic_mirror_filter\": {\"name\": \"x\", "
                "\"description\": \"<b>\"}}");
    TM_ASSERT_ERROR(tm_api_filter_from_body(json, true, f),
                    "traffic_mirror_filter.description");
    json_destroy(json);

    json = body("{\"traffic_mirror_filter\": [1]}");
    TM_ASSERT_ERROR(tm_api_filter_from_body(json, true, f),
                    "traffic_mirror_filter", "object");
    json_destroy(json);
    tm_model_destroy(&model);
}

static void
test_rule_body(void)
{
    struct tm_model model;
    struct json *json;

    tm_model_init(&model);
    struct tm_filter *f = tm_model_add_filter(&model, "f");
    struct tm_rule *r = tm_filter_add_rule(f, "r");

    json = body("{\"traffic_mirror_filter_rule\": {"
                "\"traffic_mirror_filter_id\": \"f-1\", "
                "\"direction\": \"egress\", \"protocol\": \"TCP\", "
                "\"ethertype\": \"ipv6\", \"action\": \"reject\", "
                "\"priority\": 7, \"source_cidr_block\": \"2001:db8::/32\", "
                "\"destination_port_range\": \"80-200\", "
                "\"destination_cidr_block\": \"\"}}");
    TM_ASSERT_OK(tm_api_rule_from_body(json, true, r));
    CU_ASSERT_STRING_EQUAL(r->filter_id, "f-1");
    CU_ASSERT_EQUAL(r->direction, TM_EGRESS);
    CU_ASSERT_EQUAL(r->protocol, TM_PROTO_TCP);
    CU_ASSERT_EQUAL(r->ethertype, TM_ETH_IPV6);
    CU_ASSERT_EQUAL(r->action, TM_REJECT);
    CU_ASSERT_EQUAL(r->priority, 7);
    CU_ASSERT(r->src.set && r->src.plen == 32);
    CU_ASSERT(!r->dst.set);
    CU_ASSERT(r->dst_ports.set && r->dst_ports.min == 80
              && r->dst_ports.max == 200);
    json_destroy(json);

    /* "" clears a match field; the priority may come as a string. */
    json = body("{\"traffic_mirror_filter_rule\": {"
                "\"destination_port_range\": \"\", \"priority\": \"9\"}}");
    TM_ASSERT_OK(tm_api_rule_from_body(json, false, r));
    CU_ASSERT(!r->dst_ports.set);
    CU_ASSERT_EQUAL(r->priority, 9);
    json_destroy(json);

    /* An update can't move a rule. */
    json = body("{\"traffic_mirror_filter_rule\": {\"direction\": "
                "\"ingress\"}}");
    TM_ASSERT_ERROR(tm_api_rule_from_body(json, false, r),
                    "traffic_mirror_filter_rule.direction",
                    "unknown member");
    json_destroy(json);

    /* Limits on both sides. */
    json = body("{\"traffic_mirror_filter_rule\": {\"priority\": 65536}}");
    TM_ASSERT_ERROR(tm_api_rule_from_body(json, false, r),
                    "traffic_mirror_filter_rule.priority", "65536",
                    "1-65535");
    json_destroy(json);
    json = body("{\"traffic_mirror_filter_rule\": {\"priority\": 65535}}");
    TM_ASSERT_OK(tm_api_rule_from_body(json, false, r));
    json_destroy(json);
    json = body("{\"traffic_mirror_filter_rule\": {\"priority\": 1.5}}");
    TM_ASSERT_ERROR(tm_api_rule_from_body(json, false, r),
                    "traffic_mirror_filter_rule.priority", "integer");
    json_destroy(json);
    json = body("{\"traffic_mirror_filter_rule\": {\"priority\": "
                "99999999999999999999999}}");
    TM_ASSERT_ERROR(tm_api_rule_from_body(json, false, r),
                    "traffic_mirror_filter_rule.priority", "integer");
    json_destroy(json);
    json = body("{\"traffic_mirror_filter_rule\": {\"protocol\": \"gre\"}}");
    TM_ASSERT_ERROR(tm_api_rule_from_body(json, false, r),
                    "traffic_mirror_filter_rule.protocol", "gre");
    json_destroy(json);

    /* A create needs the filter, direction, action and priority. */
    json = body("{\"traffic_mirror_filter_rule\": {"
                "\"traffic_mirror_filter_id\": \"f-1\", "
                "\"direction\": \"egress\", \"priority\": 1}}");
    TM_ASSERT_ERROR(tm_api_rule_from_body(json, true, r),
                    "traffic_mirror_filter_rule.action", "missing");
    json_destroy(json);
    tm_model_destroy(&model);
}

static void
test_session_body(void)
{
    struct tm_model model;
    struct json *json;

    tm_model_init(&model);
    struct tm_session *s = tm_model_add_session(&model, "s");

    /* What the SDK sends for a create: numbers as strings. */
    json = body("{\"traffic_mirror_session\":{\"name\":\"sess-1\","
                "\"traffic_mirror_filter_id\":\"f-1\","
                "\"traffic_mirror_sources\":[\"port-1\",\"port-2\"],"
                "\"traffic_mirror_target_id\":\"port-9\","
                "\"traffic_mirror_target_type\":\"eni\",\"priority\":10,"
                "\"description\":\"first session\","
                "\"virtual_network_id\":\"100\",\"packet_length\":\"128\","
                "\"enabled\":\"true\",\"type\":\"eni\"}}");
    TM_ASSERT_OK(tm_api_session_from_body(json, true, s));
    CU_ASSERT_STRING_EQUAL(s->name, "sess-1");
    CU_ASSERT_STRING_EQUAL(s->filter_id, "f-1");
    CU_ASSERT_EQUAL(s->n_sources, 2);
    CU_ASSERT_STRING_EQUAL(s->target_id, "port-9");
    CU_ASSERT_EQUAL(s->priority, 10);
    CU_ASSERT_EQUAL(s->vni, 100);
    CU_ASSERT_EQUAL(s->packet_length, 128);
    CU_ASSERT(s->enabled);
    json_destroy(json);

    /* And for an update: numbers as numbers. */
    json = body("{\"traffic_mirror_session\":{\"virtual_network_id\":0,"
                "\"packet_length\":1460,\"enabled\":false}}");
    TM_ASSERT_OK(tm_api_session_from_body(json, false, s));
    CU_ASSERT_EQUAL(s->vni, 0);
    CU_ASSERT_EQUAL(s->packet_length, 1460);
    CU_ASSERT(!s->enabled);
    CU_ASSERT_EQUAL(s->n_sources, 2);
    json_destroy(json);

    json = body("{\"traffic_mirror_session\":{\"packet_length\":1461}}");
    TM_ASSERT_ERROR(tm_api_session_from_body(json, false, s),
                    "traffic_mirror_session.packet_length", "1-1460");
    json_destroy(json);
    json = body("{\"traffic_mirror_session\":{\"virtual_network_id\":"
                "\"16777216\"}}");
    TM_ASSERT_ERROR(tm_api_session_from_body(json, false, s),
                    "traffic_mirror_session.virtual_network_id",
                    "0-16777215");
    json_destroy(json);
    json = body("{\"traffic_mirror_session\":{\"enabled\":\"yes\"}}");
    TM_ASSERT_ERROR(tm_api_session_from_body(json, false, s),
                    "traffic_mirror_session.enabled");
    json_destroy(json);
    json = body("{\"traffic_mirror_session\":{\"traffic_mirror_sources\":"
                "[\"p\"]}}");
    TM_ASSERT_ERROR(tm_api_session_from_body(json, false, s),
                    "traffic_mirror_session.traffic_mirror_sources",
                    "unknown member");
    json_destroy(json);
    json = body("{\"traffic_mirror_session\":{\"name\":\"a\","
                "\"traffic_mirror_filter_id\":\"f\","
                "\"traffic_mirror_sources\":[\"p\", \"p\"],"
                "\"traffic_mirror_target_id\":\"t\","
                "\"traffic_mirror_target_type\":\"elb\",\"priority\":1}}");
    TM_ASSERT_ERROR(tm_api_session_from_body(json, true, s),
                    "traffic_mirror_sources[1]", "more than once");
    json_destroy(json);
    json = body("{\"traffic_mirror_session\":{\"name\":\"a\","
                "\"traffic_mirror_filter_id\":\"f\","
                "\"traffic_mirror_sources\":[],"
                "\"traffic_mirror_target_id\":\"t\","
                "\"traffic_mirror_target_type\":\"elb\",\"priority\":1,"
                "\"type\":\"elb\"}}");
    TM_ASSERT_ERROR(tm_api_session_from_body(json, true, s),
                    "traffic_mirror_session.type", "eni");
    json_destroy(json);
    tm_model_destroy(&model);
}

static void
test_sources(void)
{
    struct svec ports = SVEC_EMPTY_INITIALIZER;
    struct tm_model model;
    struct json *json;

    tm_model_init(&model);
    struct tm_session *s = tm_model_add_session(&model, "s");
    tm_session_add_source(s, "a");

    json = body("{\"traffic_mirror_session\":{\"traffic_mirror_sources\":"
                "[\"b\",\"c\"]}}");
    TM_ASSERT_OK(tm_api_sources_from_body(json, &ports));
    CU_ASSERT_EQUAL(ports.n, 2);
    TM_ASSERT_OK(tm_api_session_add_sources(s, &ports));
    CU_ASSERT_EQUAL(s->n_sources, 3);
    TM_ASSERT_ERROR(tm_api_session_add_sources(s, &ports), "\"b\"",
                    "already");
    TM_ASSERT_OK(tm_api_session_remove_sources(s, &ports));
    CU_ASSERT_EQUAL(s->n_sources, 1);
    CU_ASSERT_STRING_EQUAL(s->sources[0], "a");
    TM_ASSERT_ERROR(tm_api_session_remove_sources(s, &ports), "\"b\"",
                    "not a source");
    json_destroy(json);
    svec_clear(&ports);

    json = body("{\"traffic_mirror_session\":{\"traffic_mirror_sources\":"
                "[]}}");
    TM_ASSERT_ERROR(tm_api_sources_from_body(json, &ports), "at least one");
    json_destroy(json);
    json = body("{\"traffic_mirror_session\":{}}");
    TM_ASSERT_ERROR(tm_api_sources_from_body(json, &ports), "missing");
    json_destroy(json);
    json = body("{\"traffic_mirror_session\":{\"traffic_mirror_sources\":"
                "[7]}}");
    TM_ASSERT_ERROR(tm_api_sources_from_body(json, &ports),
                    "traffic_mirror_sources[0]", "string");
    json_destroy(json);
    svec_destroy(&ports);
    tm_model_destroy(&model);
}

/* Lists. */

/* A model with filters f1..f3 of project "p" (created in that order) and
 * f9 of project "q"; rules on f1; sessions s1, s2 of "p". */
static void
make_list_model(struct tm_model *model)
{
    static const char *const filters[][3] = {
        { "f1", "p", "2024-01-01T00:00:01.000Z" },
        { "f3", "p", "2024-01-01T00:00:03.000Z" },
        { "f2", "p", "2024-01-01T00:00:02.000Z" },
        { "f9", "q", "2024-01-01T00:00:00.000Z" },
    };

    tm_model_init(model);
    for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
        struct tm_filter *f = tm_model_add_filter(model, filters[i][0]);
        f->project_id = xstrdup(filters[i][1]);
        f->created_at = xstrdup(filters[i][2]);
        free(f->name);
        f->name = xstrdup(i == 0 ? "first" : "other");
    }

    struct tm_filter *f1 = model->filters[0];
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "r%d", i + 1);
        struct tm_rule *r = tm_filter_add_rule(f1, id);
        r->priority = i + 1;
        r->protocol = i ? TM_PROTO_UDP : TM_PROTO_TCP;
        r->direction = i == 2 ? TM_EGRESS : TM_INGRESS;
        r->created_at = xstrdup("2024-01-01T00:00:05.000Z");
    }

    for (int i = 0; i < 2; i++) {
        char id[8];
        snprintf(id, sizeof id, "s%d", i + 1);
        struct tm_session *s = tm_model_add_session(model, id);
        s->project_id = xstrdup("p");
        s->filter_id = xstrdup("f1");
        s->target_id = xstrdup("t");
        s->priority = 1;
        s->enabled = i == 1;
        s->vni = 100 + i;
        s->created_at = xstrdup("2024-01-01T00:00:06.000Z");
    }
    TM_ASSERT_OK(tm_model_index(model));
}

/* Runs a list and returns the ids it lists, joined by ',', plus
 * " next=ID" if there is a next page.  Returns NULL and stores the error
 * in '*error' on failure. */
static char *
list_ids(const struct tm_model *model, enum tm_api_resource resource,
         const char *project, const char *query_text, char **error)
{
    struct smap query = SMAP_INITIALIZER(&query);
    char *copy = xstrdup(query_text), *save = NULL;

    for (char *t = strtok_r(copy, "&", &save); t;
         t = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(t, '=');
        *eq = '\0';
        smap_add(&query, t, eq + 1);
    }
    free(copy);

    struct json *json;
    *error = tm_api_list(model, resource, project, &query, &json);
    smap_destroy(&query);
    if (*error) {
        return NULL;
    }

    static const char *const wrappers[] = {
        "traffic_mirror_filters", "traffic_mirror_filter_rules",
        "traffic_mirror_sessions",
    };
    const struct json *list = shash_find_data(json_object(json),
                                              wrappers[resource]);
    const struct json *page = shash_find_data(json_object(json),
                                              "page_info");
    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < json_array(list)->n; i++) {
        const struct json *item = json_array(list)->elems[i];
        ds_put_format(&s, "%s%s", i ? "," : "",
                      json_string(shash_find_data(json_object(item), "id")));
    }
    const struct json *count = shash_find_data(json_object(page),
                                               "current_count");
    CU_ASSERT_EQUAL(json_integer(count), json_array(list)->n);
    const struct json *prev = shash_find_data(json_object(page),
                                              "previous_marker");
    if (json_array(list)->n) {
        CU_ASSERT(prev && !strcmp(json_string(prev),
                                  json_string(shash_find_data(
                                      json_object(json_array(list)->elems[0]),
                                      "id"))));
    }
    const struct json *next = shash_find_data(json_object(page),
                                              "next_marker");
    if (next) {
        ds_put_format(&s, " next=%s", json_string(next));
    }
    json_destroy(json);
    return ds_steal_cstr(&s);
}

#define ASSERT_LIST(MODEL, RESOURCE, PROJECT, QUERY, EXPECTED)          \
    do {                                                                \
        char *error_;                                                   \
        char *ids_ = list_ids(MODEL, RESOURCE, PROJECT, QUERY, &error_); \
        TM_ASSERT_OK(error_);                                           \
        if (ids_ && strcmp(ids_, EXPECTED)) {                           \
            fprintf(stderr, "\n%s:%d: listed \"%s\", expected \"%s\"\n", \
                    __FILE__, __LINE__, ids_, EXPECTED);                \
        }                                                               \
        CU_ASSERT(ids_ && !strcmp(ids_, EXPECTED));                     \
        free(ids_);                                                     \
    } while (0)

static char *
list_error(const struct tm_model *model, enum tm_api_resource resource,
           const char *query)
{
    char *error;
    free(list_ids(model, resource, "p", query, &error));
    return error;
}

static void
test_list_filters(void)
{
    struct tm_model model;

    make_list_model(&model);
    ASSERT_LIST(&model, TM_API_FILTER, "p", "", "f1,f2,f3");
    ASSERT_LIST(&model, TM_API_FILTER, "q", "", "f9");
    ASSERT_LIST(&model, TM_API_FILTER, "z", "", "");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "limit=2", "f1,f2 next=f2");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "limit=2&marker=f2", "f3");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "limit=1&marker=f3", "");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "limit=0", "f1,f2,f3");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "limit=3", "f1,f2,f3");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "name=other", "f2,f3");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "id=f3&id=f1", "f1,f3");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "name=other&limit=1",
                "f2 next=f2");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "name=other&marker=f1", "f2,f3");
    ASSERT_LIST(&model, TM_API_FILTER, "p", "description=", "f1,f2,f3");
    ASSERT_LIST(&model, TM_API_FILTER, "p",
                "created_at=2024-01-01T00:00:02.000Z", "f2");

    TM_ASSERT_ERROR(list_error(&model, TM_API_FILTER, "limit=2001"),
                    "limit", "0-2000");
    TM_ASSERT_ERROR(list_error(&model, TM_API_FILTER, "limit=-1"), "limit");
    TM_ASSERT_ERROR(list_error(&model, TM_API_FILTER, "limit=1&limit=2"),
                    "limit", "more than once");
    TM_ASSERT_ERROR(list_error(&model, TM_API_FILTER, "marker=f9"),
                    "marker", "f9");
    TM_ASSERT_ERROR(list_error(&model, TM_API_FILTER, "colour=red"),
                    "colour", "unknown");
    tm_model_destroy(&model);
}

static void
test_list_rules_sessions(void)
{
    struct tm_model model;

    make_list_model(&model);
    ASSERT_LIST(&model, TM_API_RULE, "p", "", "r1,r2,r3");
    ASSERT_LIST(&model, TM_API_RULE, "q", "", "");
    ASSERT_LIST(&model, TM_API_RULE, "p", "protocol=UDP", "r2,r3");
    ASSERT_LIST(&model, TM_API_RULE, "p", "protocol=udp&direction=EGRESS",
                "r3");
    ASSERT_LIST(&model, TM_API_RULE, "p", "priority=2", "r2");
    ASSERT_LIST(&model, TM_API_RULE, "p", "traffic_mirror_filter_id=f1",
                "r1,r2,r3");
    ASSERT_LIST(&model, TM_API_RULE, "p", "traffic_mirror_filter_id=f2",
                "");
    TM_ASSERT_ERROR(list_error(&model, TM_API_RULE, "priority=0"),
                    "priority", "1-65535");

    ASSERT_LIST(&model, TM_API_SESSION, "p", "", "s1,s2");
    ASSERT_LIST(&model, TM_API_SESSION, "p", "enabled=true", "s2");
    ASSERT_LIST(&model, TM_API_SESSION, "p", "enabled=false", "s1");
    ASSERT_LIST(&model, TM_API_SESSION, "p", "virtual_network_id=100", "s1");
    ASSERT_LIST(&model, TM_API_SESSION, "p", "traffic_mirror_target_type=ENI",
                "s1,s2");
    ASSERT_LIST(&model, TM_API_SESSION, "q", "", "");
    TM_ASSERT_ERROR(list_error(&model, TM_API_SESSION, "enabled=maybe"),
                    "enabled");
    TM_ASSERT_ERROR(list_error(&model, TM_API_SESSION, "packet_length=0"),
                    "packet_length", "1-1460");
    tm_model_destroy(&model);
}

/* Response formats. */

static void
test_to_json(void)
{
    struct tm_model model;

    make_list_model(&model);
    struct json *json = tm_api_filter_to_json(model.filters[0]);
    char *s = json_to_string(json, JSSF_SORT);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"protocol\":\"TCP\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"protocol\":\"UDP\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"project_id\":\"p\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"ingress_rules\":[{"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"egress_rules\":[{"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"priority\":3"));
    free(s);
    json_destroy(json);

    json = tm_api_session_to_json(model.sessions[1]);
    s = json_to_string(json, JSSF_SORT);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"enabled\":true"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"virtual_network_id\":101"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"packet_length\":96"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"traffic_mirror_sources\":[]"));
    free(s);
    json_destroy(json);
    tm_model_destroy(&model);
}

static int
api_ops_suite(void)
{
    static const struct {
        const char *name;
        void (*func)(void);
    } tests[] = {
        { "parse_body", test_parse_body },
        { "filter_body", test_filter_body },
        { "rule_body", test_rule_body },
        { "session_body", test_session_body },
        { "sources", test_sources },
        { "list_filters", test_list_filters },
        { "list_rules_sessions", test_list_rules_sessions },
        { "to_json", test_to_json },
    };
    CU_pSuite suite = CU_add_suite("api-ops", NULL, NULL);

    if (!suite) {
        return CU_get_error();
    }
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
        if (!CU_add_test(suite, tests[i].name, tests[i].func)) {
            return CU_get_error();
        }
    }
    return 0;
}

TM_TEST_SUITE(api_ops_suite);

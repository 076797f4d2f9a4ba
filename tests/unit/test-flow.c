/*
 * Unit tests for flow tables and their difference (lib/tm-flow.c), which
 * decide what the controller sends to the switch.
 */
#include <config.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "tm-flow.h"
#include "tm-test.h"
#include "util.h"

static void
test_add_find(void)
{
    struct tm_flow_table t;

    tm_flow_table_init(&t);
    CU_ASSERT(tm_flow_table_add(&t, 20, 100, 1, "in_port=1", "drop"));
    /* Same key, whatever the actions: refused. */
    CU_ASSERT(!tm_flow_table_add(&t, 20, 100, 2, "in_port=1",
                                 "resubmit(,30)"));
    /* Any part of the key differing makes another flow. */
    CU_ASSERT(tm_flow_table_add(&t, 21, 100, 1, "in_port=1", "drop"));
    CU_ASSERT(tm_flow_table_add(&t, 20, 101, 1, "in_port=1", "drop"));
    CU_ASSERT(tm_flow_table_add(&t, 20, 100, 1, "in_port=2", "drop"));
    CU_ASSERT(tm_flow_table_add(&t, 20, 100, 1, "", "drop"));
    CU_ASSERT_EQUAL(tm_flow_table_count(&t), 5);

    struct tm_flow *flow = tm_flow_table_find(&t, 20, 100, "in_port=1");
    CU_ASSERT(flow && flow->cookie == 1 && !strcmp(flow->actions, "drop"));
    CU_ASSERT_PTR_NULL(tm_flow_table_find(&t, 20, 100, "in_port=3"));
    CU_ASSERT_PTR_NULL(tm_flow_table_find(&t, 22, 100, "in_port=1"));

    tm_flow_table_remove(&t, flow);
    CU_ASSERT_EQUAL(tm_flow_table_count(&t), 4);
    CU_ASSERT_PTR_NULL(tm_flow_table_find(&t, 20, 100, "in_port=1"));
    tm_flow_table_clear(&t);
    CU_ASSERT_EQUAL(tm_flow_table_count(&t), 0);
    tm_flow_table_destroy(&t);
}

static void
test_format(void)
{
    struct tm_flow_table t;
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_flow_table_init(&t);
    tm_flow_table_add(&t, 0, 0, tm_cookie(0, 0), "", "resubmit(,30)");
    tm_flow_table_add(&t, 50, 60000, tm_cookie(1, 2), "reg15=0x1,tcp",
                      "resubmit(,60)");
    tm_flow_table_add(&t, 50, 65000, tm_cookie(0, 0), "reg13=0x1/0x1",
                      "resubmit(,60)");
    tm_flow_table_add(&t, 50, 60000, tm_cookie(1, 2), "reg15=0x1,ip",
                      "resubmit(,60)");
    tm_flow_table_format(&t, &s);
    /* Sorted by table, then priority from the highest, then match. */
    CU_ASSERT_STRING_EQUAL(ds_cstr(&s),
        "cookie=0x746d000000000000, table=0, priority=0 "
        "actions=resubmit(,30)\n"
        "cookie=0x746d000000000000, table=50, priority=65000, "
        "reg13=0x1/0x1 actions=resubmit(,60)\n"
        "cookie=0x746d000001000002, table=50, priority=60000, "
        "reg15=0x1,ip actions=resubmit(,60)\n"
        "cookie=0x746d000001000002, table=50, priority=60000, "
        "reg15=0x1,tcp actions=resubmit(,60)\n");
    ds_destroy(&s);
    tm_flow_table_destroy(&t);
}

static void
test_diff(void)
{
    struct tm_flow_table desired, installed;
    struct tm_flow_diff diff;

    tm_flow_table_init(&desired);
    tm_flow_table_init(&installed);

    /* Unchanged. */
    tm_flow_table_add(&desired, 0, 0, 1, "", "resubmit(,30)");
    tm_flow_table_add(&installed, 0, 0, 1, "", "resubmit(,30)");
    /* Actions changed. */
    tm_flow_table_add(&desired, 20, 5, 1, "in_port=1", "drop");
    tm_flow_table_add(&installed, 20, 5, 1, "in_port=1", "resubmit(,30)");
    /* Only the cookie changed (the rule now belongs to another
     * session). */
    tm_flow_table_add(&desired, 20, 6, 2, "in_port=1", "drop");
    tm_flow_table_add(&installed, 20, 6, 3, "in_port=1", "drop");
    /* New, in two tables. */
    tm_flow_table_add(&desired, 50, 5, 1, "reg15=0x2", "drop");
    tm_flow_table_add(&desired, 20, 7, 1, "in_port=2", "drop");
    /* Gone: the same match at another priority is another flow. */
    tm_flow_table_add(&installed, 20, 8, 1, "in_port=2", "drop");

    tm_flow_table_diff(&desired, &installed, &diff);
    CU_ASSERT_EQUAL(diff.n_adds, 2);
    CU_ASSERT_EQUAL(diff.n_mods, 2);
    CU_ASSERT_EQUAL(diff.n_dels, 1);
    if (diff.n_adds == 2 && diff.n_mods == 2 && diff.n_dels == 1) {
        CU_ASSERT_EQUAL(diff.adds[0]->table_id, 20);
        CU_ASSERT_EQUAL(diff.adds[1]->table_id, 50);
        /* Modifications point at the desired flow. */
        CU_ASSERT_STRING_EQUAL(diff.mods[1]->actions, "drop");
        CU_ASSERT_EQUAL(diff.mods[0]->cookie, 2);
        CU_ASSERT_EQUAL(diff.dels[0]->priority, 8);
    }
    tm_flow_diff_destroy(&diff);

    /* A table against itself: nothing to do. */
    tm_flow_table_diff(&desired, &desired, &diff);
    CU_ASSERT_EQUAL(diff.n_adds + diff.n_mods + diff.n_dels, 0);
    tm_flow_diff_destroy(&diff);

    /* Against nothing: everything is new; and the other way round. */
    struct tm_flow_table empty;
    tm_flow_table_init(&empty);
    tm_flow_table_diff(&desired, &empty, &diff);
    CU_ASSERT_EQUAL(diff.n_adds, tm_flow_table_count(&desired));
    CU_ASSERT_EQUAL(diff.n_dels, 0);
    tm_flow_diff_destroy(&diff);
    tm_flow_table_diff(&empty, &installed, &diff);
    CU_ASSERT_EQUAL(diff.n_dels, tm_flow_table_count(&installed));
    CU_ASSERT_EQUAL(diff.n_adds, 0);
    tm_flow_diff_destroy(&diff);

    tm_flow_table_destroy(&empty);
    tm_flow_table_destroy(&desired);
    tm_flow_table_destroy(&installed);
}

static void
test_merge(void)
{
    struct tm_flow_table a, b;

    tm_flow_table_init(&a);
    tm_flow_table_init(&b);
    tm_flow_table_add(&a, 0, 1, 1, "x=1", "from-a");
    tm_flow_table_add(&b, 0, 1, 2, "x=1", "from-b");
    tm_flow_table_add(&b, 0, 2, 2, "x=2", "from-b");
    tm_flow_table_merge(&a, &b);
    CU_ASSERT_EQUAL(tm_flow_table_count(&a), 2);
    CU_ASSERT_EQUAL(tm_flow_table_count(&b), 0);
    CU_ASSERT_STRING_EQUAL(tm_flow_table_find(&a, 0, 1, "x=1")->actions,
                           "from-a");
    CU_ASSERT_PTR_NOT_NULL(tm_flow_table_find(&a, 0, 2, "x=2"));
    tm_flow_table_destroy(&a);
    tm_flow_table_destroy(&b);
}

static int
flow_suite(void)
{
    CU_pSuite suite = CU_add_suite("flow", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "add_find", test_add_find)
        || !CU_add_test(suite, "format", test_format)
        || !CU_add_test(suite, "diff", test_diff)
        || !CU_add_test(suite, "merge", test_merge)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(flow_suite);

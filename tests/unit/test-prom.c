/*
 * tmirror unit tests: the "prom" suite, for lib/tm-prom.c (Prometheus's
 * text exposition format).
 */
#include <config.h>
#include "tm-prom.h"

#include <stdlib.h>
#include <string.h>
#include "tm-test.h"
#include "util.h"

/* A family: HELP, TYPE, then its samples, in the order they were added. */
static void
test_family(void)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct ds labels = DS_EMPTY_INITIALIZER;
    struct tm_prom_family f;

    tm_prom_family_init(&f, "tmirror_x_total", "counter", "Things.");
    tm_prom_label(&labels, "session", "s-1");
    tm_prom_label(&labels, "rule", "r-1");
    tm_prom_add_u64(&f, &labels, UINT64_MAX);
    ds_clear(&labels);
    tm_prom_add(&f, &labels, -1);
    tm_prom_family_finish(&f, &out);

    CU_ASSERT_STRING_EQUAL(ds_cstr(&out),
                           "# HELP tmirror_x_total Things.\n"
                           "# TYPE tmirror_x_total counter\n"
                           "tmirror_x_total{session=\"s-1\",rule=\"r-1\"} "
                           "18446744073709551615\n"
                           "tmirror_x_total -1\n");

    /* A family without samples still says what it is. */
    ds_clear(&out);
    tm_prom_family_init(&f, "tmirror_y", "gauge", "Nothing yet.");
    tm_prom_family_finish(&f, &out);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out), "# HELP tmirror_y Nothing yet.\n"
                           "# TYPE tmirror_y gauge\n");

    ds_clear(&out);
    tm_prom_single(&out, "tmirror_z", "gauge", "One.", &labels, 7);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out), "# HELP tmirror_z One.\n"
                           "# TYPE tmirror_z gauge\ntmirror_z 7\n");
    ds_destroy(&labels);
    ds_destroy(&out);
}

/* Label values are user input (a session's name): backslash, double quote
 * and newline are escaped in them; in HELP, backslash and newline only. */
static void
test_escaping(void)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    struct ds labels = DS_EMPTY_INITIALIZER;

    tm_prom_label(&labels, "session_name", "a\\b\"c\nd,e=f}");
    CU_ASSERT_STRING_EQUAL(ds_cstr(&labels),
                           "session_name=\"a\\\\b\\\"c\\nd,e=f}\"");
    tm_prom_label(&labels, "empty", "");
    CU_ASSERT_STRING_EQUAL(ds_cstr(&labels),
                           "session_name=\"a\\\\b\\\"c\\nd,e=f}\","
                           "empty=\"\"");

    tm_prom_single(&out, "tmirror_h", "gauge", "Say \"hi\"\\\nbye.", &labels,
                   0);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&out),
                           "# HELP tmirror_h Say \"hi\"\\\\\\nbye.\n"
                           "# TYPE tmirror_h gauge\n"
                           "tmirror_h{session_name=\"a\\\\b\\\"c\\nd,e=f}\","
                           "empty=\"\"} 0\n");
    ds_destroy(&labels);
    ds_destroy(&out);
}

static int
prom_suite(void)
{
    CU_pSuite suite = CU_add_suite("prom", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "family", test_family)
        || !CU_add_test(suite, "escaping", test_escaping)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(prom_suite);

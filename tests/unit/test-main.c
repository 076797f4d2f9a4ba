/*
 * tmirror unit test runner: registers every suite and runs them with
 * CUnit's basic interface, which prints the standard run summary.  Exits
 * non-zero if any assertion failed, so "make check" fails with it.
 */
#include <config.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include "tm-test.h"

void
tm_assert_error(char *error, const char *file, int line, ...)
{
    va_list args;
    bool ok = error != NULL;

    va_start(args, line);
    for (const char *want = va_arg(args, const char *); ok && want;
         want = va_arg(args, const char *)) {
        if (!strstr(error, want)) {
            fprintf(stderr, "\n%s:%d: error \"%s\" lacks \"%s\"\n",
                    file, line, error, want);
            ok = false;
        }
    }
    va_end(args);
    if (!error) {
        fprintf(stderr, "\n%s:%d: expected an error, got none\n", file, line);
    }
    CU_assertImplementation(ok, line, "expected error", file, "", CU_FALSE);
    free(error);
}

/* The suites, as registered by TM_TEST_SUITE before main() runs. */
#define TM_TEST_MAX_SUITES 64
static tm_test_suite_func *suites[TM_TEST_MAX_SUITES];
static size_t n_suites;

void
tm_test_add_suite(tm_test_suite_func *func)
{
    if (n_suites >= TM_TEST_MAX_SUITES) {
        fprintf(stderr, "too many test suites: raise TM_TEST_MAX_SUITES\n");
        abort();
    }
    suites[n_suites++] = func;
}

int
main(int argc, char *argv[])
{
    unsigned int failures;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return CU_get_error();
    }
    for (size_t i = 0; i < n_suites; i++) {
        if (suites[i]()) {
            fprintf(stderr, "registering suite %zu: %s\n", i,
                    CU_get_error_msg());
            CU_cleanup_registry();
            return 1;
        }
    }

    /* An optional argument runs a single suite by name. */
    CU_basic_set_mode(CU_BRM_NORMAL);
    if (argc > 1) {
        CU_pSuite suite = CU_get_suite(argv[1]);
        if (!suite) {
            fprintf(stderr, "%s: no such suite\n", argv[1]);
            CU_cleanup_registry();
            return 1;
        }
        CU_basic_run_suite(suite);
    } else {
        CU_basic_run_tests();
    }
    failures = CU_get_number_of_failures()
               + CU_get_number_of_suites_failed()
               + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}

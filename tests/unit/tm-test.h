/*
 * tmirror unit tests: one CUnit suite per module, registered by main().
 */
#ifndef TM_TEST_H
#define TM_TEST_H 1

#include <CUnit/CUnit.h>
#include "compiler.h"

/* Each test-*.c file has a function that adds its suite to the CUnit
 * registry and returns 0 or a CUnit error code, and registers it with
 * TM_TEST_SUITE(function) at file scope.  Registration happens before
 * main() (as OVS's OVSTEST_REGISTER does), so adding a suite needs no
 * edit to the runner. */
typedef int tm_test_suite_func(void);
void tm_test_add_suite(tm_test_suite_func *);

#define TM_TEST_SUITE(FUNC)                     \
    OVS_CONSTRUCTOR(FUNC##_register) {          \
        tm_test_add_suite(FUNC);                \
    }

/* Asserts that 'error' (a malloc'd string or NULL) is NULL, printing it if
 * not, and frees it. */
#define TM_ASSERT_OK(ERROR)                                             \
    do {                                                                \
        char *tm_err_ = (ERROR);                                        \
        if (tm_err_) {                                                  \
            fprintf(stderr, "\n%s:%d: unexpected error: %s\n",         \
                    __FILE__, __LINE__, tm_err_);                       \
        }                                                               \
        CU_ASSERT_PTR_NULL(tm_err_);                                    \
        free(tm_err_);                                                  \
    } while (0)

/* Asserts that 'error' is non-NULL and contains every string in the
 * NULL-terminated list that follows, printing it if not, and frees it. */
#define TM_ASSERT_ERROR(ERROR, ...)                                     \
    tm_assert_error(ERROR, __FILE__, __LINE__, __VA_ARGS__, (char *) NULL)
void tm_assert_error(char *error, const char *file, int line, ...);

#endif /* tm-test.h */

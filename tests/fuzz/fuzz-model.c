/*
 * libFuzzer target for the JSON model parser and everything that reads a
 * model: loading, validation, compiling and writing it back out.
 *
 * Beyond "no crash, no leak, no undefined behaviour" (ASan and UBSan are
 * on), it checks two properties: a model that loads writes back to JSON
 * that loads into an equal model, and a model that loads and validates
 * compiles without tripping the compiler's assertions.
 */
#include <config.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "tm-bindings.h"
#include "tm-compile.h"
#include "tm-flow.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-validate.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Binds every port of 'model' to an OpenFlow port, so that the compiler
 * has something to do for every source. */
static void
bind_all(const struct tm_model *model, struct tm_bindings *b)
{
    for (size_t i = 0; i < model->n_ports && i < 1000; i++) {
        tm_bindings_set(b, model->ports[i]->id, i + 1);
    }
    b->tunnel_ofport = 4000;
    b->uplink_ofport = 4001;
    b->nonlocal_src = true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    struct tm_model model;
    char *text, *error;

    if (!initialized) {
        vlog_set_verbosity("off");
        initialized = true;
    }

    text = xmemdup0((const char *) data, size);
    tm_model_init(&model);
    error = tm_model_from_string(text, &model);
    free(text);
    if (error) {
        free(error);
        tm_model_destroy(&model);
        return 0;
    }

    /* Round trip. */
    struct json *json = tm_model_to_json(&model);
    struct tm_model again;
    tm_model_init(&again);
    error = tm_model_from_json(json, &again);
    if (error) {
        fprintf(stderr, "written model does not load: %s\n", error);
        abort();
    }
    struct json *json2 = tm_model_to_json(&again);
    if (!json_equal(json, json2)) {
        abort();
    }
    json_destroy(json);
    json_destroy(json2);
    tm_model_destroy(&again);

    /* Validation, then compilation of what is valid. */
    error = tm_model_validate(&model);
    if (!error) {
        struct tm_bindings bindings;
        struct tm_flow_table flows;
        struct svec warnings = SVEC_EMPTY_INITIALIZER;

        tm_bindings_init(&bindings);
        bind_all(&model, &bindings);
        tm_flow_table_init(&flows);
        tm_compile(&model, &bindings, &flows, &warnings);
        tm_flow_table_destroy(&flows);
        svec_destroy(&warnings);
        tm_bindings_destroy(&bindings);
    }
    free(error);
    tm_model_destroy(&model);
    return 0;
}

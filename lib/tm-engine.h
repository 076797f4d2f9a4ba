/*
 * tmirror: incremental compilation.
 *
 * The controller keeps the desired flows of its hypervisor here and brings
 * them up to date after every change of the model or of the bindings.  A
 * change to one rule or one session must not recompile a hypervisor with
 * hundreds of sources, so the engine keeps each bound source's flows with
 * a description, as text, of everything they were compiled from (the
 * source's binding and addresses, the tunnel facts, and its enabled
 * sessions with their filters' rules and their targets' addresses).  A
 * source whose description is unchanged keeps its flows; only the others
 * are compiled again.  The forwarding pipeline is small and recompiled
 * whenever the bindings or port MACs change.
 *
 * Flows are kept in canonical text (tm-ofp.h), ready to compare with a
 * switch's.  Pure: no I/O, no globals.
 */
#ifndef TM_ENGINE_H
#define TM_ENGINE_H 1

#include <stdbool.h>
#include <stddef.h>
#include "openvswitch/shash.h"
#include "svec.h"
#include "tm-flow.h"

struct tm_bindings;
struct tm_model;

struct tm_engine {
    struct shash sources;           /* Port id -> struct tm_engine_source. */
    char *pipeline_inputs;          /* NULL: never compiled. */
    struct tm_flow_table pipeline;  /* Canonical. */
    struct svec pipeline_warnings;
    struct tm_flow_table desired;   /* Pipeline and every source's flows. */
    /* A part's flow was left out of 'desired' because another part has a
     * flow with the same key (bindings that are inconsistent for a
     * moment).  Removing either part then needs 'desired' rebuilt. */
    bool collided;
};

/* What one tm_engine_run() did. */
struct tm_engine_stats {
    bool pipeline_compiled;
    size_t sources_compiled;        /* Compiled again: inputs changed. */
    size_t sources_kept;            /* Unchanged, not compiled. */
    size_t sources_removed;         /* No longer bound, or no sessions. */
};

void tm_engine_init(struct tm_engine *);
void tm_engine_destroy(struct tm_engine *);

/* Forgets everything, so that the next run compiles everything. */
void tm_engine_clear(struct tm_engine *);

/* Brings the desired flows up to date with 'model' and 'bindings'. */
void tm_engine_run(struct tm_engine *, const struct tm_model *,
                   const struct tm_bindings *, struct tm_engine_stats *);

/* The flows that the switch should have. */
const struct tm_flow_table *tm_engine_desired(const struct tm_engine *);

/* The mirror flows of one bound source, or NULL if it has none. */
const struct tm_flow_table *tm_engine_source_flows(const struct tm_engine *,
                                                   const char *port_id);

/* Appends every current warning (pipeline first, then sources by id). */
void tm_engine_warnings(const struct tm_engine *, struct svec *);

#endif /* tm-engine.h */

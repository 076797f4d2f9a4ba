/*
 * tmirror: validation of a whole model.
 *
 * Field syntax and per-field ranges are checked when a model is built (see
 * tm-parse.h and tm-model-json.h); this module checks what only the whole
 * model can tell: references between objects, every quota of seed 000
 * Table 4, and the constraints of DESIGN.md section 2.  Every writer (CLI,
 * REST API) validates the model as it would be after its write, and the
 * hypervisor controller validates what it reads, so one function serves
 * them all.
 */
#ifndef TM_VALIDATE_H
#define TM_VALIDATE_H 1

#include "compiler.h"
#include "tm-model.h"

struct sset;

/* Returns NULL if 'model' is valid, otherwise a malloc'd message describing
 * the first violation found: which object (by kind and id), which field,
 * which limit.  Checks objects in input order, so the answer is stable. */
char *tm_model_validate(const struct tm_model *) OVS_WARN_UNUSED_RESULT;

/* Like tm_model_validate(), for a write: the objects whose ids are in
 * 'focus' (the filters, rules and sessions the write created or changed)
 * are checked first, and take the blame for any conflict they are part of
 * (a quota their change exceeds, a priority they share with an older
 * object), so that the error names what the user just did. */
char *tm_model_validate_focus(const struct tm_model *, const struct sset *)
    OVS_WARN_UNUSED_RESULT;

/* Checks one session and everything it refers to, plus the constraints it
 * shares with other sessions (quotas on its sources, target and filter,
 * session priority per shared source).  The controller uses it to skip,
 * loudly, sessions that are invalid while applying the rest. */
char *tm_session_validate(const struct tm_model *, const struct tm_session *)
    OVS_WARN_UNUSED_RESULT;

#endif /* tm-validate.h */

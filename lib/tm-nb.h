/*
 * tmirror: the northbound database (lib/tmirror.ovsschema) as a model.
 *
 * Every reader of the database (tmirror-ctl, tmirror-apid, the controller)
 * turns the IDL's rows into a struct tm_model with tm_nb_to_model() and
 * works on that, so that validation and compilation see one
 * representation whatever the source.  Inside an open IDL transaction the
 * IDL shows the rows as the transaction would leave them, so a writer
 * validates "the model after my write" by making its change and then
 * calling this.
 *
 * Ids: filters, rules and sessions are identified by their row UUIDs (the
 * API returns them); ports and load balancers by the cloud's own ids
 * (Port.port_id, Load_Balancer.lb_id), which is what OVS interfaces carry
 * in external_ids:iface-id.
 */
#ifndef TM_NB_H
#define TM_NB_H 1

#include <stdint.h>
#include "compiler.h"

struct ovsdb_idl;
struct tm_model;

/* Fills 'model' (freshly initialized) from the rows of 'idl'.  Objects come
 * in a stable order: sessions and rules by cookie key (which grows with
 * creation, so a quota error names the newest object), filters by creation
 * time, ports and load balancers by id.  Returns NULL, or a malloc'd error
 * naming the first row whose stored value does not parse (someone wrote
 * the database around our tools); the model still holds everything else,
 * with such values left at their defaults. */
char *tm_nb_to_model(const struct ovsdb_idl *, struct tm_model *)
    OVS_WARN_UNUSED_RESULT;

/* The next free cookie key for a rule or a session: one more than the
 * largest in use, or, once keys reach the 24-bit limit, the smallest free
 * one.  Returns 0 if every key is in use. */
uint32_t tm_nb_next_rule_key(const struct ovsdb_idl *);
uint32_t tm_nb_next_session_key(const struct ovsdb_idl *);

#endif /* tm-nb.h */

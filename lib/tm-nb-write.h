/*
 * tmirror: writing the northbound database.
 *
 * Every writer (tmirror-ctl, tmirror-apid) changes the database through
 * tm_nb_write(), which makes each write one OVSDB transaction that is
 * validated, against the whole model as it will be after the write, before
 * it is committed:
 *
 *   1. the transaction verifies TM_Global.nb_cfg and increments it, so any
 *      two writes conflict and the database serializes them;
 *   2. the caller's function makes its change to the IDL's rows;
 *   3. the model is read back from the IDL (which shows the transaction's
 *      changes) and validated with tm_model_validate();
 *   4. it commits; if another writer committed first, the verification
 *      fails, and the whole thing runs again on fresh data, so the loser of
 *      a race gets the validation error it deserves (the fourth session on
 *      a source, the last quota slot) instead of both succeeding.
 *
 * A rejected write aborts its transaction: the database is unchanged.
 *
 * The row writers below take model structs (struct tm_rule and so on),
 * which both the command line and the REST API parse their input into, so
 * that there is one way to turn a resource into rows.
 */
#ifndef TM_NB_WRITE_H
#define TM_NB_WRITE_H 1

#include <stdint.h>
#include "compiler.h"

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct smap;
struct tm_filter;
struct tm_lb;
struct tm_port;
struct tm_rule;
struct tm_session;
struct tmrec_filter;
struct tmrec_filter_rule;
struct tmrec_load_balancer;
struct tmrec_port;
struct tmrec_session;
struct uuid;

struct tm_nb_writer {
    /* Makes the change in 'txn' (rows of 'idl').  Returns NULL or a
     * malloc'd error, which aborts the write.  Called again, from scratch,
     * if the transaction has to be retried.  It may add, for rows it
     * inserts, their UUID (as text) -> a label to 'labels', which errors
     * then show instead of the row's temporary UUID (by default they say
     * "(new)"). */
    char *(*write)(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                   struct smap *labels, void *aux);

    /* Optional: called after a successful commit, while the inserted rows'
     * final UUIDs can still be read with ovsdb_idl_txn_get_insert_uuid(). */
    void (*committed)(const struct ovsdb_idl_txn *, void *aux);

    void *aux;
};

/* Runs 'writer' as described above.  Blocks until the IDL has the
 * database's contents, then until the write committed or failed, at most
 * 'timeout_ms' milliseconds for each wait (0: no limit).  On success
 * returns NULL and stores the new TM_Global.nb_cfg in '*nb_cfg'; on
 * failure returns the error and writes nothing.  'validate' false skips
 * step 3 (for writes that only touch hypervisor state). */
char *tm_nb_write(struct ovsdb_idl *, const struct tm_nb_writer *,
                  bool validate, long long int timeout_ms, int64_t *nb_cfg)
    OVS_WARN_UNUSED_RESULT;

/* Blocks until the IDL has the database's contents (or 'deadline', a
 * time_msec() value, 0 for none, passes).  Returns NULL or an error. */
char *tm_nb_sync(struct ovsdb_idl *, long long int deadline)
    OVS_WARN_UNUSED_RESULT;

/* Lookups by the cloud's ids and by row UUID (as text). */
const struct tmrec_port *tm_nb_find_port(const struct ovsdb_idl *,
                                         const char *port_id);
const struct tmrec_load_balancer *tm_nb_find_lb(const struct ovsdb_idl *,
                                                const char *lb_id);
const struct tmrec_filter *tm_nb_find_filter(const struct ovsdb_idl *,
                                             const char *uuid);
const struct tmrec_filter_rule *tm_nb_find_rule(const struct ovsdb_idl *,
                                                const char *uuid);
const struct tmrec_session *tm_nb_find_session(const struct ovsdb_idl *,
                                               const char *uuid);
/* The filter that holds 'rule' (rules belong to exactly one). */
const struct tmrec_filter *tm_nb_rule_filter(const struct ovsdb_idl *,
                                             const struct tmrec_filter_rule *);

/* Row writers.  Inserts fill in every column from the struct (timestamps:
 * now) and return the new row; updates rewrite every column from the struct
 * and set updated_at; deletes refuse, with an error naming the user, what
 * is still referenced. */
const struct tmrec_filter *tm_nb_filter_insert(struct ovsdb_idl_txn *,
                                               const struct tm_filter *);
void tm_nb_filter_update(const struct tmrec_filter *,
                         const struct tm_filter *);
char *tm_nb_filter_delete(const struct ovsdb_idl *,
                          const struct tmrec_filter *)
    OVS_WARN_UNUSED_RESULT;

/* 'key' is the new row's cookie key, from tm_nb_next_rule_key() (a bulk
 * writer allocates once and counts up rather than rescanning every row for
 * each insert); 0 means none is left, an error. */
char *tm_nb_rule_insert(struct ovsdb_idl_txn *, const struct tmrec_filter *,
                        const struct tm_rule *, uint32_t key,
                        const struct tmrec_filter_rule **)
    OVS_WARN_UNUSED_RESULT;
char *tm_nb_rule_update(const struct tmrec_filter *,
                        const struct tmrec_filter_rule *,
                        const struct tm_rule *) OVS_WARN_UNUSED_RESULT;
void tm_nb_rule_delete(const struct tmrec_filter *,
                       const struct tmrec_filter_rule *);

/* 'key' as for tm_nb_rule_insert(), from tm_nb_next_session_key(). */
char *tm_nb_session_insert(struct ovsdb_idl_txn *, const struct ovsdb_idl *,
                           const struct tm_session *, uint32_t key,
                           const struct tmrec_session **)
    OVS_WARN_UNUSED_RESULT;
char *tm_nb_session_update(const struct ovsdb_idl *,
                           const struct tmrec_session *,
                           const struct tm_session *) OVS_WARN_UNUSED_RESULT;
void tm_nb_session_delete(const struct tmrec_session *);

const struct tmrec_port *tm_nb_port_insert(struct ovsdb_idl_txn *,
                                           const struct tm_port *);
void tm_nb_port_update(const struct tmrec_port *, const struct tm_port *);
char *tm_nb_port_delete(const struct ovsdb_idl *, const struct tmrec_port *)
    OVS_WARN_UNUSED_RESULT;

const struct tmrec_load_balancer *tm_nb_lb_insert(struct ovsdb_idl_txn *,
                                                  const struct tm_lb *);
void tm_nb_lb_update(const struct tmrec_load_balancer *,
                     const struct tm_lb *);
char *tm_nb_lb_delete(const struct ovsdb_idl *,
                      const struct tmrec_load_balancer *)
    OVS_WARN_UNUSED_RESULT;

/* Sets the adjustable quota (0: back to the default). */
void tm_nb_set_sources_per_session(const struct ovsdb_idl *, uint32_t);

/* The current time as the API writes it (RFC 3339, UTC, milliseconds),
 * malloc'd. */
char *tm_nb_now(void);

#endif /* tm-nb-write.h */

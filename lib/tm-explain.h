/*
 * tmirror: why a packet is mirrored or not ("tmirror-ctl trace").
 *
 * Given the model, one source port, a direction and a packet, this walks
 * the matching semantics (DESIGN.md section 3, docs/architecture.rst):
 * the enabled sessions that list the source by session priority, each
 * one's rules of the direction by rule priority, the first match decides,
 * accept mirrors once and reject does not.  It records every session and
 * rule it considered and why each did or did not match, the deciding rule,
 * and what would be sent: target, outer addresses, VNI and truncation.
 *
 * The order of sessions and rules, the outer addresses and the truncation
 * come from the compiler's own plan (tm_compile_plan()), so that the
 * explanation can't drift from the flows.  Whether a rule matches is
 * decided here, directly from the rule's values (a port is in a range if
 * min <= port <= max), and not from the masks the compiler builds: that is
 * what makes comparing an explanation with ofproto/trace on the compiled
 * flows ("trace --live", lib/tm-live) a test of the compiler.
 *
 * Pure: no I/O, no globals.  tm_explain_run() fills a struct tm_explain;
 * tm_explain_format() turns it into text (docs/trace.rst describes the
 * format, line by line).
 */
#ifndef TM_EXPLAIN_H
#define TM_EXPLAIN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "compiler.h"
#include "flow.h"
#include "svec.h"
#include "tm-compile.h"
#include "tm-model.h"

struct ds;
struct tm_bindings;

/* One mirror copy: what leaves the hypervisor in VXLAN.  Both the model's
 * verdict and a copy read from a switch's datapath actions (lib/tm-live)
 * are described this way, and printed by tm_copy_format(). */
struct tm_copy {
    uint32_t vni;
    struct tm_ip dst;           /* Outer destination. */
    bool has_src;               /* False: the outer source is not known */
    struct tm_ip src;           /* (the hypervisor's address toward
                                 * 'dst', which only the switch knows). */
    uint32_t max_len;           /* Truncated to this many bytes of inner
                                 * frame; 0: not truncated. */
};

/* "outer 192.168.0.230 -> 192.168.0.164, VNI 1, truncated to 96 bytes";
 * an unknown source is "(hypervisor)". */
void tm_copy_format(const struct tm_copy *, struct ds *);

enum tm_explain_rule_result {
    TM_EXPLAIN_MATCH,           /* It matches: it decides. */
    TM_EXPLAIN_NO_MATCH,        /* 'why': the first field that differs. */
    TM_EXPLAIN_RULE_SKIPPED,    /* The compiler installs no flow for it. */
    TM_EXPLAIN_RULE_NOT_REACHED,    /* An earlier rule decided. */
};

struct tm_explain_rule {
    const struct tm_rule *rule;
    enum tm_explain_rule_result result;
    char *why;                  /* NO_MATCH, SKIPPED: a phrase. */
};

enum tm_explain_session_state {
    TM_EXPLAIN_TRIED,           /* Its rules were tried. */
    TM_EXPLAIN_NOT_REACHED,     /* An earlier session's rule decided. */
    TM_EXPLAIN_DISABLED,        /* Disabled: not considered. */
    TM_EXPLAIN_SESSION_SKIPPED, /* The compiler skips it: 'why'. */
};

struct tm_explain_session {
    const struct tm_session *session;
    enum tm_explain_session_state state;
    char *why;                  /* SESSION_SKIPPED: the compiler's reason. */
    struct tm_explain_rule *rules;  /* Of the direction, in order (TRIED
                                     * and NOT_REACHED). */
    size_t n_rules;
};

struct tm_explain {
    const struct tm_port *source;
    enum tm_direction direction;
    char *packet;               /* The packet's fields, as a flow. */
    uint32_t tunnel_mtu;        /* Hypervisor facts used. */
    bool nonlocal_src;
    const char *facts_origin;   /* Where they came from, for the text
                                 * (set by the caller; may be NULL). */

    /* Every session that lists the source, enabled or not, in the order
     * their rules are tried. */
    struct tm_explain_session *sessions;
    size_t n_sessions;

    /* The verdict. */
    const struct tm_session *session;   /* The deciding rule's session, */
    const struct tm_rule *rule;         /* and the rule; NULL: none. */
    bool mirrored;
    char *reason;               /* Not mirrored: why. */
    struct tm_copy copy;        /* Mirrored: what is sent. */

    /* The compiler's warnings about this source (e.g. an outer source
     * that falls back to the hypervisor's address). */
    struct svec notes;
};

/* Parses 'flow_text' (ovs-ofctl flow syntax, e.g.
 * "tcp,nw_src=10.0.0.1,tp_dst=80") into 'flow' and 'wc' (which fields it
 * sets).  Only packet header fields are accepted: in_port, registers,
 * tunnel and other metadata are refused by name, since the source and the
 * direction decide them.  Returns NULL or a malloc'd error. */
char *tm_explain_parse_flow(const char *flow_text, struct flow *,
                            struct flow_wildcards *) OVS_WARN_UNUSED_RESULT;

void tm_explain_init(struct tm_explain *);
void tm_explain_destroy(struct tm_explain *);

/* Explains what 'source' does with 'flow' in 'direction', on a hypervisor
 * described by 'b' (only tunnel_mtu and nonlocal_src are read).  'wc' says
 * which fields the packet description set (for the text of the packet).
 * 'ex' must be freshly initialized. */
void tm_explain_run(const struct tm_model *, const struct tm_bindings *b,
                    const struct tm_port *source, enum tm_direction,
                    const struct flow *, const struct flow_wildcards *,
                    struct tm_explain *ex);

/* The explanation, one line per item (docs/trace.rst). */
void tm_explain_format(const struct tm_explain *, struct ds *);

/* Only its last line: "mirror: ..." or "not mirrored: ...". */
void tm_explain_format_verdict(const struct tm_explain *, struct ds *);

#endif /* tm-explain.h */

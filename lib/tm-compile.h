/*
 * tmirror: the rule compiler.
 *
 * A pure function from (model, bindings) to the desired OpenFlow flows of
 * one hypervisor's integration bridge: no I/O, no globals, so that every
 * decision about priorities, ranges, conjunctions and truncation is made
 * here and tested here.
 *
 * The pipeline (DESIGN.md section 5) is a contract: a host that runs its
 * own forwarding pipeline can hand packets to the two mirror stages by
 * resubmitting to TM_TABLE_MIRROR_OUT with the packet's in_port, and to
 * TM_TABLE_MIRROR_IN with the chosen output port in TM_REG_OUTPORT.
 *
 *   T0   classify: VM ports -> T10; mirror copies coming back through
 *        LOCAL are flagged (never mirrored again); the rest -> T30
 *   T10  ACL from VM (security-group hook; default: pass)
 *   T20  OUTBOUND MIRROR (in_port = source)
 *   T30  L2 forwarding: MAC -> output port register; broadcast and
 *        multicast to every other port; unknown unicast -> uplink
 *   T40  ACL to VM (security-group hook; default: pass)
 *   T50  INBOUND MIRROR (output port register = source)
 *   T60  output
 */
#ifndef TM_COMPILE_H
#define TM_COMPILE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "compiler.h"
#include "tm-model.h"

struct shash;
struct svec;
struct tm_bindings;
struct tm_flow_table;
struct tm_model;
struct tm_session;

#define TM_TABLE_CLASSIFY 0
#define TM_TABLE_ACL_FROM_VM 10
#define TM_TABLE_MIRROR_OUT 20
#define TM_TABLE_L2 30
#define TM_TABLE_ACL_TO_VM 40
#define TM_TABLE_MIRROR_IN 50
#define TM_TABLE_OUTPUT 60

/* The output port chosen by L2 forwarding, and flag bits. */
#define TM_REG_OUTPORT "reg15"
#define TM_REG_OUTPORT_NXM "NXM_NX_REG15[]"
#define TM_REG_FLAGS "reg13"
#define TM_FLAG_MIRROR_COPY 0x1     /* A mirror copy: never mirror it. */
#define TM_FLAG_MIRROR_COPY_NXM "NXM_NX_REG13[0]"

/* Flow priorities.  A mirror rule's flows sit at TM_PRIO_RULE_TOP minus the
 * rule's rank among its source's rules in that direction (sessions by
 * priority, then their rules by priority), so OpenFlow's "highest priority
 * wins" is exactly "first matching rule decides". */
#define TM_PRIO_SKIP 65000
#define TM_PRIO_RULE_TOP 60000
#define TM_PRIO_PORT 100
#define TM_PRIO_FLOOD 50
#define TM_PRIO_FLOOD_OTHER 40
#define TM_PRIO_DEFAULT 0

/* Encapsulation overhead on top of the inner frame: outer IP, UDP (8) and
 * VXLAN (8).  The underlay MTU bounds the outer IP packet. */
#define TM_VXLAN_OVERHEAD_IPV4 36
#define TM_VXLAN_OVERHEAD_IPV6 56
#define TM_VXLAN_PORT 4789
#define TM_MIN_MAX_LEN 14           /* OVS can't cut into the Ethernet
                                     * header. */

/* Compiles everything: the pipeline and the mirror flows of every source
 * bound on this hypervisor, into 'flows' (which may already hold flows).
 * Problems that make the compiler skip something (a session whose filter
 * or target is missing, a bound port unknown to the model, ...) are
 * appended to 'warnings' as sentences; nothing is skipped silently. */
void tm_compile(const struct tm_model *, const struct tm_bindings *,
                struct tm_flow_table *flows, struct svec *warnings);

/* Only the forwarding pipeline (tables 0, 10, 30, 40, 60 and the default
 * flows of 20 and 50), which depends on the bindings and port MACs only. */
void tm_compile_pipeline(const struct tm_model *, const struct tm_bindings *,
                         struct tm_flow_table *flows, struct svec *warnings);

/* Only the mirror flows of one bound source port, both directions.  The
 * controller recompiles just the sources a change touches. */
void tm_compile_source(const struct tm_model *, const struct tm_bindings *,
                       const char *port_id, struct tm_flow_table *flows,
                       struct svec *warnings);

/* The enabled sessions that list one bound source, in model order. */
struct tm_session_list {
    const struct tm_session **sessions;
    size_t n, allocated;
};

/* Fills 'by_source' (port id -> struct tm_session_list *) with the enabled
 * sessions of every source bound in 'b', in one pass over the sessions.
 * Free it with tm_compile_index_destroy(). */
void tm_compile_index_sources(const struct tm_model *,
                              const struct tm_bindings *,
                              struct shash *by_source);
void tm_compile_index_destroy(struct shash *by_source);

/* tm_compile_source() for a source whose sessions are already known ('list'
 * may be NULL: no sessions). */
void tm_compile_source_sessions(const struct tm_model *,
                                const struct tm_bindings *,
                                const char *port_id,
                                const struct tm_session_list *,
                                struct tm_flow_table *flows,
                                struct svec *warnings);

/* How the compiler sees one source's sessions: in the order in which their
 * rules are tried, each with its copies' outer addresses and truncation
 * resolved and its rules of each direction in order, or skipped with the
 * reason.  The compiler compiles from a plan and "tmirror-ctl trace"
 * (lib/tm-explain) explains from one, so that the two can't disagree on
 * order, outer addresses or truncation. */
struct tm_compile_target {
    struct tm_ip ip;            /* Outer destination. */
    bool has_src;               /* Outer source set from the VM's IP?  If
                                 * not, the hypervisor's address toward
                                 * 'ip' is the outer source. */
    struct tm_ip src;
    uint32_t max_len;           /* Truncation (output max_len). */
};

struct tm_plan_session {
    const struct tm_session *session;
    char *skipped;              /* Why the compiler skips it, or NULL. */
    const struct tm_filter *filter;             /* Unless skipped. */
    struct tm_compile_target target;            /* Unless skipped. */
    const struct tm_rule **rules[TM_N_DIRECTIONS];  /* By priority. */
    size_t n_rules[TM_N_DIRECTIONS];
};

struct tm_source_plan {
    struct tm_plan_session *sessions;   /* By session priority. */
    size_t n;
};

/* Plans 'source' given the 'n' enabled sessions that list it (in any
 * order; the array is not changed).  A session that can't be compiled is
 * in the plan with the reason in 'skipped'; other problems (an outer
 * source that falls back to the hypervisor's address) go to 'warnings' as
 * tm_compile() reports them.  Free the plan with tm_source_plan_destroy().
 */
void tm_compile_plan(const struct tm_model *, const struct tm_bindings *,
                     const struct tm_port *source,
                     const struct tm_session *const *sessions, size_t n,
                     struct tm_source_plan *, struct svec *warnings);
void tm_source_plan_destroy(struct tm_source_plan *);

/* A source's rules of one direction get ranks 0, 1, ... in plan order; the
 * compiler skips the rules at this rank and after (OpenFlow priorities run
 * out). */
#define TM_COMPILE_MAX_RANK (TM_PRIO_RULE_TOP - TM_PRIO_DEFAULT - 1)

/* Why the compiler can't compile 'rule' (its protocol, ethertype, port
 * ranges and CIDR blocks do not fit together), malloc'd, or NULL.  Valid
 * models never have such rules; a database written around our tools may. */
char *tm_compile_rule_problem(const struct tm_rule *) OVS_WARN_UNUSED_RESULT;

/* The sessions of 'model' that list 'port_id' (each once), in model order:
 * only the enabled ones, or all.  Returns how many; free '*sessions'. */
size_t tm_compile_sessions_of_source(const struct tm_model *,
                                     const char *port_id,
                                     bool include_disabled,
                                     const struct tm_session ***sessions);

/* Sorts sessions in the order their rules are tried: by priority, ties
 * (which validation refuses) by id. */
void tm_compile_sort_sessions(const struct tm_session **, size_t n);

/* The truncation length for a copy to a target reached over an underlay of
 * 'family' (AF_INET or AF_INET6) with the given MTU: the session's packet
 * length, cut so that inner frame + VXLAN + outer IP fits the MTU, and
 * never below an Ethernet header. */
uint32_t tm_compile_max_len(uint32_t packet_length, uint32_t mtu,
                            int family);

#endif /* tm-compile.h */

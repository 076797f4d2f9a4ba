/*
 * tmirror: the traffic-mirroring model.
 *
 * Resources and field names follow Huawei Cloud's VPC v3 traffic-mirroring
 * API (traffic_mirror_filter, traffic_mirror_filter_rule,
 * traffic_mirror_session), plus the two things a mirror needs to know about
 * the cloud around it: ports (elastic network interfaces) and load
 * balancers.  A model is a plain in-memory value: the JSON loader, the
 * northbound database reader and the tests all build one, validation checks
 * one, and the compiler turns one into flows.
 */
#ifndef TM_MODEL_H
#define TM_MODEL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "openvswitch/shash.h"
#include "openvswitch/types.h"
#include "packets.h"

/* Field limits (DESIGN.md section 2). */
#define TM_NAME_MAX_CHARS 64
#define TM_DESCRIPTION_MAX_CHARS 255
#define TM_RULE_PRIORITY_MIN 1
#define TM_RULE_PRIORITY_MAX 65535
#define TM_SESSION_PRIORITY_MIN 1
#define TM_SESSION_PRIORITY_MAX 32766
#define TM_VNI_MAX 16777215
#define TM_VNI_DEFAULT 1
#define TM_PACKET_LENGTH_MIN 1
#define TM_PACKET_LENGTH_MAX 1460
#define TM_PACKET_LENGTH_DEFAULT 96

/* Quotas (seed 000, Table 4).  Only the number of sources per session is
 * adjustable; it lives in struct tm_quotas.  The others are fixed. */
#define TM_QUOTA_SOURCES_PER_SESSION_DEFAULT 10
#define TM_QUOTA_SOURCES_PER_SESSION_MAX 1000
#define TM_QUOTA_SESSIONS_PER_SOURCE 3
#define TM_QUOTA_SESSIONS_PER_ENI_TARGET 10
#define TM_QUOTA_SESSIONS_PER_ELB_TARGET 200
#define TM_QUOTA_SESSIONS_PER_FILTER 1000
#define TM_QUOTA_RULES_PER_DIRECTION 10
#define TM_QUOTA_SESSIONS_PER_REGION 20000

enum tm_direction {
    TM_INGRESS,                 /* Inbound: delivered to the source port. */
    TM_EGRESS,                  /* Outbound: sent by the source port. */
};
#define TM_N_DIRECTIONS 2

enum tm_protocol {
    TM_PROTO_ALL,
    TM_PROTO_TCP,
    TM_PROTO_UDP,
    TM_PROTO_ICMP,
    TM_PROTO_ICMPV6,
};

enum tm_ethertype {
    TM_ETH_IPV4,
    TM_ETH_IPV6,
};

enum tm_action {
    TM_ACCEPT,
    TM_REJECT,
};

enum tm_target_type {
    TM_TARGET_ENI,              /* A port of a cloud server. */
    TM_TARGET_ELB,              /* A load balancer's VIP. */
};

/* An IPv4 or IPv6 prefix.  IPv4 addresses are kept IPv4-mapped in 'addr'
 * so that both families share one representation, as OVS does. */
struct tm_cidr {
    bool set;                   /* False: any address. */
    int family;                 /* AF_INET or AF_INET6. */
    struct in6_addr addr;
    unsigned int plen;          /* 0-32 or 0-128. */
};

/* An inclusive port range; 'set' false means any port. */
struct tm_port_range {
    bool set;
    uint16_t min;
    uint16_t max;
};

/* A single IP address of either family (IPv4 kept IPv4-mapped). */
struct tm_ip {
    int family;                 /* AF_INET or AF_INET6. */
    struct in6_addr addr;
};

struct tm_rule {
    char *id;
    char *filter_id;
    enum tm_direction direction;
    uint32_t priority;          /* 1-65535, smaller is matched first. */
    enum tm_protocol protocol;
    enum tm_ethertype ethertype;
    struct tm_cidr src;
    struct tm_cidr dst;
    struct tm_port_range src_ports;
    struct tm_port_range dst_ports;
    enum tm_action action;
    char *description;
    char *created_at;
    char *updated_at;
    uint32_t key;               /* Stable number for cookies (24 bits). */
};

struct tm_filter {
    char *id;
    char *project_id;
    char *name;
    char *description;
    char *created_at;
    char *updated_at;
    struct tm_rule **rules;     /* Both directions, in input order. */
    size_t n_rules;
    size_t allocated_rules;
};

struct tm_session {
    char *id;
    char *project_id;
    char *name;
    char *description;
    char *filter_id;
    char **sources;             /* Port ids. */
    size_t n_sources;
    size_t allocated_sources;
    char *target_id;
    enum tm_target_type target_type;
    uint32_t vni;               /* 0-16777215. */
    uint32_t packet_length;     /* 1-1460. */
    uint32_t priority;          /* 1-32766, smaller is matched first. */
    bool enabled;
    char *type;                 /* Always "eni" today. */
    char *created_at;
    char *updated_at;
    uint32_t key;               /* Stable number for cookies (24 bits). */
};

struct tm_port {
    char *id;
    char *name;
    bool has_mac;
    struct eth_addr mac;
    struct tm_ip *ips;
    size_t n_ips;
    bool mirror_supported;      /* The flavor can be a mirror source. */
};

struct tm_lb {
    char *id;
    char *name;
    bool has_vip;
    struct tm_ip vip;
    bool udp_supported;
};

struct tm_quotas {
    uint32_t sources_per_session;   /* Adjustable, default 10. */
};

/* A whole configuration.  Objects are owned by the model and kept in input
 * order in the arrays; the shash indexes map ids to the same objects. */
struct tm_model {
    struct tm_quotas quotas;

    struct tm_filter **filters;
    size_t n_filters, allocated_filters;
    struct tm_session **sessions;
    size_t n_sessions, allocated_sessions;
    struct tm_port **ports;
    size_t n_ports, allocated_ports;
    struct tm_lb **lbs;
    size_t n_lbs, allocated_lbs;

    struct shash filter_index;  /* id -> struct tm_filter *. */
    struct shash session_index; /* id -> struct tm_session *. */
    struct shash port_index;    /* id -> struct tm_port *. */
    struct shash lb_index;      /* id -> struct tm_lb *. */
    struct shash rule_index;    /* id -> struct tm_rule *. */
};

void tm_model_init(struct tm_model *);
void tm_model_destroy(struct tm_model *);

/* Constructors.  Each returns a new object with every field at its default
 * value, already owned by the model (and by 'filter' for rules); the caller
 * fills in the fields and then calls tm_model_index() once all objects are
 * in place.  Ids are copied. */
struct tm_filter *tm_model_add_filter(struct tm_model *, const char *id);
struct tm_rule *tm_filter_add_rule(struct tm_filter *, const char *id);
struct tm_session *tm_model_add_session(struct tm_model *, const char *id);
struct tm_port *tm_model_add_port(struct tm_model *, const char *id);
struct tm_lb *tm_model_add_lb(struct tm_model *, const char *id);
void tm_session_add_source(struct tm_session *, const char *port_id);
void tm_port_add_ip(struct tm_port *, const struct tm_ip *);

/* Rebuilds the id indexes and fills in rule filter ids and cookie keys
 * that are still zero (numbering in input order, after the largest key
 * already in use).  Returns NULL, or a malloc'd error naming a duplicate
 * id. */
char *tm_model_index(struct tm_model *) OVS_WARN_UNUSED_RESULT;

struct tm_filter *tm_model_find_filter(const struct tm_model *, const char *);
struct tm_session *tm_model_find_session(const struct tm_model *,
                                         const char *);
struct tm_port *tm_model_find_port(const struct tm_model *, const char *);
struct tm_lb *tm_model_find_lb(const struct tm_model *, const char *);
struct tm_rule *tm_model_find_rule(const struct tm_model *, const char *);

/* The first address of 'port' of the given family, or NULL. */
const struct tm_ip *tm_port_find_ip(const struct tm_port *, int family);

/* Names for enum values, as the API spells them. */
const char *tm_direction_to_string(enum tm_direction);
const char *tm_protocol_to_string(enum tm_protocol);
const char *tm_ethertype_to_string(enum tm_ethertype);
const char *tm_action_to_string(enum tm_action);
const char *tm_target_type_to_string(enum tm_target_type);

#endif /* tm-model.h */

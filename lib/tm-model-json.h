/*
 * tmirror: the JSON model file.
 *
 * One format for files, golden tests and the REST API's bodies, using the
 * Huawei VPC v3 field names:
 *
 *   {
 *     "quotas": { "sources_per_session": 10 },
 *     "ports": [ { "id", "name", "mac_address",
 *                  "fixed_ips": [ { "ip_address" } ],
 *                  "traffic_mirroring_supported" } ],
 *     "loadbalancers": [ { "id", "name", "vip_address", "udp_supported" } ],
 *     "traffic_mirror_filters": [ { "id", "project_id", "name",
 *                                   "description", "created_at",
 *                                   "updated_at",
 *                                   "ingress_rules": [ RULE ],
 *                                   "egress_rules": [ RULE ] } ],
 *     "traffic_mirror_sessions": [ { "id", "project_id", "name",
 *                                    "description",
 *                                    "traffic_mirror_filter_id",
 *                                    "traffic_mirror_sources": [ ID ],
 *                                    "traffic_mirror_target_id",
 *                                    "traffic_mirror_target_type",
 *                                    "virtual_network_id", "packet_length",
 *                                    "priority", "enabled", "type",
 *                                    "created_at", "updated_at" } ]
 *   }
 *
 *   RULE: { "id", "traffic_mirror_filter_id", "direction", "priority",
 *           "protocol", "ethertype", "source_cidr_block",
 *           "destination_cidr_block", "source_port_range",
 *           "destination_port_range", "action", "description",
 *           "created_at", "updated_at" }
 *
 * Unknown members are errors (a misspelt field must not silently become a
 * default).  docs/model-format.rst lists which members are required and
 * their defaults.
 */
#ifndef TM_MODEL_JSON_H
#define TM_MODEL_JSON_H 1

#include "compiler.h"
#include "tm-model.h"

struct json;

/* Each loader fills in 'model', which must be freshly initialized, and
 * returns NULL, or a malloc'd error naming the JSON path of the bad member
 * and the limit it breaks (then 'model' holds whatever was read so far and
 * must still be destroyed).  They check every field's syntax and range and
 * that ids are unique, but not the cross-object rules: call
 * tm_model_validate() for those. */
char *tm_model_from_json(const struct json *, struct tm_model *)
    OVS_WARN_UNUSED_RESULT;
char *tm_model_from_string(const char *, struct tm_model *)
    OVS_WARN_UNUSED_RESULT;
char *tm_model_from_file(const char *file_name, struct tm_model *)
    OVS_WARN_UNUSED_RESULT;

/* Single objects, for API bodies.  'path' prefixes error messages. */
char *tm_rule_from_json(const struct json *, const char *path,
                        struct tm_rule *) OVS_WARN_UNUSED_RESULT;

/* The inverse: a JSON value that tm_model_from_json() reads back into an
 * equal model. */
struct json *tm_model_to_json(const struct tm_model *);
struct json *tm_filter_to_json(const struct tm_filter *);
struct json *tm_rule_to_json(const struct tm_rule *);
struct json *tm_session_to_json(const struct tm_session *);
struct json *tm_port_to_json(const struct tm_port *);
struct json *tm_lb_to_json(const struct tm_lb *);

#endif /* tm-model-json.h */

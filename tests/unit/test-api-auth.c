/*
 * Unit tests for request authentication (api/tm-api-auth.c): the Huawei
 * Cloud SDK's "SDK-HMAC-SHA256" signature, checked on requests that the
 * real Node.js SDK sent, on tampered copies of them, and on requests
 * signed here; and the credentials file that holds the keys.
 */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "tm-api-auth.h"
#include "tm-test.h"
#include "util.h"

/* The key, project and date of every captured request. */
#define AK "TESTAK0123456789ABCD"
#define SK "TestSecretKey0123456789abcdefghijklmnopq"
#define PROJECT "0123456789abcdef0123456789abcdef"
#define DATE "20240102T030405Z"
#define DATE_T 1704164645LL     /* DATE in seconds since the epoch. */

/* Requests the real SDK (huaweicloud-sdk-vpc 3.1.173, core 3.1.211) put
 * on the wire, captured byte for byte by a raw TCP server
 * (tm-api-research/vectors.jsonl, converted mechanically), with the
 * answer expected from keys that allow AK to use PROJECT.  Ground truth:
 * #21 has an id with characters outside A-Za-z0-9-_.~, for which the SDK
 * signs a different path from the one it sends (no server can accept it);
 * #23 was signed with a wrong secret key on purpose; #24 has no project
 * id, so the SDK left a literal "{project_id}" in the path (sent as
 * "%7Bproject_id%7D" and signed as "%257Bproject_id%257D") and did not
 * send X-Project-Id: its signature is right, but AK may not use project
 * "{project_id}". */
struct vector {
    int seq;
    const char *method;
    const char *target;         /* Path and query, as on the wire. */
    const char *headers[12];    /* "Name: value", NULL-terminated. */
    const char *body;
    int status;                 /* Expected status. */
    const char *reason;         /* Expected in the reason, if it fails. */
};

static const struct vector vectors[] = {
    {
        1, "POST",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=a"
            "ea22914489e591f8ceda952ab5ea2c12398de99636e9aade0d7d7d5cb9d611d",
            "Content-Length: 316",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_session\":{\"name\":\"sess-1\",\"traffic_mirror_fi"
        "lter_id\":\"f-1\",\"traffic_mirror_sources\":[\"port-1\",\"port-2\"]"
        ",\"traffic_mirror_target_id\":\"port-9\",\"traffic_mirror_target_typ"
        "e\":\"eni\",\"priority\":10,\"description\":\"first session\",\"virt"
        "ual_network_id\":\"100\",\"packet_length\":\"128\",\"enabled\":\"tru"
        "e\",\"type\":\"eni\"}}",
        0, NULL,
    },
    {
        2, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters?limi"
        "t=2&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=e"
            "b04e07ce10e9abfa53eb69a2543ac3482362ef818bb6b53b5ab90785febc612",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        3, "POST",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=d"
            "b79ccd2cee3c6d431093f04ada39f5f96bea5e2c2f69cfae89742f2c5d5d636",
            "Content-Length: 58",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_filter\":{\"name\":\"flt\",\"description\":\"d\"}}",
        0, NULL,
    },
    {
        4, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=c"
            "dc0611af7d757db899be81bb260358b780edded94ede111c3af0b2c0287999f",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        5, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters/f-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=9"
            "3e5fd5e47b21d13ad814e824afdfb3dbf68102f16b60bee72b18ba9a6d0ebcf",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        6, "PUT",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters/f-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=b"
            "020427164e61f97f315b4a1cb5d20d4a290895b0f0b4ad4f7fc19e081893600",
            "Content-Length: 58",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_filter\":{\"name\":\"flt2\",\"description\":\"\"}}",
        0, NULL,
    },
    {
        7, "DELETE",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters/f-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=6"
            "6c66e1ede8dc160663babc235130f2b6de114a80c727a8baf80a26091c61073",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        8, "POST",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filter-rules",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=1"
            "c400d0e2457dc14fb10abb9bf87964cb7d1ba072162a48ec5dbaa8337f9bd3e",
            "Content-Length: 239",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_filter_rule\":{\"traffic_mirror_filter_id\":\"f-1"
        "\",\"direction\":\"ingress\",\"protocol\":\"TCP\",\"ethertype\":\"IP"
        "v4\",\"action\":\"accept\",\"priority\":1,\"source_cidr_block\":\"10"
        ".0.0.0/24\",\"destination_port_range\":\"80-90\",\"description\":\"r"
        "\"}}",
        0, NULL,
    },
    {
        9, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filter-rules"
        "?traffic_mirror_filter_id=f-1&direction=ingress&priority=1&limit=10",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=f"
            "502a7cb83cfd736d831ac8bafcd3df1fff66a6f416f6a4f5b65abf52528da4e",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        10, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filter-rules"
        "/r-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=2"
            "1c0ffcf3b77deaa9049d08967d56d5505b12940e59b93d1655b7b04b76be6ad",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        11, "PUT",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filter-rules"
        "/r-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=9"
            "37f487471d056687a7804eef9897e6c42c7276bb8ad140c2fb65cd941da146e",
            "Content-Length: 63",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_filter_rule\":{\"priority\":2,\"action\":\"reject"
        "\"}}",
        0, NULL,
    },
    {
        12, "DELETE",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filter-rules"
        "/r-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=2"
            "4dd46da53e41f7c1d2926d8a41e73939c6fbb885e3f2820b551f1f01ea7b26b",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        13, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions?tra"
        "ffic_mirror_filter_id=f-1&enabled=true&type=eni",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=d"
            "88386913de4fc2bc5e011ecb969dad5840dcd1d9c8d59b89ac1a593d5c8f234",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        14, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions/s-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=9"
            "1a29aaad4798dee02501e0fbb24694162a2f0e3575109b2bc7771f9437ec20f",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        15, "PUT",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions/s-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=2"
            "7c42816ee2865160de1031914e0dc736672f4c0ef7640f6ec842ff849b11d33",
            "Content-Length: 89",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_session\":{\"enabled\":\"false\",\"virtual_network"
        "_id\":7,\"packet_length\":200}}",
        0, NULL,
    },
    {
        16, "PUT",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions/s-1"
        "/add-sources",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=1"
            "f00a2788cfc29f13ce05582817b4178422b7432e2a39008fb706eb3339041d1",
            "Content-Length: 64",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_session\":{\"traffic_mirror_sources\":[\"port-3\"]"
        "}}",
        0, NULL,
    },
    {
        17, "PUT",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions/s-1"
        "/remove-sources",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=c"
            "e5090f07d1761eabd921651021faa85ee229e7396d9e08283b54d9de49a60cd",
            "Content-Length: 64",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "{\"traffic_mirror_session\":{\"traffic_mirror_sources\":[\"port-3\"]"
        "}}",
        0, NULL,
    },
    {
        18, "DELETE",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions/s-1",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=e"
            "da6e5de4ddf372aa2802f446b8ae728ad1a9a4088d21acc5c68919b1b95afba",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        19, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions/s-2",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=b"
            "6330d5c94a8c1e18dbb866a0a14d9a15f30dc7a3fb77adcd51fb0b07dee5a8b",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        20, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions?id="
        "aa&id=mm&id=zz&name=a%20b*c!'()~_%E6%B5%8B%E8%AF%95%2B%26%3D%2F&desc"
        "ription=&enabled=true",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=8"
            "21832ba9551612ead60208c523803245957008e3377e38a38e022a2c4529dd3",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        21, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters/a%20"
        "b%2F%E6%B5%8B",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=8"
            "b89e5c494c677a3fd78b5aff60e89163dad1e6d8bfefd3b36a5ce1ceb3c3dfb",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        401, "signature does not match",
    },
    {
        22, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-sessions/doe"
        "s-not-exist",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; tmirror-research",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=9"
            "67abdd8676ab89ec0cf6231524077af04e3d0a1aa3dc10fa2648be25018b891",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        0, NULL,
    },
    {
        23, "GET",
        "/v3/0123456789abcdef0123456789abcdef/vpc/traffic-mirror-filters",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; os/linux#6.18.44-fc-v59"
            "5#x64 nodejs/v20.20.2 meta/C; app/c56f25c6-ac70-44dc-99dd-3bd7fe"
            "236b41",
            "X-Project-Id: 0123456789abcdef0123456789abcdef",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-project-id;x-sdk-date, Signature=2"
            "72d02a66bab18afdbd3e79d6976f3574d53b6fba13adbc5206626b76d7174b5",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        401, "signature does not match",
    },
    {
        24, "GET",
        "/v3/%7Bproject_id%7D/vpc/traffic-mirror-filters",
        {
            "Accept: application/json",
            "Content-Type: application/json",
            "User-Agent: huaweicloud-usdk-nodejs/3.0; x",
            "X-Sdk-Date: 20240102T030405Z",
            "host: 127.0.0.1:18233",
            "Authorization: SDK-HMAC-SHA256 Access=TESTAK0123456789ABCD, Sign"
            "edHeaders=content-type;host;x-sdk-date, Signature=8cb7d83d269dbb"
            "0da3b258839928005d158835572dc869b6854445a7f20efa15",
            "Accept-Encoding: gzip, compress, deflate, br",
            "Connection: keep-alive",
            NULL
        },
        "",
        403, "may not use project",
    },
};

/* Another key, and a wrong secret for AK, for the tests that need them. */
#define OTHER_AK "OTHERAK0123456789ABC"
#define OTHER_SK "OtherSecretKey0123456789abcdefghijklmnop"
#define WRONG_SK "WrongSecretKey0123456789abcdefghijklmnop"

/* No reason may ever contain one of these. */
static const char *const secrets[] = { SK, OTHER_SK, WRONG_SK };

/* The keys most tests use: AK may use PROJECT (and one more). */
#define STD_CREDS                                                   \
    "# access-key  secret-key  projects\n"                          \
    AK " " SK " " PROJECT ",another-project\n"                      \
    OTHER_AK " " OTHER_SK " other-project\n"

/* What the SDK signs for every request here, in signing order. */
#define SDK_SIGNED_HEADERS "content-type;host;x-project-id;x-sdk-date"

/* Temporary files. */

/* Writes 'content' to a new temporary file with 'mode' and returns its
 * malloc'd name. */
static char *
write_temp_file(const char *content, mode_t mode)
{
    const char *tmpdir = getenv("TMPDIR");
    char *name = xasprintf("%s/tm-auth-XXXXXX",
                           tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    int fd = mkstemp(name);
    size_t len = strlen(content);

    if (fd < 0
        || write(fd, content, len) != (ssize_t) len
        || fchmod(fd, mode) < 0
        || close(fd) < 0) {
        ovs_fatal(errno, "%s: cannot write temporary file", name);
    }
    return name;
}

/* Loads credentials file 'content' (mode 0600), asserting success. */
static struct tm_api_creds *
load_creds(const char *content)
{
    struct tm_api_creds *creds = NULL;
    char *name = write_temp_file(content, 0600);

    TM_ASSERT_OK(tm_api_creds_load(name, &creds));
    unlink(name);
    free(name);
    return creds;
}

/* Loads credentials file 'content' with 'mode' and returns the error
 * (NULL if it loaded), in which the file name is replaced by "FILE" so
 * that tests can look for "FILE:3:". */
static char *
load_creds_error(const char *content, mode_t mode)
{
    struct tm_api_creds *creds = NULL;
    char *name = write_temp_file(content, mode);
    char *error = tm_api_creds_load(name, &creds);

    if (error) {
        CU_ASSERT_PTR_NULL(creds);
        CU_ASSERT_PTR_NOT_NULL(strstr(error, name));
        for (size_t i = 0; i < ARRAY_SIZE(secrets); i++) {
            CU_ASSERT_PTR_NULL(strstr(error, secrets[i]));
        }

        struct ds ds = DS_EMPTY_INITIALIZER;
        const char *p = strstr(error, name);
        ds_put_buffer(&ds, error, p - error);
        ds_put_format(&ds, "FILE%s", p + strlen(name));
        free(error);
        error = ds_steal_cstr(&ds);
    } else {
        tm_api_creds_destroy(creds);
    }
    unlink(name);
    free(name);
    return error;
}

/* Requests. */

/* A request under test, which owns everything 'req' points to. */
struct test_request {
    struct tm_api_auth_request req;
    struct smap headers;        /* Lower-case names, as the HTTP side
                                 * hands them over. */
    char *method;
    char *path;
    char *query;
    char *body;
    char *project;
};

/* Percent-decodes the 'n' bytes at 's', as the HTTP side decodes the path
 * for the router. */
static char *
pct_decode(const char *s, size_t n)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexit_value(s[i + 1]) >= 0
            && hexit_value(s[i + 2]) >= 0) {
            ds_put_char(&ds, hexit_value(s[i + 1]) * 16
                             + hexit_value(s[i + 2]));
            i += 2;
        } else {
            ds_put_char(&ds, s[i]);
        }
    }
    return ds_steal_cstr(&ds);
}

/* Sets header 'name' (any case) to 'value', which the HTTP side would
 * have stripped of surrounding white space, or removes it if 'value' is
 * NULL. */
static void
set_header(struct test_request *tr, const char *name, const char *value)
{
    char *lower = xstrdup(name);

    for (char *p = lower; *p; p++) {
        *p = tolower((unsigned char) *p);
    }
    if (value) {
        smap_replace(&tr->headers, lower, value);
    } else {
        smap_remove(&tr->headers, lower);
    }
    free(lower);
}

/* Replaces the request's path and query with those of 'target', and its
 * project with the one in the path, as the router finds it. */
static void
set_target(struct test_request *tr, const char *target)
{
    const char *q = strchr(target, '?');

    free(tr->path);
    free(tr->query);
    free(tr->project);
    tr->path = q ? xmemdup0(target, q - target) : xstrdup(target);
    tr->query = q ? xstrdup(q + 1) : NULL;
    tr->project = NULL;
    if (!strncmp(tr->path, "/v3/", 4)) {
        const char *p = tr->path + 4;
        tr->project = pct_decode(p, strcspn(p, "/"));
    }
}

static void
set_body(struct test_request *tr, const char *body)
{
    free(tr->body);
    tr->body = xstrdup(body);
}

static void
set_method(struct test_request *tr, const char *method)
{
    free(tr->method);
    tr->method = xstrdup(method);
}

/* Initializes 'tr' from header lines "Name: value" (NULL-terminated). */
static void
request_init(struct test_request *tr, const char *method,
             const char *target, const char *const header_lines[],
             const char *body)
{
    memset(tr, 0, sizeof *tr);
    smap_init(&tr->headers);
    set_method(tr, method);
    set_target(tr, target);
    set_body(tr, body);
    for (size_t i = 0; header_lines && header_lines[i]; i++) {
        const char *colon = strchr(header_lines[i], ':');
        char *name = xmemdup0(header_lines[i], colon - header_lines[i]);
        set_header(tr, name, colon + 1 + strspn(colon + 1, " \t"));
        free(name);
    }
}

static void
request_init_vector(struct test_request *tr, int seq)
{
    ovs_assert(seq >= 1 && seq <= ARRAY_SIZE(vectors));
    const struct vector *v = &vectors[seq - 1];
    ovs_assert(v->seq == seq);
    request_init(tr, v->method, v->target, v->headers, v->body);
}

static void
request_destroy(struct test_request *tr)
{
    smap_destroy(&tr->headers);
    free(tr->method);
    free(tr->path);
    free(tr->query);
    free(tr->body);
    free(tr->project);
}

/* Checks 'tr' against 'creds' at 'now' and asserts that the answer is
 * 'status' and, for a failure, that the reason contains 'want' (if
 * nonnull) and contains neither a secret key nor 'forbidden' (if
 * nonnull). */
#define CHECK(TR, CREDS, NOW, STATUS, WANT) \
    check_request(TR, CREDS, NOW, STATUS, WANT, NULL, __FILE__, __LINE__)
static void
check_request(struct test_request *tr, const struct tm_api_creds *creds,
              long long int now, int status, const char *want,
              const char *forbidden, const char *file, int line)
{
    char *reason = NULL;
    int got;
    bool ok;

    tr->req = (struct tm_api_auth_request) {
        .method = tr->method,
        .raw_path = tr->path,
        .raw_query = tr->query,
        .headers = &tr->headers,
        .body = tr->body,
        .body_len = strlen(tr->body),
        .project_id = tr->project,
    };
    got = tm_api_auth_check(creds, &tr->req, now, &reason);
    ok = got == status;
    if (!status) {
        ok = ok && !reason;
    } else {
        ok = ok && reason && (!want || strstr(reason, want));
    }
    for (size_t i = 0; reason && i < ARRAY_SIZE(secrets); i++) {
        if (strstr(reason, secrets[i])) {
            fprintf(stderr, "\n%s:%d: reason reveals a secret key\n",
                    file, line);
            ok = false;
        }
    }
    if (reason && forbidden && strstr(reason, forbidden)) {
        fprintf(stderr, "\n%s:%d: reason reveals \"%s\"\n",
                file, line, forbidden);
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "\n%s:%d: %s %s: got %d (%s), expected %d%s%s\n",
                file, line, tr->method, tr->path, got,
                reason ? reason : "no reason", status,
                want ? " with " : "", want ? want : "");
    }
    CU_assertImplementation(ok, line, "tm_api_auth_check", file, "",
                            CU_FALSE);
    free(reason);
}

/* An independent signer. */

/* Returns the lower-case hex SHA-256 of 's'. */
static char *
sha256_hex(const char *s)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    struct ds ds = DS_EMPTY_INITIALIZER;

    ovs_assert(EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL));
    for (unsigned int i = 0; i < len; i++) {
        ds_put_format(&ds, "%02x", md[i]);
    }
    return ds_steal_cstr(&ds);
}

/* Returns the signature, in lower-case hex, of canonical request
 * 'canonical' made at 'date' with secret key 'sk': the whole of the SDK's
 * algorithm once the canonical request is known.  The tests write
 * canonical URIs and queries by hand, so that this is not a second copy
 * of the code under test. */
static char *
sign_canonical(const char *sk, const char *date, const char *canonical)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    char *hash = sha256_hex(canonical);
    char *sts = xasprintf("SDK-HMAC-SHA256\n%s\n%s", date, hash);
    struct ds ds = DS_EMPTY_INITIALIZER;

    ovs_assert(HMAC(EVP_sha256(), sk, strlen(sk),
                    (const unsigned char *) sts, strlen(sts), mac, &len));
    for (unsigned int i = 0; i < len; i++) {
        ds_put_format(&ds, "%02x", mac[i]);
    }
    free(sts);
    free(hash);
    return ds_steal_cstr(&ds);
}

/* Returns the canonical request of a request with the SDK's usual
 * headers, host 'host', project PROJECT, made at 'date'. */
static char *
sdk_canonical(const char *method, const char *uri, const char *query,
              const char *host, const char *date, const char *body)
{
    char *body_hash = sha256_hex(body);
    char *canonical = xasprintf("%s\n%s\n%s\n"
                                "content-type:application/json\n"
                                "host:%s\n"
                                "x-project-id:" PROJECT "\n"
                                "x-sdk-date:%s\n"
                                "\n"
                                SDK_SIGNED_HEADERS "\n"
                                "%s",
                                method, uri, query, host, date, body_hash);
    free(body_hash);
    return canonical;
}

/* Initializes 'tr' as the SDK would send 'method' 'target' (with body
 * 'body') to 127.0.0.1:8080 at 'date', signed with 'sk' over canonical
 * URI 'uri' and canonical query 'query'.  Returns the signature. */
static char *
request_init_signed(struct test_request *tr, const char *sk,
                    const char *date, const char *method,
                    const char *target, const char *uri,
                    const char *query, const char *body)
{
    char *canonical = sdk_canonical(method, uri, query, "127.0.0.1:8080",
                                    date, body);
    char *signature = sign_canonical(sk, date, canonical);
    char *authorization = xasprintf("SDK-HMAC-SHA256 Access=" AK ", "
                                    "SignedHeaders=" SDK_SIGNED_HEADERS ", "
                                    "Signature=%s", signature);

    request_init(tr, method, target, NULL, body);
    set_header(tr, "Content-Type", "application/json");
    set_header(tr, "host", "127.0.0.1:8080");
    set_header(tr, "X-Project-Id", PROJECT);
    set_header(tr, "X-Sdk-Date", date);
    set_header(tr, "Authorization", authorization);
    free(authorization);
    free(canonical);
    return signature;
}

/* Formats 't' as an X-Sdk-Date. */
static char *
sdk_date(long long int t)
{
    time_t tt = t;
    struct tm tm;
    char buf[32];

    ovs_assert(gmtime_r(&tt, &tm));
    ovs_assert(strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm));
    return xstrdup(buf);
}

/* Tests. */

/* Every captured request gets the expected answer. */
static void
test_sdk_vectors(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);

    for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
        const struct vector *v = &vectors[i];
        struct test_request tr;

        request_init_vector(&tr, v->seq);
        CHECK(&tr, creds, DATE_T, v->status, v->reason);
        request_destroy(&tr);
    }
    tm_api_creds_destroy(creds);
}

/* The worked examples of the research notes: requests the real SDK built
 * and signed for 127.0.0.1:8080, with their known signatures. */
static void
test_sdk_worked_examples(void)
{
    static const char *const base = "/v3/" PROJECT "/vpc/";
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    static const struct {
        const char *method;
        const char *target;     /* Relative to 'base'. */
        const char *body;
        const char *signature;
    } examples[] = {
        /* A: listTrafficMirrorFilters(limit=2, marker=...). */
        { "GET", "traffic-mirror-filters?limit=2"
          "&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21", "",
          "5bcf968612d18e47763ed9525f18b7dbb9a1a4c4268e3b2a2d86006df2eb4a15" },
        /* B: createTrafficMirrorSession. */
        { "POST", "traffic-mirror-sessions",
          "{\"traffic_mirror_session\":{\"name\":\"sess-1\","
          "\"traffic_mirror_filter_id\":\"f-1\","
          "\"traffic_mirror_sources\":[\"port-1\",\"port-2\"],"
          "\"traffic_mirror_target_id\":\"port-9\","
          "\"traffic_mirror_target_type\":\"eni\",\"priority\":10}}",
          "b49788eb38cc5806a9ed9d49716ee5c23fc785f2895f3fb899492a7ea3664937" },
        /* C: listTrafficMirrorSessions with awkward values, in the order
         * and the escaping of Node's querystring.stringify(). */
        { "GET", "traffic-mirror-sessions?id=aa&id=zz"
          "&name=a%20b*c!'()~_%E6%B5%8B%E8%AF%95%2B%26%3D%2F"
          "&description=&limit=5", "",
          "dd0694ebc2589ad841423c5df632be083f7430ef03092b6ea241b88a8440d1f7" },
        /* D: deleteTrafficMirrorSession. */
        { "DELETE", "traffic-mirror-sessions/"
          "16538eda-7e94-4b90-b5f3-a653f62dc817", "",
          "d0087f97ab1ba7ac75c0155e4c7a7ac48f95ca5f1391ef93689d0236b0ed2065" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(examples); i++) {
        char *target = xasprintf("%s%s", base, examples[i].target);
        char *authorization = xasprintf(
            "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders="
            SDK_SIGNED_HEADERS ", Signature=%s", examples[i].signature);
        const char *const headers[] = {
            "Content-Type: application/json",
            "host: 127.0.0.1:8080",
            "X-Project-Id: " PROJECT,
            "X-Sdk-Date: " DATE,
            NULL
        };
        struct test_request tr;

        request_init(&tr, examples[i].method, target, headers,
                     examples[i].body);
        set_header(&tr, "Authorization", authorization);
        CHECK(&tr, creds, DATE_T, 0, NULL);
        request_destroy(&tr);
        free(authorization);
        free(target);
    }

    /* The test signer reproduces example A from its canonical request,
     * which the notes give byte for byte, so that the tests below that
     * sign their own requests can be trusted. */
    char *canonical = sdk_canonical(
        "GET", "/v3/" PROJECT "/vpc/traffic-mirror-filters/",
        "limit=2&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21",
        "127.0.0.1:8080", DATE, "");
    char *hash = sha256_hex(canonical);
    char *signature = sign_canonical(SK, DATE, canonical);
    CU_ASSERT_STRING_EQUAL(hash, "bf8b2795c01827e668b9e576c29c2e31"
                           "b37a696b29cb45cb4737ef146baa2348");
    CU_ASSERT_STRING_EQUAL(signature, examples[0].signature);
    free(signature);
    free(hash);
    free(canonical);

    tm_api_creds_destroy(creds);
}

/* The query is decoded and re-encoded the signer's way, so every wire
 * spelling of the same parameters verifies, in any order; but '+' is not
 * a space. */
static void
test_query_encoding(void)
{
    static const char *const base = "/v3/" PROJECT
                                    "/vpc/traffic-mirror-sessions?";
    static const struct {
        const char *query;
        int status;
    } queries[] = {
        /* As the SDK sends it: "!'()*" raw. */
        { "id=aa&id=zz&name=a%20b*c!'()~_%E6%B5%8B%E8%AF%95%2B%26%3D%2F"
          "&description=&limit=5", 0 },
        /* Everything encoded, keys too, lower-case hex, another order. */
        { "%6cimit=%35&d%65scription=&name=a%20b%2a%63%21%27%28%29%7e%5f"
          "%e6%b5%8b%e8%af%95%2b%26%3d%2f&id=zz&id=%61a", 0 },
        /* A key without '=' has an empty value. */
        { "id=zz&description&limit=5&id=aa"
          "&name=a%20b*c!'()~_%E6%B5%8B%E8%AF%95%2B%26%3D%2F", 0 },
        /* Empty parameters are not parameters. */
        { "&id=aa&&id=zz&name=a%20b*c!'()~_%E6%B5%8B%E8%AF%95%2B%26%3D%2F"
          "&description=&limit=5&", 0 },
        /* '+' for the space: another value. */
        { "id=aa&id=zz&name=a+b*c!'()~_%E6%B5%8B%E8%AF%95%2B%26%3D%2F"
          "&description=&limit=5", 401 },
        /* A raw '&' or '=' inside the value: other parameters. */
        { "id=aa&id=zz&name=a%20b*c!'()~_%E6%B5%8B%E8%AF%95%2B&%3D%2F"
          "&description=&limit=5", 401 },
        /* A repeated value dropped. */
        { "id=aa&name=a%20b*c!'()~_%E6%B5%8B%E8%AF%95%2B%26%3D%2F"
          "&description=&limit=5", 401 },
    };
    struct tm_api_creds *creds = load_creds(STD_CREDS);

    for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
        char *target = xasprintf("%s%s", base, queries[i].query);
        struct test_request tr;
        char *signature = request_init_signed(
            &tr, SK, DATE, "GET", target,
            "/v3/" PROJECT "/vpc/traffic-mirror-sessions/",
            "description=&id=aa&id=zz&limit=5&name=a%20b%2Ac%21%27%28%29~_"
            "%E6%B5%8B%E8%AF%95%2B%26%3D%2F", "");

        /* Example C's signature: the same request. */
        CU_ASSERT_STRING_EQUAL(signature, "dd0694ebc2589ad841423c5df632be08"
                               "3f7430ef03092b6ea241b88a8440d1f7");
        CHECK(&tr, creds, DATE_T, queries[i].status,
              "signature does not match");
        request_destroy(&tr);
        free(signature);
        free(target);
    }

    /* "%00" and bytes that are not UTF-8 are just bytes. */
    struct test_request tr;
    char *signature = request_init_signed(
        &tr, SK, DATE, "GET", "/v3/" PROJECT "/vpc/x?b=%00%ff%FF&a=%zz%4",
        "/v3/" PROJECT "/vpc/x/", "a=%25zz%254&b=%00%FF%FF", "");
    CHECK(&tr, creds, DATE_T, 0, NULL);
    request_destroy(&tr);
    free(signature);

    tm_api_creds_destroy(creds);
}

/* The path is encoded as it arrived, never decoded. */
static void
test_path_encoding(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    struct test_request tr;
    char *signature;

    /* "%7B" on the wire is signed as "%257B" (capture #24 too). */
    signature = request_init_signed(
        &tr, SK, DATE, "GET", "/v3/" PROJECT "/vpc/a%7Bb/c~d",
        "/v3/" PROJECT "/vpc/a%257Bb/c~d/", "", "");
    CHECK(&tr, creds, DATE_T, 0, NULL);
    request_destroy(&tr);
    free(signature);

    /* Signed decoded: refused. */
    signature = request_init_signed(
        &tr, SK, DATE, "GET", "/v3/" PROJECT "/vpc/a%7Bb",
        "/v3/" PROJECT "/vpc/a%7Bb/", "", "");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    request_destroy(&tr);
    free(signature);

    tm_api_creds_destroy(creds);
}

/* A signature made with another secret key. */
static void
test_wrong_sk(void)
{
    struct tm_api_creds *creds = load_creds(AK " " WRONG_SK " " PROJECT
                                            "\n");
    struct test_request tr;

    /* What the server computes is secret too: a reason that gave it away
     * would sign the request for the caller. */
    char *canonical = sdk_canonical(
        "GET", "/v3/" PROJECT "/vpc/traffic-mirror-filters/",
        "limit=2&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21",
        "127.0.0.1:18233", DATE, "");
    char *expected = sign_canonical(WRONG_SK, DATE, canonical);
    request_init_vector(&tr, 2);
    check_request(&tr, creds, DATE_T, 401, "signature does not match",
                  expected, __FILE__, __LINE__);
    request_destroy(&tr);
    free(expected);
    free(canonical);
    tm_api_creds_destroy(creds);
}

/* Any change to the body after signing. */
static void
test_tampered_body(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    const char *body = vectors[0].body;
    struct test_request tr;
    char *s;

    request_init_vector(&tr, 1);
    CHECK(&tr, creds, DATE_T, 0, NULL);

    /* Another priority. */
    s = xstrdup(body);
    *strstr(s, "\"priority\":10") = '\0';
    char *changed = xasprintf("%s\"priority\":11%s", s,
                              strstr(body, "\"priority\":10") + 13);
    set_body(&tr, changed);
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    free(changed);
    free(s);

    /* A byte more, a byte less, none at all. */
    s = xasprintf("%s\n", body);
    set_body(&tr, s);
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    free(s);
    s = xmemdup0(body, strlen(body) - 1);
    set_body(&tr, s);
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    free(s);
    set_body(&tr, "");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");

    /* A body added to a request that had none. */
    request_destroy(&tr);
    request_init_vector(&tr, 7);
    set_body(&tr, "{}");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");

    request_destroy(&tr);
    tm_api_creds_destroy(creds);
}

/* A signed request replayed to another path or with another method. */
static void
test_tampered_path(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    struct test_request tr;

    /* #5 is GET .../traffic-mirror-filters/f-1. */
    request_init_vector(&tr, 5);
    CHECK(&tr, creds, DATE_T, 0, NULL);
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filters/f-2");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filter-rules/f-1");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    set_target(&tr, "/v3/" PROJECT "/vpc//traffic-mirror-filters/f-1");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filters/f%2D1");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");

    /* Another project in the path. */
    set_target(&tr, "/v3/another-project/vpc/traffic-mirror-filters/f-1");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");

    /* The signer always appends '/', so a trailing '/' on the wire does
     * not change the signature: the router must treat ".../f-1/" as
     * ".../f-1" or refuse it. */
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filters/f-1/");
    CHECK(&tr, creds, DATE_T, 0, NULL);

    /* The same path with another method: the GET's signature does not
     * delete. */
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filters/f-1");
    set_method(&tr, "DELETE");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    set_method(&tr, "get");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");

    request_destroy(&tr);
    tm_api_creds_destroy(creds);
}

/* Any change to the query after signing. */
static void
test_tampered_query(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    static const char *const base = "/v3/" PROJECT
                                    "/vpc/traffic-mirror-filters";
    static const char *const targets[] = {
        "?limit=3&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21",
        "?limit=2",
        "?limit=2&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21&name=x",
        "?limit=2&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21&limit=2",
        "?limit=2&marker=59d2b2e7-0d35-41f7-a12e-f7699366cd22",
        "?limit=2&Marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21",
        "",
    };
    struct test_request tr;

    /* #2 is GET ...?limit=2&marker=...; the order on the wire does not
     * matter. */
    request_init_vector(&tr, 2);
    CHECK(&tr, creds, DATE_T, 0, NULL);
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filters"
               "?marker=59d2b2e7-0d35-41f7-a12e-f7699366cd21&limit=2");
    CHECK(&tr, creds, DATE_T, 0, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
        char *target = xasprintf("%s%s", base, targets[i]);
        set_target(&tr, target);
        CHECK(&tr, creds, DATE_T, 401, "signature does not match");
        free(target);
    }
    request_destroy(&tr);

    /* A query added to a request that had none (#4). */
    request_init_vector(&tr, 4);
    CHECK(&tr, creds, DATE_T, 0, NULL);
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filters?limit=1");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    /* An empty query is no query. */
    set_target(&tr, "/v3/" PROJECT "/vpc/traffic-mirror-filters?");
    CHECK(&tr, creds, DATE_T, 0, NULL);
    request_destroy(&tr);

    tm_api_creds_destroy(creds);
}

/* Signed headers may not change; others may. */
static void
test_tampered_headers(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    static const char *const changes[][2] = {
        { "host", "127.0.0.1:18234" },
        { "host", "localhost:18233" },
        { "Content-Type", "application/json; charset=utf-8" },
        { "X-Project-Id", "another-project" },
        /* Within the window, but not the date that was signed. */
        { "X-Sdk-Date", "20240102T030406Z" },
    };
    struct test_request tr;

    for (size_t i = 0; i < ARRAY_SIZE(changes); i++) {
        request_init_vector(&tr, 2);
        set_header(&tr, changes[i][0], changes[i][1]);
        CHECK(&tr, creds, DATE_T, 401, "signature does not match");
        request_destroy(&tr);
    }

    /* Unsigned headers, and white space around values, do not matter. */
    request_init_vector(&tr, 2);
    set_header(&tr, "User-Agent", "curl/8.0");
    set_header(&tr, "Accept", NULL);
    set_header(&tr, "X-Something-Else", "1");
    set_header(&tr, "host", " 127.0.0.1:18233\t");
    set_header(&tr, "X-Sdk-Date", "\t" DATE " ");
    CHECK(&tr, creds, DATE_T, 0, NULL);
    request_destroy(&tr);

    tm_api_creds_destroy(creds);
}

/* A key may only use its projects: 403, after the signature checks. */
static void
test_other_project(void)
{
    struct tm_api_creds *creds = load_creds(
        AK " " SK " another-project,yet-another-project\n");
    struct test_request tr;

    request_init_vector(&tr, 2);
    CHECK(&tr, creds, DATE_T, 403, "may not use project \"" PROJECT "\"");

    /* A wrong signature is a 401 first, so that a caller without the key
     * learns nothing about its projects. */
    set_header(&tr, "host", "127.0.0.1:1");
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");

    /* A request about no project only needs a valid signature. */
    set_header(&tr, "host", "127.0.0.1:18233");
    free(tr.project);
    tr.project = NULL;
    CHECK(&tr, creds, DATE_T, 0, NULL);
    request_destroy(&tr);
    tm_api_creds_destroy(creds);

    /* A signature does not carry over to another key, even one that may
     * use the project. */
    creds = load_creds(STD_CREDS);
    request_init_vector(&tr, 2);
    char *authorization = xstrdup(smap_get(&tr.headers, "authorization"));
    memcpy(strstr(authorization, AK), OTHER_AK, strlen(OTHER_AK));
    set_header(&tr, "Authorization", authorization);
    CHECK(&tr, creds, DATE_T, 401, "signature does not match");
    free(authorization);
    request_destroy(&tr);
    tm_api_creds_destroy(creds);
}

/* X-Sdk-Date may be at most 15 minutes off, either way. */
static void
test_date_window(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    static const struct {
        int offset;             /* Date minus server clock, seconds. */
        int status;
        const char *reason;
    } cases[] = {
        { -16 * 60, 401, "960 seconds behind the server's clock" },
        { 16 * 60, 401, "960 seconds ahead of the server's clock" },
        { -15 * 60 - 1, 401, "901 seconds behind" },
        { 15 * 60 + 1, 401, "901 seconds ahead" },
        { -15 * 60, 0, NULL },
        { 15 * 60, 0, NULL },
        { -14 * 60, 0, NULL },
        { 14 * 60, 0, NULL },
        { 0, 0, NULL },
        { -365 * 86400, 401, "behind" },
    };
    struct test_request tr;

    /* Requests signed at another time. */
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *date = sdk_date(DATE_T + cases[i].offset);
        char *signature = request_init_signed(
            &tr, SK, date, "GET",
            "/v3/" PROJECT "/vpc/traffic-mirror-filters",
            "/v3/" PROJECT "/vpc/traffic-mirror-filters/", "", "");
        CHECK(&tr, creds, DATE_T, cases[i].status, cases[i].reason);
        request_destroy(&tr);
        free(signature);
        free(date);
    }

    /* A captured request, checked at another time. */
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        request_init_vector(&tr, 2);
        CHECK(&tr, creds, DATE_T - cases[i].offset, cases[i].status,
              cases[i].reason);
        request_destroy(&tr);
    }

    /* Dates that are not dates, each signed, so only the date is
     * wrong. */
    static const char *const bad_dates[] = {
        "2024-01-02T03:04:05Z", "20240102T030405", "20240102 030405Z",
        "20240102T030405z", "20240230T030405Z", "20230229T030405Z",
        "20241301T030405Z", "20240100T030405Z", "20240102T240000Z",
        "20240102T036005Z", "20240102T030460Z", "2024010T2030405Z",
        "+0240102T030405Z", "", "20240102T030405Z0",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_dates); i++) {
        char *signature = request_init_signed(
            &tr, SK, bad_dates[i], "GET",
            "/v3/" PROJECT "/vpc/traffic-mirror-filters",
            "/v3/" PROJECT "/vpc/traffic-mirror-filters/", "", "");
        CHECK(&tr, creds, DATE_T, 401, "not a UTC date");
        request_destroy(&tr);
        free(signature);
    }

    /* A leap day is a date; and the day arithmetic holds far from the
     * epoch. */
    static const char *const good_dates[] = {
        "20240229T000000Z", "20000229T120000Z", "19700101T000000Z",
        "21060207T062816Z", "99991231T235959Z",
    };
    static const long long int good_times[] = {
        1709164800LL, 951825600LL, 0LL, 4294967296LL, 253402300799LL,
    };
    for (size_t i = 0; i < ARRAY_SIZE(good_dates); i++) {
        char *signature = request_init_signed(
            &tr, SK, good_dates[i], "GET",
            "/v3/" PROJECT "/vpc/traffic-mirror-filters",
            "/v3/" PROJECT "/vpc/traffic-mirror-filters/", "", "");
        CHECK(&tr, creds, good_times[i], 0, NULL);
        CHECK(&tr, creds, good_times[i] + 901, 401, "901 seconds behind");
        request_destroy(&tr);
        free(signature);
    }

    /* No date at all. */
    request_init_vector(&tr, 2);
    set_header(&tr, "X-Sdk-Date", NULL);
    CHECK(&tr, creds, DATE_T, 401, "missing X-Sdk-Date");
    request_destroy(&tr);

    tm_api_creds_destroy(creds);
}

/* Returns 'format' with "{H}" replaced by the headers that capture #2
 * signed, "{S}" by its signature and "{S63}" by all but the last digit of
 * it. */
static char *
expand(const char *format)
{
    static const char *const sig =
        "eb04e07ce10e9abfa53eb69a2543ac3482362ef818bb6b53b5ab90785febc612";
    struct ds ds = DS_EMPTY_INITIALIZER;

    for (const char *p = format; *p; ) {
        if (!strncmp(p, "{H}", 3)) {
            ds_put_cstr(&ds, SDK_SIGNED_HEADERS);
            p += 3;
        } else if (!strncmp(p, "{S}", 3)) {
            ds_put_cstr(&ds, sig);
            p += 3;
        } else if (!strncmp(p, "{S63}", 5)) {
            ds_put_buffer(&ds, sig, 63);
            p += 5;
        } else {
            ds_put_char(&ds, *p++);
        }
    }
    return ds_steal_cstr(&ds);
}

/* Authorization headers that are missing or not the SDK's. */
static void
test_bad_authorization(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    struct test_request tr;

    request_init_vector(&tr, 2);
    set_header(&tr, "Authorization", NULL);
    CHECK(&tr, creds, DATE_T, 401, "missing Authorization header");
    request_destroy(&tr);

    static const struct {
        const char *format;     /* See expand(). */
        int status;
        const char *reason;
    } cases[] = {
        /* The SDK's own, and acceptable variations of it. */
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}, Signature={S}",
          0, NULL },
        { "SDK-HMAC-SHA256 Access=" AK ",SignedHeaders={H},Signature={S}",
          0, NULL },
        { "SDK-HMAC-SHA256  Signature={S} ,\tSignedHeaders={H} , "
          "Access=" AK " ", 0, NULL },
        { "SDK-HMAC-SHA256 Access=" AK ", Foo=bar, SignedHeaders={H}, "
          "Signature={S}, ", 0, NULL },

        /* Not this scheme. */
        { "", 401, "does not use SDK-HMAC-SHA256" },
        { "SDK-HMAC-SHA256", 401, "does not use SDK-HMAC-SHA256" },
        { "Basic QUs6U0s=", 401, "does not use SDK-HMAC-SHA256" },
        { "sdk-hmac-sha256 Access=" AK ", SignedHeaders={H}, Signature={S}",
          401, "does not use SDK-HMAC-SHA256" },
        { "V11-HMAC-SHA256 Credential=" AK "/20240102/r/vpc, "
          "SignedHeaders={H}, Signature={S}", 401,
          "does not use SDK-HMAC-SHA256" },
        { "SDK-HMAC-SHA256Access=" AK ", SignedHeaders={H}, Signature={S}",
          401, "does not use SDK-HMAC-SHA256" },

        /* Parameters missing, empty or twice. */
        { "SDK-HMAC-SHA256 ,", 401, "lacks Access" },
        { "SDK-HMAC-SHA256 SignedHeaders={H}, Signature={S}", 401,
          "lacks Access" },
        { "SDK-HMAC-SHA256 Access=, SignedHeaders={H}, Signature={S}", 401,
          "lacks Access" },
        { "SDK-HMAC-SHA256 Access=" AK ", Signature={S}", 401,
          "lacks SignedHeaders" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}", 401,
          "lacks Signature" },
        { "SDK-HMAC-SHA256 Access=" AK " SignedHeaders={H} Signature={S}",
          401, "lacks SignedHeaders" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}, Signature={S}, "
          "Access=" AK, 401, "has Access twice" },
        { "SDK-HMAC-SHA256 access=" AK ", signedheaders=%s, signature=%s",
          401, "lacks Access" },

        /* Signatures that cannot be one. */
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}, Signature={S63}",
          401, "not 64 lower-case hexadecimal digits" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}, Signature={S}0",
          401, "not 64 lower-case hexadecimal digits" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}, "
          "Signature=EB04E07CE10E9ABFA53EB69A2543AC3482362EF818BB6B53B5AB907"
          "85FEBC612", 401, "not 64 lower-case hexadecimal digits" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}, Signature={S63}g",
          401, "not 64 lower-case hexadecimal digits" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders={H}, "
          "Signature=0000000000000000000000000000000000000000000000000000000"
          "000000000", 401, "signature does not match" },

        /* Signed headers that are not a list of names, or without the
         * date. */
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=content-type;host;"
          "x-project-id, Signature={S}", 401, "lacks x-sdk-date" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=Content-Type;Host;"
          "X-Project-Id;X-Sdk-Date, Signature={S}", 401,
          "not a list of lower-case header names" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=content-type;;host;"
          "x-project-id;x-sdk-date, Signature={S}", 401,
          "not a list of lower-case header names" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=content-type;host;"
          "x-project-id;x-sdk-date;, Signature={S}", 401,
          "not a list of lower-case header names" },
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=host:1;x-sdk-date, "
          "Signature={S}", 401, "not a list of lower-case header names" },
        /* Reordered: another canonical request. */
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=host;content-type;"
          "x-project-id;x-sdk-date, Signature={S}", 401,
          "signature does not match" },
        /* Fewer headers: another canonical request. */
        { "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=host;x-sdk-date, "
          "Signature={S}", 401, "signature does not match" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *authorization = expand(cases[i].format);

        request_init_vector(&tr, 2);
        set_header(&tr, "Authorization", authorization);
        CHECK(&tr, creds, DATE_T, cases[i].status, cases[i].reason);
        request_destroy(&tr);
        free(authorization);
    }

    /* An access key full of junk is quoted harmlessly in the reason. */
    request_init_vector(&tr, 2);
    set_header(&tr, "Authorization", "SDK-HMAC-SHA256 Access=\"a\\b\x01"
               "\xc3\xa9, SignedHeaders=x-sdk-date, Signature=" SK);
    CHECK(&tr, creds, DATE_T, 401, "Signature is not 64");
    set_header(&tr, "Authorization", "SDK-HMAC-SHA256 Access=\"a\\b\x01"
               "\xc3\xa9, SignedHeaders=x-sdk-date, Signature=0000000000"
               "000000000000000000000000000000000000000000000000000000");
    CHECK(&tr, creds, DATE_T, 401,
          "unknown access key \"\\x22a\\x5cb\\x01\\xc3\\xa9\"");
    request_destroy(&tr);

    tm_api_creds_destroy(creds);
}

/* A signed header that the request does not have. */
static void
test_missing_signed_header(void)
{
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    static const char *const headers[] = {
        "x-project-id", "host", "content-type",
    };
    struct test_request tr;

    for (size_t i = 0; i < ARRAY_SIZE(headers); i++) {
        char *want = xasprintf("signed header \"%s\" is missing",
                               headers[i]);

        request_init_vector(&tr, 2);
        set_header(&tr, headers[i], NULL);
        CHECK(&tr, creds, DATE_T, 401, want);
        request_destroy(&tr);
        free(want);
    }

    /* Named in SignedHeaders, never sent. */
    request_init_vector(&tr, 2);
    set_header(&tr, "Authorization", "SDK-HMAC-SHA256 Access=" AK ", "
               "SignedHeaders=content-type;host;x-foo;x-sdk-date, "
               "Signature=eb04e07ce10e9abfa53eb69a2543ac3482362ef818bb6b53"
               "b5ab90785febc612");
    CHECK(&tr, creds, DATE_T, 401, "signed header \"x-foo\" is missing");
    request_destroy(&tr);

    tm_api_creds_destroy(creds);
}

/* An access key that is not in the credentials file. */
static void
test_unknown_ak(void)
{
    struct tm_api_creds *creds = load_creds(OTHER_AK " " SK " " PROJECT
                                            "\n");
    struct test_request tr;

    request_init_vector(&tr, 2);
    CHECK(&tr, creds, DATE_T, 401, "unknown access key \"" AK "\"");
    request_destroy(&tr);
    tm_api_creds_destroy(creds);
}

/* X-Sdk-Content-Sha256, when signed, must be the body's hash. */
static void
test_content_sha256(void)
{
    static const char *const body = "{\"traffic_mirror_filter\":{}}";
    struct tm_api_creds *creds = load_creds(STD_CREDS);
    char *body_hash = sha256_hex(body);
    static const char *const values[] = { NULL, "UNSIGNED-PAYLOAD",
                                          "e3b0c44298fc1c149afbf4c8996fb924"
                                          "27ae41e4649b934ca495991b7852b855" };
    struct test_request tr;

    for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
        const char *value = values[i] ? values[i] : body_hash;
        char *canonical = xasprintf(
            "POST\n/v3/" PROJECT "/vpc/traffic-mirror-filters/\n\n"
            "content-type:application/json\nhost:127.0.0.1:8080\n"
            "x-sdk-content-sha256:%s\nx-sdk-date:" DATE "\n\n"
            "content-type;host;x-sdk-content-sha256;x-sdk-date\n%s",
            value, value);
        char *signature = sign_canonical(SK, DATE, canonical);
        char *authorization = xasprintf(
            "SDK-HMAC-SHA256 Access=" AK ", SignedHeaders=content-type;host;"
            "x-sdk-content-sha256;x-sdk-date, Signature=%s", signature);

        request_init(&tr, "POST", "/v3/" PROJECT
                     "/vpc/traffic-mirror-filters", NULL, body);
        set_header(&tr, "Content-Type", "application/json");
        set_header(&tr, "host", "127.0.0.1:8080");
        set_header(&tr, "X-Sdk-Date", DATE);
        set_header(&tr, "X-Sdk-Content-Sha256", value);
        set_header(&tr, "Authorization", authorization);
        CHECK(&tr, creds, DATE_T, values[i] ? 401 : 0,
              "X-Sdk-Content-Sha256 is not the SHA-256 of the body");
        request_destroy(&tr);
        free(authorization);
        free(signature);
        free(canonical);
    }

    /* Sent but not signed: ignored, as the signer ignores it. */
    request_init_vector(&tr, 1);
    set_header(&tr, "X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD");
    CHECK(&tr, creds, DATE_T, 0, NULL);
    request_destroy(&tr);

    free(body_hash);
    tm_api_creds_destroy(creds);
}

/* A credentials file with everything the format allows. */
static void
test_creds_good(void)
{
    struct tm_api_creds *creds = load_creds(
        "# tmirror-apid keys\n"
        "\n"
        "   # An indented comment.\n"
        " \t \n"
        AK "\t" SK "  " PROJECT ",another-project   # A comment.\n"
        "AK2 S#K p1,p2,p1\r\n"
        "AK3 S#K3 p3 #\r\n"
        "ak.4-_ \xc3\xa9t\xc3\xa9 p4\n"
        OTHER_AK " " OTHER_SK " p5");   /* No final new-line. */
    CU_ASSERT_PTR_NOT_NULL(creds);
    if (!creds) {
        return;
    }

    /* Each key works with its own secret and projects. */
    struct test_request tr;
    request_init_vector(&tr, 2);
    CHECK(&tr, creds, DATE_T, 0, NULL);
    request_destroy(&tr);

    static const struct {
        const char *ak;
        const char *sk;
        const char *project;
        int status;
    } keys[] = {
        { "AK2", "S#K", "p1", 0 },
        { "AK2", "S#K", "p2", 0 },
        { "AK2", "S#K", "p3", 403 },
        { "AK3", "S#K3", "p3", 0 },
        { "ak.4-_", "\xc3\xa9t\xc3\xa9", "p4", 0 },
        { OTHER_AK, OTHER_SK, "p5", 0 },
        { OTHER_AK, OTHER_SK, PROJECT, 403 },
        { "AK2", "S#K3", "p1", 401 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char *canonical = xasprintf(
            "GET\n/v3/%s/vpc/traffic-mirror-filters/\n\n"
            "host:h\nx-sdk-date:" DATE "\n\nhost;x-sdk-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            keys[i].project);
        char *signature = sign_canonical(keys[i].sk, DATE, canonical);
        char *authorization = xasprintf(
            "SDK-HMAC-SHA256 Access=%s, SignedHeaders=host;x-sdk-date, "
            "Signature=%s", keys[i].ak, signature);
        char *target = xasprintf("/v3/%s/vpc/traffic-mirror-filters",
                                 keys[i].project);

        request_init(&tr, "GET", target, NULL, "");
        set_header(&tr, "host", "h");
        set_header(&tr, "X-Sdk-Date", DATE);
        set_header(&tr, "Authorization", authorization);
        CHECK(&tr, creds, DATE_T, keys[i].status, NULL);
        request_destroy(&tr);
        free(target);
        free(authorization);
        free(signature);
        free(canonical);
    }

    tm_api_creds_destroy(creds);
    tm_api_creds_destroy(NULL);
}

/* Bad lines: the error names the file, the line and the problem, and
 * never the secret. */
static void
test_creds_bad_lines(void)
{
    static const struct {
        const char *content;
        const char *error;
    } cases[] = {
        { "# keys\n\n" AK " " SK "\n",
          "FILE:3: expected ACCESS-KEY SECRET-KEY PROJECT[,PROJECT...]" },
        { AK "\n", "FILE:1: expected ACCESS-KEY" },
        { "# keys\n" AK " " SK " p1 p2\n", "FILE:2: too many fields" },
        { AK " " SK " p1 # ok\n" OTHER_AK " " OTHER_SK " p1 extra # no\n",
          "FILE:2: too many fields" },
        { AK " " SK " p1,,p2\n", "FILE:1: empty project id" },
        { AK " " SK " p1,\n", "FILE:1: empty project id" },
        { AK " " SK " ,p1\n", "FILE:1: empty project id" },
        { AK " " SK " p1/p2\n", "FILE:1: project id" },
        { AK " " SK " p1#x\n", "FILE:1: project id" },
        { "A,K " SK " p1\n", "FILE:1: access key may contain only" },
        { "A=K " SK " p1\n", "FILE:1: access key may contain only" },
        { AK " " SK "\x01 p1\n",
          "FILE:1: secret key contains a control character" },
        { "# keys\n" AK " " SK " p1\n" OTHER_AK " " OTHER_SK " p2\n"
          AK " " WRONG_SK " p3\n",
          "FILE:4: duplicate access key \"" AK "\" (first on line 2)" },
        { "", "FILE: credentials file has no keys" },
        { "# Nothing yet.\n\n", "FILE: credentials file has no keys" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        TM_ASSERT_ERROR(load_creds_error(cases[i].content, 0600),
                        cases[i].error);
    }

    /* A null byte inside a line. */
    char *name = write_temp_file("", 0600);
    FILE *file = fopen(name, "w");
    ovs_assert(file);
    fputs(AK " " SK " p1\n", file);
    fwrite("AK2 S\0K p2\n", 1, 11, file);
    fclose(file);
    struct tm_api_creds *creds = NULL;
    char *error = tm_api_creds_load(name, &creds);
    CU_ASSERT_PTR_NULL(creds);
    char *want = xasprintf("%s:2: line contains a null byte", name);
    TM_ASSERT_ERROR(error, want);
    free(want);
    unlink(name);
    free(name);
}

/* Only the owner may read or write the file. */
static void
test_creds_permissions(void)
{
    static const mode_t bad_modes[] = {
        0640, 0604, 0620, 0602, 0610, 0601, 0660, 0644, 0666, 0777,
    };
    static const mode_t good_modes[] = { 0600, 0400, 0700, 0200 };

    for (size_t i = 0; i < ARRAY_SIZE(bad_modes); i++) {
        char *want = xasprintf("(mode %04o)", (unsigned int) bad_modes[i]);
        TM_ASSERT_ERROR(load_creds_error(STD_CREDS, bad_modes[i]),
                        "FILE: credentials file is accessible by its group "
                        "or others", want, "chmod 600");
        free(want);
    }
    for (size_t i = 0; i < ARRAY_SIZE(good_modes); i++) {
        if (!(good_modes[i] & 0400) && !geteuid()) {
            /* Root reads anything; nothing to check. */
            continue;
        }
        char *error = load_creds_error(STD_CREDS, good_modes[i]);
        if (good_modes[i] & 0400) {
            TM_ASSERT_OK(error);
        } else {
            TM_ASSERT_ERROR(error, "FILE: cannot open credentials file");
        }
    }
}

/* A file that is missing, or not a file. */
static void
test_creds_missing(void)
{
    static int dummy;
    struct tm_api_creds *creds = (struct tm_api_creds *) &dummy;
    char *name = write_temp_file("", 0600);
    char *error;

    unlink(name);
    error = tm_api_creds_load(name, &creds);
    CU_ASSERT_PTR_NULL(creds);
    char *want = xasprintf("%s: cannot open credentials file", name);
    TM_ASSERT_ERROR(error, want, "No such file or directory");
    free(want);
    free(name);

    error = tm_api_creds_load("/", &creds);
    CU_ASSERT_PTR_NULL(creds);
    TM_ASSERT_ERROR(error, "/: credentials file is not a regular file");
}

static int
api_auth_suite(void)
{
    CU_pSuite suite = CU_add_suite("api-auth", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "sdk_vectors", test_sdk_vectors)
        || !CU_add_test(suite, "sdk_worked_examples",
                        test_sdk_worked_examples)
        || !CU_add_test(suite, "query_encoding", test_query_encoding)
        || !CU_add_test(suite, "path_encoding", test_path_encoding)
        || !CU_add_test(suite, "wrong_sk", test_wrong_sk)
        || !CU_add_test(suite, "tampered_body", test_tampered_body)
        || !CU_add_test(suite, "tampered_path", test_tampered_path)
        || !CU_add_test(suite, "tampered_query", test_tampered_query)
        || !CU_add_test(suite, "tampered_headers", test_tampered_headers)
        || !CU_add_test(suite, "other_project", test_other_project)
        || !CU_add_test(suite, "date_window", test_date_window)
        || !CU_add_test(suite, "bad_authorization", test_bad_authorization)
        || !CU_add_test(suite, "missing_signed_header",
                        test_missing_signed_header)
        || !CU_add_test(suite, "unknown_ak", test_unknown_ak)
        || !CU_add_test(suite, "content_sha256", test_content_sha256)
        || !CU_add_test(suite, "creds_good", test_creds_good)
        || !CU_add_test(suite, "creds_bad_lines", test_creds_bad_lines)
        || !CU_add_test(suite, "creds_permissions", test_creds_permissions)
        || !CU_add_test(suite, "creds_missing", test_creds_missing)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(api_auth_suite);

#!/bin/sh
# tmirror-apid over plain HTTP, with curl and utilities/tmirror-sign: the
# signature checks (bad signature, skewed date, a signed request replayed
# to another path, another project's key) and the limits (body size,
# header size, malformed and unknown input), each refused with the right
# status and Huawei's error body, and nothing written.  Also the curl
# example of docs/api.rst, as written there.
#
# Environment (tests/api/run.sh sets it): TMIRROR_API_ENDPOINT,
# TMIRROR_API_AK/_SK/_PROJECT, TMIRROR_API_AK2/_SK2/_PROJECT2 (a key for
# another project only), TMIRROR_API_MAX_BODY, TMIRROR_API_MAX_CONNECTIONS
# and TMIRROR_API_TIMEOUT (the daemon's --max-body, --max-connections and
# --timeout).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib-http.sh"
FILTERS=$EP/v3/$PROJECT/vpc/traffic-mirror-filters

# count: how many filters project 1 has (to show that nothing was written).
count() {
    call GET "$FILTERS?limit=2000" > /dev/null &&
    python3 -c 'import json, sys
print(len(json.load(open(sys.argv[1]))["traffic_mirror_filters"]))' \
        "$tmp/out"
}

echo '{"traffic_mirror_filter": {"name": "http-test"}}' > "$tmp/filter.json"
before=$(count)

# Signatures.
check "signed create" 201 "$(call POST "$FILTERS" "$tmp/filter.json")"
check "wrong secret key" 401 \
    "$(call --sk wrong POST "$FILTERS" "$tmp/filter.json")"
check "unknown access key" 401 \
    "$(call --ak nobody POST "$FILTERS" "$tmp/filter.json")"
check "date 16 minutes old" 401 \
    "$(call --date "$(date -u -d '16 minutes ago' +%Y%m%dT%H%M%SZ)" \
        POST "$FILTERS" "$tmp/filter.json")"
check "date 16 minutes ahead" 401 \
    "$(call --date "$(date -u -d '16 minutes' +%Y%m%dT%H%M%SZ)" \
        POST "$FILTERS" "$tmp/filter.json")"
check "date 14 minutes old" 201 \
    "$(call --date "$(date -u -d '14 minutes ago' +%Y%m%dT%H%M%SZ)" \
        POST "$FILTERS" "$tmp/filter.json")"
check "signed for one path, sent to another" 401 \
    "$(call POST "$FILTERS" "$tmp/filter.json" \
        "$EP/v3/$PROJECT/vpc/traffic-mirror-sessions")"
check "signed for one query, sent with another" 401 \
    "$(call GET "$FILTERS?limit=1" "" "$FILTERS?limit=2")"
check "no signature at all" 401 \
    "$(curl -s -o "$tmp/out" -w '%{http_code}' "$FILTERS")"
check "key of project 2 on project 1" 403 \
    "$(call --ak "$TMIRROR_API_AK2" --sk "$TMIRROR_API_SK2" GET "$FILTERS")"
check "key of project 2 on project 2" 200 \
    "$(call --ak "$TMIRROR_API_AK2" --sk "$TMIRROR_API_SK2" GET \
        "$EP/v3/$TMIRROR_API_PROJECT2/vpc/traffic-mirror-filters")"
after=$(count)
if [ "$after" = $((before + 2)) ]; then
    ok "only the two accepted creates wrote anything: $before -> $after"
else
    fail "filters: $before before, $after after (expected $((before + 2)))"
fi

# Limits and bad input: 4xx and nothing written.
head -c $((TMIRROR_API_MAX_BODY + 1)) /dev/zero | tr '\0' ' ' \
    > "$tmp/huge.json"
check "body over --max-body" 413 "$(call POST "$FILTERS" "$tmp/huge.json")"
printf '{"traffic_mirror_filter": {"name": "x"' > "$tmp/bad.json"
check "malformed JSON" 400 "$(call POST "$FILTERS" "$tmp/bad.json")"
echo '{"traffic_mirror_filter": {"name": "x", "colour": "red"}}' \
    > "$tmp/unknown.json"
check "unknown field" 400 "$(call POST "$FILTERS" "$tmp/unknown.json")" \
    colour
echo '{"traffic_mirror_filter": {"name": 12}}' > "$tmp/type.json"
check "wrong type" 400 "$(call POST "$FILTERS" "$tmp/type.json")" name
printf '{"traffic_mirror_filter": {"name": "\377"}}' > "$tmp/utf8.json"
check "not UTF-8" 400 "$(call POST "$FILTERS" "$tmp/utf8.json")"
echo '{"traffic_mirror_filter_rule": {"traffic_mirror_filter_id": "x",
 "direction": "ingress", "priority": 123456789012345678901234567890,
 "action": "accept"}}' > "$tmp/bignum.json"
check "huge number" 400 "$(call POST \
    "$EP/v3/$PROJECT/vpc/traffic-mirror-filter-rules" "$tmp/bignum.json")"
check "unknown path" 404 "$(call GET "$EP/v3/$PROJECT/vpc/nothing")"
check "method not allowed" 405 "$(call DELETE "$FILTERS")"
long=$(head -c 20000 /dev/zero | tr '\0' 'a')
status=$(curl -s -o "$tmp/out" -w '%{http_code}' -H "X-Long: $long" \
    "$FILTERS")
if [ "$status" -ge 400 ] && [ "$status" -lt 500 ]; then
    ok "header over the header limit: $status"
else
    fail "header over the header limit: status $status"
fi
# The connection limit: --max-connections connections that each made a
# request (refused or not, they count) and stay open; one more is refused
# with 503; once they close, requests are served again.  And a request
# that never completes is dropped after --timeout.
if python3 - "$EP" "$TMIRROR_API_MAX_CONNECTIONS" "$TMIRROR_API_TIMEOUT" \
        > "$tmp/conn.out" 2>&1 <<'PY'
import socket, sys, time, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
limit, timeout = int(sys.argv[2]), int(sys.argv[3])
request = b"GET /v3/p/vpc/traffic-mirror-filters HTTP/1.1\r\nHost: x\r\n\r\n"

def status(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return None
        data += chunk
    return int(data.split(b" ")[1])

socks = []
for _ in range(limit):
    s = socket.create_connection((url.hostname, url.port))
    s.sendall(request)
    assert status(s) == 401, "a request within the limit"
    socks.append(s)
extra = socket.create_connection((url.hostname, url.port))
extra.sendall(request)
got = status(extra)
assert got == 503, "one connection over the limit: %s" % got
print("connection %d refused with 503" % (limit + 1))
for s in socks:
    s.close()
extra.close()
time.sleep(0.5)
s = socket.create_connection((url.hostname, url.port))
s.sendall(request)
assert status(s) == 401, "served again once the others closed"
s.close()
print("served again once the others closed")

# Half a request, then nothing: the server closes within the timeout.
s = socket.create_connection((url.hostname, url.port))
s.sendall(b"GET /v3/p/vpc/traffic-mirror-filters HTTP/1.1\r\nHost:")
s.settimeout(timeout + 5)
start = time.time()
try:
    while s.recv(4096):
        pass
except socket.timeout:
    raise AssertionError("an incomplete request was kept open")
print("incomplete request closed after %.1f s" % (time.time() - start))
PY
then
    ok "connection limit and read timeout: $(tr '\n' ';' < "$tmp/conn.out")"
else
    fail "connection limit or read timeout: $(cat "$tmp/conn.out")"
fi

final=$(count)
if [ "$final" = "$after" ]; then
    ok "refused requests wrote nothing: $final filters"
else
    fail "filters: $after before the refused requests, $final after"
fi

# A '+' in the query is a '+', as the signature read it, not a space: the
# daemon acts on the request that was signed.
echo '{"traffic_mirror_filter": {"name": "plus-test", "description": "a+b"}}' \
    > "$tmp/plus.json"
check "create a filter described a+b" 201 \
    "$(call POST "$FILTERS" "$tmp/plus.json")"
plus_id=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["traffic_mirror_filter"]["id"])' "$tmp/out")
check "list ?description=a+b" 200 "$(call GET "$FILTERS?description=a+b")"
n=$(python3 -c 'import json, sys
print(len(json.load(open(sys.argv[1]))["traffic_mirror_filters"]))' "$tmp/out")
if [ "$n" = 1 ]; then ok "?description=a+b finds it"; else fail "?description=a+b found $n"; fi
check "delete it" 204 "$(call DELETE "$FILTERS/$plus_id")"

# A percent-encoded newline in the path stays encoded in the access log:
# a client cannot write log lines of its own.
call GET "$EP/v3/$PROJECT/vpc/x%0Aforged-line" > /dev/null
sleep 0.2
if grep -q '^forged-line' "$TMIRROR_API_DIR/apid.log"; then
    fail "a decoded newline reached the log"
elif grep -q 'x%0Aforged-line' "$TMIRROR_API_DIR/apid.log"; then
    ok "the log has the path as sent, encoded"
else
    fail "the request is not in the log"
fi

# Bad options are refused before the daemon starts, naming the option and
# the limit (the same parsers as the controller's and the collector's).
apid=${TMIRROR_APID:-$here/../../build/bin/tmirror-apid}
touch "$tmp/creds" && chmod 600 "$tmp/creds"
for case in '--max-body=1|--max-body: 1 is out of range 1024-67108864' \
            '--max-connections=0|--max-connections: 0 is out of range 1-65536' \
            '--timeout=ten|--timeout: "ten" is not a decimal integer in range 1-3600' \
            '--listen=127.0.0.1|--listen: "127.0.0.1" is not HOST:PORT, :PORT or PORT (a port is a decimal integer in range 0-65535)' \
            '--listen=[::1]|--listen: "[::1]" is not [IPV6]:PORT (the port follows the bracket and a colon)'; do
    opt=${case%%|*} msg="tmirror-apid: ${case#*|}"
    out=$("$apid" --credentials="$tmp/creds" "$opt" 2>&1)
    if [ $? != 0 ] && [ "$out" = "$msg" ]; then
        ok "refused: $opt"
    else
        fail "$opt: expected \"$msg\", got \"$out\""
    fi
done

# docs/api.rst's curl example, as written there.
example=$(sed -n '/^\.\. curl-example-begin/,/^\.\. curl-example-end/p' \
    "$here/../../docs/api.rst" | sed -n 's/^    //p')
if [ -n "$example" ] &&
   (cd "$tmp" && PATH=$here/../../utilities:$PATH AK=$AK SK=$SK \
        PROJECT=$PROJECT ENDPOINT=$EP sh -e -c "$example") \
        > "$tmp/example.out" 2>&1 &&
   grep -q '"traffic_mirror_filters"' "$tmp/example.out"; then
    ok "docs/api.rst's curl example"
else
    fail "docs/api.rst's curl example: $(cat "$tmp/example.out")"
fi

echo "api-http: $passed passed, $failed failed"
[ "$failed" = 0 ]

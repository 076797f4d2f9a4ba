# Helpers for the API layer's shell tests (sourced): signed requests with
# utilities/tmirror-sign and curl, checks of status and Huawei's error
# body, and the ok/fail counters.  Expects $here (the test's directory)
# and the environment tests/api/run.sh sets.
sign=$here/../../utilities/tmirror-sign
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-api-http.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE
passed=0 failed=0

ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

EP=$TMIRROR_API_ENDPOINT
AK=$TMIRROR_API_AK SK=$TMIRROR_API_SK PROJECT=$TMIRROR_API_PROJECT

# call [--date D] [--ak AK --sk SK] METHOD URL [BODY-FILE] [--sent-url U]:
# signs the request for URL and sends it to U (default URL); prints the
# status, and leaves the body in $tmp/out.
call() {
    local date= ak=$AK sk=$SK sent=
    while :; do
        case $1 in
            --date) date=$2; shift 2 ;;
            --ak) ak=$2; shift 2 ;;
            --sk) sk=$2; shift 2 ;;
            *) break ;;
        esac
    done
    local method=$1 url=$2 body=${3:-}
    sent=${4:-$url}
    "$sign" ${date:+--date "$date"} "$ak" "$sk" "$method" "$url" $body \
        > "$tmp/headers" || return 1
    curl -s -o "$tmp/out" -w '%{http_code}' -X "$method" \
        -H @"$tmp/headers" ${body:+--data-binary @"$body"} "$sent"
}

# check WHAT STATUS GOT [ERROR-TEXT]: the status, and for an error the
# Huawei body with error_code, error_msg (containing ERROR-TEXT) and
# request_id.
check() {
    if [ "$3" != "$2" ]; then
        fail "$1: status $3, expected $2 ($(cat "$tmp/out"))"
        return
    fi
    if [ "$2" -ge 400 ] && ! python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
assert b["error_code"] and b["request_id"], b
assert sys.argv[2] in b["error_msg"], b["error_msg"]' "$tmp/out" "${4:-}" \
            2> "$tmp/err"; then
        fail "$1: error body: $(cat "$tmp/out") $(tail -1 "$tmp/err")"
        return
    fi
    ok "$1: $2"
}


# Test library for the northbound database and tmirror-ctl: a database
# server of the test's own in a temporary directory, killed by pid when the
# test exits however it exits, and checks that print "ok:"/"FAIL:" lines
# and count them.
#
# Sourced by test-*.sh with TMIRROR_CTL and OVS_SRC set (tests/nb/run.sh
# sets them).

set -u

: "${OVS_SRC:?OVS_SRC must point at the OVS build tree}"
: "${TMIRROR_CTL:?TMIRROR_CTL must point at tmirror-ctl}"
NB_HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$NB_HERE/../.." && pwd)
TMIRROR_DB="$TOP/utilities/tmirror-db.sh"
OVSDB_CLIENT=$OVS_SRC/ovsdb/ovsdb-client
OVSDB_TOOL=$OVS_SRC/ovsdb/ovsdb-tool
export OVS_BINDIR=$OVS_SRC/ovsdb

nb_passed=0
nb_failed=0
NB_DIR=
NB_SERVERS=

nb_cleanup() {
    for dir in $NB_SERVERS; do
        if [ -f "$dir/tmirror_nb.pid" ]; then
            kill "$(cat "$dir/tmirror_nb.pid")" 2>/dev/null
        fi
    done
    [ -n "$NB_DIR" ] && rm -rf "$NB_DIR"
}

# Creates the test's directory and the cleanup trap.
nb_init() {
    NB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-nb.XXXXXX")
    trap nb_cleanup EXIT
    trap 'exit 1' INT TERM
}

# Starts a standalone database in $NB_DIR/$1 (default "db") and points
# TMIRROR_NB_DB at it.
nb_start() {
    dir=$NB_DIR/${1:-db}
    "$TMIRROR_DB" start "$dir" > "$NB_DIR/start.log" 2>&1 \
        || { cat "$NB_DIR/start.log"; return 1; }
    NB_SERVERS="$NB_SERVERS $dir"
    TMIRROR_NB_DB=unix:$dir/tmirror_nb.sock
    export TMIRROR_NB_DB
}

# Free TCP ports on 127.0.0.1, space-separated ($1 of them).
nb_free_ports() {
    python3 -c 'import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

ctl() { "$TMIRROR_CTL" --timeout=20 "$@"; }

# The database's whole contents, for before/after comparisons.
nb_dump() {
    "$OVSDB_CLIENT" --timeout=10 dump "$TMIRROR_NB_DB" TMirror_Northbound
}

nb_pass() {
    echo "ok: $*"
    nb_passed=$((nb_passed + 1))
}

nb_fail() {
    echo "FAIL: $*"
    nb_failed=$((nb_failed + 1))
}

# expect_ok COMMAND...: the command succeeds.  Its stdout is in $OUT.
expect_ok() {
    if OUT=$("$@" 2> "$NB_DIR/stderr"); then
        nb_pass "$*"
    else
        nb_fail "$* exited $?: $(cat "$NB_DIR/stderr")"
    fi
}

# expect_refused "MESSAGE" COMMAND...: the command fails, its error
# contains MESSAGE, it prints nothing on stdout, and the database is
# byte-for-byte what it was before.
expect_refused() {
    want=$1
    shift
    nb_dump > "$NB_DIR/before"
    if "$@" > "$NB_DIR/stdout" 2> "$NB_DIR/stderr"; then
        nb_fail "$* succeeded; expected \"$want\""
        return
    fi
    nb_dump > "$NB_DIR/after"
    if ! grep -qF -- "$want" "$NB_DIR/stderr"; then
        nb_fail "$*: error \"$(cat "$NB_DIR/stderr")\" lacks \"$want\""
    elif [ -s "$NB_DIR/stdout" ]; then
        nb_fail "$*: printed on stdout: $(cat "$NB_DIR/stdout")"
    elif ! cmp -s "$NB_DIR/before" "$NB_DIR/after"; then
        nb_fail "$*: the database changed:"
        diff "$NB_DIR/before" "$NB_DIR/after" | head -n 20
    else
        nb_pass "refused: $* ($want)"
    fi
}

# expect_eq WHAT GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then
        nb_pass "$1 = $3"
    else
        nb_fail "$1: got \"$2\", want \"$3\""
    fi
}

# Prints the summary line and exits with the verdict.
nb_finish() {
    echo "$(basename "$0" .sh): $nb_passed passed, $nb_failed failed"
    [ "$nb_failed" = 0 ]
}

#!/bin/sh
# Installs the Huawei Cloud SDK into tests/api/node_modules, exactly as
# package-lock.json pins it ("npm ci", from npm's registry), unless it is
# there already and up to date.  Used by tests/api/run.sh and by the system
# test that configures seed 002 through the API.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v npm > /dev/null 2>&1; then
    echo "npm is not installed (utilities/install-deps.sh installs it)" >&2
    exit 1
fi
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
   [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]
then
    echo "# npm ci in tests/api"
    if ! log=$(cd "$here" && npm ci --no-audit --no-fund 2>&1); then
        printf '%s\n' "$log" | tail -n 20 >&2
        echo "npm ci failed in tests/api" >&2
        exit 1
    fi
fi

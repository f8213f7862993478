#!/bin/sh
# Installs PostgreSQL's server binaries (Debian package `postgresql`) for the tests that run the state store on a real
# server (issue 16). A fresh machine has only the .NET SDK; the test task calls this. Does nothing when initdb is
# already there, on PATH or in Debian's versioned folder. Only the binaries are needed: the tests start their own
# throwaway cluster (tools/TestPostgres.psm1), never the system's service.
set -eu

if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exit 0
fi

# Debian's package creates the `postgres` user, which the tests run the server as when they run as root.
sh "$(dirname "$0")/Install-DebianPackage.sh" postgresql "install PostgreSQL 13 or newer yourself (initdb and pg_ctl on PATH)."
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1

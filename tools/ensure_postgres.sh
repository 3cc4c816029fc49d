#!/usr/bin/env bash
# The PostgreSQL tests (tests/pg_server.py starts a throwaway server) need the server binaries,
# initdb and pg_ctl. Install them when they are missing and we may (root with apt-get); otherwise say
# so: the tests are then skipped with one line saying why, or fail under CI=true.
# REDFLAG_TEST_DATABASE_URL (a server of your own) or REDFLAG_PG_BINDIR (where the binaries are) skip this.
set -euo pipefail
if [ -n "${REDFLAG_TEST_DATABASE_URL:-}" ] || [ -n "${REDFLAG_PG_BINDIR:-}" ]; then
    exit 0
fi
if command -v pg_ctl >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing postgresql-15 for the PostgreSQL tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql-15 >/dev/null
    exit 0
fi
echo "PostgreSQL server binaries missing: install them (apt-get install -y postgresql-15) or set REDFLAG_TEST_DATABASE_URL" >&2

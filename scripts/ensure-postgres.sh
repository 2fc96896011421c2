#!/bin/sh
# Finds PostgreSQL's server programs for the lake tests (they start a throw-away cluster of
# their own; nothing is configured system-wide), installing them when none are there:
# Debian/Ubuntu as root: the distribution's postgresql package; elsewhere: say what to install.
# COMMITBOARD_PG_BIN (the folder holding initdb and pg_ctl) overrides the search.
set -e
for candidate in "$COMMITBOARD_PG_BIN" /usr/lib/postgresql/*/bin "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")"; do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
        echo "postgres: $candidate"
        exit 0
    fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "postgres: installing Debian's postgresql (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    exit 0
fi
echo "postgres: the lake tests need PostgreSQL's server programs (initdb, pg_ctl)." >&2
echo "  Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql;" >&2
echo "  or set COMMITBOARD_PG_BIN to the folder that holds them." >&2
exit 1

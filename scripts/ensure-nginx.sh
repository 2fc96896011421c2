#!/bin/sh
# Finds nginx for the proxy tests (tests/deploy/test_proxy.py runs deploy/nginx.conf in front of
# two local app servers; nothing is configured system-wide), installing it when none is there:
# Debian/Ubuntu as root: the distribution's nginx-light; elsewhere: say what to install.
set -e
for candidate in "$(command -v nginx 2>/dev/null)" /usr/sbin/nginx /usr/local/sbin/nginx; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
        echo "nginx: $candidate"
        exit 0
    fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "nginx: installing Debian's nginx-light (apt-get)"
    apt-get update -qq
    # Installed for its program only: the package's own service is not started in a container
    # without an init system, and is stopped where one started it.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active -q nginx 2>/dev/null; then
        systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
    exit 0
fi
echo "nginx: the proxy tests need nginx." >&2
echo "  Debian/Ubuntu: sudo apt-get install nginx-light; macOS: brew install nginx." >&2
exit 1

#!/bin/sh
# Finds a Chromium for the browser tests, installing one when none is there:
# Debian/Ubuntu as root: the distribution's chromium package; elsewhere:
# Playwright's own download. COMMITBOARD_CHROMIUM overrides the search.
set -e
for candidate in "$COMMITBOARD_CHROMIUM" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
        echo "browser: $candidate"
        exit 0
    fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "browser: installing Debian's chromium (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
echo "browser: installing Playwright's Chromium"
"${BIN:-.venv/bin}/python" -m playwright install chromium

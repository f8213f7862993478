#!/bin/sh
# Installs headless Chromium (Debian package `chromium`) for the report test, which renders the exported HTML page.
# A fresh machine has only the .NET SDK; the test task calls this. Does nothing when Chromium is already there.
set -eu

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Install-Chromium: no apt-get here; install Chromium yourself (it must be on PATH as 'chromium')." >&2
    exit 1
fi

# apt needs root; use sudo only when we are not root already (CI containers run as root).
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# A fresh image has empty package lists: apt-get install would not find the package without them.
if ! apt-cache show chromium >/dev/null 2>&1; then
    $SUDO apt-get update -q
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium
command -v chromium >/dev/null

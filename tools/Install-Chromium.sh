#!/bin/sh
# Installs headless Chromium (Debian package `chromium`) for the report test, which renders the exported HTML page.
# A fresh machine has only the .NET SDK; the test task calls this. Does nothing when Chromium is already there.
set -eu

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

sh "$(dirname "$0")/Install-DebianPackage.sh" chromium "install Chromium yourself (it must be on PATH as 'chromium')."
command -v chromium >/dev/null

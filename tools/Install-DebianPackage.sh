#!/bin/sh
# Installs one Debian package for a test that needs it (called by Install-Chromium.sh and Install-PostgreSQL.sh after
# they found it missing). Usage: Install-DebianPackage.sh PACKAGE WHAT-TO-INSTALL-BY-HAND
set -eu
package="$1"
by_hand="$2"

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Installing $package: no apt-get here; $by_hand" >&2
    exit 1
fi

# apt needs root; use sudo only when we are not root already (CI containers run as root).
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# A fresh image has empty package lists: apt-get install would not find the package without them.
if ! apt-cache show "$package" >/dev/null 2>&1; then
    $SUDO apt-get update -q
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$package"

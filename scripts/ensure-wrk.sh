#!/usr/bin/env bash
# Makes sure `wrk` is on PATH: the HTTP benchmarks load the services with it. On a Debian machine as
# root it installs Debian's `wrk` package; anywhere else it stops with the exact command to run.
set -euo pipefail

SETUP_TAG=wrk
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "$0")/setup-lib.sh"

command -v wrk >/dev/null && exit 0
if can_install; then
  apt_install --no-install-recommends wrk
  command -v wrk >/dev/null && exit 0
  say "installed Debian's wrk package, but wrk is still not on PATH"; exit 1
fi
say "wrk is needed by the HTTP benchmarks. Install it, e.g.:"
say "  sudo apt-get install -y wrk     (Debian/Ubuntu)     brew install wrk     (macOS)"
exit 1

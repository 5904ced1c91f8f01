#!/usr/bin/env bash
# Makes sure `prometheus` and `promtool` are on PATH: the tests start a real Prometheus and check the
# alert rules with promtool. On a Debian machine as root it installs Debian's `prometheus` package
# (both binaries, in /usr/bin); anywhere else it stops with the exact command to run.
set -euo pipefail

SETUP_TAG=prometheus
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "$0")/setup-lib.sh"

have_binaries() { command -v prometheus >/dev/null && command -v promtool >/dev/null; }

have_binaries && exit 0
if can_install; then
  # Without the recommended node exporter: the tests scrape only the processes they start.
  apt_install --no-install-recommends prometheus
  have_binaries && exit 0
  say "installed Debian's prometheus package, but prometheus/promtool are still not on PATH"; exit 1
fi
say "prometheus and promtool are needed (a real Prometheus runs in the tests). Install them, e.g.:"
say "  sudo apt-get install -y --no-install-recommends prometheus"
exit 1

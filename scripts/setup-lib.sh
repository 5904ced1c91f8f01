# Shared by the set-up scripts (source it; set SETUP_TAG first): messages, and installing Debian
# packages when running as root on a machine with apt-get.

say() { echo "[${SETUP_TAG:-setup}] $*" >&2; }

can_install() { [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; }

apt_updated=0
apt_install() {
  if [[ $apt_updated == 0 ]]; then
    say "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null; apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

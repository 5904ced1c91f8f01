#!/usr/bin/env bash
# Makes sure the databases the project needs locally are reachable:
#   MySQL-compatible server (always) and PostgreSQL (with --postgres; the warehouse's Redshift path).
# Uses DATABASE_URL / PG_URL when set; else 127.0.0.1 on the default ports; else, on a Debian machine
# as root, installs the server from Debian's packages and starts it; anywhere else it stops with the
# exact command to run.
set -euo pipefail

want_pg=0
for arg in "$@"; do [[ $arg == --postgres ]] && want_pg=1; done

SETUP_TAG=databases
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "$0")/setup-lib.sh"

host_port_of() { # url default_port -> "host port"
  local rest=${1#*://}; rest=${rest#*@}; rest=${rest%%/*}; rest=${rest%%\?*}
  local host=${rest%%:*} port=$2
  [[ $rest == *:* ]] && port=${rest##*:}
  echo "$host $port"
}

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

wait_for() { # host port name
  for _ in $(seq 1 60); do reachable "$1" "$2" && return 0; sleep 1; done
  say "$3 did not come up on $1:$2"; return 1
}

ensure_mysql() {
  read -r host port < <(host_port_of "${DATABASE_URL:-mysql://root@127.0.0.1:3306/moon}" 3306)
  reachable "$host" "$port" && return 0
  if [[ -n ${DATABASE_URL:-} && $host != 127.0.0.1 && $host != localhost ]]; then
    say "DATABASE_URL points at $host:$port, which is not reachable"; exit 1
  fi
  if ! command -v mariadbd >/dev/null && [[ ! -x /usr/sbin/mariadbd ]]; then
    if can_install; then apt_install mariadb-server mariadb-client
    else
      say "No MySQL-compatible server on $host:$port. Install and start one, e.g.:"
      say "  sudo apt-get install -y mariadb-server && sudo service mariadb start"
      say "or set DATABASE_URL=mysql://user:pass@host:3306/moon"
      exit 1
    fi
  fi
  if [[ $(id -u) != 0 ]]; then
    say "MariaDB is installed but not running. Start it with: sudo service mariadb start"; exit 1
  fi
  say "starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_for "$host" "$port" MariaDB
  # A fresh Debian install lets root in only over the unix socket; the local default URL uses TCP
  # with root and an empty password, as on the project's development machines.
  mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;" 2>/dev/null || true
}

ensure_postgres() {
  read -r host port < <(host_port_of "${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}" 5432)
  reachable "$host" "$port" && return 0
  if [[ -n ${PG_URL:-} && $host != 127.0.0.1 && $host != localhost ]]; then
    say "PG_URL points at $host:$port, which is not reachable"; exit 1
  fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    if can_install; then apt_install postgresql
    else
      say "No PostgreSQL on $host:$port. Install and start one, e.g.:"
      say "  sudo apt-get install -y postgresql && sudo service postgresql start"
      say "or set PG_URL=postgres://user:pass@host:5432/postgres"
      exit 1
    fi
  fi
  if [[ $(id -u) != 0 ]]; then
    say "PostgreSQL is installed but not running. Start it with: sudo service postgresql start"; exit 1
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -1)
  local conf=/etc/postgresql/$version/main
  # Local development and tests connect over TCP without a password, as on the project's machines.
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf/pg_hba.conf"
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for "$host" "$port" PostgreSQL
}

ensure_mysql
[[ $want_pg == 1 ]] && ensure_postgres
exit 0

# Shared by run.sh and test.sh: find or install the PostgreSQL server, and start or stop a local
# cluster in a folder of ours. Source it; it defines functions only.
#
# As root the server runs as the `postgres` user (PostgreSQL refuses root); as an ordinary user it
# runs as that user.

pg_log() { printf '[postgres] %s\n' "$*" >&2; }

# Runs a command as root: directly when root, through sudo when available, else explains.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    pg_log "This needs root. Please run: sudo $*"
    return 1
  fi
}

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    pg_log "Cannot install '$*' automatically (no apt-get). Please install it with your package manager."
    return 1
  fi
  pg_log "Installing $* ..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Sets PG_BIN to the folder holding initdb and pg_ctl, installing the server when missing.
pg_find_binaries() {
  PG_BIN=""
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then PG_BIN="$dir"; break; fi
  done
  if [ -z "$PG_BIN" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    PG_BIN="$(dirname "$(command -v initdb)")"
  fi
  if [ -z "$PG_BIN" ]; then
    apt_install postgresql || return 1
    pg_find_binaries
    return $?
  fi
  export PG_BIN
}

# Runs a PostgreSQL server command as the cluster's owner.
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Prints a folder the cluster owner can use: the wanted one when every parent is traversable by
# that user, else one under /var/tmp (root's checkouts often live under /root, closed to others).
pg_usable_dir() {
  local wanted="$1"
  mkdir -p "$wanted"
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$wanted" 2>/dev/null; then
    printf '%s\n' "$wanted"
  else
    local fallback="/var/tmp/esimrenewal-$(printf '%s' "$wanted" | md5sum | cut -c1-12)"
    mkdir -p "$fallback"
    printf '%s\n' "$fallback"
  fi
}

# pg_start DIR PORT [throwaway]: creates the cluster in DIR when new, starts it on 127.0.0.1:PORT.
# A throwaway cluster trades durability for speed (tests only).
pg_start() {
  local dir="$1" port="$2" throwaway="${3:-}"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    pg_log "Creating a cluster in $dir"
    pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null || return 1
  fi
  local options="-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300"
  if [ -n "$throwaway" ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    pg_log "Cluster in $dir is already running"
  else
    pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -o "$options" -l "$dir/server.log" -w -t 60 start >/dev/null || {
      pg_log "The server did not start; its log:"; tail -n 20 "$dir/server.log" >&2; return 1; }
  fi
  local i
  for i in $(seq 1 60); do
    "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$port" -U postgres -q && return 0
    sleep 0.5
  done
  pg_log "The server on port $port does not answer"
  return 1
}

pg_stop() {
  local dir="$1"
  [ -f "$dir/PG_VERSION" ] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

# Prints a free TCP port on 127.0.0.1, starting at $1.
free_port() {
  local port="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  printf '%s\n' "$port"
}

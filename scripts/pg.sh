#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the log tests (Debian's `postgresql` package).
#   eval "$(scripts/pg.sh start)"   # initdb in a temp dir, start on a free local port,
#                                   # create a database, print `export CCMKIT_TEST_PG_URL=...`
#   scripts/pg.sh stop              # stop the server and delete the cluster
# As root the server runs as the `postgres` user (initdb refuses to run as root).
# State file: $CCMKIT_PG_STATE (default /tmp/ccmkit-pg-$UID.env).
set -euo pipefail

state_file=${CCMKIT_PG_STATE:-/tmp/ccmkit-pg-$(id -u).env}
database=ccmkit_test

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$dir/initdb" ] || { echo "pg.sh: PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_owner() {  # run a command as the cluster owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for port in $(seq "${1:-54329}" 54429); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "pg.sh: no free port in 54329-54429" >&2; exit 1
}

start() {
  if [ -f "$state_file" ]; then
    echo "pg.sh: a cluster is already recorded in $state_file; run 'scripts/pg.sh stop' first" >&2
    exit 1
  fi
  local bin dir port url
  bin=$(bindir)
  dir=$(mktemp -d /tmp/ccmkit-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
  port=$(free_port "${CCMKIT_PG_PORT:-54329}")
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
  url="postgresql://postgres@127.0.0.1:$port/$database"
  printf 'PG_DIR=%q\nPG_BIN=%q\nCCMKIT_TEST_PG_URL=%q\n' "$dir" "$bin" "$url" >"$state_file"
  echo "export CCMKIT_TEST_PG_URL=$url"
}

stop() {
  [ -f "$state_file" ] || { echo "pg.sh: no cluster recorded in $state_file" >&2; return 0; }
  # shellcheck disable=SC1090
  . "$state_file"
  as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR" "$state_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/pg.sh start|stop" >&2; exit 2 ;;
esac

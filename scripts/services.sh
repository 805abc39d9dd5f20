#!/usr/bin/env bash
# Redis and a MongoDB-compatible server (FerretDB v1 on SQLite) on loopback ports, for running
# Parley and its test suites on the production adapters. Used by `npm run services` and `.ci/run`.
#
#   scripts/services.sh [run] [--redis-port N] [--mongodb-port N]
#       start both, print the MONGODB_URL / REDIS_URL lines to export, stop both on Ctrl-C
#   scripts/services.sh start DIR [--redis-port N] [--mongodb-port N]
#       start both in the background and return once each answers; DIR (created, must be empty)
#       keeps their data, logs and PIDs, and DIR/env holds the export lines (`source DIR/env`)
#   scripts/services.sh stop DIR
#       stop what `start DIR` started (SIGTERM, then SIGKILL after 10 s) and remove DIR
#
# Ports default to free ones picked at start, so several checkouts on one machine never collide.
# Redis keeps nothing on disk (`--save '' --appendonly no`); FerretDB's SQLite files live in DIR,
# so every start begins empty. What it installs or builds, only when missing:
#   - Debian's redis-server (apt-get; sudo when not root);
#   - the FerretDB binary, built from the Go module proxy by scripts/ferretdb/build.sh and cached
#     under ~/.cache/parley (about four minutes the first time on a machine).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { echo "services: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

ensure_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return
  say "installing Debian's redis-server (not found on PATH)..."
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  # The package lists may be stale or absent on a new machine: update once, then retry.
  $sudo apt-get install -y --no-install-recommends redis-server >/dev/null 2>&1 \
    || { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends redis-server >/dev/null; } \
    || die "apt-get install redis-server failed"
  command -v redis-server >/dev/null || die "redis-server is still not on PATH after installing it"
}

# A PID file's process, if it is still the program we started (PIDs get reused).
live_pid() { # file program
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2" && echo "$pid"
}

stop_one() { # dir name program
  local pid i
  pid="$(live_pid "$1/$2.pid" "$3")" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { say "stopped $2 (pid $pid)"; return 0; }
    sleep 0.1
  done
  say "$2 (pid $pid) ignored SIGTERM for 10 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all() { # dir
  stop_one "$1" ferretdb ferretdb
  stop_one "$1" redis redis-server
  # Only a directory that `start` made (it holds env or a PID file), never an arbitrary path.
  if [ -f "$1/env" ] || [ -f "$1/redis.pid" ] || [ -f "$1/ferretdb.pid" ]; then rm -rf "$1"; fi
}

start_redis() { # dir port
  local dir="$1" port="$2" attempt pid
  ensure_redis
  for attempt in 1 2 3; do
    [ "$port" != 0 ] || port="$(free_port)"
    # Backgrounded rather than --daemonize, so the PID is the one we started; its output goes to
    # files, so a caller that captures this script's output is not kept waiting by it.
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
      --dir "$dir" --logfile "$dir/redis.log" </dev/null >>"$dir/redis.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/redis.pid"
    for _ in $(seq 1 100); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
        REDIS_URL="redis://127.0.0.1:$port"
        say "redis-server $(redis-server --version | grep -o 'v=[^ ]*' | cut -c3-) answers PONG on $REDIS_URL (pid $pid)"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    say "redis-server did not answer on port $port; its log:"
    tail -n 20 "$dir/redis.log" >&2 || true
    [ "$2" = 0 ] || break # a port the caller chose: trying it again will not help
    port=0
  done
  die "could not start redis-server"
}

start_ferretdb() { # dir port
  local dir="$1" port="$2" bin pid url=""
  bin="$("$root/scripts/ferretdb/build.sh")" || die "the FerretDB build failed (see above)"
  "$bin" -listen "127.0.0.1:$port" -data "$dir/ferretdb-data" </dev/null >"$dir/ferretdb.out" 2>"$dir/ferretdb.log" &
  pid=$!
  echo "$pid" >"$dir/ferretdb.pid"
  for _ in $(seq 1 300); do
    url="$(sed -n 's/^ferretdb listening on \(mongodb:[^ ]*\)$/\1/p' "$dir/ferretdb.out")"
    [ -z "$url" ] || break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ] || ! node "$root/scripts/ferretdb/ping.mjs" "$url" 30; then
    say "FerretDB did not start or does not answer ping; its output:"
    cat "$dir/ferretdb.out" >&2 || true
    tail -n 40 "$dir/ferretdb.log" >&2 || true
    die "could not start FerretDB"
  fi
  # The database named in the path is the one the server uses (it would pick `parley` anyway).
  MONGODB_URL="${url%/}/parley"
  say "FerretDB v1.24.2 (SQLite, data in $dir/ferretdb-data) answers ping on $MONGODB_URL (pid $pid)"
}

start_all() { # dir redis-port mongodb-port
  local dir="$1"
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  start_redis "$dir" "$2"
  start_ferretdb "$dir" "$3"
  printf 'export MONGODB_URL=%s\nexport REDIS_URL=%s\n' "$MONGODB_URL" "$REDIS_URL" >"$dir/env"
}

mode=run
case "${1:-}" in run | start | stop) mode="$1"; shift ;; esac
dir=""
if [ "$mode" != run ]; then
  [ $# -gt 0 ] && [ "${1#--}" = "$1" ] || die "usage: scripts/services.sh $mode DIR"
  dir="$1"; shift
fi
redis_port=0 mongodb_port=0
while [ $# -gt 0 ]; do
  case "$1" in
    --redis-port) redis_port="${2:?--redis-port needs a number}"; shift 2 ;;
    --mongodb-port) mongodb_port="${2:?--mongodb-port needs a number}"; shift 2 ;;
    *) die "unknown argument $1 (see the comment at the top of $0)" ;;
  esac
done

case "$mode" in
  stop)
    stop_all "$dir"
    ;;
  start)
    # On failure, stop whatever did start: a half-started pair must not linger.
    trap 'status=$?; [ $status = 0 ] || stop_all "$dir"; exit $status' EXIT
    start_all "$dir" "$redis_port" "$mongodb_port"
    cat "$dir/env"
    ;;
  run)
    dir="$(mktemp -d "${TMPDIR:-/tmp}/parley-services.XXXXXX")"
    trap 'stop_all "$dir"' EXIT
    trap 'exit 0' INT TERM
    start_all "$dir" "$redis_port" "$mongodb_port"
    cat <<EOF

Redis and FerretDB are running (data in $dir). In another terminal:

  export MONGODB_URL=$MONGODB_URL REDIS_URL=$REDIS_URL
  npm test      # the suites, with those of the MongoDB store and the Redis bus
  npm start     # the server, storing in MongoDB

Press Ctrl-C to stop both.
EOF
    # Wait here until Ctrl-C (or either service exits on its own).
    while live_pid "$dir/redis.pid" redis-server >/dev/null && live_pid "$dir/ferretdb.pid" ferretdb >/dev/null; do
      sleep 1
    done
    say "a service exited on its own; stopping the other"
    exit 1
    ;;
esac

#!/usr/bin/env bash
# Builds scripts/ferretdb once per machine and prints the binary's path on stdout.
#
# The binary is cached in ${PARLEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley}, in a folder
# named by the FerretDB version and a hash of everything that goes into the build (go.mod, go.sum,
# main.go, this script, the Go version), so a change to any of them builds a new one and an
# unchanged tree reuses it. From nothing it needs only Go (on PATH or /usr/local/go/bin) and the Go
# module proxy; the first build takes about four minutes on two cores. Progress goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

version=v1.24.2
tags=ferretdb_no_postgresql # the SQLite backend only: no PostgreSQL driver to compile

go_bin="$(command -v go || true)"
[ -n "$go_bin" ] || go_bin=/usr/local/go/bin/go
if [ ! -x "$go_bin" ]; then
  echo "ferretdb build: Go not found (looked on PATH and at /usr/local/go/bin/go)" >&2
  exit 1
fi

grep -q "github.com/FerretDB/FerretDB $version\$" "$here/go.mod" || {
  echo "ferretdb build: $here/go.mod does not require github.com/FerretDB/FerretDB $version; update \$version in $0" >&2
  exit 1
}

# The machine's Go, whatever go.mod or the environment would pick; only the files in this folder.
export GOTOOLCHAIN=local GOFLAGS="-buildvcs=false -mod=readonly" CGO_ENABLED=0

key="$( { cat "$here/go.mod" "$here/go.sum" "$here/main.go" "$here/build.sh"; "$go_bin" version; echo "$tags"; } \
  | sha256sum | cut -c1-12)"
cache_root="${PARLEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley}"
out_dir="$cache_root/ferretdb-$version-$key"
bin="$out_dir/ferretdb"

if [ -x "$bin" ]; then
  echo "ferretdb build: cached $bin" >&2
  echo "$bin"
  exit 0
fi

mkdir -p "$out_dir"
log="$out_dir/build.log"
tmp="$out_dir/ferretdb.tmp.$$"
echo "ferretdb build: building FerretDB $version with $("$go_bin" version | cut -d' ' -f3) into $out_dir (about four minutes the first time)..." >&2
start=$(date +%s)
if ! (cd "$here" && "$go_bin" build -trimpath -tags "$tags" -ldflags "-s -w" -o "$tmp" .) >"$log" 2>&1; then
  rm -f "$tmp"
  echo "ferretdb build: FAILED after $(( $(date +%s) - start ))s; go build said (full log: $log):" >&2
  tail -n 60 "$log" >&2
  exit 1
fi
mv -f "$tmp" "$bin" # atomic: a concurrent build or an interrupted one never leaves a half binary at $bin
echo "ferretdb build: built in $(( $(date +%s) - start ))s: $bin" >&2

# Builds of another version or hash not made for a month are dead weight. Recent ones stay: two
# checkouts with different scripts/ferretdb/ on one machine would otherwise rebuild in turn.
find "$cache_root" -mindepth 1 -maxdepth 1 -name 'ferretdb-*' ! -path "$out_dir" -mtime +30 -exec rm -rf {} + 2>/dev/null || true

echo "$bin"

#!/usr/bin/env bash
# Fetches the pinned DuckDB (headers from the npm `duckdb` source package, the
# prebuilt libduckdb.so from `@duckdb/node-bindings-linux-x64`), verifies both
# SHA-256 sums, and unpacks them into a cache outside the build tree.
#
# Prints the DuckDB root (a directory with include/ and lib/) on stdout.
# DUCKDB_ROOT, when set, is used as is: no download.
set -euo pipefail

DUCKDB_VERSION=1.4.4
BINDINGS_VERSION=1.4.4-r.4
SRC_SHA256=5bb967dcbcd517670ba5f169f238fb9d6787e53752c60ebe24386169d76941ed
LIB_SHA256=732fac4dc6b8f198870b9c4bb6ddf13544466daca00ad28ba2f1d80de5d7aa4b

if [ -n "${DUCKDB_ROOT:-}" ]; then
  if [ ! -f "$DUCKDB_ROOT/include/duckdb.hpp" ] || [ ! -f "$DUCKDB_ROOT/lib/libduckdb.so" ]; then
    echo "DUCKDB_ROOT=$DUCKDB_ROOT must hold include/duckdb.hpp and lib/libduckdb.so" >&2
    exit 1
  fi
  echo "$DUCKDB_ROOT"
  exit 0
fi

cache="${WEIR_CACHE_DIR:-$HOME/.cache/weir}"
root="$cache/duckdb-$DUCKDB_VERSION"
if [ -f "$root/.complete" ]; then
  echo "$root"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is needed to fetch DuckDB (apt-get install npm)" >&2; exit 1; }
mkdir -p "$cache/downloads"
dl="$cache/downloads"

fetch() { # package version sha256 file
  local pkg=$1 ver=$2 sum=$3 out=$4
  if [ -f "$dl/$out" ] && echo "$sum  $dl/$out" | sha256sum -c --status; then
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  echo "fetching $pkg@$ver from the npm registry" >&2
  (cd "$tmp" && npm pack --silent "$pkg@$ver" >/dev/null)
  mv "$tmp"/*.tgz "$dl/$out"
  rm -rf "$tmp"
  if ! echo "$sum  $dl/$out" | sha256sum -c --status; then
    echo "SHA-256 mismatch for $pkg@$ver: expected $sum, got $(sha256sum "$dl/$out" | cut -d' ' -f1)" >&2
    rm -f "$dl/$out"
    exit 1
  fi
}

fetch duckdb "$DUCKDB_VERSION" "$SRC_SHA256" "duckdb-$DUCKDB_VERSION.tgz"
fetch @duckdb/node-bindings-linux-x64 "$BINDINGS_VERSION" "$LIB_SHA256" "node-bindings-linux-x64-$BINDINGS_VERSION.tgz"

staging=$(mktemp -d "$cache/staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/src" "$staging/lib" "$staging/root/lib"
tar xzf "$dl/duckdb-$DUCKDB_VERSION.tgz" -C "$staging/src" package/src/duckdb/src/include
tar xzf "$dl/node-bindings-linux-x64-$BINDINGS_VERSION.tgz" -C "$staging/lib" package/libduckdb.so
mv "$staging/src/package/src/duckdb/src/include" "$staging/root/include"
mv "$staging/lib/package/libduckdb.so" "$staging/root/lib/libduckdb.so"
echo "$DUCKDB_VERSION" > "$staging/root/VERSION"
touch "$staging/root/.complete"
rm -rf "$root"
mv "$staging/root" "$root"
echo "$root"

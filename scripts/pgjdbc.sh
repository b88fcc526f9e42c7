#!/usr/bin/env bash
# Fetches the pinned PostgreSQL JDBC driver from Maven Central (once; cached
# outside the build tree), checks its SHA-256 and prints the jar's path.
set -euo pipefail

version=42.7.14
sha256=73914527305a40cce504b0d3d90b23caf565136912d607ae8ae7c5895512332c
cache="${WEIR_CACHE:-$HOME/.cache/weir}/pgjdbc"
jar="$cache/postgresql-$version.jar"

if [ ! -f "$jar" ] || ! echo "$sha256  $jar" | sha256sum -c --status; then
  mkdir -p "$cache"
  curl -sSfL -o "$jar.tmp" "https://repo1.maven.org/maven2/org/postgresql/postgresql/$version/postgresql-$version.jar"
  if ! echo "$sha256  $jar.tmp" | sha256sum -c --status; then
    rm -f "$jar.tmp"
    echo "pgjdbc $version: checksum mismatch" >&2
    exit 1
  fi
  mv "$jar.tmp" "$jar"
fi
echo "$jar"

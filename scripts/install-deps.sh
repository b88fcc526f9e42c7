#!/usr/bin/env bash
# Installs what building and testing Weir needs on a Debian machine, skipping
# whatever is already there, then fetches the pinned DuckDB (scripts/duckdb.sh).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libsqlite3-dev libssl-dev nlohmann-json3-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev libbenchmark-dev clang-format clang-tidy clang
  npm python3 python3-pip postgresql-client libpq-dev
)
missing=()
for p in "${packages[@]}"; do
  case "$p" in
    # A python3 or npm from elsewhere (pyenv, nvm, ...) will do.
    python3|python3-pip) command -v python3 >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python packages for the end-to-end tests: pytest, the PostgreSQL drivers
# the wire-protocol tests use as clients, and DuckDB's own module (the same
# version as the engine) that some tests and benchmarks write Parquet with.
python_missing=()
python3 -c 'import pytest' 2>/dev/null || python_missing+=(pytest)
python3 -c 'import psycopg' 2>/dev/null || python_missing+=("psycopg[binary]==3.3.9")
python3 -c 'import psycopg2' 2>/dev/null || python_missing+=("psycopg2-binary==2.9.13")
python3 -c 'import duckdb' 2>/dev/null || python_missing+=("duckdb==1.4.4")
if [ ${#python_missing[@]} -gt 0 ]; then
  python3 -m pip install -q "${python_missing[@]}" 2>/dev/null ||
    python3 -m pip install -q --break-system-packages "${python_missing[@]}"
fi

scripts/duckdb.sh >/dev/null

#!/usr/bin/env bash
# Installs what building and testing Weir needs on a Debian machine, skipping
# whatever is already there, then fetches the pinned DuckDB (scripts/duckdb.sh).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libsqlite3-dev libssl-dev nlohmann-json3-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev libbenchmark-dev clang-format clang-tidy clang
  npm python3 python3-pip
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

# Python packages for the end-to-end tests.
if ! python3 -c 'import pytest' 2>/dev/null; then
  python3 -m pip install -q pytest || python3 -m pip install -q --break-system-packages pytest
fi

scripts/duckdb.sh >/dev/null

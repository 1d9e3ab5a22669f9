#!/usr/bin/env bash
# Installs, with apt-get, every Debian package the build, the tests and the benchmarks need and
# that is not installed yet. Quiet when nothing is missing.
set -eu
pkgs=(gcc make pkg-config libgmp-dev libunwind-dev libncurses-dev libcjson-dev zlib1g-dev tmux erlang-base python3 python3-jsonschema
      clang libclang-rt-dev)   # clang and libFuzzer: tests/fuzz/run.sh
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

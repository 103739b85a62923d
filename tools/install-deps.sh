#!/bin/sh
# Installs what building and testing libthreecx needs, from Debian's archive.
# Skips apt-get entirely when everything is already there.
set -eu
pkgs="cmake make g++ pkg-config python3 openssl ca-certificates curl valgrind
  libcurl4-openssl-dev libcjson-dev libcmocka-dev libcpp-httplib-dev libssl-dev
  python3-yaml zlib1g-dev swig golang-go mono-mcs mono-runtime lua5.4 liblua5.4-dev
  man-db groff-base bsdutils time bash zsh fish dpkg-dev file
  clang libclang-rt-14-dev nginx-light"
missing=""
# the Lua binding on every Lua Debian has, decode = true, the rock (bindings/)
pkgs="$pkgs lua5.1 liblua5.1-0-dev lua5.3 liblua5.3-dev luajit libluajit-5.1-dev lua-cjson luarocks"
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "== installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $missing

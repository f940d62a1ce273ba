#!/usr/bin/env bash
# Installs everything pinpages needs on a fresh Debian 12 machine. Idempotent and
# silent when nothing is missing, so scripts/serve and scripts/test can call it on
# every run. Source it (". scripts/lib/deps.sh") or run it.
#
#   apt packages ──► deb-src entry ──► apt-get source libsdl2 imgui ──► SDL2 for wasm
#                                        ($PP_CACHE/src)                ($PP_CACHE/sdl2-wasm,
#                                                                        cmake/sdl2-wasm)
#   npm ci (sirv + compression for the page; playwright-core for the browser tests,
#           which drives Debian's chromium) ──► <repo>/node_modules
#   fonttools: pyftsubset, which cuts the web build's fonts down at build time
#
# Sourcing does not change the caller's shell options (scripts/test must keep going
# after a failure); every function returns non-zero when it fails.

PP_ROOT="${PP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
PP_CACHE="${PP_CACHE:-$HOME/.cache/pinpages}"
export PP_ROOT PP_CACHE

pp_log() { echo "[deps] $*" >&2; }

pp_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Lock timeout: parallel builders on the same machine may hold apt's lock briefly.
PP_APT=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600)

# What scripts/serve needs for the web page alone, then what the desktop build and the
# tests add: a fresh machine that only serves the page skips chromium, clang and X.
PP_APT_WEB=(
  cmake ninja-build dpkg-dev
  emscripten node-acorn
  libstb-dev nlohmann-json3-dev
  fonts-dejavu-core fonttools
  nodejs
)
PP_APT_PACKAGES=(
  "${PP_APT_WEB[@]}"
  g++ pkg-config
  libsdl2-dev libimgui-dev libcli11-dev libfmt-dev
  libgtest-dev libbenchmark-dev clang-14 libclang-rt-14-dev gcc
  chromium chromium-driver xvfb xauth libgl1-mesa-dri python3-pil
)

# pp_missing_packages [web]: the packages of the list that are not installed.
pp_missing_packages() {
  local p list=("${PP_APT_PACKAGES[@]}")
  [ "${1:-}" = web ] && list=("${PP_APT_WEB[@]}")
  for p in "${list[@]}"; do
    # dpkg -s also reports removed-but-configured packages as "known": check the status.
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      # nodejs may come from another repository (NodeSource) as long as node+npm exist.
      if [ "$p" = nodejs ] && command -v node >/dev/null && command -v npm >/dev/null; then continue; fi
      echo "$p"
    fi
  done
}

pp_apt_updated=0
pp_apt_update() {
  if [ "$pp_apt_updated" -eq 0 ]; then
    pp_log "apt-get update"
    pp_sudo "${PP_APT[@]}" update >/dev/null
    pp_apt_updated=1
  fi
}

# pp_install_packages [web]: everything, or only what the web page needs.
pp_install_packages() {
  local missing
  missing=$(pp_missing_packages "${1:-}" | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  pp_log "installing: $missing"
  pp_apt_update
  # nodejs+npm: on stock Debian, npm is a separate package.
  if [[ " $missing " == *" nodejs "* ]]; then missing="$missing npm"; fi
  # shellcheck disable=SC2086
  pp_sudo "${PP_APT[@]}" install --no-install-recommends $missing >/dev/null
}

# The mirror the binary packages come from, so deb-src hits the same (possibly
# snapshot-pinned) archive and `apt-get source` gets exactly the installed versions.
pp_debian_mirror() {
  local f uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ && u!="" {print u; exit}
               /^$/ {u=""}' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    uri=$(awk '$1=="deb" && $0 ~ / bookworm / {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  echo "http://deb.debian.org/debian"
}

pp_have_deb_src() {
  grep -rqsE '^(Types:.*deb-src|deb-src .* bookworm .*main)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

pp_add_deb_src() {
  pp_have_deb_src && return 0
  local mirror; mirror=$(pp_debian_mirror)
  pp_log "adding deb-src for bookworm main ($mirror)"
  pp_sudo tee /etc/apt/sources.list.d/pinpages-deb-src.sources >/dev/null <<SRC
Types: deb-src
URIs: $mirror
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  pp_apt_updated=0
  pp_apt_update
}

# Prints the unpacked source folder of a Debian source package ("" if absent).
pp_src_dir() { find "$PP_CACHE/src" -maxdepth 1 -mindepth 1 -type d -name "$1-*" 2>/dev/null | sort | tail -1; }

pp_fetch_sources() {
  local need=()
  [ -n "$(pp_src_dir libsdl2)" ] || need+=(libsdl2)
  [ -n "$(pp_src_dir imgui)" ] || need+=(imgui)
  [ ${#need[@]} -eq 0 ] && return 0
  pp_add_deb_src
  mkdir -p "$PP_CACHE/src"
  pp_log "apt-get source ${need[*]}"
  # If a previous fetch hit no deb-src index (e.g. added by someone else without update).
  if ! (cd "$PP_CACHE/src" && apt-get source -q "${need[@]}" >/dev/null 2>"$PP_CACHE/src/fetch.log"); then
    pp_apt_updated=0; pp_apt_update
    (cd "$PP_CACHE/src" && apt-get source -q "${need[@]}" >/dev/null 2>"$PP_CACHE/src/fetch.log") \
      || { cat "$PP_CACHE/src/fetch.log" >&2; return 1; }
  fi
}

# SDL2 for WebAssembly, built once and reused by every build tree (emscripten's own
# -sUSE_SDL=2 would try to download a port): cmake/sdl2-wasm compiles the parts of
# Debian's SDL2 source that the page uses, with SDL's own Emscripten configuration and no
# configure step (see there why). The stamp names the source and the recipe's hash, so
# a new SDL2 or a changed recipe builds again.
pp_build_sdl2_wasm() {
  local src prefix="$PP_CACHE/sdl2-wasm" stamp recipe="$PP_ROOT/cmake/sdl2-wasm"
  src=$(pp_src_dir libsdl2)
  stamp="$prefix/.built-from-$(basename "$src")-$(cat "$recipe"/* | sha256sum | cut -c1-12)"
  [ -f "$stamp" ] && [ -f "$prefix/lib/libSDL2.a" ] && return 0
  pp_log "building SDL2 for wasm from $(basename "$src") (one time, cached in $prefix)"
  local t0=$SECONDS bdir="$PP_CACHE/sdl2-wasm-build" log="$PP_CACHE/sdl2-wasm-build.log"
  rm -rf "$bdir" "$prefix"
  export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
  emcmake cmake -S "$recipe" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSDL2_SOURCE_DIR="$src" -DCMAKE_INSTALL_PREFIX="$prefix" >"$log" 2>&1 \
    && cmake --build "$bdir" -j "${PP_JOBS:-$(nproc)}" >>"$log" 2>&1 \
    && cmake --install "$bdir" >>"$log" 2>&1 \
    || { tail -40 "$log" >&2; return 1; }
  touch "$stamp"
  rm -rf "$bdir"
  pp_log "SDL2 for wasm built in $((SECONDS - t0)) s"
}

# node_modules as package-lock.json pins it. `pp_npm --omit=dev` is what scripts/serve
# needs (the static server: sirv + compression); plain `pp_npm` adds the browser tests'
# playwright-core, which drives Debian's chromium and downloads no browser.
pp_npm() {
  local omit=${1:-}
  # Prints what is missing or at another version than the lockfile pins ("" when none).
  local stale
  stale=$(cd "$PP_ROOT" && PP_OMIT=$omit node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
    for (const [path, p] of Object.entries(lock)) {
      if (!path || (process.env.PP_OMIT && p.dev)) continue;
      let have = "";
      try { have = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version; } catch {}
      if (have !== p.version) console.log(path.replace(/^.*node_modules\//, ""));
    }')
  [ -z "$stale" ] && return 0
  pp_log "npm ci $omit ($(echo $stale | tr ' ' ','))"
  # shellcheck disable=SC2086
  (cd "$PP_ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci $omit --no-audit --no-fund --loglevel=error >/dev/null)
}

# What each entry script needs: native (desktop + tests), web (wasm), browser (tests).
pp_deps() {
  pp_install_packages && pp_fetch_sources && pp_build_sdl2_wasm && pp_npm
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  pp_deps
fi

# Shared by scripts/serve, scripts/test, scripts/desktop: where things are, and the
# configure+build of one preset (quiet unless it fails).
PP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PP_ROOT
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
# shellcheck source=deps.sh
. "$PP_ROOT/scripts/lib/deps.sh"

# Build jobs: one per core unless PP_JOBS says otherwise (a shared machine may want fewer).
PP_JOBS="${PP_JOBS:-$(nproc)}"
export PP_JOBS

# pp_build <preset> [cmake --build args]: configure (always: cheap when nothing changed,
# and it applies edits to CMakePresets.json to existing trees) and build with PP_JOBS jobs.
pp_build() {
  local preset=$1 log="$PP_ROOT/build/$1.log"
  shift
  mkdir -p "$PP_ROOT/build"
  (
    cd "$PP_ROOT"
    cmake --preset "$preset" >"$log" 2>&1 || { tail -30 "$log" >&2; exit 1; }
    cmake --build --preset "$preset" -j "$PP_JOBS" "$@" >>"$log" 2>&1 || { tail -60 "$log" >&2; exit 1; }
  )
}

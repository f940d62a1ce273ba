#!/bin/sh
# Compiles every Linux lesson with gcc and runs it for real, as the tutorial's
# programs are meant to be run. Each one must exit 0, leave nothing locked
# (exit_check.h is force-included and fails the run if VmLck is not 0 when the
# program exits), and its //@ expect facts must hold on the real kernel:
# expect_native.awk turns each fact into a check placed right after its
# statement (runtime: expect_native.h); facts that depend on what only the
# model can do (swap, pressure, a mid-lesson sudo) are listed as skipped.
# VERBOSE=1 prints every fact.
#
# What this test does and does not claim (see lessons/README.md):
#  - The //@ lines are comments to gcc. The environment a lesson STARTS in is
#    reproduced: `//@ ulimit-l SIZE` before the first statement becomes
#    `ulimit -l` in the shell and `//@ sudo off` drops CAP_IPC_LOCK with
#    setpriv. Later environment actions (`//@ sudo on`, `//@ pressure`) cannot
#    be reproduced on a live machine, so from there the real run may print
#    other results than the model; it still has to finish cleanly.
#  - The model checks every //@ expect with `pinpages check`; here only those
#    the real machine can reproduce are checked.
#  - Lessons for QNX (`//@ machine ... os=qnx`) are compiled by gcc_syntax.sh
#    only: ThreadCtl and procmgr_ability do not exist on Linux.
#  - Lessons that lock more than RLIMIT_MEMLOCK need root (CAP_IPC_LOCK), as
#    the tutorial says. Without it they are skipped, not failed.
#
# usage: gcc_run.sh GCC LESSONS_DIR WORK_DIR
set -u
GCC=${1:-gcc}
DIR=${2:-lessons}
WORK=${3:-/tmp/pinpages-lessons}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK" || exit 1

if [ "$(id -u)" -eq 0 ]; then root=1; else root=0; fi
ran=0
failed=0
skipped=0

# size with K/M/G suffix -> KiB, for `ulimit -l`
to_kib() {
  case "$1" in
    unlimited) echo unlimited ;;
    *K) echo "${1%K}" ;;
    *M) echo $(( ${1%M} * 1024 )) ;;
    *G) echo $(( ${1%G} * 1024 * 1024 )) ;;
    *)  echo $(( $1 / 1024 )) ;;
  esac
}

for f in "$DIR"/*.c; do
  [ -e "$f" ] || { echo "no lessons in $DIR"; exit 1; }
  name=$(basename "$f" .c)
  if grep -Eq '^//@ machine.*os=qnx' "$f"; then
    echo "skip $name: QNX lesson (model only)"
    skipped=$((skipped + 1))
    continue
  fi
  # The environment before main's first statement: the first //@ sudo and
  # //@ ulimit-l annotations, if they come before anything else runs.
  first_sudo=$(sed -n 's|^[[:space:]]*//@ sudo \([onf]*\).*|\1|p' "$f" | head -n 1)
  first_ulimit=$(sed -n 's|^[[:space:]]*//@ ulimit-l \([0-9a-z]*[KMG]\{0,1\}\).*|\1|p' "$f" | head -n 1)
  prefix=""
  if [ "$first_sudo" = off ] && [ "$root" -eq 1 ]; then
    if command -v setpriv >/dev/null 2>&1; then
      prefix="setpriv --inh-caps=-ipc_lock --bounding-set=-ipc_lock"
    else
      echo "skip $name: needs setpriv to run without CAP_IPC_LOCK"
      skipped=$((skipped + 1))
      continue
    fi
  elif [ "$first_sudo" != off ] && [ "$root" -eq 0 ]; then
    echo "skip $name: run it as root (the tutorial says: with sudo)"
    skipped=$((skipped + 1))
    continue
  fi
  limit=""
  [ -n "$first_ulimit" ] && limit=$(to_kib "$first_ulimit")

  exe="$WORK/$name"
  src="$WORK/$name.native.c"
  if ! awk -f "$HERE/expect_native.awk" "$f" >"$src"; then
    echo "FAIL $name: expect_native.awk could not instrument it"
    failed=$((failed + 1))
    continue
  fi
  if ! "$GCC" -O0 -w -include "$HERE/expect_native.h" -include "$HERE/exit_check.h" -o "$exe" "$src"; then
    echo "FAIL $name: does not compile"
    failed=$((failed + 1))
    continue
  fi
  out="$WORK/$name.out"
  (
    [ -n "$limit" ] && ulimit -l "$limit"
    exec timeout 120 $prefix "$exe"
  ) >"$out" 2>&1
  rc=$?
  ran=$((ran + 1))
  nok=$(grep -c '^pp-expect ok' "$out")
  nskip=$(grep -c '^pp-expect skip' "$out")
  nfail=$(grep -c '^pp-expect FAIL' "$out")
  facts="facts: $nok held, $nfail failed, $nskip modelled only"
  if [ "$rc" -eq 0 ] && [ "$nfail" -eq 0 ]; then
    echo "ok   $name${limit:+ (ulimit -l $limit)}${prefix:+ (without CAP_IPC_LOCK)}; $facts"
    [ -n "${VERBOSE:-}" ] && sed 's/^/     | /' "$out"
  else
    echo "FAIL $name: exit status $rc; $facts"
    sed 's/^/     | /' "$out"
    failed=$((failed + 1))
  fi
done
echo "$ran ran, $skipped skipped, $failed failed"
[ "$failed" -eq 0 ] || exit 1
[ "$ran" -gt 0 ] || exit 77
exit 0

#!/bin/sh
# Lesson 07 for real: the //@ pressure of the lesson is modelled only, so here
# the compiled lesson runs in a memory cgroup small enough (26 MB for its two
# 16 MiB buffers) that the kernel must push `loose` out to swap. It prints the
# lesson's own timings, and a second probe reads 16 MiB back from swap and
# counts its faults (swap readahead: one major fault per cluster of
# 2^vm.page-cluster pages, minor faults for the rest).
#
# Checks: the loose loop is at least 10 times slower than the second pinned
# pass; reading back from swap takes major faults, and more minor than major
# ones (readahead).
#
# Needs root, a memory cgroup and active swap. Without swap it exits 77
# (skipped), unless PP_MAKE_SWAP=1, which adds a 128 MiB swap file for the
# run and removes it afterwards.
#
# usage: pressure_real.sh GCC LESSONS_DIR WORK_DIR
set -u
GCC=${1:-gcc}
DIR=${2:-lessons}
WORK=${3:-/tmp/pinpages-pressure}
mkdir -p "$WORK" || exit 1

[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (cgroup, swap)"; exit 77; }
swapfile=""
cg=""
cleanup() {
  [ -n "$cg" ] && rmdir "$cg" 2>/dev/null
  if [ -n "$swapfile" ]; then swapoff "$swapfile" 2>/dev/null; rm -f "$swapfile"; fi
}
trap cleanup EXIT INT TERM

if [ "$(wc -l </proc/swaps)" -le 1 ]; then
  if [ "${PP_MAKE_SWAP:-}" = 1 ]; then
    swapfile="$WORK/swapfile"
    dd if=/dev/zero of="$swapfile" bs=1M count=128 status=none && chmod 600 "$swapfile" &&
      mkswap "$swapfile" >/dev/null && swapon "$swapfile" ||
      { echo "skip: could not enable a swap file"; swapfile=""; exit 77; }
  else
    echo "skip: no swap (PP_MAKE_SWAP=1 adds a temporary swap file)"
    exit 77
  fi
fi

# A memory cgroup of 26 MB (v2 or v1).
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cg=/sys/fs/cgroup/pinpages-pressure.$$
  mkdir "$cg" 2>/dev/null && echo 26M >"$cg/memory.max" 2>/dev/null || { echo "skip: no memory cgroup"; exit 77; }
elif [ -d /sys/fs/cgroup/memory ]; then
  cg=/sys/fs/cgroup/memory/pinpages-pressure.$$
  mkdir "$cg" 2>/dev/null && echo 26M >"$cg/memory.limit_in_bytes" 2>/dev/null || { echo "skip: no memory cgroup"; exit 77; }
else
  echo "skip: no memory cgroup"
  exit 77
fi
in_cg() { sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "$@"; }

"$GCC" -O0 -w -o "$WORK/pressure" "$DIR/07-pressure.c" || exit 1
cat >"$WORK/readback.c" <<'EOF'
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#define SIZE (16L << 20)
int main(void)
{
    char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *q = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct rusage a, b;
    volatile int s = 0;
    long i;
    for (i = 0; i < SIZE; i += 4096) p[i] = 1;
    for (i = 0; i < SIZE; i += 4096) q[i] = 1;   /* pushes p out to swap */
    getrusage(RUSAGE_SELF, &a);
    for (i = 0; i < SIZE; i += 4096) s += p[i];
    getrusage(RUSAGE_SELF, &b);
    printf("%ld %ld\n", b.ru_majflt - a.ru_majflt, b.ru_minflt - a.ru_minflt);
    return 0;
}
EOF
"$GCC" -O1 -o "$WORK/readback" "$WORK/readback.c" || exit 1

status=0
out=$(in_cg "$WORK/pressure") || { echo "FAIL: lesson 07 exited with an error"; echo "$out"; exit 1; }
echo "$out" | sed 's/^/  07-pressure | /'
second=$(echo "$out" | sed -n 's/.*second pass \([0-9]*\) us.*/\1/p')
loose=$(echo "$out" | sed -n 's/^loose: \([0-9]*\) us.*/\1/p')
if [ -z "$second" ] || [ -z "$loose" ]; then
  echo "FAIL: lesson 07 did not print its timings"; exit 1
fi
[ "$second" -lt 1 ] && second=1
if [ "$loose" -ge $((10 * second)) ]; then
  echo "ok   loose loop ${loose} us >= 10 x second pinned pass ${second} us"
else
  echo "FAIL: loose loop ${loose} us is not 10 x slower than the pinned pass ${second} us"; status=1
fi

set -- $(in_cg "$WORK/readback")
maj=${1:-0}; min=${2:-0}
echo "  readback | 4096 pages back from swap: $maj major, $min minor faults (vm.page-cluster $(cat /proc/sys/vm/page-cluster))"
if [ "$maj" -gt 0 ] && [ "$min" -gt "$maj" ]; then
  echo "ok   major faults for the reads, minor faults for the read-ahead neighbours"
else
  echo "FAIL: expected major faults and more minor ones (readahead)"; status=1
fi
echo "load: $(cat /proc/loadavg)"
exit $status

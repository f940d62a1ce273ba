#!/usr/bin/env bash
# Started through sudo, the desktop window must not stay root: it becomes the invoking
# user and keeps CAP_IPC_LOCK only (ambient, so the real-mode lab it starts can lock).
# Checked from outside, in /proc/PID/status of the running window. Needs root.
set -u
bin=$1
if [ "$(id -u)" != 0 ]; then echo "skipped: needs root to play sudo"; exit 0; fi
log=$(mktemp)
SUDO_UID=65534 SUDO_GID=65534 xvfb-run -a "$bin" --frames 600 >"$log" 2>&1 &
runner=$!
status=""
for _ in $(seq 1 200); do
  for pid in $(pgrep -x pinpages); do
    grep -q '^Uid:[[:space:]]*65534' "/proc/$pid/status" 2>/dev/null && status=$(cat "/proc/$pid/status") && break 2
  done
  sleep 0.1
done
wait "$runner"; rc=$?
cat "$log"; rm -f "$log"
[ "$rc" = 0 ] || { echo "FAIL: the window exited with $rc"; exit 1; }
[ -n "$status" ] || { echo "FAIL: no pinpages process ever ran as uid 65534 (still root?)"; exit 1; }
echo "$status" | grep -E '^(Uid|Gid|CapEff|CapPrm|CapAmb):'
# CAP_IPC_LOCK is capability 14: bit 0x4000, and nothing else.
for f in CapEff CapPrm CapAmb; do
  v=$(echo "$status" | awk -v f="$f:" '$1 == f { print $2 }')
  [ "$v" = "0000000000004000" ] || { echo "FAIL: $f is $v, want CAP_IPC_LOCK only (0000000000004000)"; exit 1; }
done
echo "ok: the window runs as uid 65534 with CAP_IPC_LOCK only"

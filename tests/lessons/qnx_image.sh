#!/bin/sh
# A QNX run shows a QNX process (docs/QNX.md): nothing in what `pinpages run --json`
# reports names a Linux region, a Linux-only call or a /proc field; QNX's image
# (ldqnx-64.so.2, libc.so.5), the model's own labels and per-region levels are there;
# and Linux-only calls and flags are refused with a file:line:col error.
# usage: qnx_image.sh PINPAGES QNX_LESSON...
set -u
pp=$1
shift
bad=0
for f in "$@"; do
  out=$("$pp" run --json "$f") || { echo "FAIL $f: pinpages run failed"; bad=1; continue; }
  for w in ld-linux libc.so.6 '[vdso]' '[vvar' /dev/zero x86_64-linux-gnu mlock2 MCL_ONFAULT MLOCK_ONFAULT VmLck VmRSS; do
    if printf '%s' "$out" | grep -qF -- "$w"; then echo "FAIL $f: '$w' appears in a QNX run"; bad=1; fi
  done
  for w in ldqnx-64.so.2 libc.so.5 '"locked (model)"' '"level":"'; do
    printf '%s' "$out" | grep -qF -- "$w" || { echo "FAIL $f: no '$w' in the QNX run"; bad=1; }
  done
  [ $bad -eq 0 ] && echo "ok   $f"
done

tmp=${TMPDIR:-/tmp}/pp-qnx-image-$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
for call in 'mlock2(p, 4096, MLOCK_ONFAULT)' 'mlock2(p, 4096, 0)' 'mlockall(MCL_CURRENT | MCL_ONFAULT)'; do
  printf '//@ title t\n//@ machine os=qnx\n#include <sys/mman.h>\nint main(void)\n{\n    char p[4096];\n    return %s;\n}\n' \
    "$call" > "$tmp/t.c"
  if msg=$("$pp" check "$tmp/t.c" 2>&1); then
    echo "FAIL: '$call' accepted under QNX"; bad=1
  elif printf '%s' "$msg" | grep -q "t.c:7:[0-9]*: .*Linux-only"; then
    echo "ok   refused under QNX: $call"
  else
    echo "FAIL: '$call': no file:line:col Linux-only error, got: $msg"; bad=1
  fi
done
exit $bad

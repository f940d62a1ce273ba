#!/bin/sh
# Every lesson must be valid C as it stands: gcc -fsyntax-only -Wall -Werror.
# usage: gcc_syntax.sh GCC LESSONS_DIR
set -u
GCC=${1:-gcc}
DIR=${2:-lessons}
n=0
fail=0
for f in "$DIR"/*.c; do
  [ -e "$f" ] || { echo "no lessons in $DIR"; exit 1; }
  n=$((n + 1))
  if "$GCC" -fsyntax-only -Wall -Werror "$f"; then
    echo "ok   $f"
  else
    echo "FAIL $f"
    fail=$((fail + 1))
  fi
done
echo "$n lessons, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# A program without //@ lines: one step per statement that reaches the OS; a loop that
# would make hundreds of steps is folded into one step, and the run says so.
# usage: plain_program.sh PINPAGES_CLI
set -e
cli=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/out" "$tmp/err"; exit 1; }

cat >"$tmp/few.c" <<'C'
#include <stdlib.h>
#include <sys/mman.h>
int main(void)
{
    char *p = malloc(4096);
    int x = 1;
    mlock(p, 4096);
    return x - 1;
}
C
"$cli" run "$tmp/few.c" >"$tmp/out" 2>"$tmp/err"
[ "$(grep -c '^step ' "$tmp/out")" -eq 4 ] || fail "expected 4 steps (start, malloc, mlock, exit)"
grep -q '^step 2  line 7 ' "$tmp/out" || fail "mlock is not step 2 at line 7"
! grep -q 'info:' "$tmp/err" || fail "a short program got a note"

cat >"$tmp/many.c" <<'C'
#include <stdlib.h>
int main(void)
{
    for (int i = 0; i < 1000; i++)
        malloc(64);
    return 0;
}
C
"$cli" run "$tmp/many.c" >"$tmp/out" 2>"$tmp/err"
[ "$(grep -c '^step ' "$tmp/out")" -lt 10 ] || fail "the loop was not folded"
grep -q 'malloc(64) ×1000' "$tmp/out" || fail "the folded step does not count the 1000 calls"
grep -q 'info: this program has no //@ lines and made more than 300 steps' "$tmp/err" || fail "no note about folding"
echo "ok: plain steps; 1000-call loop folded with a note"

#!/bin/sh
# `pinpages run FILE -- a b` gives the program argc == 3 and those arguments;
# `--stdin FILE` is what getchar() reads; without it getchar() returns EOF at once.
# usage: args_stdin.sh PINPAGES_CLI PROGRAM
set -e
cli=$1 prog=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; cat "$tmp/out"; exit 1; }

"$cli" run "$prog" -- a b >"$tmp/out"
grep -q '| argc=3$' "$tmp/out" || fail "argc is not 3 with -- a b"
grep -q '| argv\[1\]=a$' "$tmp/out" || fail "argv[1] is not a"
grep -q '| argv\[2\]=b$' "$tmp/out" || fail "argv[2] is not b"
grep -q '| getchar read 0 bytes, first -2, then EOF$' "$tmp/out" || fail "empty stdin did not give EOF at once"

printf 'xyz\n' >"$tmp/in.txt"
"$cli" run "$prog" --stdin "$tmp/in.txt" >"$tmp/out"
grep -q '| argc=1$' "$tmp/out" || fail "argc is not 1 without arguments"
grep -q '| getchar read 4 bytes, first 120, then EOF$' "$tmp/out" || fail "--stdin bytes not read by getchar"
grep -q '| read after EOF=0$' "$tmp/out" || fail "read(0) after EOF is not 0"

# A missing input file is a clear message and exit status 2, not a crash.
if "$cli" run "$prog" --stdin "$tmp/none.txt" >"$tmp/out" 2>&1; then fail "missing --stdin file accepted"; fi
grep -q "cannot open '$tmp/none.txt' for --stdin" "$tmp/out" || fail "no message for a missing --stdin file"
echo "ok: argc/argv from --, stdin from --stdin, EOF when empty"

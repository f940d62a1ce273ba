#!/bin/sh
# The command line as a person types it, against the built `pinpages` binary: run,
# check and real parse their options (CLI11), bad arguments exit 2 with one line.
# usage: cli.sh PINPAGES SOURCE_DIR
set -u
cli=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; cut -c1-200 "$tmp/out" | head -10 | sed 's/^/    /'; failures=$((failures + 1)); }
# expect STATUS CMD...: runs CMD (stdout+stderr → $tmp/out) and checks its exit status.
expect() {
  want=$1; shift
  "$@" >"$tmp/out" 2>&1
  got=$?
  [ "$got" -eq "$want" ] || { fail "$* exited $got, not $want"; return 1; }
}

# run --json: one JSON object per step, the first one step 0.
if expect 0 "$cli" run "$src/lessons/01-mlockall.c" --json; then
  head -1 "$tmp/out" | grep -q '"step":0,' || fail "run --json: first line is not step 0's JSON"
  [ "$(grep -c '^{' "$tmp/out")" -ge 5 ] || fail "run --json: fewer than 5 steps"
fi
# Options after the lesson and before it parse the same; the step limit is an error.
expect 1 "$cli" run --json --max-steps 3 mlockall && {
  [ "$(grep -c '^{' "$tmp/out")" -eq 3 ] || fail "--max-steps 3 did not give 3 steps"
  grep -q 'step limit reached' "$tmp/out" || fail "--max-steps 3: no step-limit diagnostic"; }
# A built-in lesson by id, numbered id and file name; an unknown one is a diagnostic.
for id in mlockall 01-mlockall 01-mlockall.c lessons/01-mlockall.c; do
  expect 0 "$cli" run "$id" && { grep -q 'lessons/01-mlockall.c' "$tmp/out" || fail "run $id did not open lessons/01-mlockall.c"; }
done
expect 1 "$cli" run no-such-lesson && { grep -q '^no-such-lesson:1:1: error: ' "$tmp/out" || fail "unknown lesson: no file:line:col message"; }

# check: a good lesson passes, a bad one fails with its reason.
expect 0 "$cli" check "$src/lessons/02-mlock.c" && { grep -q '^ok ' "$tmp/out" || fail "check: no ok line"; }
expect 1 "$cli" check "$src/tests/lessons/bad/unbalanced-quiz.c" && { grep -q 'FAIL' "$tmp/out" || fail "check of a bad lesson does not say FAIL"; }
expect 2 "$cli" check

# `-- ARGS`: the program's argv, even when they look like options.
expect 0 "$cli" run "$src/tests/engine/args_stdin.c" -- a b && { grep -q '| argc=3$' "$tmp/out" || fail "-- a b: argc is not 3"; }
expect 0 "$cli" run "$src/tests/engine/args_stdin.c" -- --help -x && {
  grep -q '| argv\[1\]=--help$' "$tmp/out" || fail "-- --help: not passed to the program"; }
expect 2 "$cli" check mlockall -- a

# Bad arguments: exit 2 and one line that names the problem, for every subcommand.
for args in "run mlockall --bogus" "run mlockall --os windows" "run mlockall --max-steps 0" \
            "run mlockall --ram lots" "run mlockall --history-mb" "run" "check --max-seconds -1 mlockall" \
            "real --bogus" "real mlockall --records 0" "--frames many" "nosuchcmd"; do
  # shellcheck disable=SC2086
  if expect 2 "$cli" $args; then
    [ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "pinpages $args: not one line"
    grep -q '^pinpages' "$tmp/out" || fail "pinpages $args: the line does not say pinpages"
  fi
done
expect 2 "$cli" run mlockall --stdin "$tmp/none.txt" && { grep -q "cannot open" "$tmp/out" || fail "missing --stdin: no message"; }
# Help is not an error.
expect 0 "$cli" run --help && { grep -q -- '--history-mb' "$tmp/out" || fail "run --help lacks --history-mb"; }
expect 0 "$cli" real --help && { grep -q -- '--record' "$tmp/out" || fail "real --help lacks --record"; }

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ok: run, check and real command lines"

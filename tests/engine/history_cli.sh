#!/bin/sh
# `pinpages run --json` of a run whose history keeps a few MB (most snapshots dropped
# and recomputed while printing) is byte for byte the output of a run that keeps
# everything. The tutorial's program is run with every statement a step (no
# `//@ step once`): 1,000+ steps of 1 MB records.
# usage: history_cli.sh PINPAGES_CLI LESSON
set -e
cli=$1 lesson=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's#//@ step once#//#' "$lesson" >"$tmp/fullres.c"
"$cli" run --json "$tmp/fullres.c" --max-seconds 0 --history-mb 100000 >"$tmp/full"
"$cli" run --json "$tmp/fullres.c" --max-seconds 0 --history-mb 4 >"$tmp/capped"
n=$(wc -l <"$tmp/full")
[ "$n" -ge 1000 ] || { echo "only $n steps"; exit 1; }
cmp "$tmp/full" "$tmp/capped"
echo "ok: $n steps identical"

#!/bin/sh
# Starts Chromium (PP_CHROMIUM_REAL) with every --disable-features list merged into one.
# Chromium honours only the last --disable-features it is given, and Playwright passes a
# list of its own before ours (tests/web/browser.mjs): without merging, one of the two
# lists would be silently dropped.
real=${PP_CHROMIUM_REAL:-/usr/bin/chromium}
features=
n=$#
i=0
while [ "$i" -lt "$n" ]; do
  arg=$1
  shift
  i=$((i + 1))
  case $arg in
    --disable-features=*) features="$features${features:+,}${arg#--disable-features=}" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
if [ -n "$features" ]; then set -- "$@" "--disable-features=$features"; fi
exec "$real" "$@"

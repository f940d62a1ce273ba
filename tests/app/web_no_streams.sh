#!/bin/sh
# The code the web page links has no C++ streams: one <sstream> or <fstream> brings the
# iostreams and every locale facet along (~95 KB of the wasm, measured), which the browser
# downloads and validates before the page's first frame. Native-only files may use them.
#   sh tests/app/web_no_streams.sh <source dir>
src=${1:?usage: web_no_streams.sh <source dir>}
cd "$src/src" || exit 2
files="core/* lang/* engine/* runner/* ui/* app/platform.cpp app/start_options.cpp app/main_web.cpp"
# shellcheck disable=SC2086  # the globs above expand here
found=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(sstream|fstream|iostream|istream|ostream|iomanip|strstream|regex)>' \
  $files 2>/dev/null)
if [ -n "$found" ]; then
  echo "C++ streams in code the web page links (use stdio or std::string):"
  echo "$found"
  exit 1
fi
# shellcheck disable=SC2086
n=$(ls -d $files | wc -l)
echo "no stream header in the $n files the web page links"

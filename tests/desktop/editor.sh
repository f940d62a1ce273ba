#!/usr/bin/env bash
# editor.sh <pinpages> <artifacts dir>: the desktop editor driven from the keyboard alone
# (PINPAGES_SCRIPT feeds keys through SDL, as a keyboard would): open it with Ctrl+E, type
# a program with a missing ';', Ctrl+Enter → the error at its line:col; fix it, Ctrl+Enter
# → it runs, and Ctrl+Enter put no newline into the text. Screenshots at 1280×800 and
# 1024×768 go to the artifacts; editor_check.py reads the app's state dumps and the pixels.
set -euo pipefail
app=$1 art=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$art"
rm -f "$art"/desktop-editor-*.png
cat > "$work/script" <<SCRIPT
wait 5
key ctrl+e
wait 2
key ctrl+a
type #include <stdlib.h>\n#include <sys/mman.h>\n\nint main(void)\n{\n    char *p = malloc(4096)\n    mlock(p, 4096);\n    return 0;\n}
key ctrl+Return
idle 600
wait 2
dump $work/error.json
screenshot $art/desktop-editor-error-1280.png
wait 1
key ctrl+Home
key Down
key Down
key Down
key Down
key Down
key End
type ;
key ctrl+Return
idle 600
wait 2
dump $work/ran.json
key Escape
key Right
key Right
key Right
wait 2
dump $work/stepped.json
screenshot $art/desktop-editor-1280.png
wait 1
size 1024 768
wait 10
screenshot $art/desktop-editor-1024.png
wait 1
SCRIPT
PINPAGES_SCRIPT="$work/script" xvfb-run -a -s "-screen 0 1600x1000x24" "$app"
"${PP_PYTHON:-python3}" "$(dirname "$0")/editor_check.py" "$work" "$art"

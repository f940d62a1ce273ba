#!/usr/bin/env bash
# smoke.sh <pinpages> <out.png>: run the desktop app under Xvfb with --smoke, save its
# last frame, and check from the pixels that ImGui drew something.
set -euo pipefail
app=$1 png=$2
rm -f "$png"
xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --smoke --frames 10 --screenshot "$png"
[ -s "$png" ] || { echo "no screenshot written to $png"; exit 1; }
"${PP_PYTHON:-python3}" "$(dirname "$0")/png_stats.py" "$png" --min-colours 20 --min-drawn 0.005

#!/usr/bin/env python3
"""png_stats.py FILE [--min-colours N] [--min-drawn F]: distinct colours and the share
of pixels differing from the dominant (background) colour of a PNG screenshot, so the
desktop smoke test can tell a drawn window from a blank one. Decoding is Pillow's
(Debian's python3-pil, installed by scripts/lib/deps.sh)."""
import argparse
import sys

from PIL import Image


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("png")
    ap.add_argument("--min-colours", type=int, default=0)
    ap.add_argument("--min-drawn", type=float, default=0.0)
    a = ap.parse_args()
    try:
        with Image.open(a.png) as im:
            rgb = im.convert("RGB")
    except OSError as e:
        print(f"{a.png}: cannot read the image: {e}", file=sys.stderr)
        return 1
    w, h = rgb.size
    total = w * h
    # getcolors returns None past maxcolors: every pixel may be its own colour.
    counts = rgb.getcolors(maxcolors=total)
    background = max(n for n, _ in counts)
    drawn = (total - background) / total
    print(f"{a.png}: {w}x{h}, {len(counts)} colours, {drawn * 100:.1f}% differ from the background")
    ok = len(counts) >= a.min_colours and drawn >= a.min_drawn
    if not ok:
        print("looks blank: ImGui did not draw", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""editor_check.py WORK ART: checks what editor.sh's scripted session left behind — the
app's state dumps (WORK/error.json, ran.json, stepped.json: {"state": the hook's state,
"editor": the editor's text, errors, caret}) and the screenshots in ART (Pillow)."""
import json
import sys

from PIL import Image

TYPED = ("#include <stdlib.h>\n#include <sys/mman.h>\n\nint main(void)\n{\n"
         "    char *p = malloc(4096)\n    mlock(p, 4096);\n    return 0;\n}")
FIXED = TYPED.replace("malloc(4096)\n", "malloc(4096);\n")
# The line the ';' is missing from, and where a C compiler reads that it is missing:
# at its end (col 27, as gcc) or at the next token, `mlock` on line 7 col 5.
MISSING_AT = {(6, 27), (6, 28), (7, 5)}

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def load(work, name):
    with open(f"{work}/{name}") as f:
        return json.load(f)


def near(rgb, box, colour, tol=50):
    """Pixels of `box` within `tol` (per channel) of `colour`."""
    region = rgb.crop(box)
    n = 0
    for (count, c) in region.getcolors(maxcolors=region.size[0] * region.size[1]):
        if all(abs(a - b) <= tol for a, b in zip(c, colour)):
            n += count
    return n


def main(work, art):
    err = load(work, "error.json")
    ed = err["editor"]
    check(ed["open"], "Ctrl+E opened the editor")
    check(ed["text"] == TYPED, f"the typed text is in the editor, unchanged by Ctrl+Enter: {ed['text']!r}")
    errors = ed["errors"]
    check(len(errors) >= 1, f"the missing ';' is an error: {errors}")
    if errors:
        e = errors[0]
        check((e["line"], e["col"]) in MISSING_AT and "';'" in e["message"],
              f"the error is at the missing ';' ({e['line']}:{e['col']}: {e['message']})")
    check(err["state"]["lesson"] != "program", "a program that does not compile leaves the last good run on screen")

    ran = load(work, "ran.json")
    ed, st = ran["editor"], ran["state"]
    check(ed["text"] == FIXED, f"after the fix and Ctrl+Enter the text has no new newline: {ed['text']!r}")
    check(ed["errors"] == [] and st["error_list"] == [], f"no errors after the fix: {ed['errors']} {st['error_list']}")
    check(st["lesson"] == "program" and st["steps"] > 0, f"the program ran: lesson {st['lesson']}, {st['steps']} steps")
    check(ed["text_active"], "the text keeps the keyboard after Ctrl+Enter")

    stepped = load(work, "stepped.json")
    st = stepped["state"]
    check(not stepped["editor"]["text_active"], "Esc left the text")
    check(st["step"] == 3 and st["line"] > 0, f"arrows then stepped the program: step {st['step']}, line {st['line']}")

    # Pixels: the editor (right side) shows the code in colour — keywords/types in blue and
    # teal, the error in red — and at 1024 px the editor and the figure both fit.
    for name, width in (("desktop-editor-error-1280.png", 1280), ("desktop-editor-1280.png", 1280), ("desktop-editor-1024.png", 1024)):
        with Image.open(f"{art}/{name}") as im:
            rgb = im.convert("RGB")
        check(rgb.size[0] == width, f"{name} is {rgb.size[0]} px wide")
        box = (int(rgb.size[0] * 0.5), 0, rgb.size[0], rgb.size[1])
        blue, teal = near(rgb, box, (0, 70, 170)), near(rgb, box, (0, 115, 115))
        check(blue > 15 and teal > 15, f"{name}: keywords and types drawn in colour ({blue} blue, {teal} teal px)")
    with Image.open(f"{art}/desktop-editor-error-1280.png") as im:
        rgb = im.convert("RGB")
    red = near(rgb, (640, 0, 1280, rgb.size[1]), (200, 40, 40), tol=60)
    check(red > 50, f"the error is drawn in red in the editor ({red} px)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

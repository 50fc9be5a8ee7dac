"""Reading time of each chapter, computed from the words of its Markdown cells.

We count the words a reader reads in a chapter's text: every Markdown cell of the notebook,
up to the "Exercises" heading (the exercises and their solutions are read while working,
and the Teaching pages give them their own times). Code cells are not counted. A word is a
run of characters between spaces, after MyST markup is reduced to what the page shows: a
glued number or a cross-reference counts as one word, a display formula as one word per
line. At WORDS_PER_MINUTE words a minute, a common figure for careful reading of technical
prose, the count becomes minutes, rounded up.

    python tools/reading_time.py            # a table of every chapter
    python tools/reading_time.py --json     # the same, for other tools

The Teaching pages of the book take their reading times from this module (through the
small Sphinx extension site/teaching_kit.py), so the numbers on the site are never typed.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
WORDS_PER_MINUTE = 200

_ROLE = re.compile(r"\{[\w:-]+\}`([^`]*)`")      # {glue:text}`x:.2f`, {ref}`label`, {cite:t}`key`
_CODE = re.compile(r"`[^`]*`")                    # inline code: one word per item, as read
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")      # [text](target): the text is read
_DIRECTIVE = re.compile(r"^\s*(:::|```).*$", re.M)  # fences and directive lines
_OPTION = re.compile(r"^\s*:[\w-]+:.*$", re.M)      # :label: ex1, :class: dropdown
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TARGET = re.compile(r"^\(.*\)=\s*$", re.M)         # (label)=


def words(markdown: str) -> int:
    """Words a reader sees in one Markdown cell."""
    text = _COMMENT.sub(" ", markdown)
    text = _TARGET.sub(" ", text)
    text = _OPTION.sub(" ", text)
    text = _DIRECTIVE.sub(" ", text)
    text = _ROLE.sub("x", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub("x", text)
    return len([w for w in text.split() if re.search(r"\w", w)])


def chapter_words(path: Path) -> int:
    """Words of a chapter notebook's Markdown cells before its "Exercises" heading."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    total = 0
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        if re.match(r"^##\s+Exercises\b", source.lstrip()):
            break
        total += words(source)
    return total


def minutes(n_words: int, wpm: int = WORDS_PER_MINUTE) -> int:
    """Reading time in whole minutes, rounded up."""
    return math.ceil(n_words / wpm)


def reading_times(chapters: Path = CHAPTERS) -> dict[str, dict[str, int]]:
    """{chapter stem: {"words": n, "minutes": m}} for every chapter notebook, in order."""
    return {p.stem: {"words": (n := chapter_words(p)), "minutes": minutes(n)}
            for p in sorted(chapters.glob("[0-9][0-9]_*.ipynb"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    times = reading_times()
    if args.json:
        print(json.dumps(times, indent=2))
        return
    print(f"{'chapter':24s} {'words':>6s} {'minutes':>8s}   (at {WORDS_PER_MINUTE} words a minute)")
    for stem, t in times.items():
        print(f"{stem:24s} {t['words']:6d} {t['minutes']:8d}")


if __name__ == "__main__":
    main()

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
    python tools/reading_time.py --write    # put each chapter's minutes into its opening
    python tools/reading_time.py --check    # fail if a chapter's opening is stale

Each chapter's opening says how long its text takes to read, in a line that starts
"**Reading time.** About N minutes for the text, at W words a minute". The number is
written into the notebook (``--write``), so that Jupyter shows it too, and ``make test``
fails while it is stale (``--check``). Only whole minutes are written, not the word count:
an edit changes the line only when it moves the text across a whole minute. The line's own
words count the same whatever its number, so ``--write`` is idempotent, and it rewrites a
notebook only when a number changes. The Teaching pages take the same numbers, and the word
counts, from this module (through the Sphinx extension site/teaching_kit.py), so no reading
time on the site is typed, and the build warns if a chapter's written number is stale.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
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


# The opening's reading-time line: the number (or the MyST substitutions it once had) and pace.
_LINE = re.compile(
    r"(?P<head>\*\*Reading time\.\*\* About )(?:\d+|\{\{ read_\d\d \}\}) minutes for the text"
    r"(?: \(\{\{ words_\d\d \}\} words at \{\{ wpm \}\} words a minute\)|, at \d+ words a minute)")
WRITE_COMMAND = "python tools/reading_time.py --write"


def reading_line(n_minutes: int, wpm: int = WORDS_PER_MINUTE) -> str:
    """The opening's line, up to the pace: "**Reading time.** About 12 minutes ... a minute"."""
    return f"**Reading time.** About {n_minutes} minutes for the text, at {wpm} words a minute"


def written_lines(path: Path) -> list[str]:
    """Every reading-time line of a chapter notebook, up to the pace, as written."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [m.group(0) for c in cells if c["cell_type"] == "markdown"
            for m in _LINE.finditer("".join(c["source"]))]


def _write_once(chapters: Path) -> list[Path]:
    changed = []
    for stem, t in reading_times(chapters).items():
        path = chapters / f"{stem}.ipynb"
        if written_lines(path) == [reading_line(t["minutes"])]:
            continue  # nothing to write: the notebook is not touched
        notebook = json.loads(path.read_text(encoding="utf-8"))
        line = reading_line(t["minutes"])
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                source = _LINE.sub(lambda _, line=line: line, "".join(cell["source"]))
                cell["source"] = source.splitlines(keepends=True)
        # as nbformat and nbstripout write a notebook, so that only the line changes
        path.write_text(json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        changed.append(path)
    return changed


def write(chapters: Path = CHAPTERS) -> list[Path]:
    """Write each chapter's minutes into its reading-time line; return the notebooks changed.

    A line with a number has the same words whatever the number, so a second pass only
    happens when a line had the old substitutions (which have a different count of words).
    """
    changed: list[Path] = []
    for _ in range(3):
        if not (now := _write_once(chapters)):
            break
        changed += [p for p in now if p not in changed]
    return changed


def problems(chapters: Path = CHAPTERS) -> list[str]:
    """Chapters whose opening lacks the reading-time line or gives a stale number."""
    found = []
    for stem, t in reading_times(chapters).items():
        lines = written_lines(chapters / f"{stem}.ipynb")
        if len(lines) != 1:
            found.append(f"chapters/{stem}.ipynb: {len(lines)} reading-time lines, not one")
        elif lines[0] != reading_line(t["minutes"]):
            found.append(f"chapters/{stem}.ipynb: its opening says {lines[0]!r}, but its "
                         f"{t['words']:,} words take {t['minutes']} minutes")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print JSON instead of a table")
    mode.add_argument("--write", action="store_true", help="write the minutes into the chapters")
    mode.add_argument("--check", action="store_true", help="fail if a chapter's minutes are stale")
    args = parser.parse_args()
    if args.write:
        for path in write():
            print(f"wrote {path.relative_to(ROOT)}")
    if args.write or args.check:
        if found := problems():
            sys.exit("\n".join(found) + f"\nRun: {WRITE_COMMAND}")
        print(f"{len(reading_times())} chapters give their current reading time")
        return
    times = reading_times()
    if args.json:
        print(json.dumps(times, indent=2))
        return
    print(f"{'chapter':24s} {'words':>6s} {'minutes':>8s}   (at {WORDS_PER_MINUTE} words a minute)")
    for stem, t in times.items():
        print(f"{stem:24s} {t['words']:6d} {t['minutes']:8d}")


if __name__ == "__main__":
    main()

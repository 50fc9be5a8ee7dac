"""Which platforms and Pythons the pinned set (requirements.txt + constraints.txt) installs on.

For each platform and Python version, ``uv pip compile`` resolves the pins as an installer on
that platform would: it evaluates environment markers and wheel tags for the target, not for
this machine (``pip install --dry-run --platform`` does not, and fails falsely). It needs uv and
PyPI. The table it prints is the one in the README, between the ``pins-table`` markers:

    python tools/resolve_pins.py            # print the table
    python tools/resolve_pins.py --check    # fail if the README's table differs
    python tools/resolve_pins.py --write    # put the table into the README
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- pins-table:begin -->", "<!-- pins-table:end -->"

#: Display name -> uv's --python-platform. macOS targets 14.0, the oldest torch 2.13.0 supports.
PLATFORMS = {
    "Linux x86_64": "x86_64-manylinux_2_28",
    "Linux aarch64": "aarch64-manylinux_2_28",
    "macOS 14+ arm64": "aarch64-apple-darwin",
    "macOS x86_64": "x86_64-apple-darwin",
    "Windows amd64": "x86_64-pc-windows-msvc",
}
#: The oldest patch release of each minor version that the pins allow (soupsieve needs 3.11.5).
PYTHONS = {"3.11.5+": "3.11.5", "3.12": "3.12.0", "3.13": "3.13.0"}


def resolve(platform: str, python: str) -> str:
    """'' if the pinned set resolves for this target, else the resolver's first reason."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        raise SystemExit("tools/resolve_pins.py needs uv (in requirements.txt): pip install uv")
    command = [uv, "pip", "compile", "requirements.txt", "-c", "constraints.txt", "--quiet",
               "--no-header", "-o", os.devnull, "--python-version", python,
               "--python-platform", platform]
    env = {**os.environ, "MACOSX_DEPLOYMENT_TARGET": "14.0"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode == 0:
        return ""
    cause = [line.strip() for line in done.stderr.splitlines() if "cause:" in line]
    return (cause or done.stderr.strip().splitlines() or ["failed"])[0].removeprefix("cause: ")


def table() -> str:
    """The Markdown table: one row a platform, one column a Python version."""
    targets = [(p, v) for p in PLATFORMS.values() for v in PYTHONS.values()]
    with ThreadPoolExecutor(8) as pool:
        outcome = dict(zip(targets, pool.map(lambda t: resolve(*t), targets)))
    lines = ["| platform | " + " | ".join(f"Python {v}" for v in PYTHONS) + " |",
             "|---|" + "---|" * len(PYTHONS)]
    notes = []
    for name, platform in PLATFORMS.items():
        cells = []
        for python in PYTHONS.values():
            reason = outcome[(platform, python)]
            cells.append("resolves" if not reason else "no")
            if reason and reason not in notes:
                notes.append(reason)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    body = "\n".join(lines)
    if notes:
        body += "\n\n" + "\n".join(f"- *no*: {note}" for note in notes)
    return body


def readme_table() -> str:
    text = README.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"README.md has no {BEGIN} ... {END} block")
    return text.split(BEGIN)[1].split(END)[0].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if the README's table differs")
    mode.add_argument("--write", action="store_true", help="write the table into the README")
    args = parser.parse_args()
    fresh = table()
    if args.write:
        text = README.read_text()
        head, rest = text.split(BEGIN)
        README.write_text(f"{head}{BEGIN}\n{fresh}\n{END}{rest.split(END)[1]}")
    elif args.check:
        if readme_table() != fresh:
            sys.exit(f"README's platform table is out of date; run --write. It should be:\n{fresh}")
        print("README's platform table matches the resolver")
    else:
        print(fresh)


if __name__ == "__main__":
    main()

"""The first code cell of every notebook: install actlib where it is missing (Colab).

On Colab a chapter opens alone, without the course's package. Its first code cell installs
actlib from the repository named in ``_config.yml`` (``repository.url``: a fork changes that one
line and runs ``--write``) and does nothing where actlib is already installed. The cell is
tagged ``remove-cell``, so the site does not show it. ``ACTLIB_SOURCE`` overrides the address,
e.g. ``ACTLIB_SOURCE=file:///path/to/checkout`` to test the cell against a local checkout.

    python tools/bootstrap.py --write   # put the cell into every notebook
    python tools/bootstrap.py --check   # fail if a notebook's cell is missing or stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("reference/*.ipynb")])
TAGS = ["remove-cell", "bootstrap"]

TEMPLATE = '''\
# Where actlib is missing (on Colab, say), install the course's package first.
import importlib.util
import os

if importlib.util.find_spec("actlib") is None:
    source = os.environ.get("ACTLIB_SOURCE", "git+{url}")
    %pip install --quiet "actlib[notebook] @ {{source}}"'''


def repository_url() -> str:
    """``repository.url`` of ``_config.yml``: the one place the course's address is written."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"]


def cell_source() -> str:
    return TEMPLATE.format(url=repository_url())


def bootstrap_index(notebook: nbformat.NotebookNode) -> int | None:
    """The index of the notebook's bootstrap cell, or None."""
    for i, cell in enumerate(notebook.cells):
        if "bootstrap" in cell.get("metadata", {}).get("tags", []):
            return i
    return None


def problems() -> list[str]:
    """Notebooks whose first code cell is not the current bootstrap cell."""
    found = []
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        first_code = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
        index = bootstrap_index(notebook)
        if index is None or index != first_code:
            found.append(f"{path.relative_to(ROOT)}: no bootstrap cell before the first code cell")
        elif notebook.cells[index].source != cell_source():
            found.append(f"{path.relative_to(ROOT)}: the bootstrap cell is stale")
    return found


def write() -> None:
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        index = bootstrap_index(notebook)
        if index is not None:
            del notebook.cells[index]
        first_code = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
        notebook.cells.insert(first_code,
                              nbformat.v4.new_code_cell(cell_source(), metadata={"tags": TAGS}))
        for number, each in enumerate(notebook.cells):  # ids as nbstripout numbers them
            each.id = str(number)
        nbformat.validator.normalize(notebook)
        nbformat.write(notebook, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    if parser.parse_args().write:
        write()
    if found := problems():
        sys.exit("\n".join(found) + "\nRun: python tools/bootstrap.py --write")
    print(f"{len(NOTEBOOKS)} notebooks open with the bootstrap cell for {repository_url()}")


if __name__ == "__main__":
    main()

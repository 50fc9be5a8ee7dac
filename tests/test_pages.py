"""The course's pages as a reader meets them: no placeholders, no internal wording, and no
visible code cell that needs a name defined only in a hidden one (copied code must run)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("reference/*.ipynb")])
# The book's Markdown pages (README.md is not one: it speaks to contributors).
PAGES = sorted(p for p in [*ROOT.glob("*.md"), *ROOT.glob("reference/*.md")]
               if p.name != "README.md")
HIDDEN = {"remove-cell", "remove-input"}

PLACEHOLDERS = re.compile(r"<this [a-z ]+>|\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b|lorem ipsum", re.I)
INTERNAL = re.compile(r"seed article|the brief\b|\bhelper-\d|\bissue \d+\b", re.I)


def prose(path: Path) -> str:
    """The text a reader sees: Markdown cells of a notebook, or a Markdown page."""
    if path.suffix == ".md":
        return path.read_text()
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS + PAGES, ids=lambda p: p.name)
def test_no_placeholder_or_internal_wording(path):
    text = prose(path)
    found = PLACEHOLDERS.findall(text) + INTERNAL.findall(text)
    assert not found, f"{path.name}: {found}"


def defined(source: str) -> set[str]:
    """Top-level names a cell binds: assignments, functions, classes, imports, loop targets."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def used(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def python(source: str) -> str:
    """A cell's Python, IPython magics and shell lines left out."""
    return "\n".join(line for line in source.splitlines()
                     if not line.lstrip().startswith(("%", "!")))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_visible_cells_need_no_name_from_a_hidden_cell(path):
    notebook = nbformat.read(path, as_version=4)
    visible, hidden = set(), set()
    problems = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        source = python(cell.source)
        is_hidden = bool(HIDDEN & set(cell.metadata.get("tags", [])))
        if not is_hidden:
            missing = (used(source) & hidden) - visible - defined(source)
            problems += [f"{name} (cell {cell.source.splitlines()[0]!r})" for name in missing]
        (hidden if is_hidden else visible).update(defined(source))
    assert not problems, f"{path.name}: visible cells use names defined only in hidden cells: " \
                         f"{problems}"


def test_the_checks_catch_what_they_look_for():
    assert PLACEHOLDERS.search("git clone <this repository> x")
    assert INTERNAL.search("as the seed article says")
    hidden_def, visible_use = "helper = 1", "print(helper)"
    assert used(visible_use) & defined(hidden_def) == {"helper"}

"""The course's pages as a reader meets them: no placeholders, no internal wording, no
visible code cell that needs a name defined only in a hidden one (copied code must run), every
printed block of numbers announced by a "Look for" line, and every linked term in the
glossary."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("reference/*.ipynb")])
# The book's Markdown pages (README.md is not one: it speaks to contributors).
PAGES = sorted(p for p in [*ROOT.glob("*.md"), *ROOT.glob("reference/*.md"),
                           *ROOT.glob("teaching/*.md")]
               if p.name != "README.md")
HIDDEN = {"remove-cell", "remove-input"}

PLACEHOLDERS = re.compile(r"<this [a-z ]+>|\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b|lorem ipsum", re.I)
INTERNAL = re.compile(r"seed article|the brief\b|\bhelper-\d|\bissue \d+\b", re.I)


def prose(path: Path) -> str:
    """The text a reader sees: Markdown cells of a notebook, or a Markdown page."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
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


CHAPTERS = sorted(ROOT.glob("chapters/*.ipynb"))


def prints_numbers(source: str) -> bool:
    """Whether a cell prints a formatted number (``print(f"{x:.2f}")``) or shows a table."""
    for node in ast.walk(ast.parse(python(source))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "markdown_table":
                return True
            if node.func.id == "print" and any(
                    isinstance(v, ast.FormattedValue) and v.format_spec is not None
                    for v in ast.walk(node)):
                return True
    return False

TERM = re.compile(r"\{term\}`(?:[^`<]*<([^`>]+)>|([^`]+))`")


def cells_without_look_for(notebook) -> list[str]:
    """Visible code cells that print numbers with no "Look for" line in the text just above."""
    missing, text_above = [], ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text_above = cell.source
            continue
        tags = set(cell.metadata.get("tags", []))
        if not HIDDEN & tags and prints_numbers(cell.source) and "**Look for:**" not in text_above:
            missing.append(cell.source.splitlines()[0])
        text_above = ""
    return missing


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_printed_numbers_come_with_a_look_for_line(path):
    missing = cells_without_look_for(nbformat.read(path, as_version=4))
    assert not missing, f"{path.name}: no **Look for:** line before cells starting {missing}"


def glossary_terms() -> set[str]:
    """The terms of glossary.md: the unindented lines of its glossary directive."""
    body = (ROOT / "glossary.md").read_text().split(":::{glossary}")[1].split(":::")[0]
    return {line.strip().lower() for line in body.splitlines()
            if line.strip() and not line.startswith((" ", ":"))}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_linked_term_is_in_the_glossary(path):
    linked = {(a or b).strip().lower() for a, b in TERM.findall(prose(path))}
    assert linked, f"{path.name} links no glossary term"
    unknown = linked - glossary_terms()
    assert not unknown, f"{path.name}: not in the glossary: {unknown}"


def test_the_checks_catch_what_they_look_for():
    silent = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Here it is."),
                                             nbformat.v4.new_code_cell('print(f"{x:.2f}")')])
    assert not prints_numbers('ax.set_title(f"w = {w:.1f}")')
    assert cells_without_look_for(silent) == ['print(f"{x:.2f}")']
    silent.cells[0].source += " **Look for:** x near 1."
    assert cells_without_look_for(silent) == []
    assert TERM.findall("a {term}`CDF` and {term}`logits <Logit>`") == [("", "CDF"), ("Logit", "")]
    assert PLACEHOLDERS.search("git clone <this repository> x")
    assert INTERNAL.search("as the seed article says")
    hidden_def, visible_use = "helper = 1", "print(helper)"
    assert used(visible_use) & defined(hidden_def) == {"helper"}


def _reading_time():
    import importlib.util

    spec = importlib.util.spec_from_file_location("reading_time", ROOT / "tools/reading_time.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_chapter_opening_gives_its_current_reading_time():
    # a number, not a substitution, so that Jupyter shows it; `make test` runs the same check
    reading_time = _reading_time()
    assert not reading_time.problems(), "\n".join(reading_time.problems())


def test_writing_the_reading_times_is_idempotent(tmp_path):
    reading_time = _reading_time()
    for path in sorted((ROOT / "chapters").glob("0[12]_*.ipynb")):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    first = sorted(tmp_path.glob("01_*.ipynb"))[0]
    original = first.read_text(encoding="utf-8")
    stale = original.replace(reading_time.reading_line(reading_time.reading_times(tmp_path)
                                                       [first.stem]["minutes"]),
                             reading_time.reading_line(99))
    assert stale != original
    first.write_text(stale, encoding="utf-8")
    assert reading_time.problems(tmp_path) and "99" in reading_time.problems(tmp_path)[0]
    assert reading_time.write(tmp_path) == [first]      # only the stale chapter is rewritten
    assert first.read_text(encoding="utf-8") == original  # byte for byte, as it was
    assert reading_time.write(tmp_path) == [] and not reading_time.problems(tmp_path)

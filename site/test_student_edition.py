"""The student edition (`make book EDITION=student`) has no solutions and no quiz answers.

Run by `make student-test`. The answers are found in the sources (the solutions of the chapter
notebooks and of the quiz pages); a phrase of each must be absent from every page of the
student edition, and, so that the check cannot pass by finding nothing, present in the public
edition. Both editions must have been built.

Its notebooks too: the student edition has no launch button (Binder and Colab would open the
repository's notebooks, with their solutions); each chapter page offers its notebook without
solutions, made by tools/edition.py, and that notebook keeps every exercise, none of the
answers, and no cell that needs a name only a solution defined.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import checks
import nbformat
import pytest
from browsing import ROOT, SITE

STUDENT = Path(os.environ.get("STUDENT_SITE_DIR", ROOT / "_build" / "student" / "html"))
SOLUTIONS = [  # a solution's directive line, then its body
    re.compile(r"^(:::+)\{solution\}([^\n]*)\n(?P<body>.*?)^\1\s*$", re.S | re.M),
    re.compile(r"^:::+\{solution-start\}([^\n]*)\n.*?^:::+\s*$(?P<body>.*?)^:::+\{solution-end\}",
               re.S | re.M),
]
PLAIN_RUN = re.compile(r"(?:\b[A-Za-z][a-z]*[,.;:]?\s+){7,}")  # seven or more plain words


class _Text(HTMLParser):
    """The visible text of a page, and the class names it uses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.classes, self._skip = [], set(), 0

    def handle_starttag(self, tag, attrs):
        self.classes.update((dict(attrs).get("class") or "").split())
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _read(page: Path) -> _Text:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    return parser


def _site_text(root: Path) -> str:
    return " ".join(" ".join("".join(_read(p).parts).split()) for p in checks.pages(root))


def _markdown_sources() -> dict[str, str]:
    """Markdown of the quiz pages and of every chapter notebook's text cells."""
    sources = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted((ROOT / "teaching").glob("quiz-*.md"))}
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sources[nb.relative_to(ROOT).as_posix()] = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return sources


def answer_phrases() -> dict[str, str]:
    """One phrase of plain words from each solution: {"source: label": phrase}.

    A phrase that the pages also show outside the solutions (an answer may repeat the
    chapter's words) is left out: finding it proves nothing.
    """
    sources = _markdown_sources()
    outside = " ".join(text for text in sources.values())
    for pattern in SOLUTIONS:
        outside = pattern.sub(" ", outside)
    outside = " ".join(outside.split())
    phrases = {}
    for name, text in sources.items():
        for match in (m for pattern in SOLUTIONS for m in pattern.finditer(text)):
            # markup, math, code and glued numbers break a phrase: the page shows them otherwise
            body = re.sub(r"^```.*?^```|\{[^}]*\}`[^`]*`|\$[^$]*\$|`[^`]*`|^:\w+:[^\n]*$", " | ",
                          match.group("body"), flags=re.M | re.S)
            body = re.sub(r"\*\*?", "", body)
            runs = [run for r in PLAIN_RUN.findall(body)
                    if (run := " ".join(r.split())) not in outside]
            if runs:
                label = match.group(0).splitlines()[0].split("}")[-1].strip()
                phrases[f"{name}: {label}"] = max(runs, key=len)
    return phrases


@pytest.fixture(scope="module")
def student_pages():
    pages = checks.pages(STUDENT) if STUDENT.exists() else []
    if not pages:
        pytest.fail(f"no student edition at {STUDENT}: run `make book EDITION=student` first")
    return pages


def test_no_page_has_a_solution_element(student_pages):
    found = [f"{p.relative_to(STUDENT)}: {sorted(c for c in _read(p).classes if 'solution' in c)}"
             for p in student_pages if any("solution" in c for c in _read(p).classes)]
    assert not found, "\n".join(found)


def test_no_answer_text_reaches_the_student_edition(student_pages):
    phrases = answer_phrases()
    quizzes = [k for k in phrases if k.startswith("teaching/")]
    assert len(quizzes) >= 30 and len(phrases) > len(quizzes), "too few answers found to check"
    student = _site_text(STUDENT)
    leaked = [f"{where}: {phrase!r}" for where, phrase in phrases.items() if phrase in student]
    assert not leaked, "\n".join(leaked)


def test_the_public_edition_has_the_answers_the_check_looks_for():
    # The same phrases are found in the public edition: the check above can see a leak.
    if not checks.pages(SITE):
        pytest.fail(f"no public edition at {SITE}: run `make book` first")
    public = _site_text(SITE)
    missing = [f"{where}: {phrase!r}" for where, phrase in answer_phrases().items()
               if phrase not in public]
    assert not missing, "\n".join(missing)


def test_the_quizzes_are_there_without_answers(student_pages):
    quizzes = [p for p in student_pages if p.name.startswith("quiz-")]
    assert len(quizzes) == len(list((ROOT / "teaching").glob("quiz-*.md")))
    for page in quizzes:
        assert "Question 1" in "".join(_read(page).parts), page


def test_no_instructor_page_and_no_notebook_source(student_pages):
    names = {p.relative_to(STUDENT).as_posix() for p in student_pages}
    assert not {n for n in names if re.search(r"session-|rubric|teaching/index", n)}
    assert not list(STUDENT.glob("_sources/**/*.ipynb")), "the notebooks carry the solutions"


# --- launch buttons and the notebooks without solutions ---------------------------------------

LAUNCHERS = re.compile(r"mybinder\.org|colab\.research\.google\.com|rocket button")
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _edition():
    spec = importlib.util.spec_from_file_location("edition", ROOT / "tools" / "edition.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chapter_page(root: Path, stem: str) -> str:
    return (root / "chapters" / f"{stem}.html").read_text(encoding="utf-8")


def test_no_launch_button_but_the_public_edition_has_them(student_pages):
    # Binder and Colab would open the repository's notebooks, which hold the solutions.
    launching = [p.relative_to(STUDENT).as_posix() for p in student_pages
                 if LAUNCHERS.search(p.read_text(encoding="utf-8"))]
    assert not launching, f"student pages with a launch button or a pointer to one: {launching}"
    public = [s for s in CHAPTERS if LAUNCHERS.search(_chapter_page(SITE, s))]
    assert public == CHAPTERS, "the public edition's launch buttons: the check sees them"


def _code_names(source: str) -> tuple[set[str], set[str]]:
    """(names the code binds, names it reads), as tools/edition.py reads a cell."""
    return _edition()._names({"source": source})


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_offers_its_notebook_without_solutions(student_pages, stem):
    href = f'href="../notebooks/{stem}.ipynb"'
    assert href in _chapter_page(STUDENT, stem), f"{stem}: no download of its notebook"
    path = STUDENT / "notebooks" / f"{stem}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    source = nbformat.read(ROOT / "chapters" / f"{stem}.ipynb", as_version=4)
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "{solution" not in text
    exercises = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
    assert text.count("{exercise}") == exercises.count("{exercise}") > 0
    phrases = {k: v for k, v in answer_phrases().items() if k.startswith(f"chapters/{stem}")}
    assert phrases, f"{stem}: no answer phrase to look for"
    def plain(markdown: str) -> str:  # as answer_phrases reads a solution: no emphasis marks
        return " ".join(re.sub(r"\*\*?", "", markdown).split())

    assert all(phrase in plain(exercises) for phrase in phrases.values())  # a leak is seen
    leaked = [k for k, phrase in phrases.items() if phrase in plain(text)]
    assert not leaked, f"{stem}: answers in the notebook: {leaked}"
    # every kept cell runs: none needs a name that only the removed solution cells defined
    kept = {c.id for c in notebook.cells}
    removed = set().union(*[_code_names(c.source)[0] for c in source.cells
                            if c.cell_type == "code" and c.id not in kept])
    assert removed, f"{stem}: no solution code removed"
    bound, missing = set(), set()
    for cell in (c for c in notebook.cells if c.cell_type == "code"):
        binds, reads = _code_names(cell.source)
        missing |= (reads & removed) - bound - binds
        bound |= binds
    assert not missing, f"{stem}: kept cells need names from removed solutions: {missing}"


def test_without_solutions_keeps_the_text_around_each_solution():
    edition = _edition()
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    notebook = nbformat.v4.new_notebook(cells=[
        md(":::{exercise}\n:label: a\nAsk.\n:::\n\n:::{solution} a\n:class: dropdown\n\n"
           "Answer A.\n:::\n\n:::{exercise}\n:label: b\nAsk again.\n:::\n\n"
           ":::{solution-start} b\n:class: dropdown\n:::\n\nAnswer B."),
        code("answer = 42"),
        code("assert answer == 42", metadata={"tags": ["remove-cell"]}),
        md(":::{solution-end}\n:::\n\nAfter."),
        code("assert answer == 42", metadata={"tags": ["remove-cell"]}),
        code("print(1)"),
    ])
    out = edition.without_solutions(json.loads(nbformat.writes(notebook)))
    text = "\n".join("".join(c["source"]) for c in out["cells"] if c["cell_type"] == "markdown")
    assert "Ask." in text and "Ask again." in text and "After." in text
    assert "Answer" not in text and "solution" not in text
    assert ["".join(c["source"]) for c in out["cells"] if c["cell_type"] == "code"] == ["print(1)"]
    notebook.cells = notebook.cells[:1]  # a gated solution that never ends
    with pytest.raises(ValueError):
        edition.without_solutions(json.loads(nbformat.writes(notebook)))

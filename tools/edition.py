"""Write the configuration and table of contents of the student edition.

The student edition is built from the same sources as the public one, with

- no solutions: the chapters' and the quizzes' (``course_edition: student``, read by
  site/teaching_kit.py, which removes every solution from the pages);
- no instructors' pages: its Teaching part holds only the quizzes, without their answers;
- no page sources: the site does not copy the notebooks (which hold the solutions) next to
  the pages, and the theme's download button is off;
- no launch buttons: Binder and Colab would open the repository's notebooks, which hold the
  solutions. Instead each chapter page offers its notebook *without solutions* for download
  (a button in the page's header, added by site/teaching_kit.py): this script writes those
  notebooks, with every solution removed (its text, and the code cells of a gated solution),
  into OUTDIR/extra/notebooks, which the site serves as notebooks/NN_name.ipynb. A student
  runs it in Jupyter (``make lab``) or uploads it to Colab, where its first cell installs
  the course's package;
- the execution cache of the public build, so that no notebook runs twice.

    python tools/edition.py student OUTDIR   # writes OUTDIR/_config.yml, OUTDIR/_toc.yml and
                                             # the notebooks without solutions

``make book EDITION=student`` calls it and builds into _build/student/html.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEACHING_CAPTION = "Teaching"
STUDENT_PAGES = "teaching/quiz-"  # the Teaching pages a student edition keeps
NOTEBOOKS = "notebooks"  # the student site's folder of notebooks without solutions
_FENCE = re.compile(r"^(:{3,})\{(solution|solution-start|solution-end)\}")


def student_config(config: dict, outdir: Path) -> dict:
    """The public configuration, changed for the student edition built into ``outdir``."""
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} (student edition)"
    execute = config.setdefault("execute", {})
    execute["cache"] = str(ROOT / "_build" / ".jupyter_cache")  # the public build's cache
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["course_edition"] = "student"
    sphinx["html_copy_source"] = False  # the .ipynb sources carry the solutions
    sphinx.setdefault("html_theme_options", {})["use_download_button"] = False
    # Binder and Colab would open the repository's notebooks, solutions and all.
    config["launch_buttons"] = {"binderhub_url": "", "colab_url": "", "jupyterhub_url": "",
                                "thebe": False}
    sphinx["student_notebooks"] = NOTEBOOKS  # read by site/teaching_kit.py
    # Paths in the configuration are relative to the book's folder, not to this file's.
    local = config["sphinx"].get("local_extensions") or {}
    config["sphinx"]["local_extensions"] = {k: str(ROOT / v) for k, v in local.items()}
    config["bibtex_bibfiles"] = [str(ROOT / b) for b in config.get("bibtex_bibfiles", [])]
    sphinx["html_static_path"] = [str(ROOT / p) for p in sphinx.get("html_static_path", [])]
    # OUTDIR/extra: the notebooks without solutions (write_notebooks), served from the root
    sphinx["html_extra_path"] = [str((outdir / "extra").resolve())]
    for key in ("logo",):
        if key in config:
            config[key] = str(ROOT / config[key])
    if "favicon" in config.get("html", {}):
        config["html"]["favicon"] = str(ROOT / config["html"]["favicon"])
    return config


def student_toc(toc: dict) -> dict:
    """The public table of contents with the Teaching part reduced to the quizzes."""
    toc = copy.deepcopy(toc)
    for part in toc["parts"]:
        if part.get("caption") == TEACHING_CAPTION:
            part["caption"] = "Quizzes"
            part["chapters"] = [{"file": f} for f in _files(part["chapters"])
                                if f.startswith(STUDENT_PAGES)]
    return toc


def _files(entries: list[dict]) -> list[str]:
    """Every file of a toc's entries, sections included, in order."""
    return [f for e in entries for f in [e.get("file", ""), *_files(e.get("sections", []))]]


def without_solutions(notebook: dict) -> dict:
    """A copy of a notebook (as JSON) with every solution of its exercises removed.

    A ``{solution}`` block goes from its directive line to the closing fence of the same
    length. A gated solution goes from ``{solution-start}`` to the end of the
    ``{solution-end}`` block, code cells included. Text before and after a solution, in the
    same cell, stays; a cell left empty goes. A hidden cell (tagged ``remove-cell``) after a
    solution that uses a name only the solution's code defined checks the solution's numbers:
    it goes too. Raises ValueError if a solution never ends.
    """
    notebook = copy.deepcopy(notebook)
    state, fence, cells = "text", "", []
    solution_names: set[str] = set()  # bound by removed code cells, not by kept ones
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            names = _names(cell) if cell["cell_type"] == "code" else ({}, {})
            hidden = "remove-cell" in cell.get("metadata", {}).get("tags", [])
            if state == "text" and not (hidden and names[1] & solution_names - names[0]):
                cells.append(cell)
                solution_names -= names[0]
            else:
                solution_names |= names[0]
            continue
        kept = []
        for line in "".join(cell["source"]).splitlines(keepends=True):
            match = _FENCE.match(line)
            if state == "text" and match:
                fence = match.group(1)
                state = {"solution": "block", "solution-start": "start",
                         "solution-end": "end"}[match.group(2)]
            elif state == "text":
                kept.append(line)
            elif state == "gated" and match and match.group(2) == "solution-end":
                fence, state = match.group(1), "end"
            elif state in ("block", "start", "end") and line.rstrip() == fence:
                state = {"block": "text", "start": "gated", "end": "text"}[state]
        text = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip("\n")
        if text.strip():
            cell["source"] = text.splitlines(keepends=True)
            cells.append(cell)
    if state != "text":
        raise ValueError(f"a solution does not end (the notebook stops in state {state!r})")
    notebook["cells"] = cells
    return notebook


def _names(cell: dict) -> tuple[set[str], set[str]]:
    """(names a code cell binds, names it reads); IPython's % and ! lines left out."""
    source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                       if not line.lstrip().startswith(("%", "!")))
    nodes = list(ast.walk(ast.parse(source)))
    bound = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.name for n in nodes if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    bound |= {(a.asname or a.name).split(".")[0] for n in nodes
              if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    read = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return bound, read


def write_notebooks(outdir: Path) -> list[Path]:
    """Each chapter notebook without its solutions, into OUTDIR/extra/notebooks."""
    folder = outdir / "extra" / NOTEBOOKS
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")):
        notebook = without_solutions(json.loads(path.read_text(encoding="utf-8")))
        (folder / path.name).write_text(
            json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")
        written.append(folder / path.name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edition", choices=["student"])
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    header = "# Generated by tools/edition.py from the public edition's file: do not edit.\n"
    (args.outdir / "_config.yml").write_text(
        header + yaml.safe_dump(student_config(config, args.outdir), sort_keys=False,
                                allow_unicode=True))
    (args.outdir / "_toc.yml").write_text(
        header + yaml.safe_dump(student_toc(toc), sort_keys=False, allow_unicode=True))
    write_notebooks(args.outdir)


if __name__ == "__main__":
    main()

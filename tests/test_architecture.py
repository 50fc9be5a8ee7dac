"""The seam between actlib's reusable core and the chapters' experiment modules.

The core (the flat modules of ``actlib/``) never imports ``actlib.experiments``, and no
chapter module imports another: chapters compose the core, and what two chapters share moves
down into it. Every module says what it offers in ``__all__``.
"""

import ast
import importlib
import sys
from pathlib import Path

import pytest

import actlib

PACKAGE = Path(actlib.__file__).parent
#: The core: the flat modules of actlib/ and the modules of its one subpackage, exercises.
CORE_MODULES = sorted([p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"]
                      + [f"exercises.{p.stem}" for p in (PACKAGE / "exercises").glob("*.py")
                         if p.stem != "__init__"])
CHAPTER_MODULES = sorted(p.stem for p in (PACKAGE / "experiments").glob("*.py")
                         if p.stem != "__init__")


def imported_actlib_modules(path: Path) -> set[str]:
    """The actlib modules the file at ``path`` imports anywhere (lazy imports too), as dotted
    names below ``actlib``: ``"nn"``, ``"experiments"``, ``"experiments.dying"``."""
    package = path.parent.relative_to(PACKAGE.parent).parts[1:]  # () or ("experiments",)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - (node.level - 1)])
                if node.module:
                    found.add(".".join(base + node.module.split(".")))
                else:
                    found.update(".".join(base + [alias.name]) for alias in node.names)
            elif node.module and node.module.startswith("actlib."):
                found.add(node.module.removeprefix("actlib."))
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("actlib.") for a in node.names
                         if a.name.startswith("actlib."))
    return found


def test_the_chapters_have_their_modules():
    assert CHAPTER_MODULES == ["arena", "dying", "evolution", "glu", "nonlinearity", "smooth",
                               "speed", "vanishing"]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_never_imports_the_experiments(module):
    imports = imported_actlib_modules(PACKAGE.joinpath(*module.split(".")).with_suffix(".py"))
    assert not [m for m in imports if m.split(".")[0] == "experiments"]


@pytest.mark.parametrize("module", CHAPTER_MODULES)
def test_chapter_module_never_imports_another_chapter(module):
    imports = imported_actlib_modules(PACKAGE / "experiments" / f"{module}.py")
    assert not [m for m in imports if m.startswith("experiments")]


@pytest.mark.parametrize("module", CORE_MODULES + [f"experiments.{m}" for m in CHAPTER_MODULES])
def test_every_module_declares_its_public_names(module):
    loaded = importlib.import_module(f"actlib.{module}")
    assert isinstance(loaded.__all__, list) and loaded.__all__
    assert all(hasattr(loaded, name) for name in loaded.__all__)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_every_file_stays_short(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300


def test_the_check_sees_lazy_and_relative_imports(tmp_path, monkeypatch):
    (tmp_path / "actlib" / "experiments").mkdir(parents=True)
    core = tmp_path / "actlib" / "core.py"
    core.write_text("def f():\n    from .experiments.glu import run\n    from . import nn\n")
    chapter = tmp_path / "actlib" / "experiments" / "ch.py"
    chapter.write_text("from .. import data\nfrom .dying import x\nimport actlib.train\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "actlib")
    assert imported_actlib_modules(core) == {"experiments.glu", "nn"}
    assert imported_actlib_modules(chapter) == {"data", "experiments.dying", "train"}

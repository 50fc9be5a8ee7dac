"""The seam between actlib's reusable core and the chapters' experiment modules.

The core (activations, layers, diagnostics, statistics, data, training, plotting, widgets,
exercise checks, seeds, the small Transformer, the atlas's properties) never imports a
chapter's experiment module: chapters compose the core, and what two chapters share moves
down into it. Every module also says what it offers in ``__all__``.
"""

import ast
import importlib
import sys
from pathlib import Path

import pytest

import actlib

PACKAGE = Path(actlib.__file__).parent
#: One experiment module per chapter (chapter 3 has two); everything else is the core.
CHAPTER_MODULES = {"experiments", "vanishing", "dying", "speed", "smooth", "glu", "evolution"}
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
CORE_MODULES = [m for m in MODULES if m not in CHAPTER_MODULES]


def imported_actlib_modules(module: str) -> set[str]:
    """The actlib modules that ``module`` imports anywhere in its code (lazy imports too)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("actlib."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("actlib."))
    return found


def test_every_chapter_module_exists():
    assert CHAPTER_MODULES <= set(MODULES)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_never_imports_a_chapter_module(module):
    assert not imported_actlib_modules(module) & CHAPTER_MODULES


@pytest.mark.parametrize("module", MODULES)
def test_every_module_declares_its_public_names(module):
    loaded = importlib.import_module(f"actlib.{module}")
    assert isinstance(loaded.__all__, list) and loaded.__all__
    assert all(hasattr(loaded, name) for name in loaded.__all__)


def test_the_check_sees_lazy_imports(tmp_path, monkeypatch):
    lazy = "def f():\n    from .glu import run\n    from . import dying\n"
    (tmp_path / "core.py").write_text(lazy)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert imported_actlib_modules("core") == {"glu", "dying"}

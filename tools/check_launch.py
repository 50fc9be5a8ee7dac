"""Launch paths, tested in fresh virtual environments: Colab's bootstrap cell and Binder.

- Colab: a venv with what Colab preinstalls (torch, NumPy, SciPy, scikit-learn, Matplotlib,
  ipykernel, ipywidgets) but no actlib runs chapter 1; its bootstrap cell (tools/bootstrap.py)
  must install actlib and what else it needs, here from this checkout (``ACTLIB_SOURCE``).
- Binder: a venv made from ``binder/requirements.txt`` alone, installed from the repository's
  root as repo2docker does, runs chapter 1 with ``chapters/`` as the working directory.

Each venv is new (in a temporary folder); pip's cache makes the second run quick.
Run by ``make test-launch``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "chapters/01_why_nonlinearity.ipynb"
# PyTorch's CPU index (named in binder/requirements.txt) is out of reach on the build machines,
# where torch==2.13.0 installs as a CPU wheel from the local index: fail over to it at once.
ENV = {**os.environ, "PIP_RETRIES": "0", "MPLBACKEND": "agg"}
#: What a Colab runtime already has that the chapters use, plus nbval to run a chapter here.
COLAB = ["torch", "numpy", "scipy", "scikit-learn", "matplotlib", "ipykernel", "ipywidgets",
         "pytest", "nbval"]


def run(command: list[str], cwd: Path, **extra: str) -> None:
    print("$", " ".join(map(str, command)), flush=True)
    done = subprocess.run(command, cwd=cwd, env={**ENV, **extra}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(map(str, command))}\n"
                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def new_venv(folder: Path) -> Path:
    venv.create(folder, with_pip=True)
    return folder / ("Scripts" if os.name == "nt" else "bin")


def colab(folder: Path) -> str:
    """What Colab has, without actlib; the chapter's bootstrap cell installs it from here."""
    bin_ = new_venv(folder)
    run([bin_ / "python", "-m", "pip", "install", "--quiet", "--no-compile", *COLAB,
         "-c", "constraints.txt"], ROOT)
    run([bin_ / "python", "-c", "import importlib.util as u; assert u.find_spec('actlib') is None"],
        folder)
    run([bin_ / "python", "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-q",
         "-p", "no:cacheprovider", ROOT / CHAPTER], folder, ACTLIB_SOURCE=ROOT.as_uri())
    # The cell installed a real (not editable) copy: its package data must have come along.
    run([bin_ / "python", "-c", "from actlib.text import corpus_text; corpus_text()"],
        folder)
    return "colab: the bootstrap cell installed actlib and chapter 1 ran"


def binder(folder: Path) -> str:
    """binder/requirements.txt alone, from the repository's root, then chapter 1 in chapters/."""
    bin_ = new_venv(folder)
    run([bin_ / "python", "-m", "pip", "install", "--quiet", "--no-compile", "-r",
         "binder/requirements.txt"], ROOT)
    run([bin_ / "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--output-dir", folder, Path(CHAPTER).name], ROOT / "chapters")
    return "binder: binder/requirements.txt alone ran chapter 1 from chapters/"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(colab, Path(tmp, "colab")), (binder, Path(tmp, "binder"))]
        with ThreadPoolExecutor(2) as pool:
            for message in pool.map(lambda job: job[0](job[1]), jobs):
                print(message)


if __name__ == "__main__":
    main()

"""Shared set-up for the unit tests."""

import importlib
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest

from actlib.train import one_thread

matplotlib.use("Agg")  # plot tests check what was drawn, without a screen


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """The tests' networks are tiny: one thread is faster and does not stall on a busy machine.

    PyTorch's optimisers import torch._dynamo on first use (about a second); doing it here
    keeps that second out of whichever test happens to train first.
    """
    importlib.import_module("torch._dynamo")
    with one_thread():
        yield


@pytest.fixture(scope="session")
def bibliography() -> dict[str, str | None]:
    """Each entry key of references.bib mapped to its year field (None when it has none)."""
    text = (Path(__file__).resolve().parents[1] / "references.bib").read_text(encoding="utf-8")
    years = {}
    for entry in re.split(r"(?m)^\s*@", text)[1:]:
        key = re.match(r"\w+\s*\{\s*([^,\s]+)\s*,", entry)
        if key:
            year = re.search(r"\byear\s*=\s*[{\"]?\s*(\d{4})", entry)
            years[key.group(1)] = year.group(1) if year else None
    return years


@pytest.fixture
def ax():
    """A fresh matplotlib Axes, closed after the test."""
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)

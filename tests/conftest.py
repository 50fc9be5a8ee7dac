"""Shared set-up for the unit tests."""

import importlib

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


@pytest.fixture
def ax():
    """A fresh matplotlib Axes, closed after the test."""
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)

"""Shared set-up for the unit tests."""

import importlib

import pytest

from actlib.train import one_thread


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """The tests' networks are tiny: one thread is faster and does not stall on a busy machine.

    PyTorch's optimisers import torch._dynamo on first use (about a second); doing it here
    keeps that second out of whichever test happens to train first.
    """
    importlib.import_module("torch._dynamo")
    with one_thread():
        yield

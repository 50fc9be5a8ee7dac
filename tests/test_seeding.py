"""The seed switch: ACTLIB_SEED shifts every seed; bad values are clear errors."""

import pytest

import actlib
from actlib.seeding import SEED_VARIABLE, seed, seed_offset, seeds


def test_unset_gives_the_pages_seeds(monkeypatch):
    monkeypatch.delenv(SEED_VARIABLE, raising=False)
    assert (seed_offset(), seed(), seed(2), seeds(3)) == (0, 0, 2, [0, 1, 2])


def test_switch_shifts_every_seed(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, "1000")
    assert (seed(), seed(4), seeds(2)) == (1000, 1004, [1000, 1001])
    assert actlib.seeds(2) == seeds(2) and actlib.seed(1) == 1001


def test_switch_is_read_at_each_call(monkeypatch):
    monkeypatch.setenv(SEED_VARIABLE, "5")
    first = seeds(2)
    monkeypatch.setenv(SEED_VARIABLE, "7")
    assert (first, seeds(2)) == ([5, 6], [7, 8])


@pytest.mark.parametrize("value", ["seven", "1.5", "-3"])
def test_bad_switch_value_says_what_is_expected(monkeypatch, value):
    monkeypatch.setenv(SEED_VARIABLE, value)
    with pytest.raises(ValueError, match="ACTLIB_SEED must be a whole number >= 0"):
        seeds(3)


def test_bad_counts_are_errors():
    with pytest.raises(ValueError, match="n must be >= 1"):
        seeds(0)
    with pytest.raises(ValueError, match="k must be >= 0"):
        seed(-1)

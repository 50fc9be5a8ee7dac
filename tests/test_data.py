"""The data sets: the 2-D ones (shapes, dtypes, labels, seeds, load() by name) and the digits."""

import numpy as np
import pytest

from actlib import data

GENERATORS = {"xor": data.xor, "moons": data.moons}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_shapes_and_float32_dtypes(name):
    X, y = GENERATORS[name](n=50, seed=0)
    assert X.shape == (50, 2) and y.shape == (50,)
    assert X.dtype == np.float32 and y.dtype == np.float32


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_labels_are_zero_or_one_and_roughly_balanced(name):
    _, y = GENERATORS[name](n=400, seed=0)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert 0.4 <= y.mean() <= 0.6


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_gives_identical_arrays(name):
    X1, y1 = GENERATORS[name](seed=3)
    X2, y2 = GENERATORS[name](seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_different_seeds_give_different_points(name):
    X1, _ = GENERATORS[name](seed=0)
    X2, _ = GENERATORS[name](seed=1)
    assert not np.array_equal(X1, X2)


def test_xor_label_is_one_where_the_signs_differ():
    X, y = data.xor(n=400, noise=0.01, seed=0)
    expected = np.sign(X[:, 0]) != np.sign(X[:, 1])
    np.testing.assert_array_equal(y, expected.astype(np.float32))


def test_xor_points_sit_near_the_four_corners():
    X, _ = data.xor(n=400, noise=0.01, seed=0)
    np.testing.assert_allclose(np.abs(X), 1.0, atol=0.1)
    corners = {tuple(c) for c in np.sign(X).astype(int)}
    assert corners == {(-1, -1), (-1, 1), (1, -1), (1, 1)}


def test_datasets_lists_the_loadable_names():
    assert set(data.DATASETS) == set(GENERATORS)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_load_by_name_equals_the_generator(name):
    X, y = data.load(name, n=60, seed=2)
    X_ref, y_ref = GENERATORS[name](n=60, seed=2)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_load_unknown_name_lists_the_names():
    with pytest.raises(ValueError, match="spirals") as info:
        data.load("spirals")
    for name in data.DATASETS:
        assert name in str(info.value)


# the digits of chapters 2, 3 and 6

def test_digits_split_is_a_seeded_partition_of_the_1797_images():
    X_train, y_train, X_test, y_test = data.digits(seed=0)
    assert X_train.shape[1] == X_test.shape[1] == 64
    assert len(X_train) + len(X_test) == 1797
    assert len(X_test) == round(0.25 * 1797)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert set(np.unique(y_test)) == set(range(10))
    again = data.digits(seed=0)
    other = data.digits(seed=1)
    assert np.array_equal(again[0], X_train)
    assert not np.array_equal(other[0], X_train)


def test_digits_rejects_a_test_fraction_outside_the_unit_interval():
    with pytest.raises(ValueError, match="test_fraction"):
        data.digits(test_fraction=1.0)

"""Shared statistics: mean and spread over seeds, geometric summaries, paired comparisons."""


import numpy as np
import pytest

from actlib.stats import geometric_summary, holm, mean_and_spread, paired_comparisons, paired_pvalue


def test_mean_and_spread_equals_numpy_mean_and_sample_std():
    runs = [{"a": 0.5, "b": 1.0}, {"a": 0.7, "b": 0.25}, {"a": 0.9, "b": 0.5}]
    result = mean_and_spread(runs)
    assert set(result) == {"a", "b"}
    for key in ("a", "b"):
        values = np.array([run[key] for run in runs])
        mean, spread = result[key]
        assert mean == pytest.approx(values.mean())
        assert spread == pytest.approx(values.std(ddof=1))
    assert result["a"][1] == pytest.approx(0.2)  # sample std of 0.5, 0.7, 0.9


def test_mean_and_spread_of_a_single_run_has_zero_spread():
    assert mean_and_spread([{"linear": 0.5, "hidden, relu": 1.0}]) == {
        "linear": (0.5, 0.0), "hidden, relu": (1.0, 0.0)}


def test_holm_matches_the_adjustment_worked_by_hand():
    # sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.04·1, 0.06) = 0.06
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted.tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_keeps_a_single_p_value():
    assert holm([0.5, 0.6, 0.9]).tolist() == [1.0, 1.0, 1.0]
    assert holm([0.02]).tolist() == [0.02]


@pytest.mark.parametrize("bad", [[1.2], [-0.1], [float("nan")], [[0.1, 0.2]]])
def test_holm_rejects_what_is_not_a_p_value(bad):
    with pytest.raises(ValueError):
        holm(bad)


def test_paired_pvalue_equals_scipys_paired_t_test():
    from scipy import stats

    a, b = [1.0, 2.0, 3.5, 4.0, 5.5], [0.8, 2.1, 3.0, 3.6, 5.0]
    expected = stats.ttest_rel(a, b).pvalue
    assert paired_pvalue(np.subtract(a, b)) == pytest.approx(expected)
    rng = np.random.default_rng(3)
    for n in (2, 3, 5, 12):
        d = rng.normal(0.3, 1.0, size=n)
        assert paired_pvalue(d) == pytest.approx(stats.ttest_1samp(d, 0.0).pvalue, rel=1e-9)
    assert paired_pvalue([0.0, 0.0, 0.0]) == 1.0
    assert paired_pvalue([0.2, 0.2, 0.2]) == 0.0


def test_paired_comparisons_separate_a_large_shift_and_nothing_else():
    rng = np.random.default_rng(0)
    base = rng.normal(size=5)  # what the seed does to every variant alike
    samples = {"a": base + rng.normal(0, 0.01, 5), "b": base + rng.normal(0, 0.01, 5),
               "c": base + 1.0 + rng.normal(0, 0.01, 5)}
    result = {(r.a, r.b): r for r in paired_comparisons(samples)}
    assert list(result) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert not result["a", "b"].separated
    assert result["a", "c"].separated and result["b", "c"].separated
    assert result["a", "c"].difference == pytest.approx(-1.0, abs=0.05)
    assert all(r.adjusted >= r.pvalue for r in result.values())


def test_paired_comparisons_rarely_separate_anything_when_nothing_differs():
    # Eight variants, five seeds, no true difference: Holm keeps the chance of separating
    # even one of the 28 pairs at most 5%; uncorrected tests would separate some pair most
    # of the time.
    rng = np.random.default_rng(1)
    any_holm = any_raw = 0
    trials = 400
    for _ in range(trials):
        samples = {str(k): rng.normal(size=5) for k in range(8)}
        result = paired_comparisons(samples)
        any_holm += any(r.separated for r in result)
        any_raw += any(r.pvalue < 0.05 for r in result)
    assert any_holm / trials <= 0.07
    assert any_raw / trials > 0.5


def test_paired_comparisons_need_the_same_seeds_for_every_variant():
    with pytest.raises(ValueError, match="same seeds"):
        paired_comparisons({"a": [1.0, 2.0], "b": [1.0, 2.0, 3.0]})


def test_geometric_summary():
    mean, low, high = geometric_summary([1e-4, 1e-2, 1.0])
    assert (mean, low, high) == (pytest.approx(1e-2), 1e-4, 1.0)
    with pytest.raises(ValueError):
        geometric_summary([1.0, 0.0])
    with pytest.raises(ValueError):
        geometric_summary([])

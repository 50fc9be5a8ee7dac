"""Timing: the structure of what is measured, never how fast anything is."""

import itertools

import pytest
import torch

from actlib.experiments import speed

SMALL = {"size": 2**12, "width": 64, "repeats": 2, "warmup": 1, "threads": 1}


def test_measure_speed_returns_positive_times_for_each_activation():
    report = speed.measure_speed(["relu", "gelu"], **SMALL)
    assert isinstance(report, speed.SpeedReport)
    assert list(report.activations) == ["relu", "gelu"]
    assert report.size == 2**12 and report.width == 64
    for seconds in (report.copy, report.product, report.layer):
        assert isinstance(seconds, float) and seconds > 0
    for timing in report.activations.values():
        assert timing.forward > 0 and timing.backward > 0


def test_measure_speed_restores_the_thread_count():
    before = torch.get_num_threads()
    report = speed.measure_speed(["relu"], **SMALL)  # with threads=1
    assert report.threads == 1
    assert torch.get_num_threads() == before


def test_measure_speed_takes_parameterless_and_parameterised_names():
    report = speed.measure_speed(["leaky_relu", "elu", "silu"], **SMALL)
    assert set(report.activations) == {"leaky_relu", "elu", "silu"}


@pytest.mark.parametrize("kwargs", [{"size": 1000, "width": 64}, {"size": 0}, {"repeats": 0},
                                    {"threads": 0}])
def test_measure_speed_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        speed.measure_speed(["relu"], **{**SMALL, **kwargs})


def test_measure_speed_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation"):
        speed.measure_speed(["relu", "swiglu"], **SMALL)


def test_median_times_takes_turns_and_the_median(monkeypatch):
    # a fake clock: "a" always takes 1 s, "b" takes 3 s, then 10 s once, then 3 s
    durations = {"a": itertools.repeat(1.0), "b": iter([99.0, 3.0, 10.0, 3.0])}
    clock = {"now": 0.0}
    order = []

    def call(key):
        order.append(key)
        clock["now"] += next(durations[key])

    monkeypatch.setattr(speed.time, "perf_counter", lambda: clock["now"])
    times = speed.median_times({"a": lambda: call("a"), "b": lambda: call("b")},
                               repeats=3, warmup=1)
    assert times == {"a": 1.0, "b": 3.0}  # the warm-up (99 s) and the outlier (10 s) are out
    assert order == ["a", "b"] * 4

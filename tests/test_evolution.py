"""Chapter 6's measurements: the generation table, a tiny head-to-head and two pitfalls."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import actlib
from actlib import data
from actlib.diagnostics import dead_fraction
from actlib.experiments import evolution
from actlib.nn import GLU_VARIANTS, mlp
from actlib.train import accuracy

TINY = evolution.Size(depth=2, width=8, steps=5, lr=1e-2)
METRICS = {"val_loss", "val_accuracy", "grad_ratio", "dead"}


def test_generation_table_covers_every_registered_name_and_the_unregistered_ones():
    rows = evolution.generation_table()
    registered = sorted(row.name for row in rows if row.registered)
    assert registered == actlib.names()
    assert {row.name for row in rows if not row.registered} == set(evolution.UNREGISTERED)
    assert set(evolution.PROBLEMS) == set(actlib.names()) | set(evolution.UNREGISTERED)


def test_unregistered_gated_rows_are_glu_variants():
    assert {"glu", "swiglu", "geglu"} <= set(GLU_VARIANTS)
    assert not set(evolution.UNREGISTERED) & set(actlib.names())


def test_generation_table_takes_labels_years_and_papers_from_the_registry():
    for row in evolution.generation_table():
        if row.registered:
            act = actlib.get(row.name)
            assert (row.label, row.year, row.reference) == (act.label, act.year, act.reference)
        else:
            assert (row.label, row.year, row.reference) == evolution.UNREGISTERED[row.name]
        assert row.label
        assert row.problem and row.generation and row.chapter


def test_generation_table_references_are_in_the_bibliography(bibliography):
    for row in evolution.generation_table():
        for key in (row.reference, *row.cites):
            if key:
                assert key in bibliography, key


def test_generation_table_follows_the_generations_then_the_years():
    rows = evolution.generation_table()
    eras = list(dict.fromkeys(evolution.GENERATIONS.values()))
    order = [(eras.index(row.generation), row.year or 0) for row in rows]
    assert order == sorted(order)
    assert rows[0].name == "identity" and rows[-1].generation == "gated layers"


def test_tiny_head_to_head_returns_finite_numbers_of_the_right_shape():
    results = evolution.head_to_head(seeds=[0], size=TINY,
                                     activations=["relu", "sigmoid"])
    assert list(results) == ["relu", "sigmoid"]
    for name, runs in results.items():
        assert len(runs) == 1
        run = runs[0]
        assert (run.name, run.seed) == (name, 0)
        assert set(run.final) == METRICS and run.watched == {} and run.steps == []
        assert all(isinstance(v, float) and math.isfinite(v) for v in run.final.values())
        assert 0 <= run["val_accuracy"] <= 1 and 0 <= run["dead"] <= 1
        assert run["grad_ratio"] > 0
        assert len(run.loss) == TINY.steps
        assert isinstance(run.model, nn.Sequential)  # kept, trained


def test_a_run_keeps_the_trained_model_its_numbers_come_from():
    run = evolution.run("relu", 0, TINY)
    X, y, X_val, y_val = data.digits(seed=0)
    assert accuracy(run.model, X_val, y_val) == run["val_accuracy"]
    assert np.mean(dead_fraction(run.model, torch.as_tensor(X))) == pytest.approx(run["dead"])


def test_head_to_head_repeats_for_a_seed():
    assert evolution.run("tanh", 3, TINY) == evolution.run("tanh", 3, TINY)


def test_step_times_has_one_finite_time_per_activation():
    times = evolution.step_times(0, TINY, activations=["relu", "mish"], repeats=2)
    assert list(times) == ["relu", "mish"]
    assert all(math.isfinite(t) and t >= 0 for t in times.values())


def test_fused_glu_gates_with_the_second_half():
    gaps = evolution.fused_glu_gaps(seed=0)
    assert gaps["value_first"] < 1e-6
    assert gaps["gate_first"] > 1e-2


def test_fused_glu_gaps_leave_the_global_generator_alone_and_repeat():
    state = torch.random.get_rng_state()
    first = evolution.fused_glu_gaps(seed=5)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert evolution.fused_glu_gaps(seed=5) == first
    assert evolution.fused_glu_gaps(seed=6) != first


def test_with_activation_swaps_modules_and_keeps_weights():
    model = mlp([4, 8, 8, 2], "gelu", seed=0)
    ported = evolution.with_activation(model, "gelu_tanh")
    assert [type(m) for m in ported] == [type(m) for m in model]
    assert ported[1].approximate == "tanh" and model[1].approximate == "none"
    torch.testing.assert_close(ported[0].weight, model[0].weight)


def test_porting_gap_is_zero_for_the_same_activation_and_small_for_tanh_gelu():
    model = mlp([4, 16, 16, 3], "gelu", seed=0)
    X = np.random.default_rng(0).standard_normal((64, 4)).astype(np.float32)
    assert evolution.porting_gap(model, X, "gelu")["max_logit_gap"] == 0.0
    gap = evolution.porting_gap(model, X, "gelu_tanh")
    assert 0 < gap["max_logit_gap"] < 1e-2
    assert 0 <= gap["flipped"] <= 1


@pytest.mark.parametrize("name", ["relu", "identity"])
def test_with_activation_leaves_identity_layers(name):
    model = mlp([2, 4, 1], name, seed=0)
    ported = evolution.with_activation(model, "tanh")
    expected = nn.Identity if name == "identity" else nn.Tanh
    assert isinstance(ported[1], expected)

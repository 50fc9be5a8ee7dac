"""Chapter 1's experiments: what they return, that a seed repeats them, and the chapter's claim."""

import numpy as np
import pytest
import torch
from torch import nn

from actlib.experiments.nonlinearity import (
    XOR_CORNERS,
    clusters_right,
    cut_off_one_cluster,
    fold_of_xor,
    linear_vs_hidden,
    lines_on_xor,
    middle_class,
    train_classifier,
)
from actlib.nn import mlp


def test_train_classifier_returns_a_model_and_an_accuracy():
    model, acc = train_classifier("moons", [2, 8, 1], "tanh", seed=0, n=100, steps=30)
    assert isinstance(model, nn.Module)
    assert model(torch.zeros(5, 2)).shape == (5, 1)
    assert isinstance(acc, float)
    assert 0.0 <= acc <= 1.0


def test_train_classifier_is_reproducible_for_a_seed():
    model_a, acc_a = train_classifier("xor", [2, 8, 1], "relu", seed=4, n=100, steps=30)
    model_b, acc_b = train_classifier("xor", [2, 8, 1], "relu", seed=4, n=100, steps=30)
    assert acc_a == acc_b
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_train_classifier_seeds_differ():
    model_a, _ = train_classifier("xor", [2, 8, 1], "relu", seed=0, n=100, steps=5)
    model_b, _ = train_classifier("xor", [2, 8, 1], "relu", seed=1, n=100, steps=5)
    assert not torch.equal(model_a[0].weight, model_b[0].weight)


@pytest.fixture(scope="module")
def xor_seed_0():
    return linear_vs_hidden("xor", seed=0)  # the chapter's default sizes


def test_linear_vs_hidden_returns_the_three_labelled_accuracies(xor_seed_0):
    assert set(xor_seed_0) == {"linear", "hidden, identity", "hidden, relu"}
    assert all(0.0 <= acc <= 1.0 for acc in xor_seed_0.values())


def test_linear_vs_hidden_labels_the_chosen_activation():
    result = linear_vs_hidden("xor", seed=0, hidden=2, activation="tanh")
    assert set(result) == {"linear", "hidden, identity", "hidden, tanh"}


def test_relu_network_beats_the_linear_model_on_xor(xor_seed_0):
    # chapter 1's claim: a straight line cannot separate xor, a relu layer can
    assert xor_seed_0["linear"] < 0.65
    assert xor_seed_0["hidden, identity"] < 0.65
    assert xor_seed_0["hidden, relu"] > 0.9
    assert xor_seed_0["hidden, relu"] - xor_seed_0["linear"] > 0.3


def test_cut_off_one_cluster_gets_three_of_the_four_corners_right():
    corners = np.array(XOR_CORNERS, dtype=float)
    labels = np.array([0, 0, 1, 1])  # class 1 where the signs differ
    assert (cut_off_one_cluster(corners) == labels).tolist() == [True, False, True, True]


def test_lines_on_xor_hand_line_beats_the_trained_line():
    line = lines_on_xor(seed=0)
    assert set(line) == {"trained", "trained loss", "trained confidence", "hand"}
    assert 0.7 < line["hand"] < 0.8  # three clusters of four, less noisy points
    assert abs(line["trained loss"] - np.log(2)) < 0.02  # log loss ends near answering 1/2
    assert line["trained confidence"] < 0.1


def _two_unit_net(W, b):
    """mlp([2, 2, 1], "tanh") with the hidden layer set by hand."""
    model = mlp([2, 2, 1], "tanh", seed=0)
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(W, dtype=torch.float32))
        model[0].bias.copy_(torch.tensor(b, dtype=torch.float32))
    return model


def test_middle_class_finds_the_fold_along_x1_plus_x2():
    # both units look along x1 + x2 with thresholds -1 and +1: the class-1 clusters (x1 + x2
    # near 0) share the middle corner (+, -); the class-0 ends go to (-, -) and (+, +)
    model = _two_unit_net([[5.0, 5.0], [5.0, 5.0]], [5.0, -5.0])
    centres = fold_of_xor(model, np.array(XOR_CORNERS, dtype=np.float32))
    assert set(centres) == set(XOR_CORNERS)
    assert middle_class(centres) == 1
    flipped = _two_unit_net([[5.0, -5.0], [5.0, -5.0]], [5.0, -5.0])
    assert middle_class(fold_of_xor(flipped, np.array(XOR_CORNERS, dtype=np.float32))) == 0


def test_middle_class_is_none_without_a_fold():
    # one unit per coordinate sends the four clusters to four different corners
    model = _two_unit_net([[5.0, 0.0], [0.0, 5.0]], [0.0, 0.0])
    assert middle_class(fold_of_xor(model, np.array(XOR_CORNERS, dtype=np.float32))) is None
    weak = _two_unit_net([[0.1, 0.1], [0.1, 0.1]], [0.1, -0.1])  # h stays near 0: no corners
    assert middle_class(fold_of_xor(weak, np.array(XOR_CORNERS, dtype=np.float32))) is None


def test_clusters_right_counts_majorities():
    X = np.array(XOR_CORNERS, dtype=np.float32)
    y = np.array([0, 0, 1, 1], dtype=np.float32)
    model = mlp([2, 1], "identity", seed=0)
    with torch.no_grad():  # logit = 1 - x1 - x2: the hand-placed line, class 1 below it
        model[0].weight.copy_(torch.tensor([[-1.0, -1.0]]))
        model[0].bias.fill_(1.0)
    assert clusters_right(model, X, y) == 3

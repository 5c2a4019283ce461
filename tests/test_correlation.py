"""Agreement statistics against hand-computed cases and a brute-force reference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mtqa.evaluation import correlation
from mtqa.evaluation.correlation import agreement, grouped, kendall_tau_b, pairwise_accuracy, pearson


@pytest.mark.parametrize(
    ("metric", "human", "accuracy", "epsilon"),
    [
        ([1, 2, 3], [1, 2, 3], 1.0, 0.0),  # same order
        ([1, 2, 3], [0, 0, 0], 1.0, 2.0),  # humans tie everything: the metric must call all pairs ties
        ([3, 2, 1], [1, 2, 3], 0.0, 0.0),  # reversed
        ([0.1, 0.2, 0.9], [0, 0, 1], 1.0, 0.1),  # a tie the metric sees only with epsilon 0.1
    ],
)
def test_pairwise_accuracy_cases(metric: list[float], human: list[float], accuracy: float, epsilon: float) -> None:
    result = pairwise_accuracy(metric, human)
    assert result.accuracy == pytest.approx(accuracy)
    assert result.epsilon == pytest.approx(epsilon)
    assert result.pairs == 3


def brute_force(metric: np.ndarray, human: np.ndarray, groups: np.ndarray | None) -> float:
    labels = np.zeros(len(metric), int) if groups is None else groups
    candidates = {0.0} | {abs(a - b) for a in metric for b in metric}
    best = 0.0
    for epsilon in candidates:
        per_group = []
        for g in np.unique(labels):
            members = np.flatnonzero(labels == g)
            right = total = 0
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    dm = metric[members[i]] - metric[members[j]]
                    dh = human[members[i]] - human[members[j]]
                    metric_tie = abs(dm) <= epsilon
                    right += (dh == 0 and metric_tie) or (dh != 0 and not metric_tie and np.sign(dm) == np.sign(dh))
                    total += 1
            if total:
                per_group.append(right / total)
        best = max(best, float(np.mean(per_group)))
    return best


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("with_groups", [False, True])
def test_pairwise_accuracy_matches_brute_force(seed: int, with_groups: bool) -> None:
    rng = np.random.default_rng(seed)
    metric = np.round(rng.random(18), 1)  # rounded: metric ties happen too
    human = rng.integers(-3, 1, size=18).astype(float)  # many human ties, like MQM's zeros
    groups = rng.integers(0, 4, size=18) if with_groups else None
    assert pairwise_accuracy(metric, human, groups).accuracy == pytest.approx(brute_force(metric, human, groups))


def test_kendall_and_pearson() -> None:
    assert kendall_tau_b([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert kendall_tau_b([1, 2, 3, 4], [1, 1, 2, 2]) == pytest.approx(0.8164966, rel=1e-6)  # tau-b corrects for ties
    assert math.isnan(kendall_tau_b([1.0], [2.0]))
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))


def test_grouped_statistics_average_within_items() -> None:
    metric = [1, 2, 3, 3, 2, 1]
    human = [1, 2, 3, 1, 2, 3]
    assert grouped("kendall", metric, human, ["a", "a", "a", "b", "b", "b"]) == pytest.approx(0.0)  # +1 and -1
    assert kendall_tau_b(metric, human) == pytest.approx(0.0)
    assert grouped("pearson", metric, human, ["a", "a", "a", "b", "b", "b"]) == pytest.approx(0.0)


def test_pairwise_accuracy_samples_pairs_beyond_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    human = rng.integers(-5, 1, size=600).astype(float)
    metric = human + rng.normal(0, 2, size=600)
    exact = pairwise_accuracy(metric, human)
    monkeypatch.setattr(correlation, "MAX_PAIRS", 40_000)  # under the 179,700 pairs of 600 segments
    sampled = pairwise_accuracy(metric, human)
    assert not exact.sampled and sampled.sampled
    assert sampled.pairs <= 40_000
    assert sampled.accuracy == pytest.approx(exact.accuracy, abs=0.01)
    assert pairwise_accuracy(metric, human) == sampled  # a fixed seed: the same figure every run
    assert not pairwise_accuracy(metric, human, rng.integers(0, 50, size=600)).sampled  # groups stay exact


def test_agreement_table_has_both_views() -> None:
    frame = pd.DataFrame(
        {
            "good": [3.0, 2.0, 1.0, 3.0, 2.0, 1.0],
            "bad": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
            "human": [0.0, -1.0, -5.0, 0.0, -2.0, -4.0],
            "item": ["a", "a", "a", "b", "b", "b"],
        }
    )
    table = agreement(frame, "human", ["good", "bad"], ["item"])
    assert table.loc["good", "item_kendall"] == pytest.approx(1.0)
    assert 0 < table.loc["good", "kendall"] < 1  # across items, ties in the metric cost a little
    assert table.loc["bad", "item_kendall"] == pytest.approx(-1.0)
    assert table.loc["good", "item_accuracy"] == pytest.approx(1.0)
    assert "item_kendall" not in agreement(frame, "human", ["good"]).columns

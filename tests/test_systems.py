"""The system level: pairwise accuracy of system figures, and each system's corpus figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mtqa.evaluation.systems import system_accuracy, system_agreement
from mtqa.scoring.scorers import ChrfScorer
from mtqa.scoring.segments import errors_per_100_words, system_figures


@pytest.mark.parametrize(
    ("metric", "human", "accuracy"),
    [
        ([3, 2, 1], [30, 20, 10], 1.0),
        ([1, 2, 3], [30, 20, 10], 0.0),
        ([3, 1, 2], [30, 20, 10], 2 / 3),
        ([2, 2, 1], [30, 20, 10], 2 / 3),  # a metric tie on an ordered pair is wrong
        ([3, 2, 1], [20, 20, 10], 2 / 3),  # and so is a human tie
    ],
)
def test_system_accuracy_counts_pairs_ordered_as_the_humans_order_them(
    metric: list[float], human: list[float], accuracy: float
) -> None:
    systems = ["a", "b", "c"]
    assert system_accuracy(pd.Series(metric, systems), pd.Series(human, systems)) == pytest.approx(accuracy)


def test_system_accuracy_pairs_systems_by_name_and_needs_two() -> None:
    metric = pd.Series({"b": 1.0, "a": 2.0, "only-here": 9.0})
    assert system_accuracy(metric, pd.Series({"a": 5.0, "b": 1.0})) == 1.0
    assert math.isnan(system_accuracy(metric, pd.Series({"a": 5.0})))
    table = system_agreement(
        pd.DataFrame({"m": [2.0, 1.0, 0.0]}, index=["a", "b", "c"]), pd.Series({"a": 3.0, "b": 2.0, "c": 1.0}), ["m"]
    )
    assert table.loc["m"].tolist() == [1.0, pytest.approx(1.0), 3]


def test_system_figures_are_each_systems_corpus_figures() -> None:
    references = [
        "The council met on Tuesday.",
        "It approved the budget.",
        "The council met on Tuesday.",
        "It approved the budget.",
    ]
    hypotheses = ["The council met on Tuesday.", "It approved the budget.", "Council meets Tuesday.", "The budget."]
    systems = ["good", "good", "poor", "poor"]
    scores = pd.DataFrame(
        {
            "cosine": [1.0, 1.0, 0.8, 0.6],
            "quality": [0.9, 0.9, 0.5, 0.4],
            "expected_errors": [0.1, 0.1, 0.7, 0.9],
            "reference_words": [5, 4, 5, 4],
        }
    )
    scores["chrf"] = ChrfScorer().sentence_scores(references, hypotheses)
    table = system_figures(references, hypotheses, scores, systems)
    assert table.index.tolist() == ["good", "poor"]  # fewest expected errors first
    assert table.loc["poor", "chrf"] == pytest.approx(ChrfScorer().corpus_score(references[2:], hypotheses[2:]))
    assert table.loc["poor", "errors_per_100_words"] == pytest.approx(100 * 1.6 / 9)
    assert table.loc["good", "mean_cosine"] == 1.0 and table.loc["poor", "segments"] == 2
    assert table.loc["poor", "mean_chrf"] == pytest.approx(
        np.mean(ChrfScorer().sentence_scores(references[2:], hypotheses[2:]))
    )
    assert errors_per_100_words(scores) == pytest.approx(100 * np.sum([0.1, 0.1, 0.7, 0.9]) / 18)

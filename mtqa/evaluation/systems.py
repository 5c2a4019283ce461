"""System-level agreement: how well a metric's figure per system ranks the systems as the humans do.

WMT ranks metrics at the system level by pairwise accuracy (Kocmi et al.
2021): the share of system pairs that the metric orders as the human system
scores do. Pearson r of the system figures with the human means goes beside
it. A metric's figure per system is its corpus figure (``mtqa.scoring.systems``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from mtqa.evaluation.correlation import pearson


def system_accuracy(metric: pd.Series, human: pd.Series) -> float:
    """Share of system pairs ordered the same way by ``metric`` and ``human`` (both indexed by system).

    A pair that either side ties counts as wrong, as in WMT; nan for fewer than two systems.
    """
    systems = sorted(set(metric.index) & set(human.index))
    pairs = list(combinations(systems, 2))
    if not pairs:
        return float("nan")
    right = sum(bool(np.sign(metric[a] - metric[b]) == np.sign(human[a] - human[b]) != 0) for a, b in pairs)
    return float(right / len(pairs))


def system_agreement(figures: pd.DataFrame, human: pd.Series, metrics: Sequence[str]) -> pd.DataFrame:
    """System-level pairwise accuracy and Pearson r of each metric column of ``figures`` with ``human``.

    Args:
        figures: One row per system (indexed by system), a column per metric,
            each oriented so that higher is better.
        human: The human score per system (higher is better).
        metrics: The columns to compare, in report order.

    Returns:
        One row per metric with ``system_accuracy``, ``system_pearson`` and ``systems``.
    """
    shared = figures.index.intersection(human.index)
    rows = {
        metric: {
            "system_accuracy": system_accuracy(figures.loc[shared, metric], human[shared]),
            "system_pearson": pearson(figures.loc[shared, metric].to_numpy(float), human[shared].to_numpy(float)),
            "systems": len(shared),
        }
        for metric in metrics
    }
    return pd.DataFrame.from_dict(rows, orient="index")

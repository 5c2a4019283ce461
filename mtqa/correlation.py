"""Segment-level agreement between a metric and human scores: Kendall tau-b, Pearson r,
and pairwise accuracy with tie calibration (Deutsch et al. 2023, the WMT23 acc*_eq).

Each statistic is available without grouping (all segments together) and
grouped by item (computed within each group of segments that translate the
same source, then averaged over groups), the two views WMT reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import kendalltau, pearsonr


@dataclass(frozen=True)
class PairwiseAccuracy:
    """Pairwise accuracy at the calibrated tie threshold.

    Attributes:
        accuracy: Share of segment pairs where the metric orders (or ties) the
            pair as the humans do, a metric tie being a difference <= ``epsilon``.
        epsilon: The tie threshold that maximises ``accuracy``.
        pairs: Number of pairs compared.
    """

    accuracy: float
    epsilon: float
    pairs: int


def kendall_tau_b(metric: Sequence[float], human: Sequence[float]) -> float:
    """Kendall's tau-b, which corrects for ties on both sides; nan for fewer than 2 segments."""
    if len(metric) < 2:
        return float("nan")
    return float(kendalltau(np.asarray(metric, float), np.asarray(human, float), variant="b")[0])


def pearson(metric: Sequence[float], human: Sequence[float]) -> float:
    """Pearson's r; nan when either side is constant or has fewer than 2 segments."""
    x, y = np.asarray(metric, float), np.asarray(human, float)
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(pearsonr(x, y)[0])


def _pairs(metric: np.ndarray, human: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every pair i < j: |metric difference|, human tie, metric agrees in sign with humans."""
    upper = np.triu_indices(len(metric), k=1)
    metric_diff = (metric[:, None] - metric[None, :])[upper]
    human_diff = (human[:, None] - human[None, :])[upper]
    return np.abs(metric_diff), human_diff == 0, np.sign(metric_diff) == np.sign(human_diff)


def pairwise_accuracy(
    metric: Sequence[float], human: Sequence[float], groups: Sequence[object] | None = None
) -> PairwiseAccuracy:
    """Pairwise accuracy with tie calibration.

    A pair is right when the humans tie it and the metric difference is at
    most ``epsilon``, or when the humans order it and the metric difference is
    above ``epsilon`` with the same sign. ``epsilon`` is chosen to maximise
    the accuracy over all pairs (one threshold for all groups). With
    ``groups``, only pairs within a group are compared and the accuracy is the
    mean over groups of their accuracies at that threshold.

    Args:
        metric: Metric score per segment.
        human: Human score per segment (higher is better).
        groups: Item id per segment, or None to compare all pairs.

    Returns:
        The accuracy, the calibrated epsilon and the number of pairs.
    """
    x, y = np.asarray(metric, float), np.asarray(human, float)
    labels = (
        np.zeros(len(x), dtype=int) if groups is None else np.unique(np.asarray(groups, object), return_inverse=True)[1]
    )
    distances, ties, agree, owners = [], [], [], []
    for group in np.unique(labels):
        members = np.flatnonzero(labels == group)
        if len(members) < 2:
            continue
        d, t, a = _pairs(x[members], y[members])
        distances.append(d)
        ties.append(t)
        agree.append(a)
        owners.append(np.full(len(d), group))
    if not distances:
        return PairwiseAccuracy(float("nan"), 0.0, 0)
    d, t, a, owner = (np.concatenate(v) for v in (distances, ties, agree, owners))
    order = np.argsort(d, kind="stable")
    d, t, a, owner = d[order], t[order], a[order], owner[order]
    # Candidate thresholds: 0 and each distinct distance. At threshold d[k] (inclusive), pairs
    # 0..last(k) count as metric ties: right if humans tie; the rest are right if signs agree.
    candidates = np.concatenate(([0.0], np.unique(d)))
    last = np.searchsorted(d, candidates, side="right")  # pairs at or below each threshold
    if groups is None:
        tie_right = np.concatenate(([0], np.cumsum(t)))[last]
        order_right = np.concatenate(([0], np.cumsum(~t & a)))
        scores = (tie_right + order_right[-1] - order_right[last]) / len(d)
    else:
        sizes = np.bincount(owner)
        scores = np.zeros(len(candidates))
        for group in np.unique(owner):
            mine = owner == group
            tie_right = np.concatenate(([0], np.cumsum(t & mine)))[last]
            order_cum = np.concatenate(([0], np.cumsum(~t & a & mine)))
            scores += (tie_right + order_cum[-1] - order_cum[last]) / sizes[group]
        scores /= len(np.unique(owner))
    best = int(np.argmax(scores))
    return PairwiseAccuracy(float(scores[best]), float(candidates[best]), len(d))


def grouped(statistic: str, metric: Sequence[float], human: Sequence[float], groups: Sequence[object]) -> float:
    """Mean of ``kendall`` or ``pearson`` computed within each group (groups with a nan are skipped)."""
    function = {"kendall": kendall_tau_b, "pearson": pearson}[statistic]
    x, y, g = np.asarray(metric, float), np.asarray(human, float), np.asarray(groups, object)
    values = [function(x[g == group], y[g == group]) for group in dict.fromkeys(g.tolist())]
    finite = [v for v in values if not np.isnan(v)]
    return float(np.mean(finite)) if finite else float("nan")

"""Segment-level agreement between a metric and human scores: Kendall tau-b, Pearson r,
and pairwise accuracy with tie calibration (Deutsch et al. 2023, the WMT23 acc*_eq).

Each statistic is available without grouping (all segments together) and
grouped by item (computed within each group of segments that translate the
same source, then averaged over groups), the two views WMT reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd
from scipy.stats import kendalltau, pearsonr

# Above this many pairs (about 7,700 segments without grouping), pairwise accuracy
# is computed on a fixed-seed uniform sample of this many pairs, to bound memory (~2 GB).
MAX_PAIRS = 30_000_000

Scores: TypeAlias = Sequence[float] | np.ndarray
Groups: TypeAlias = Sequence[object] | np.ndarray


@dataclass(frozen=True)
class PairwiseAccuracy:
    """Pairwise accuracy at the calibrated tie threshold.

    Attributes:
        accuracy: Share of segment pairs where the metric orders (or ties) the
            pair as the humans do, a metric tie being a difference <= ``epsilon``.
        epsilon: The tie threshold that maximises ``accuracy``.
        pairs: Number of pairs compared.
        sampled: True when the pairs are a uniform sample of all pairs (see ``MAX_PAIRS``).
    """

    accuracy: float
    epsilon: float
    pairs: int
    sampled: bool = False


def kendall_tau_b(metric: Scores, human: Scores) -> float:
    """Kendall's tau-b, which corrects for ties on both sides; nan for fewer than 2 segments."""
    if len(metric) < 2:
        return float("nan")
    return float(kendalltau(np.asarray(metric, float), np.asarray(human, float), variant="b")[0])


def pearson(metric: Scores, human: Scores) -> float:
    """Pearson's r; nan when either side is constant or has fewer than 2 segments."""
    x, y = np.asarray(metric, float), np.asarray(human, float)
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(pearsonr(x, y)[0])


def _pairs(metric: np.ndarray, human: np.ndarray, rng: np.random.Generator | None = None) -> tuple[np.ndarray, ...]:
    """For every pair i < j (or a sample of pairs, given ``rng``): |metric difference|, human tie, signs agree."""
    if rng is None:
        first, second = np.triu_indices(len(metric), k=1)
    else:
        first, second = rng.integers(0, len(metric), size=(2, MAX_PAIRS))
        keep = first != second
        first, second = first[keep], second[keep]
    metric_diff = metric[first] - metric[second]
    human_diff = human[first] - human[second]
    return np.abs(metric_diff), human_diff == 0, np.sign(metric_diff) == np.sign(human_diff)


def pairwise_accuracy(metric: Scores, human: Scores, groups: Groups | None = None) -> PairwiseAccuracy:
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
    sampled = groups is None and len(x) * (len(x) - 1) // 2 > MAX_PAIRS
    for group in np.unique(labels):
        members = np.flatnonzero(labels == group)
        if len(members) < 2:
            continue
        d, t, a = _pairs(x[members], y[members], np.random.default_rng(0) if sampled else None)
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
    return PairwiseAccuracy(float(scores[best]), float(candidates[best]), len(d), sampled)


def grouped(statistic: str, metric: Scores, human: Scores, groups: Groups) -> float:
    """Mean of ``kendall`` or ``pearson`` computed within each group (groups with a nan are skipped)."""
    function = {"kendall": kendall_tau_b, "pearson": pearson}[statistic]
    x, y, g = np.asarray(metric, float), np.asarray(human, float), np.asarray(groups, object)
    values = [function(x[g == group], y[g == group]) for group in dict.fromkeys(g.tolist())]
    finite = [v for v in values if not np.isnan(v)]
    return float(np.mean(finite)) if finite else float("nan")


def agreement(
    frame: pd.DataFrame, human: str, metrics: Sequence[str], items: Sequence[str] | None = None
) -> pd.DataFrame:
    """Segment-level agreement of each metric column with the human column, both WMT views.

    Args:
        frame: One row per segment.
        human: The human score column (higher is better, e.g. MQM as a negative penalty).
        metrics: Metric columns to compare, in report order.
        items: Columns that identify an item (segments translating the same
            source); None skips the group-by-item figures.

    Returns:
        One row per metric, indexed by name, with ``kendall``, ``pearson``,
        ``accuracy`` and ``epsilon`` (no grouping), the same four with an
        ``item_`` prefix (group by item), and ``pairs_sampled``.
    """
    y = frame[human].to_numpy(float)
    groups = frame[list(items)].astype(str).agg("\t".join, axis=1).to_numpy() if items else None
    rows = {}
    for metric in metrics:
        x = frame[metric].to_numpy(float)
        overall = pairwise_accuracy(x, y)
        row: dict[str, float | bool] = {
            "kendall": kendall_tau_b(x, y),
            "pearson": pearson(x, y),
            "accuracy": overall.accuracy,
            "epsilon": overall.epsilon,
            "pairs_sampled": overall.sampled,
        }
        if groups is not None:
            by_item = pairwise_accuracy(x, y, groups)
            row |= {
                "item_kendall": grouped("kendall", x, y, groups),
                "item_pearson": grouped("pearson", x, y, groups),
                "item_accuracy": by_item.accuracy,
                "item_epsilon": by_item.epsilon,
            }
        rows[metric] = row
    return pd.DataFrame.from_dict(rows, orient="index")

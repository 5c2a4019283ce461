"""Non-monotone sentence alignment: a pure function of similarity matrices.

Classic aligners (Gale-Church, hunalign, Vecalign, Bertalign) search for a
monotone path and so cannot follow a moved paragraph. mtqa links units
greedily by score instead (competitive linking): every candidate unit of
shape 1-1, 1-2 (a split) or 2-1 (a merge) is ranked by its similarity, plus
a bonus when its diagonal neighbours are similar too (a moved paragraph keeps
its inner order), and taken when none of its sentences is taken yet and its
score reaches the threshold. What is left over is unaligned: omitted on the
reference side, added on the copy side.

The defaults are calibrated on synthetic audits built from real MT output;
see ``benchmarks/calibrate_alignment.py`` and ``docs/calibration.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mtqa.align.similarity import Similarities
from mtqa.types import Alignment, Unit


@dataclass(frozen=True)
class AlignParams:
    """Parameters of ``align``; the class defaults are the calibrated ones.

    Attributes:
        threshold: Least blended similarity (with the neighbour bonus) for a unit.
        merge_gain: How much a 1-2 or 2-1 unit must beat its best single part.
        part_floor: Least similarity each part of a 1-2 or 2-1 unit must reach alone.
        neighbour_weight: Weight of the best diagonal neighbour's similarity in the bonus.
    """

    threshold: float = 0.43
    merge_gain: float = 0.0
    part_floor: float = 0.1
    neighbour_weight: float = 0.2

    def as_dict(self) -> dict[str, float]:
        """The parameters, for a report's signature."""
        return {
            "threshold": self.threshold,
            "merge_gain": self.merge_gain,
            "part_floor": self.part_floor,
            "neighbour_weight": self.neighbour_weight,
        }


@dataclass(frozen=True)
class _Candidate:
    rank: float
    score: float
    reference_ids: tuple[int, ...]
    copy_ids: tuple[int, ...]


def align(similarities: Similarities, params: AlignParams | None = None) -> Alignment:
    """Align reference and copy sentences.

    Args:
        similarities: Blended similarity matrices (see ``mtqa.align.similarity``).
        params: Thresholds; ``AlignParams()`` when omitted.

    Returns:
        An ``Alignment`` covering every sentence exactly once, its units in
        reading order of the copy, each omitted reference sentence placed
        after the unit holding the reference sentence before it.
    """
    params = params or AlignParams()
    n_ref, n_copy = similarities.shape
    used_ref = np.zeros(n_ref, dtype=bool)
    used_copy = np.zeros(n_copy, dtype=bool)
    linked: list[Unit] = []
    for candidate in _candidates(similarities, params):
        if candidate.rank < params.threshold:
            break
        refs, copies = list(candidate.reference_ids), list(candidate.copy_ids)
        if used_ref[refs].any() or used_copy[copies].any():
            continue
        used_ref[refs] = True
        used_copy[copies] = True
        linked.append(Unit(candidate.reference_ids, candidate.copy_ids, round(candidate.score, 6)))
    linked += [Unit((i,), ()) for i in np.flatnonzero(~used_ref).tolist()]
    linked += [Unit((), (j,)) for j in np.flatnonzero(~used_copy).tolist()]
    alignment = Alignment(tuple(_reading_order(linked)))
    alignment.check_covers(n_ref, n_copy)
    return alignment


# Rows of the matrices scored at a time: the temporaries of a long audit stay small.
_BLOCK_ROWS = 256


def _neighbour_bonus(one_one: np.ndarray, ref_span: int, copy_span: int, first: int, last: int) -> np.ndarray:
    """Best similarity of the diagonal neighbours of each candidate unit starting in rows ``first`` to ``last - 1``.

    For a unit starting at ``(i, j)`` and covering ``ref_span`` x ``copy_span``
    sentences, the neighbours are ``(i-1, j-1)`` and ``(i+ref_span, j+copy_span)``.

    Returns:
        Array of shape ``(last - first, n_copy - copy_span + 1)``.
    """
    n_ref, n_copy = one_one.shape
    count, cols = last - first, n_copy - copy_span + 1
    if count <= 0 or cols <= 0:
        return np.zeros((max(count, 0), max(cols, 0)))
    # Row q of ``padded`` is row first - 1 + q of ``one_one``; -inf outside it.
    padded = np.full((count + ref_span + 1, n_copy + 2), -np.inf)
    low, high = max(first - 1, 0), min(last + ref_span, n_ref)
    padded[low - first + 1 : high - first + 1, 1:-1] = one_one[low:high]
    before = padded[0:count, 0:cols]
    after = padded[1 + ref_span : 1 + ref_span + count, 1 + copy_span : 1 + copy_span + cols]
    best = np.maximum(before, after)
    return np.where(np.isfinite(best), np.clip(best, 0.0, None), 0.0)


def _candidates(similarities: Similarities, params: AlignParams) -> list[_Candidate]:
    """All admissible units, best first, ties broken by position for determinism."""
    one_one = similarities.one_one
    found: list[_Candidate] = []
    for first in range(0, one_one.shape[0], _BLOCK_ROWS):
        last = min(first + _BLOCK_ROWS, one_one.shape[0])
        block = one_one[first:last]
        rank = block + params.neighbour_weight * _neighbour_bonus(one_one, 1, 1, first, last)
        for i, j in zip(*np.nonzero(rank >= params.threshold), strict=True):
            found.append(_Candidate(float(rank[i, j]), float(block[i, j]), (first + int(i),), (int(j),)))
    splits, merges = admissible_joins(similarities, params)
    for i, j, ranked, merged in splits.rows():
        found.append(_Candidate(ranked, merged, (i,), (j, j + 1)))
    for i, j, ranked, merged in merges.rows():
        found.append(_Candidate(ranked, merged, (i, i + 1), (j,)))
    found.sort(key=lambda c: (-c.rank, c.reference_ids, c.copy_ids))
    return found


@dataclass(frozen=True)
class JoinCandidates:
    """The 1-2 (or 2-1) units the aligner may take: where each starts, its rank and its similarity."""

    starts: tuple[np.ndarray, np.ndarray]
    rank: np.ndarray
    merged: np.ndarray

    def rows(self) -> list[tuple[int, int, float, float]]:
        """``(i, j, rank, merged)`` of each unit, in row order."""
        return [
            (int(i), int(j), float(r), float(m))
            for i, j, r, m in zip(*self.starts, self.rank, self.merged, strict=True)
        ]


def admissible_joins(similarities: Similarities, params: AlignParams) -> tuple[JoinCandidates, JoinCandidates]:
    """The 1-2 units (splits) and 2-1 units (merges) the aligner may take, scored block by block.

    A joined unit must beat its best single part by ``merge_gain``, each part
    must reach ``part_floor`` alone, and its rank (with the neighbour bonus)
    must reach the threshold. A join with a ``nan`` score (not embedded) is
    never admissible. Given upper bounds of the joined scores, the same rule
    tells which joins are worth embedding (``mtqa.align.joins``).
    """
    one_one = similarities.one_one
    found = []
    for merged, axis, spans in ((similarities.one_two, 1, (1, 2)), (similarities.two_one, 0, (2, 1))):
        rows_i: list[np.ndarray] = []
        cols_j: list[np.ndarray] = []
        ranks: list[np.ndarray] = []
        scores: list[np.ndarray] = []
        for first in range(0, merged.shape[0], _BLOCK_ROWS):
            last = min(first + _BLOCK_ROWS, merged.shape[0])
            block = merged[first:last]
            if axis == 1:
                one, two = one_one[first:last, :-1], one_one[first:last, 1:]
            else:
                one, two = one_one[first:last], one_one[first + 1 : last + 1]
            rank = block + params.neighbour_weight * _neighbour_bonus(one_one, *spans, first, last)
            with np.errstate(invalid="ignore"):
                admissible = (
                    (block >= np.maximum(one, two) + params.merge_gain)
                    & (np.minimum(one, two) >= params.part_floor)
                    & (rank >= params.threshold)
                )
            i, j = np.nonzero(admissible)
            rows_i.append(i + first)
            cols_j.append(j)
            ranks.append(rank[i, j])
            scores.append(block[i, j])
        empty = np.zeros(0, dtype=np.intp)
        found.append(
            JoinCandidates(
                (np.concatenate([empty, *rows_i]), np.concatenate([empty, *cols_j])),
                np.concatenate([np.zeros(0), *ranks]),
                np.concatenate([np.zeros(0), *scores]),
            )
        )
    return found[0], found[1]


def _reading_order(units: list[Unit]) -> list[Unit]:
    """Order units by the copy; put an omitted reference sentence after its predecessor's unit."""
    key_of_ref: dict[int, tuple[float, float]] = {}
    for unit in units:
        if unit.copy_ids:
            for i in unit.reference_ids:
                key_of_ref[i] = (float(unit.copy_ids[0]), 0.0)

    def key(unit: Unit) -> tuple[float, float]:
        if unit.copy_ids:
            return (float(unit.copy_ids[0]), 0.0)
        first = unit.reference_ids[0]
        earlier = [k for k in key_of_ref if k < first]
        anchor = key_of_ref[max(earlier)][0] if earlier else -1.0
        return (anchor, 1.0 + first / 1e6)

    return sorted(units, key=key)

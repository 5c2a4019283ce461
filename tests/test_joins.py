"""Lazy joins: which adjacent pairs are embedded, and that a join left out is never aligned."""

from __future__ import annotations

import numpy as np
import pytest

from mtqa.align.aligner import AlignParams, align
from mtqa.align.joins import estimated_cosines, joins_to_embed, with_joins
from mtqa.align.similarity import Similarities, cosine_similarities


def unit(*parts: np.ndarray) -> np.ndarray:
    vector = np.sum(parts, axis=0)
    return np.asarray(vector / np.linalg.norm(vector))


def test_a_join_is_estimated_as_the_normalised_sum_of_its_parts() -> None:
    rng = np.random.default_rng(3)
    reference = np.stack([unit(v) for v in rng.standard_normal((3, 8))])
    copy = np.stack([unit(v) for v in rng.standard_normal((4, 8))])
    estimate = estimated_cosines(reference, copy)
    for i in range(3):
        for j in range(3):
            assert estimate.one_two[i, j] == pytest.approx(reference[i] @ unit(copy[j], copy[j + 1]))
    for i in range(2):
        for j in range(4):
            assert estimate.two_one[i, j] == pytest.approx(unit(reference[i], reference[i + 1]) @ copy[j])


def test_only_a_split_the_aligner_could_take_is_embedded() -> None:
    a, b, c, d = np.eye(4)
    reference = np.stack([unit(a, b), d])  # sentence 0 is rendered by copy sentences 0 and 1 together
    copy = np.stack([a, b, c])
    zeros = Similarities(np.zeros((2, 3)), np.zeros((2, 2)), np.zeros((1, 3)))
    assert joins_to_embed(reference, copy, zeros, 0.0, AlignParams()) == ([], [0])


def test_a_join_left_out_is_never_a_unit() -> None:
    a, b = np.eye(2)
    single = np.stack([a, b])
    reference = with_joins(np.stack([unit(a, b)]), ["x"], [], np.zeros((0, 2)))
    copy = with_joins(single, ["p", "q"], [], np.zeros((0, 2)))
    cosine = cosine_similarities(reference, copy)
    assert np.isnan(cosine.one_two).all()
    units = {(u.reference_ids, u.copy_ids) for u in align(cosine, AlignParams(threshold=0.3)).units}
    assert ((0,), (0, 1)) not in units
    embedded = with_joins(single, ["p", "q"], [0], np.stack([unit(a, b)]))
    cosine = cosine_similarities(reference, embedded)
    units = {(u.reference_ids, u.copy_ids) for u in align(cosine, AlignParams(threshold=0.3)).units}
    assert ((0,), (0, 1)) in units

"""Which adjacent sentence pairs to embed joined: only those the aligner could take as a split or a merge.

Embedding every adjacent pair of both documents doubles the embedding work,
and joined texts are twice as long as single ones. Most joins can never
become a unit: a 1-2 unit needs both parts to reach ``part_floor`` with the
same reference sentence, and the joined score to beat both parts and reach
the threshold.

The joined text's vector is not known before it is embedded, but it is close
to the normalised sum of its parts' vectors (the model mean-pools its
tokens). That estimate of the joined cosine, plus ``JOIN_MARGIN`` for what
the estimate misses, is fed to the aligner's own admission rule
(``admissible_joins``) with the exact lexical score of the join; a join
that no counterpart admits under that bound is not embedded. Its scores
are ``nan``, which the aligner never admits.
"""

from __future__ import annotations

import numpy as np

from mtqa.align.aligner import AlignParams, admissible_joins
from mtqa.align.similarity import Similarities, UnitVectors, blend

# How far the joined text's cosine may exceed the normalised sum of its parts'
# vectors. Measured with benchmarks/lazy_joins.py on the alignment calibration
# data (313 cases): 59.8% of joins embedded, link F1 0.9602 as with every join
# (+0.0001); on the fixture pairs 40% of joins, and the same units. With 0.05,
# 41% of joins and F1 -0.0004, but two fixture pairs lose a split.
JOIN_MARGIN = 0.15


def estimated_cosines(reference: np.ndarray, copy: np.ndarray) -> Similarities:
    """Cosines with each adjacent pair estimated as the normalised sum of its two sentence vectors.

    Args:
        reference: L2-normalised sentence vectors of the original, shape ``(n_ref, dim)``.
        copy: The same for the copy, shape ``(n_copy, dim)``.
    """
    one_one = reference @ copy.T

    def pair_norms(vectors: np.ndarray) -> np.ndarray:  # |a + b| = sqrt(2 + 2 cos(a, b)) for unit a, b
        return np.asarray(np.sqrt(np.clip(2.0 + 2.0 * np.sum(vectors[:-1] * vectors[1:], axis=1), 1e-6, None)))

    one_two = (one_one[:, :-1] + one_one[:, 1:]) / pair_norms(copy)[None, :]
    two_one = (one_one[:-1, :] + one_one[1:, :]) / pair_norms(reference)[:, None]
    return Similarities(one_one, one_two, two_one)


def joins_to_embed(
    reference: np.ndarray,
    copy: np.ndarray,
    lexical: Similarities,
    lexical_weight: float,
    params: AlignParams,
    margin: float = JOIN_MARGIN,
) -> tuple[list[int], list[int]]:
    """The joins worth embedding: ``i`` for reference sentences ``i, i+1``, ``j`` for copy sentences ``j, j+1``.

    Args:
        reference: Sentence vectors of the original.
        copy: Sentence vectors of the copy.
        lexical: The exact lexical similarities, joins included.
        lexical_weight: As for ``blend``.
        params: The aligner's parameters.
        margin: Added to each estimated joined cosine (capped at 1).
    """
    estimate = estimated_cosines(reference, copy)
    for joined in (estimate.one_two, estimate.two_one):  # in place: a long audit's largest arrays
        np.minimum(joined + margin, 1.0, out=joined)
    splits, merges = admissible_joins(blend(estimate, lexical, lexical_weight), params)
    return sorted(set(merges.starts[0].tolist())), sorted(set(splits.starts[1].tolist()))


def with_joins(single: np.ndarray, texts: list[str], embed: list[int], vectors: np.ndarray) -> UnitVectors:
    """``UnitVectors`` whose joins ``embed`` have ``vectors`` and whose other joins are ``nan``."""
    joined = np.full((max(len(texts) - 1, 0), single.shape[1]), np.nan, dtype=single.dtype)
    if embed:
        joined[embed] = vectors
    return UnitVectors(single=single, joined=joined)

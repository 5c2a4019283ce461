"""Similarity matrices between two documents, for single and merged sentences.

A document is represented by its sentences and by each pair of adjacent
sentences joined together, so the aligner can test a split (one reference
sentence rendered by two copy sentences) or a merge against the real
embedding of the joined text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from mtqa.errors import MtqaError

_WORD = re.compile(r"\w+")

# The matrices hold every pair of sentences, about 56 bytes a pair while they are built (BENCHMARKS.md,
# "Memory of one audit"): 25 million pairs (5,000 sentences a side) keep an audit under 2 GB.
MAX_SENTENCE_PAIRS = 25_000_000
# And each side at most this many sentences, so their parses and vectors stay small beside the matrices.
MAX_SENTENCES = 20_000

# Share of the lexical (character trigram) score in the blended similarity;
# calibrated with the aligner's thresholds (benchmarks/calibrate_alignment.py).
DEFAULT_LEXICAL_WEIGHT = 0.75


@dataclass(frozen=True)
class Similarities:
    """Scores between reference and copy units, all in ``[-1, 1]``.

    Attributes:
        one_one: Shape ``(n_ref, n_copy)``; reference ``i`` vs copy ``j``.
        one_two: Shape ``(n_ref, n_copy - 1)``; reference ``i`` vs copy ``j, j+1`` joined.
        two_one: Shape ``(n_ref - 1, n_copy)``; reference ``i, i+1`` joined vs copy ``j``.
    """

    one_one: np.ndarray
    one_two: np.ndarray
    two_one: np.ndarray

    def __post_init__(self) -> None:
        n_ref, n_copy = self.one_one.shape
        if self.one_two.shape != (n_ref, max(n_copy - 1, 0)):
            raise ValueError(f"one_two has shape {self.one_two.shape}, expected {(n_ref, max(n_copy - 1, 0))}")
        if self.two_one.shape != (max(n_ref - 1, 0), n_copy):
            raise ValueError(f"two_one has shape {self.two_one.shape}, expected {(max(n_ref - 1, 0), n_copy)}")

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_ref, n_copy)``."""
        n_ref, n_copy = self.one_one.shape
        return int(n_ref), int(n_copy)


@dataclass(frozen=True)
class UnitVectors:
    """Vectors of one document's sentences and of each adjacent pair joined.

    Attributes:
        single: Shape ``(n, dim)``.
        joined: Shape ``(max(n - 1, 0), dim)``; row ``i`` is sentences ``i`` and ``i+1``.
    """

    single: np.ndarray
    joined: np.ndarray


def check_pair_count(n_reference: int, n_copy: int) -> None:
    """Refuse, before any embedding, two texts whose sentence pairs would not fit the memory an audit may use.

    A news story has tens or hundreds of sentences, and 500 kB of ordinary prose about 4,000; only texts
    cut into very short sentences (a word list, a table flattened to lines) reach the limit.

    Raises:
        MtqaError: One line with the counts and what to do, when a side has more than ``MAX_SENTENCES``
            or the pairs are more than ``MAX_SENTENCE_PAIRS``.
    """
    pairs = n_reference * n_copy
    for side, count in (("original", n_reference), ("copy", n_copy)):
        if count > MAX_SENTENCES:
            raise MtqaError(
                f"the {side} has {count:,} sentences, more than the {MAX_SENTENCES:,} an audit reads "
                "within 2 GB of memory; audit the texts in parts"
            )
    if pairs > MAX_SENTENCE_PAIRS:
        raise MtqaError(
            f"the original has {n_reference:,} sentences and the copy {n_copy:,}: {pairs:,} pairs to compare, "
            f"more than the {MAX_SENTENCE_PAIRS:,} an audit compares within 2 GB of memory; audit the texts in parts"
        )


def joined_texts(texts: list[str]) -> list[str]:
    """Return each adjacent pair of ``texts`` joined by a space."""
    return [f"{left} {right}" for left, right in itertools.pairwise(texts)]


def cosine_similarities(reference: UnitVectors, copy: UnitVectors) -> Similarities:
    """Cosine similarities of L2-normalised vectors, as dot products."""
    return Similarities(
        one_one=reference.single @ copy.single.T,
        one_two=reference.single @ copy.joined.T,
        two_one=reference.joined @ copy.single.T,
    )


def char_trigrams(text: str) -> set[str]:
    """Return the set of character trigrams of the lowercased words of ``text``.

    Each word is padded with spaces, so short words and word edges count.
    """
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f" {word} "
        grams.update(padded[k : k + 3] for k in range(len(padded) - 2))
    return grams


def lexical_similarities(reference: list[str], copy: list[str]) -> Similarities:
    """Dice overlap of character trigram sets, for single and joined sentences.

    Trigrams catch shared names, numbers and word stems even when a name is
    mangled by a letter or two, which embeddings of short sentences miss.
    The trigram sets are sparse indicator rows, so the cost grows with the
    trigrams sentences share, not with the whole vocabulary.
    """
    ref_sets = [char_trigrams(t) for t in reference]
    copy_sets = [char_trigrams(t) for t in copy]
    ref_joined = [a | b for a, b in itertools.pairwise(ref_sets)]
    copy_joined = [a | b for a, b in itertools.pairwise(copy_sets)]
    vocabulary = {gram: k for k, gram in enumerate(set().union(*ref_sets, *copy_sets))}

    def indicator(sets: list[set[str]]) -> sparse.csr_array:
        columns = [vocabulary[g] for grams in sets for g in grams]
        rows = np.repeat(np.arange(len(sets)), [len(grams) for grams in sets])
        ones = np.ones(len(columns), dtype=np.float32)
        return sparse.csr_array((ones, (rows, columns)), shape=(len(sets), len(vocabulary)))

    def dice(left: list[set[str]], right: list[set[str]]) -> np.ndarray:
        a, b = indicator(left), indicator(right).T.tocsc()
        sizes = np.array([len(g) for g in left], dtype=np.float32)[:, None] + np.array(
            [len(g) for g in right], dtype=np.float32
        )
        result = np.zeros(sizes.shape, dtype=np.float32)
        for first in range(0, len(left), _ROWS_PER_PRODUCT):  # bounded memory for the sparse products
            rows = slice(first, first + _ROWS_PER_PRODUCT)
            result[rows] = (a[rows] @ b).toarray()
        np.divide(2.0 * result, sizes, out=result, where=sizes > 0)
        return result

    return Similarities(
        one_one=dice(ref_sets, copy_sets),
        one_two=dice(ref_sets, copy_joined),
        two_one=dice(ref_joined, copy_sets),
    )


# Rows of the trigram indicator multiplied at a time: their product is dense.
_ROWS_PER_PRODUCT = 512


def blend(cosine: Similarities, lexical: Similarities, lexical_weight: float) -> Similarities:
    """Weighted mean ``(1 - w) * cosine + w * lexical`` of two sets of matrices.

    The result has the precision of its inputs: float32 vectors and trigram
    scores give float32 scores (a float64 copy would hold the same values in
    twice the memory).
    """
    if not 0.0 <= lexical_weight <= 1.0:
        raise ValueError(f"lexical_weight must be in [0, 1], got {lexical_weight}")

    def mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray((1.0 - lexical_weight) * a + lexical_weight * b)

    return Similarities(
        one_one=mix(cosine.one_one, lexical.one_one),
        one_two=mix(cosine.one_two, lexical.one_two),
        two_one=mix(cosine.two_one, lexical.two_one),
    )

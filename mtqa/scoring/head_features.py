"""The inputs of the learned head: named text features and blocks of the sentence vectors, per segment.

The trainer (``benchmarks/train_learned.py``) and ``mtqa score`` build the
inputs with the same function, ``head_inputs``, so a shipped head reads exactly
what it was trained on. Each name stands for a column (or, for a vector block,
one column per embedding dimension); the head file lists the names it needs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from sacrebleu.metrics.chrf import CHRF

# Text features that need no model. ``base`` is the frame of ``segment_features``
# (cosine, bleu, chrf, rare_words, reference_words); the rest are computed here.
TextFeature = Callable[[pd.DataFrame, list[str], list[str]], np.ndarray]


def _words(texts: list[str]) -> np.ndarray:
    return np.array([len(t.split()) for t in texts], dtype=float)


def _length_ratio(base: pd.DataFrame, references: list[str], hypotheses: list[str]) -> np.ndarray:
    """log((hypothesis words + 1) / (reference words + 1)): below 0 when the rendering is shorter."""
    return np.asarray(np.log((_words(hypotheses) + 1) / (_words(references) + 1)), dtype=float)


def chrf_plus_plus(references: list[str], hypotheses: list[str]) -> np.ndarray:
    """Sentence chrF++ (sacrebleu, word bigrams), 0-100."""
    metric = CHRF(word_order=2)
    return np.array([metric.sentence_score(h, [r]).score for r, h in zip(references, hypotheses, strict=True)])


def other_script_share(text: str) -> float:
    """Share of the letters of ``text`` that are not Latin: a source word left untranslated, in its script."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN")) / len(letters)


def repeated_share(text: str) -> float:
    """Share of the words of ``text`` that repeat an earlier word (lowercased): a looping output scores high."""
    words = text.lower().split()
    return 1 - len(set(words)) / len(words) if len(words) > 1 else 0.0


TEXT_FEATURES: dict[str, TextFeature] = {
    "cosine": lambda base, r, h: base["cosine"].to_numpy(float),
    "chrf": lambda base, r, h: base["chrf"].to_numpy(float) / 100,
    "bleu": lambda base, r, h: base["bleu"].to_numpy(float) / 100,
    "chrf++": lambda base, r, h: chrf_plus_plus(r, h) / 100,
    "length_ratio": _length_ratio,
    "length_gap": lambda base, r, h: np.abs(_length_ratio(base, r, h)),
    "rare_share": lambda base, r, h: base["rare_words"].to_numpy(float) / (_words(h) + 1),
    "other_script": lambda base, r, h: np.array([other_script_share(t) for t in h]),
    "repetition": lambda base, r, h: (
        np.array([repeated_share(t) for t in h]) - np.array([repeated_share(t) for t in r])
    ),
}
# Blocks of the sentence vectors, COMET's way of comparing two embeddings.
VECTOR_BLOCKS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "product": lambda ref, hyp: ref * hyp,
    "difference": lambda ref, hyp: np.abs(hyp - ref),
}


def known_input(name: str) -> bool:
    """Whether ``name`` is a text feature or a vector block."""
    return name in TEXT_FEATURES or name in VECTOR_BLOCKS


def input_width(name: str, dim: int) -> int:
    """The number of columns ``name`` takes in ``head_inputs``: 1, or ``dim`` for a vector block."""
    return dim if name in VECTOR_BLOCKS else 1


def head_inputs(
    names: Sequence[str],
    base: pd.DataFrame,
    references: Sequence[str],
    hypotheses: Sequence[str],
    reference_vectors: np.ndarray | None = None,
    hypothesis_vectors: np.ndarray | None = None,
) -> np.ndarray:
    """The head's input matrix: one column per text feature and ``dim`` per vector block, in ``names`` order.

    Args:
        names: Keys of ``TEXT_FEATURES`` and ``VECTOR_BLOCKS``.
        base: ``segment_features``' frame for these segments.
        references: One reference per segment.
        hypotheses: The hypothesis of each segment.
        reference_vectors: Shape ``(segments, dim)``; needed only for vector blocks.
        hypothesis_vectors: The same for the hypotheses.

    Returns:
        Array of shape ``(segments, columns)``, float64.

    Raises:
        KeyError: For a name that is neither a text feature nor a vector block.
    """
    refs, hyps = list(references), list(hypotheses)
    columns = []
    for name in names:
        if name in TEXT_FEATURES:
            columns.append(np.asarray(TEXT_FEATURES[name](base, refs, hyps), dtype=float)[:, None])
        elif name in VECTOR_BLOCKS:
            if reference_vectors is None or hypothesis_vectors is None:
                raise KeyError(f"the vector block {name!r} needs the sentence vectors")
            columns.append(np.asarray(VECTOR_BLOCKS[name](reference_vectors, hypothesis_vectors), dtype=float))
        else:
            raise KeyError(f"no head input named {name!r}")
    return np.hstack(columns) if columns else np.zeros((len(refs), 0))

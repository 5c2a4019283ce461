"""Score segment-aligned references and hypotheses, as sacrebleu and comet-score do: no alignment."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mtqa.embed.base import DEFAULT_BACKEND, Embedder
from mtqa.errors import MtqaError
from mtqa.scoring.quality import QualityModel, quality_features, shipped_model
from mtqa.scoring.scorers import BleuScorer, ChrfScorer

if TYPE_CHECKING:
    from mtqa.scoring.learned import LearnedHead

# Unique texts embedded per call; also the step of the progress callback.
EMBED_CHUNK = 512
SCORE_COLUMNS = ("cosine", "bleu", "chrf", "rare_words", "reference_words", "expected_errors", "quality")
# Added by ``learned=True``: the head's ranking score, its expected errors and P(no error).
LEARNED_COLUMNS = ("head_score", "learned_errors", "learned")

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with counts of unique texts embedded."""


def embed_unique(embedder: Embedder, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
    """Embed ``texts``, each distinct string once, in length-sorted chunks.

    Args:
        embedder: Any ``Embedder``.
        texts: Strings, possibly repeated.
        progress: Optional ``(done, total)`` callback over the distinct strings.

    Returns:
        Array of shape ``(len(texts), dim)``, row k the vector of ``texts[k]``.
    """
    distinct = sorted(set(texts), key=lambda t: (len(t), t))
    if not distinct:
        return np.zeros((0, 0), dtype=np.float32)
    chunks = []
    for start in range(0, len(distinct), EMBED_CHUNK):
        chunks.append(embedder.encode(distinct[start : start + EMBED_CHUNK]))
        if progress is not None:
            progress(min(start + EMBED_CHUNK, len(distinct)), len(distinct))
    vectors = np.concatenate(chunks)
    row = {text: k for k, text in enumerate(distinct)}
    return vectors[[row[t] for t in texts]]


def check_segments(references: Sequence[str], hypotheses: Sequence[str], allow_empty: bool = True) -> None:
    """Raise ``MtqaError`` for mismatched lengths, non-strings, no segments or empty references.

    An empty hypothesis is a real output (systems do emit empty lines) and is
    scored as given, as sacrebleu does, unless ``allow_empty`` is False. An
    empty reference is always refused. sacrebleu scores it too, but there is
    nothing to score against: its sentence BLEU and chrF are 0 whatever the
    hypothesis, corpus chrF leaves the hypothesis out, and ``quality``, whose
    expected errors grow with the reference's length, would rate it better
    than a perfect long sentence. An empty reference line usually means that
    the files are not aligned.
    """
    if len(references) != len(hypotheses):
        raise MtqaError(f"{len(references)} references but {len(hypotheses)} hypotheses; they must pair up")
    if not references:
        raise MtqaError("no segments to score")
    for side, texts in (("reference", references), ("hypothesis", hypotheses)):
        for k, text in enumerate(texts):
            if not isinstance(text, str):
                raise MtqaError(f"{side} {k + 1} is not a string ({type(text).__name__})")
    for k, (reference, hypothesis) in enumerate(zip(references, hypotheses, strict=True)):
        if not reference.strip():
            raise MtqaError(f"reference {k + 1} is empty; there is nothing to score hypothesis {k + 1} against")
        if not allow_empty and not hypothesis.strip():
            raise MtqaError(f"hypothesis {k + 1} is empty")


def score(
    references: Sequence[str],
    hypotheses: Sequence[str],
    *,
    model: str | None = None,
    backend: str = DEFAULT_BACKEND,
    embedder: Embedder | None = None,
    quality_model: QualityModel | None = None,
    explain: bool = False,
    allow_empty: bool = True,
    progress: Progress | None = None,
    learned: bool | LearnedHead | str | os.PathLike[str] = False,
) -> pd.DataFrame:
    """Score each hypothesis against its reference, segment by segment.

    Texts are scored exactly as given; ``bleu`` and ``chrf`` equal sacrebleu's
    sentence scores (BLEU with effective order, chrF with defaults).

    Args:
        references: One reference per segment.
        hypotheses: The hypothesis of each segment.
        model: A local sentence-transformers model folder; default the packaged
            all-MiniLM-L6-v2. Ignored when ``embedder`` is given.
        backend: ``"onnx"`` (default) or ``"torch"``; see ``mtqa.audit``.
        embedder: Any ``Embedder``.
        quality_model: Parameters of ``quality``; default the shipped ones.
        explain: Add ``contribution_<feature>`` columns: each feature's additive
            share of ``log(expected_errors)``, from the training means; with
            ``learned`` (a linear head), also ``head_<input>``: each input's
            share of ``head_score``.
        allow_empty: Score an empty hypothesis as given (an empty output is a
            real, bad translation; it gets cosine, BLEU and chrF 0), as
            sacrebleu does. False refuses it. An empty reference is always
            refused: there is nothing to score against.
        progress: Optional ``(done, total)`` callback during embedding.
        learned: True adds the shipped learned head's columns
            (``LEARNED_COLUMNS``); a ``LearnedHead``, or the path of a head
            file, adds that head's.

    Returns:
        One row per segment with the columns of ``SCORE_COLUMNS``: ``cosine``,
        ``bleu`` and ``chrf`` (0-100), ``rare_words`` (hypothesis words rare in
        English that the reference does not use), ``reference_words``,
        ``expected_errors`` and ``quality`` (0-1); with ``learned``, also
        ``head_score`` (the learned head's ranking score, higher is better),
        ``learned_errors`` and ``learned`` (0-1, like ``quality``).

    Raises:
        MtqaError: For mismatched lengths, no segments, an empty reference, or
            an empty hypothesis when ``allow_empty`` is False; with ``learned``,
            for a head trained on another model's vectors.
    """
    check_segments(references, hypotheses, allow_empty)
    head = _head(learned)
    if embedder is None:
        from mtqa.embed.factory import default_embedder

        embedder = default_embedder(model, backend)
    if head is not None:  # before any work: a head of another model's vectors is refused at once
        from mtqa.scoring.learned import check_embedder

        check_embedder(head, embedder.encode, embedder.name)
    refs, hyps = list(references), list(hypotheses)
    vectors = embed_unique(embedder, refs + hyps, progress)
    frame = add_quality(features_from_vectors(refs, hyps, vectors), quality_model or shipped_model(), explain)
    if head is None:
        return frame
    return add_learned(frame, head, refs, hyps, vectors[: len(refs)], vectors[len(refs) :], explain)


def _head(learned: bool | LearnedHead | str | os.PathLike[str]) -> LearnedHead | None:
    from mtqa.scoring.learned import LearnedHead, read_head, shipped_head

    if isinstance(learned, LearnedHead):
        return learned
    if isinstance(learned, bool):
        return shipped_head() if learned else None
    if isinstance(learned, str | os.PathLike):
        return read_head(Path(learned))
    raise TypeError(f"learned is True, False, a LearnedHead or a head file's path, not {type(learned).__name__}")


def add_learned(
    frame: pd.DataFrame,
    head: LearnedHead,
    references: list[str],
    hypotheses: list[str],
    reference_vectors: np.ndarray,
    hypothesis_vectors: np.ndarray,
    explain: bool = False,
) -> pd.DataFrame:
    """Return ``frame`` (``segment_features``' columns) with ``LEARNED_COLUMNS`` from ``head``.

    With ``explain`` and a linear head, also ``head_<input>``: each input's share of ``head_score``.
    """
    from mtqa.scoring.head_features import head_inputs, input_width
    from mtqa.scoring.learned import learned_scores

    inputs = head_inputs(head.inputs, frame, references, hypotheses, reference_vectors, hypothesis_vectors)
    columns = learned_scores(head, inputs, frame["reference_words"].to_numpy(float))
    out = frame.assign(**{name: columns[name] for name in LEARNED_COLUMNS})
    if explain and len(head.layers) == 1:
        widths = [input_width(name, reference_vectors.shape[1]) for name in head.inputs]
        shares = head.contributions(inputs, widths)
        out = out.assign(**{f"head_{name}": shares[:, k] for k, name in enumerate(head.inputs)})
    return out


def segment_features(
    references: Sequence[str], hypotheses: Sequence[str], embedder: Embedder, progress: Progress | None = None
) -> pd.DataFrame:
    """The inputs of ``quality`` per segment: cosine, BLEU, chrF, rare words and reference words.

    An empty side gets cosine 0 (sacrebleu already gives it BLEU and chrF 0).
    """
    refs, hyps = list(references), list(hypotheses)
    return features_from_vectors(refs, hyps, embed_unique(embedder, refs + hyps, progress))


def features_from_vectors(references: list[str], hypotheses: list[str], vectors: np.ndarray) -> pd.DataFrame:
    """``segment_features`` from the vectors of ``references + hypotheses`` (shape ``(2 * segments, dim)``)."""
    count = len(references)
    cosine = (vectors[:count] * vectors[count:]).sum(axis=1)
    empty = np.array([not r.strip() or not h.strip() for r, h in zip(references, hypotheses, strict=True)], dtype=bool)
    return text_scores(references, hypotheses, np.where(empty, 0.0, cosine))


def text_scores(references: list[str], hypotheses: list[str], cosine: np.ndarray) -> pd.DataFrame:
    """Given each segment's embedding cosine, add sentence BLEU, chrF and the text features of quality."""
    frame = pd.DataFrame(
        {
            "cosine": np.clip(np.asarray(cosine, dtype=float), -1.0, 1.0),
            "bleu": BleuScorer().sentence_scores(references, hypotheses),
            "chrf": ChrfScorer().sentence_scores(references, hypotheses),
        }
    )
    return pd.concat([frame, quality_features(references, hypotheses)], axis=1)


def add_quality(frame: pd.DataFrame, model: QualityModel, explain: bool = False) -> pd.DataFrame:
    """Return ``frame`` with ``expected_errors`` and ``quality`` (and contributions when ``explain``)."""
    out = frame.assign(expected_errors=model.expected_errors(frame), quality=model.predict(frame))
    if explain:
        contributions = model.contributions(frame).add_prefix("contribution_")
        out = pd.concat([out, contributions], axis=1)
    return out


@dataclass(frozen=True)
class CorpusFigures:
    """Corpus-level figures of a scored set of segments."""

    segments: int
    empty_hypotheses: int
    bleu: float
    chrf: float
    mean_cosine: float
    mean_quality: float
    errors_per_100_words: float
    bleu_signature: str
    chrf_signature: str
    mean_learned: float | None = None
    learned_errors_per_100_words: float | None = None
    learned_signature: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain JSON values."""
        return dict(self.__dict__)


def corpus_figures(
    references: Sequence[str], hypotheses: Sequence[str], scores: pd.DataFrame, learned_signature: str | None = None
) -> CorpusFigures:
    """Corpus BLEU and chrF (sacrebleu, with signatures), mean cosine, mean quality and errors per 100 words.

    ``errors_per_100_words`` is the expected number of rater-marked errors per
    100 reference words: the system figure of ``quality``, comparable across
    corpora of different lengths, and what ranks systems (``docs/quality.md``).
    """
    refs, hyps = list(references), list(hypotheses)
    bleu, chrf = BleuScorer(), ChrfScorer()
    learned = "learned" in scores
    return CorpusFigures(
        segments=len(refs),
        empty_hypotheses=sum(1 for hypothesis in hyps if not hypothesis.strip()),
        bleu=bleu.corpus_score(refs, hyps),
        chrf=chrf.corpus_score(refs, hyps),
        mean_cosine=float(scores["cosine"].mean()),
        mean_quality=float(scores["quality"].mean()),
        errors_per_100_words=errors_per_100_words(scores),
        bleu_signature=bleu.signature(),
        chrf_signature=chrf.signature(),
        mean_learned=float(scores["learned"].mean()) if learned else None,
        learned_errors_per_100_words=errors_per_100_words(scores, "learned_errors") if learned else None,
        learned_signature=learned_signature if learned else None,
    )


def errors_per_100_words(scores: pd.DataFrame, column: str = "expected_errors") -> float:
    """Expected rater-marked errors (``column``) per 100 reference words over the segments of ``scores``."""
    return float(100 * scores[column].sum() / max(scores["reference_words"].sum(), 1))


def system_figures(
    references: Sequence[str],
    hypotheses: Sequence[str],
    scores: pd.DataFrame,
    systems: Sequence[object],
    by: str = "errors_per_100_words",
) -> pd.DataFrame:
    """The corpus figures of each system's segments: one row per system, indexed by its name.

    Args:
        references: One reference per segment.
        hypotheses: The hypothesis of each segment.
        scores: ``score``'s output for these segments.
        systems: The system of each segment.
        by: The column to sort by, fewest first (``learned_errors_per_100_words``
            with the learned columns in ``scores``).

    Returns:
        Columns ``segments``, ``bleu`` and ``chrf`` (corpus), ``mean_chrf`` (of the
        sentence scores, which ranked systems better than corpus chrF on the WMT21
        and TED judgements: ``docs/quality.md``), ``mean_cosine``, ``mean_quality``
        and ``errors_per_100_words``, and with the learned columns in ``scores``
        ``mean_learned`` and ``learned_errors_per_100_words``; sorted by ``by``.
    """
    frame = pd.DataFrame({"reference": list(references), "hypothesis": list(hypotheses), "system": list(systems)})
    rows = {}
    for system, members in frame.groupby("system", sort=True).groups.items():
        mine = scores.iloc[np.asarray(members)]
        figures = corpus_figures(list(frame.reference[members]), list(frame.hypothesis[members]), mine)
        rows[str(system)] = {
            k: v for k, v in figures.to_dict().items() if not k.endswith("_signature") and v is not None
        }
        rows[str(system)]["mean_chrf"] = float(mine["chrf"].mean())
    table = pd.DataFrame.from_dict(rows, orient="index").drop(columns="empty_hypotheses")
    table.index.name = "system"
    return table.sort_values(by, kind="stable")

"""The report's two typed values beside its tables: the document-level ``Summary`` and the ``Signature``."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mtqa.align.repeats import covered_share
from mtqa.detectors.base import LOW_COVERAGE, coverage
from mtqa.nlp.language import MIN_ENGLISH_SHARE
from mtqa.plural import noun, plural
from mtqa.scoring.scorers import BleuScorer, ChrfScorer
from mtqa.types import LABELS, Alignment, Document


class _Fields(Mapping[str, Any]):
    """Read-only mapping access to a frozen dataclass's fields, for code written against the old dicts.

    mtqa reads the fields; ``report.summary["coverage"]`` keeps working in
    users' notebooks.
    """

    def __getitem__(self, key: str) -> Any:
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def _names(self) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(self))  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict, in order (nested values as they are)."""
        return {name: getattr(self, name) for name in self._names()}


@dataclass(frozen=True)
class Summary(_Fields):
    """Document-level figures of one audit, and a verdict that says what they mean.

    Attributes:
        reference_sentences: Sentences of the original (page debris included).
        copy_sentences: Sentences of the copy.
        boilerplate_sentences: Debris sentences per side (``reference``, ``copy``).
        repeat_sentences: Sentences per side that repeat an earlier one of their side
            (``mtqa.segment.repeats``); a repeated sentence counts once in either coverage.
        units: Alignment units; ``aligned_units`` those with both sides.
        units_by_shape: Units per shape (``"1-1"``, ``"1-2"``, ...).
        labels: Units per label.
        coverage: Share of the original's story sentences the copy renders.
        copy_coverage: Share of the copy's story sentences that render the original.
        corpus_bleu: sacrebleu corpus BLEU over the aligned units.
        corpus_chrf: sacrebleu corpus chrF over the aligned units.
        mean_cosine: Mean cosine of the aligned units (nan when none).
        mean_quality: Mean ``quality`` of the aligned units (nan when none).
        flags: Number of flags; by kind and by severity below.
        english_share: Share of common English words per side.
        skipped_detectors: English-only detectors skipped for a non-English copy.
        verdict: One or two sentences for a reader.
    """

    reference_sentences: int
    copy_sentences: int
    boilerplate_sentences: dict[str, int]
    repeat_sentences: dict[str, int]
    units: int
    aligned_units: int
    units_by_shape: dict[str, int]
    labels: dict[str, int]
    coverage: float
    copy_coverage: float
    corpus_bleu: float
    corpus_chrf: float
    mean_cosine: float
    mean_quality: float
    flags: int
    flags_by_kind: dict[str, int]
    flags_by_severity: dict[str, int]
    english_share: dict[str, float]
    skipped_detectors: list[str]
    verdict: str = ""

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Summary:
        """Rebuild a summary from ``to_dict()`` (or its JSON; a missing mean is nan)."""
        fixed = {**values}
        for name in ("mean_cosine", "mean_quality", "corpus_bleu", "corpus_chrf"):
            if fixed.get(name) is None:
                fixed[name] = float("nan")
        return cls(**{f.name: fixed[f.name] for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class Signature(_Fields):
    """What produced a report, as sacrebleu signs its scores: versions, model, and every parameter.

    Attributes:
        mtqa: mtqa's version.
        model: The embedding model; ``backend`` its runtime and precision.
        segmenter: The sentence segmenter.
        similarity: The lexical part of the aligner's similarity, and its weight.
        aligner: The aligner's parameters.
        scorers: Each scorer's sacrebleu signature or definition.
        labels: The label thresholds.
        detectors: Each detector's parameters.
        inputs: Per side ("original", "copy"), what the text was read from when
            the command line read it: ``{"format": "text"}``, or for a saved web
            page the extractor and its version, and the title and date it found.
            Offsets always refer to the text audited (a page's article).
    """

    mtqa: str
    model: str
    backend: str
    segmenter: str
    similarity: dict[str, Any]
    aligner: dict[str, Any]
    scorers: dict[str, Any]
    labels: dict[str, Any]
    detectors: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Signature:
        """Rebuild a signature from ``to_dict()`` or its JSON (one written before ``inputs`` existed too)."""
        return cls(**{f.name: values[f.name] for f in dataclasses.fields(cls) if f.name in values})


def linked_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``pairs`` whose unit has both an original and a copy side (neither omitted nor added)."""
    return pairs[(pairs.reference_ids.map(len) > 0) & (pairs.copy_ids.map(len) > 0)]


def summarize(
    reference: Document,
    copy: Document,
    alignment: Alignment,
    pairs: pd.DataFrame,
    flags: pd.DataFrame,
    english: dict[str, float],
    skipped_detectors: list[str],
) -> Summary:
    """Document-level figures, and a sentence that says what they mean.

    Page debris (boilerplate sentences) counts in neither coverage, and a repeated sentence counts once.
    """
    linked = linked_pairs(pairs)
    story_reference = sum(s.kind != "boilerplate" for s in reference.sentences)
    story_copy = sum(s.kind != "boilerplate" for s in copy.sentences)
    share_rendered = coverage(reference, alignment)
    copy_coverage = covered_share(copy, alignment, "copy")
    refs = [" ".join(reference.sentences[i].norm for i in ids) for ids in linked.reference_ids]
    hyps = [" ".join(copy.sentences[j].norm for j in ids) for ids in linked.copy_ids]
    by_kind = Counter(flags.kind) if len(flags) else Counter()
    by_severity = Counter(flags.severity) if len(flags) else Counter()
    summary = Summary(
        reference_sentences=len(reference),
        copy_sentences=len(copy),
        boilerplate_sentences={"reference": len(reference) - story_reference, "copy": len(copy) - story_copy},
        repeat_sentences={"reference": _repeats(reference), "copy": _repeats(copy)},
        units=len(alignment.units),
        aligned_units=len(linked),
        units_by_shape=dict(Counter(pairs["shape"])),
        labels={label: int((pairs.label == label).sum()) for label in LABELS},
        coverage=round(share_rendered, 4),
        copy_coverage=round(copy_coverage, 4),
        corpus_bleu=BleuScorer().corpus_score(refs, hyps),
        corpus_chrf=ChrfScorer().corpus_score(refs, hyps),
        mean_cosine=float(linked.cosine.mean()) if len(linked) else float("nan"),
        mean_quality=float(linked.quality.mean()) if len(linked) else float("nan"),
        flags=len(flags),
        flags_by_kind=dict(sorted(by_kind.items())),
        flags_by_severity={s: by_severity.get(s, 0) for s in ("major", "minor")},
        english_share={side: round(share, 4) for side, share in english.items()},
        skipped_detectors=skipped_detectors,
    )
    return dataclasses.replace(summary, verdict=verdict(summary))


def _repeats(document: Document) -> int:
    """The story sentences of ``document`` that repeat an earlier one (debris is never a repeat)."""
    return sum(s.repeat_of is not None for s in document.sentences)


def verdict(summary: Summary) -> str:
    """One or two sentences for a reader, including an honest warning at low coverage."""
    n_ref, n_copy = (
        total - summary.boilerplate_sentences[side] - summary.repeat_sentences[side]
        for side, total in (("reference", summary.reference_sentences), ("copy", summary.copy_sentences))
    )
    rendered = round(summary.coverage * n_ref)
    unsourced = n_copy - round(summary.copy_coverage * n_copy)
    text = (
        f"The copy renders {rendered} of {n_ref} original {noun(n_ref, 'sentence')} ({summary.coverage:.0%}); "
        f"{unsourced} of {n_copy} copy {noun(n_copy, 'sentence')} {'has' if unsourced == 1 else 'have'} "
        f"no source in the original; {plural(summary.flags, 'flag')} ({summary.flags_by_severity['major']} major)."
    )
    if summary.coverage < LOW_COVERAGE:
        text += (
            " Low coverage: the copy renders little or none of the original; it may be a different story, "
            "heavily rewritten, or in another language."
        )
    for side, share in summary.english_share.items():
        if share < MIN_ENGLISH_SHARE:
            text += (
                f" The {'original' if side == 'reference' else 'copy'} does not look like English "
                f"({share:.0%} common English words); the English model's scores are unreliable for it."
            )
    if summary.skipped_detectors:
        text += f" Skipped English-only detectors: {', '.join(summary.skipped_detectors)}."
    return text

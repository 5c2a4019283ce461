"""Typed values passed between the stages of an audit."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

Side = Literal["reference", "copy"]
SentenceKind = Literal["headline", "body", "byline", "boilerplate"]
Severity = Literal["major", "minor"]
Label = Literal["faithful", "paraphrase", "garbled", "omitted", "added", "boilerplate", "repeat"]

SIDES: tuple[Side, ...] = ("reference", "copy")
SEVERITIES: tuple[Severity, ...] = ("major", "minor")
# For sorting: the higher, the worse.
SEVERITY_RANK: dict[str, int] = {"major": 2, "minor": 1}
LABELS: tuple[Label, ...] = ("faithful", "paraphrase", "garbled", "omitted", "added", "boilerplate", "repeat")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document, located by character offsets.

    Attributes:
        id: Position of the sentence in its document, from 0.
        start: Offset of the first character in the document text.
        end: Offset one past the last character; ``text == document[start:end]``.
        text: The sentence exactly as it stands in the document.
        norm: The sentence normalised for comparison (quotes, dashes, spaces,
            a leading dateline removed). Never used for offsets.
        paragraph: Index of the paragraph (block of lines) holding it.
        kind: ``"headline"`` for a title line without a full stop, ``"byline"``,
            ``"boilerplate"`` for page debris (a credit, "Posted on"), else ``"body"``.
        debris: Offsets (in the document) of page debris inside a body
            sentence, such as pasted link text; left out of ``norm``.
        repeat_of: The id of the earlier sentence of the same document that
            this one repeats (a scraped page's headline given twice), else
            ``None``; see ``mtqa.segment.repeats``. The earlier one is never a repeat itself.
    """

    id: int
    start: int
    end: int
    text: str
    norm: str
    paragraph: int
    kind: SentenceKind = "body"
    debris: tuple[tuple[int, int], ...] = ()
    repeat_of: int | None = None

    def __post_init__(self) -> None:
        if self.id < 0:
            raise ValueError(f"sentence id must be >= 0, got {self.id}")
        if self.repeat_of is not None and not 0 <= self.repeat_of < self.id:
            raise ValueError(f"sentence {self.id} cannot repeat sentence {self.repeat_of}, which is not before it")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad sentence span [{self.start}, {self.end})")
        if len(self.text) != self.end - self.start:
            raise ValueError("sentence text does not match its span")


@dataclass(frozen=True)
class Document:
    """A text split into sentences; ``sentences[i].id == i``."""

    text: str
    sentences: tuple[Sentence, ...]

    def __post_init__(self) -> None:
        for position, sentence in enumerate(self.sentences):
            if sentence.id != position:
                raise ValueError("sentence ids must be 0..n-1 in order")
            if self.text[sentence.start : sentence.end] != sentence.text:
                raise ValueError(f"sentence {position} does not match the text at its offsets")
            if sentence.repeat_of is not None and self.sentences[sentence.repeat_of].repeat_of is not None:
                raise ValueError(f"sentence {position} must name the first occurrence it repeats")

    def __len__(self) -> int:
        return len(self.sentences)

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> int:
        """Id of the sentence holding ``offset``, or of the last one before it (0 before the first)."""
        return max(bisect.bisect_right(self._starts, offset) - 1, 0)


@dataclass(frozen=True)
class Unit:
    """One alignment unit: reference sentences rendered by copy sentences.

    Either side may be empty (an omitted or an added sentence), never both.
    ``similarity`` is the aligner's combined score for the unit, or ``nan``
    for an unaligned sentence.
    """

    reference_ids: tuple[int, ...]
    copy_ids: tuple[int, ...]
    similarity: float = float("nan")

    def __post_init__(self) -> None:
        if not self.reference_ids and not self.copy_ids:
            raise ValueError("a unit needs at least one sentence")
        for ids in (self.reference_ids, self.copy_ids):
            if list(ids) != sorted(set(ids)):
                raise ValueError(f"unit ids must be increasing and distinct: {ids}")

    @property
    def is_linked(self) -> bool:
        """Whether the unit has both sides: a rendering, not an omitted or an added sentence."""
        return bool(self.reference_ids) and bool(self.copy_ids)

    def ids(self, side: Side) -> tuple[int, ...]:
        """The unit's sentence ids on ``side``."""
        return self.reference_ids if side == "reference" else self.copy_ids


@dataclass(frozen=True)
class Alignment:
    """All units of an audit; every sentence of both sides is in exactly one unit."""

    units: tuple[Unit, ...]

    @cached_property
    def _index(self) -> dict[tuple[Side, int], int]:
        return {(side, i): k for k, unit in enumerate(self.units) for side in SIDES for i in unit.ids(side)}

    def unit_of(self, side: Side, sentence_id: int) -> Unit | None:
        """The unit holding sentence ``sentence_id`` of ``side``, or None if no unit holds it."""
        k = self._index.get((side, sentence_id))
        return self.units[k] if k is not None else None

    def check_covers(self, n_reference: int, n_copy: int) -> None:
        """Raise ``ValueError`` unless each sentence appears in exactly one unit."""
        for side, size in (("reference", n_reference), ("copy", n_copy)):
            seen = sorted(
                i for unit in self.units for i in (unit.reference_ids if side == "reference" else unit.copy_ids)
            )
            if seen != list(range(size)):
                raise ValueError(f"alignment does not cover each {side} sentence exactly once")


@dataclass(frozen=True)
class UnitScores:
    """Faithfulness scores of one unit; nan where a side is empty.

    ``quality`` is the chance that a rater finds no error (``mtqa.scoring.quality``);
    ``rare_words`` is one of its inputs.
    """

    cosine: float
    bleu: float
    chrf: float
    label: Label
    rare_words: float = float("nan")
    quality: float = float("nan")


@dataclass(frozen=True)
class Flag:
    """A problem found in the copy, pointing at an exact span of the copy text.

    Document-level flags (an omission) point at an insertion point instead:
    an empty span, ``start == end``, with ``text == ""``.

    Attributes:
        kind: Detector name, e.g. ``"name"`` or ``"syntax"``.
        severity: ``"major"`` or ``"minor"``.
        copy_id: The copy sentence holding the span (for an insertion point,
            the sentence it follows, or ``None`` at the start of the copy).
        reference_id: The reference sentence that supports the flag, if any.
        start: Offset of the span in the copy text.
        end: Offset one past the span; ``copy[start:end] == text``.
        text: The flagged text.
        suggestion: What the copy should say, or ``None``.
        message: The evidence, in words an editor can check.
    """

    kind: str
    severity: Severity
    copy_id: int | None
    reference_id: int | None
    start: int
    end: int
    text: str
    suggestion: str | None
    message: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        empty_ok = self.start == self.end and self.text == ""
        if not (0 <= self.start < self.end or empty_ok) or len(self.text) != self.end - self.start:
            raise ValueError(f"bad flag span [{self.start}, {self.end}) for {self.text!r}")


@dataclass(frozen=True)
class Word:
    """One word of a sentence, located in its document like a ``Sentence``.

    Attributes:
        sentence_id: The sentence holding it.
        start: Offset in the document text.
        end: Offset one past the word; ``document[start:end] == text``.
        text: The word as written.
    """

    sentence_id: int
    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end or len(self.text) != self.end - self.start:
            raise ValueError(f"bad word span [{self.start}, {self.end}) for {self.text!r}")


@dataclass(frozen=True)
class WordLink:
    """A copy word that renders an original word, inside one linked unit; or a word left unaligned.

    Attributes:
        unit: Index of the unit in ``Alignment.units``.
        reference: The original's word, or None for a copy word that renders none.
        copy: The copy's word, or None for an original word the copy does not render.
        score: How sure the link is, 0 to 1 (nan for an unaligned word).
        match: ``"exact"``, ``"folded"`` (case, accents, transliteration), ``"lemma"``,
            ``"embedding"`` (contextual token similarity), or ``""`` when unaligned.
    """

    unit: int
    reference: Word | None
    copy: Word | None
    score: float
    match: str

    def __post_init__(self) -> None:
        if self.reference is None and self.copy is None:
            raise ValueError("a word link needs a word on at least one side")


@dataclass(frozen=True)
class WordAlignment:
    """Which copy words render which original words, unit by unit (see ``mtqa.align.words``)."""

    links: tuple[WordLink, ...] = ()

    @cached_property
    def _by_reference(self) -> dict[int, list[WordLink]]:
        found: dict[int, list[WordLink]] = {}
        for link in self.links:
            if link.reference is not None and link.copy is not None:
                found.setdefault(link.reference.start, []).append(link)
        return found

    @cached_property
    def linked_copy(self) -> frozenset[int]:
        """The starts of the copy words linked to some original word."""
        return frozenset(link.copy.start for link in self.links if link.copy is not None and link.reference is not None)

    def rendering(self, start: int, end: int) -> list[WordLink]:
        """The links of the original's words inside ``[start, end)``, in the original's order."""
        return [
            link
            for offset in sorted(self._by_reference)
            if start <= offset < end
            for link in self._by_reference[offset]
            if link.reference is not None and link.reference.end <= end
        ]

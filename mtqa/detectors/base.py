"""What every detector sees and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from mtqa.align.repeats import covered_share
from mtqa.nlp.parser import SentenceParses
from mtqa.types import Alignment, Document, Flag, Side, WordAlignment

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from spacy.tokens import Doc


@dataclass(frozen=True)
class AuditContext:
    """The inputs a detector may use: both documents, their alignment, the
    flags of the detectors that ran before it (in registry order), the
    parse of every sentence, shared by all detectors of an audit, and the
    word alignment inside each linked unit (empty when not computed), and
    the audit's sentence encoder (None when a test leaves it out)."""

    reference: Document
    copy: Document
    alignment: Alignment
    prior: tuple[Flag, ...] = ()
    parses: SentenceParses | None = field(default=None, compare=False)
    words: WordAlignment = field(default_factory=WordAlignment, compare=False)
    # The audit's sentence encoder, for a detector that must compare a sentence with a variant of it.
    encode: Callable[[list[str]], np.ndarray] | None = field(default=None, compare=False)

    @cached_property
    def _parses(self) -> SentenceParses:
        return self.parses if self.parses is not None else SentenceParses(self.reference, self.copy)

    def parse(self, side: Side, sentence_id: int) -> Doc:
        """spaCy's parse of sentence ``sentence_id`` of ``side``; each sentence is parsed once per audit."""
        return self._parses.sentence(side, sentence_id)

    def parse_text(self, text: str) -> Doc:
        """spaCy's parse of a text made from a sentence for a second look (a plainer form of it)."""
        return self._parses.extra(text)

    def counterparts(self, copy_id: int) -> tuple[int, ...]:
        """Reference sentence ids aligned with copy sentence ``copy_id``."""
        unit = self.alignment.unit_of("copy", copy_id)
        return unit.reference_ids if unit is not None else ()

    def coverage(self) -> float:
        """See ``coverage``."""
        return coverage(self.reference, self.alignment)

    def copy_before(self, copy_id: int, sentences: int = 3) -> str:
        """The text of the ``sentences`` copy sentences before ``copy_id``: what a pronoun there may refer to."""
        return " ".join(s.text for s in self.copy.sentences[max(0, copy_id - sentences) : copy_id])

    def unit_copy_ids(self, copy_id: int) -> tuple[int, ...]:
        """All copy sentence ids in the unit holding ``copy_id``."""
        unit = self.alignment.unit_of("copy", copy_id)
        return unit.copy_ids if unit is not None else (copy_id,)


# Below this share of original sentences rendered, the "copy" is another story
# (or another language): per-sentence omissions and additions would be noise,
# and the report's verdict says so instead.
LOW_COVERAGE = 0.3


def coverage(reference: Document, alignment: Alignment) -> float:
    """Share of the original's story sentences (not debris) that the copy renders, a repeated one once.

    One definition for the report's summary and the detectors' low-coverage gate
    (``mtqa.align.repeats.covered_share``).
    """
    return covered_share(reference, alignment, "reference")


class Detector(Protocol):
    """Finds one kind of problem in a copy.

    ``english_only`` detectors read English wording (a parser, an English
    lexicon) and are skipped when the copy is not English.
    """

    name: str
    english_only: bool

    def detect(self, context: AuditContext) -> list[Flag]:
        """Return the flags for the whole copy, each with an exact span."""
        ...

    def params(self) -> dict[str, object]:
        """The detector's parameters, for a report's signature."""
        ...

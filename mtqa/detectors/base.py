"""What every detector sees and returns."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from mtqa.types import Alignment, Document, Flag, Unit


@dataclass(frozen=True)
class AuditContext:
    """The inputs a detector may use: both documents, their alignment, and the
    flags of the detectors that ran before it (in registry order)."""

    reference: Document
    copy: Document
    alignment: Alignment
    prior: tuple[Flag, ...] = ()

    @cached_property
    def _unit_of_copy(self) -> dict[int, Unit]:
        return {j: unit for unit in self.alignment.units for j in unit.copy_ids}

    def counterparts(self, copy_id: int) -> tuple[int, ...]:
        """Reference sentence ids aligned with copy sentence ``copy_id``."""
        unit = self._unit_of_copy.get(copy_id)
        return unit.reference_ids if unit is not None else ()

    def coverage(self) -> float:
        """See ``coverage``."""
        return coverage(self.reference, self.alignment)

    def unit_copy_ids(self, copy_id: int) -> tuple[int, ...]:
        """All copy sentence ids in the unit holding ``copy_id``."""
        unit = self._unit_of_copy.get(copy_id)
        return unit.copy_ids if unit is not None else (copy_id,)


# Below this share of original sentences rendered, the "copy" is another story
# (or another language): per-sentence omissions and additions would be noise,
# and the report's verdict says so instead.
LOW_COVERAGE = 0.3


def coverage(reference: Document, alignment: Alignment) -> float:
    """Share of the original's story sentences (not debris) that the copy renders.

    One definition for the report's summary and the detectors' low-coverage gate.
    """
    story = [s.id for s in reference.sentences if s.kind != "boilerplate"]
    rendered = {i for unit in alignment.units if unit.copy_ids for i in unit.reference_ids}
    return len(rendered.intersection(story)) / len(story) if story else 0.0


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

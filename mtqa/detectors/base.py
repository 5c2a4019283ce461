"""What every detector sees and returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from mtqa.types import Alignment, Document, Flag


@dataclass(frozen=True)
class AuditContext:
    """The inputs a detector may use: both documents and their alignment."""

    reference: Document
    copy: Document
    alignment: Alignment

    def counterparts(self, copy_id: int) -> tuple[int, ...]:
        """Reference sentence ids aligned with copy sentence ``copy_id``."""
        for unit in self.alignment.units:
            if copy_id in unit.copy_ids:
                return unit.reference_ids
        return ()

    def unit_copy_ids(self, copy_id: int) -> tuple[int, ...]:
        """All copy sentence ids in the unit holding ``copy_id``."""
        for unit in self.alignment.units:
            if copy_id in unit.copy_ids:
                return unit.copy_ids
        return (copy_id,)


class Detector(Protocol):
    """Finds one kind of problem in a copy."""

    name: str

    def detect(self, context: AuditContext) -> list[Flag]:
        """Return the flags for the whole copy, each with an exact span."""
        ...

    def params(self) -> dict[str, object]:
        """The detector's parameters, for a report's signature."""
        ...

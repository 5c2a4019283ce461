"""Detectors of problems in a copy, in a plain registry keyed by flag kind.

They run in registry order; a later detector sees the earlier ones' flags
(an addition is not reported for a sentence already flagged as a fragment).
"""

from __future__ import annotations

from mtqa.detectors.additions import AdditionDetector
from mtqa.detectors.base import AuditContext, Detector
from mtqa.detectors.boilerplate import BoilerplateDetector
from mtqa.detectors.meaning import MeaningDetector
from mtqa.detectors.names import NameDetector
from mtqa.detectors.numbers import NumberDetector
from mtqa.detectors.omissions import OmissionDetector
from mtqa.detectors.quotes import QuoteDetector
from mtqa.detectors.spelling import SpellingDetector
from mtqa.detectors.syntax import SyntaxDetector

DETECTORS: dict[str, type[Detector]] = {
    BoilerplateDetector.name: BoilerplateDetector,
    NameDetector.name: NameDetector,
    SyntaxDetector.name: SyntaxDetector,
    QuoteDetector.name: QuoteDetector,
    NumberDetector.name: NumberDetector,
    MeaningDetector.name: MeaningDetector,
    SpellingDetector.name: SpellingDetector,
    OmissionDetector.name: OmissionDetector,
    AdditionDetector.name: AdditionDetector,
}

__all__ = [
    "DETECTORS",
    "AdditionDetector",
    "AuditContext",
    "BoilerplateDetector",
    "Detector",
    "MeaningDetector",
    "NameDetector",
    "NumberDetector",
    "OmissionDetector",
    "QuoteDetector",
    "SpellingDetector",
    "SyntaxDetector",
]

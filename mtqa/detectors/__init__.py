"""Detectors of problems in a copy, in a plain registry keyed by flag kind."""

from __future__ import annotations

from mtqa.detectors.base import AuditContext, Detector
from mtqa.detectors.names import NameDetector
from mtqa.detectors.syntax import SyntaxDetector

DETECTORS: dict[str, type[NameDetector] | type[SyntaxDetector]] = {
    NameDetector.name: NameDetector,
    SyntaxDetector.name: SyntaxDetector,
}

__all__ = ["DETECTORS", "AuditContext", "Detector", "NameDetector", "SyntaxDetector"]

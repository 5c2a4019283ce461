"""mtqa: audit a machine-translated or spun copy of a news story against its original."""

from __future__ import annotations

__version__ = "0.1.0"

from mtqa.analysis import flags_frame
from mtqa.errors import MtqaError
from mtqa.pipeline import audit
from mtqa.report import Report
from mtqa.scoring import score

__all__ = ["MtqaError", "Report", "__version__", "audit", "flags_frame", "score"]

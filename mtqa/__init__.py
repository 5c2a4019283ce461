"""mtqa: audit a machine-translated or spun copy of a news story against its original."""

from __future__ import annotations

from mtqa.archive.find import find
from mtqa.batch.tables import BatchTables, read_batch
from mtqa.errors import MtqaError
from mtqa.pipeline import audit
from mtqa.report.analysis import flags_frame
from mtqa.report.report import Report
from mtqa.scoring.segments import score
from mtqa.version import VERSION as __version__

__all__ = [
    "BatchTables",
    "MtqaError",
    "Report",
    "__version__",
    "audit",
    "find",
    "flags_frame",
    "read_batch",
    "score",
]

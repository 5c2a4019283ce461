"""mtqa: audit a machine-translated or spun copy of a news story against its original."""

from __future__ import annotations

__version__ = "0.1.0"

from mtqa.errors import MtqaError  # noqa: E402
from mtqa.pipeline import audit  # noqa: E402
from mtqa.report import Report  # noqa: E402

__all__ = ["MtqaError", "Report", "__version__", "audit"]

"""Page debris in the copy: flagged as boilerplate, not as a translation error."""

from __future__ import annotations

from mtqa.detectors.base import AuditContext
from mtqa.types import Flag


class BoilerplateDetector:
    """Flags copy debris: whole debris lines, and link text pasted inside a sentence.

    Segmentation finds the debris (``mtqa.segment.boilerplate``); it is left out of
    alignment and scores, and these minor flags say so. Debris in the original
    is marked the same way in ``Report.sentences`` (kind ``boilerplate``).
    """

    name = "boilerplate"
    english_only = False

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``."""
        flags = []
        for sentence in context.copy.sentences:
            spans = [(sentence.start, sentence.end)] if sentence.kind == "boilerplate" else list(sentence.debris)
            for start, end in spans:
                flags.append(
                    Flag(
                        kind=self.name,
                        severity="minor",
                        copy_id=sentence.id,
                        reference_id=None,
                        start=start,
                        end=end,
                        text=context.copy.text[start:end],
                        suggestion=None,
                        message="page debris (a credit, date line, sharing prompt or link text), "
                        "not a translation error; left out of alignment and scores",
                    )
                )
        return flags

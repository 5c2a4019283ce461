"""Additions: copy sentences with no source in the original."""

from __future__ import annotations

from mtqa.align.repeats import unlinked_repeats
from mtqa.detectors.base import LOW_COVERAGE, AuditContext
from mtqa.nlp.facts import key_facts
from mtqa.types import Flag


class AdditionDetector:
    """Flags each body sentence of the copy that renders nothing of the original.

    Fragments already flagged as major syntax errors, page debris and a
    repeat of an earlier copy sentence (``mtqa.align.repeats``) are not
    additions. An added sentence that asserts a number, a quotation or a name
    the original never mentions is major (an invented fact); otherwise minor.
    """

    name = "addition"
    english_only = True  # rests on the English model's alignment

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``; nothing when the copy is not a copy of the original at all."""
        if context.coverage() < LOW_COVERAGE:
            return []
        sourced = {j for unit in context.alignment.units if unit.reference_ids for j in unit.copy_ids}
        fragments = {f.copy_id for f in context.prior if f.kind == "syntax" and f.severity == "major"}
        repeats = unlinked_repeats(context.copy, context.alignment, "copy")  # saying a thing twice adds nothing
        original = context.reference.text.lower()
        flags = []
        for sentence in context.copy.sentences:
            if sentence.id in sourced or sentence.id in fragments or sentence.id in repeats or sentence.kind != "body":
                continue
            facts = key_facts(sentence.norm)
            new_names = [n for n in facts.names if n.lower() not in original]
            new_numbers = [n for n in facts.numbers if n.lower() not in original]
            invented = bool(new_numbers or facts.quotes or new_names)
            evidence = "; it asserts " + facts.describe() if facts else ""
            flags.append(
                Flag(
                    kind=self.name,
                    severity="major" if invented else "minor",
                    copy_id=sentence.id,
                    reference_id=None,
                    start=sentence.start,
                    end=sentence.end,
                    text=sentence.text,
                    suggestion=None,
                    message=f"no source in the original{evidence}",
                )
            )
        return flags

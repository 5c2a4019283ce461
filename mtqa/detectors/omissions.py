"""Omissions: runs of original sentences with key facts that the copy does not render."""

from __future__ import annotations

from mtqa.detectors.base import LOW_COVERAGE, AuditContext
from mtqa.nlp.facts import KeyFacts, key_facts
from mtqa.types import Flag, Sentence


class OmissionDetector:
    """Flags each run of consecutive unrendered body sentences of the original that
    carries a key fact (a name, a number or a quotation).

    The flag is document-level: an empty span at the copy position where the
    material would stand (after the copy sentence rendering the nearest earlier
    original sentence), ``reference_id`` the run's first sentence, the omitted
    text as ``suggestion``, and the missing facts in the message. A run with a
    number or a quotation is major; one with names only is minor.
    """

    name = "omission"
    english_only = True  # rests on the English model's alignment

    def params(self) -> dict[str, object]:
        """See ``Detector.params``."""
        return {}

    def detect(self, context: AuditContext) -> list[Flag]:
        """See ``Detector.detect``; nothing when the copy is not a copy of the original at all."""
        if context.coverage() < LOW_COVERAGE:
            return []
        rendered = {i for unit in context.alignment.units if unit.copy_ids for i in unit.reference_ids}
        runs: list[list[Sentence]] = []
        for sentence in context.reference.sentences:
            if sentence.id in rendered or sentence.kind != "body":
                continue
            if runs and runs[-1][-1].id == sentence.id - 1:
                runs[-1].append(sentence)
            else:
                runs.append([sentence])
        flags = []
        for run in runs:
            facts = [key_facts(s.norm) for s in run]
            merged = KeyFacts(
                tuple(n for f in facts for n in f.names),
                tuple(n for f in facts for n in f.numbers),
                tuple(q for f in facts for q in f.quotes),
            )
            if not merged:
                continue
            anchor = self._anchor(context, run[0].id, rendered)
            at = context.copy.sentences[anchor].end if anchor is not None else 0
            ids = f"{run[0].id}" if len(run) == 1 else f"{run[0].id}-{run[-1].id}"
            flags.append(
                Flag(
                    kind=self.name,
                    severity="major" if merged.numbers or merged.quotes else "minor",
                    copy_id=anchor,
                    reference_id=run[0].id,
                    start=at,
                    end=at,
                    text="",
                    suggestion=" ".join(s.text for s in run),
                    message=f"not rendered: original sentence(s) {ids}, with {merged.describe()}",
                )
            )
        return flags

    @staticmethod
    def _anchor(context: AuditContext, reference_id: int, rendered: set[int]) -> int | None:
        """The last copy sentence rendering the nearest earlier rendered original sentence."""
        for earlier in range(reference_id - 1, -1, -1):
            if earlier in rendered:
                for unit in context.alignment.units:
                    if earlier in unit.reference_ids and unit.copy_ids:
                        return unit.copy_ids[-1]
        return None

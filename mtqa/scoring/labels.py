"""The label of an alignment unit, from its cosine and chrF.

Thresholds (see ``docs/calibration.md`` for how they were chosen on the
human MQM judgements of ``mqm_ted_zhen.tsv``):

- ``omitted``: no copy sentence renders the reference sentence(s);
- ``added``: the copy sentence(s) render nothing of the reference;
- ``garbled``: the copy side carries a major flag (a mangled name, a broken
  sentence), or its cosine is below ``GARBLED_COSINE``: less similar to its
  source than 95% of the renderings human raters found flawless;
- ``faithful``: cosine at least ``FAITHFUL_COSINE`` and chrF at least
  ``FAITHFUL_CHRF``, the pair that best separates flawless renderings from
  the rest (balanced accuracy, calibration talks);
- ``paraphrase``: anything else: the meaning is kept in other words.

Two labels come before these rules (``mtqa.scoring.units``): ``boilerplate``
for page debris and ``repeat`` for an unaligned sentence that repeats one of
its own side (``mtqa.align.repeats``); neither is an omission or an addition.

Cosine cannot see a single mistranslated word or an inverted fact: as a
detector of MQM major accuracy errors it is near chance (balanced accuracy
0.49 on held-out talks). Those are the flags' job, which is why a major flag
makes a unit garbled. Re-derive with ``python benchmarks/calibrate_labels.py``.
"""

from __future__ import annotations

import math

from mtqa.types import Label

# The labels that are no finding: shown in a neutral colour, never as omitted or added, counted in no coverage.
NEUTRAL_LABELS: tuple[Label, ...] = ("boilerplate", "repeat")

GARBLED_COSINE = 0.48
FAITHFUL_COSINE = 0.7
FAITHFUL_CHRF = 67.5


def label_unit(cosine: float, chrf: float, has_reference: bool, has_copy: bool, major_flags: int = 0) -> Label:
    """Return the label of one unit.

    Args:
        cosine: Embedding cosine of the unit's two sides (nan if one is empty).
        chrf: chrF of the copy side against the reference side, 0-100.
        has_reference: Whether the unit has reference sentences.
        has_copy: Whether the unit has copy sentences.
        major_flags: Number of major flags on the unit's copy sentences.

    Returns:
        One of ``faithful``, ``paraphrase``, ``garbled``, ``omitted``, ``added``.
    """
    if not has_copy:
        return "omitted"
    if not has_reference:
        return "added"
    if major_flags or math.isnan(cosine) or cosine < GARBLED_COSINE:
        return "garbled"
    if cosine >= FAITHFUL_COSINE and chrf >= FAITHFUL_CHRF:
        return "faithful"
    return "paraphrase"


def thresholds() -> dict[str, float]:
    """The thresholds, for a report's signature."""
    return {"garbled_cosine": GARBLED_COSINE, "faithful_cosine": FAITHFUL_COSINE, "faithful_chrf": FAITHFUL_CHRF}

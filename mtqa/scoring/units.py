"""Scores of alignment units: cosine off the matrices, BLEU, chrF and quality of the joined texts, a label."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from mtqa.align.repeats import unlinked_repeats
from mtqa.align.similarity import Similarities
from mtqa.scoring.labels import label_unit
from mtqa.scoring.quality import shipped_model
from mtqa.scoring.segments import add_quality, text_scores
from mtqa.types import Alignment, Document, Flag, Label, Side, Unit, UnitScores


def unit_cosine(unit: Unit, cosine: Similarities) -> float:
    """The embedding cosine of a 1-1, 1-2 or 2-1 unit, read off the matrices."""
    refs, copies = unit.reference_ids, unit.copy_ids
    if not refs or not copies:
        return float("nan")
    if len(refs) == 1 and len(copies) == 1:
        return float(cosine.one_one[refs[0], copies[0]])
    if len(refs) == 1 and len(copies) == 2:
        return float(cosine.one_two[refs[0], copies[0]])
    if len(refs) == 2 and len(copies) == 1:
        return float(cosine.two_one[refs[0], copies[0]])
    raise ValueError(f"unsupported unit shape {len(refs)}-{len(copies)}")


def unit_texts(unit: Unit, reference: Document, copy: Document) -> tuple[str, str]:
    """The normalised text of each side of ``unit``, sentences joined by a space."""
    return (
        " ".join(reference.sentences[i].norm for i in unit.reference_ids),
        " ".join(copy.sentences[j].norm for j in unit.copy_ids),
    )


def score_units(
    reference: Document, copy: Document, alignment: Alignment, cosine: Similarities, flags: Sequence[Flag] = ()
) -> list[UnitScores]:
    """Score every unit: cosine, sentence BLEU and chrF, quality, and its label (which counts major flags).

    Page debris is labelled ``boilerplate`` and an unaligned repeat of a sentence of its own side ``repeat``
    (``mtqa.align.repeats``), never ``omitted`` or ``added``.
    """
    major = Counter(flag.copy_id for flag in flags if flag.severity == "major")
    linked = [k for k, u in enumerate(alignment.units) if u.is_linked]
    texts = [unit_texts(alignment.units[k], reference, copy) for k in linked]
    refs, hyps = [t[0] for t in texts], [t[1] for t in texts]
    unit_cosines = np.array([unit_cosine(alignment.units[k], cosine) for k in linked], dtype=float)
    features = text_scores(refs, hyps, unit_cosines)
    rows = dict(zip(linked, add_quality(features, shipped_model()).to_dict(orient="records"), strict=True))
    missing = dict.fromkeys(("bleu", "chrf", "rare_words", "quality"), float("nan"))
    repeats: dict[Side, set[int]] = {
        "reference": unlinked_repeats(reference, alignment, "reference"),
        "copy": unlinked_repeats(copy, alignment, "copy"),
    }
    scores = []
    for k, unit in enumerate(alignment.units):
        cos = unit_cosine(unit, cosine)
        row = rows.get(k, missing)
        label: Label
        if _is_debris(unit, reference, copy):
            label = "boilerplate"
        elif _is_repeat(unit, repeats):
            label = "repeat"
        else:
            label = label_unit(
                cos,
                float(row["chrf"]),
                bool(unit.reference_ids),
                bool(unit.copy_ids),
                major_flags=sum(major[j] for j in unit.copy_ids),
            )
        scores.append(
            UnitScores(
                cosine=round(min(cos, 1.0), 6) if not np.isnan(cos) else cos,
                bleu=float(row["bleu"]),
                chrf=float(row["chrf"]),
                rare_words=float(row["rare_words"]),
                quality=float(row["quality"]),
                label=label,
            )
        )
    return scores


def _is_repeat(unit: Unit, repeats: dict[Side, set[int]]) -> bool:
    """Whether an unaligned unit holds only repeats (``mtqa.align.repeats``): neither omitted nor added."""
    if unit.is_linked:
        return False
    side: Side = "reference" if unit.reference_ids else "copy"
    return set(unit.ids(side)) <= repeats[side]


def _is_debris(unit: Unit, reference: Document, copy: Document) -> bool:
    kinds = [reference.sentences[i].kind for i in unit.reference_ids] + [copy.sentences[j].kind for j in unit.copy_ids]
    return all(kind == "boilerplate" for kind in kinds)

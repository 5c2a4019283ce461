"""Notebook helpers: the flags joined with the sentences and units they belong to."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from mtqa.types import SEVERITY_RANK

if TYPE_CHECKING:
    from mtqa.report.report import Report


def flags_frame(report: Report) -> pd.DataFrame:
    """Return ``report.flags`` with the columns a notebook filters and groups on.

    Added columns:

    - ``document_level``: True for a flag on an insertion point (an omission);
    - ``severity_rank``: 2 for major, 1 for minor, for sorting;
    - ``unit``: the row of ``report.pairs`` holding the flag's copy sentence
      (for an omission, its reference sentence), and that unit's ``label``
      and ``shape``;
    - ``paragraph``: the copy paragraph, and ``position``: the flag's start as
      a share of the copy's length (0 at the top, 1 at the bottom);
    - ``copy_sentence`` and ``reference_sentence``: the texts of the sentences
      the flag points at (empty when there is none).

    Args:
        report: An audit report.

    Returns:
        A new DataFrame, one row per flag, in the order of ``report.flags``.
    """
    flags = report.flags.copy()
    sentences: dict[tuple[str, int], tuple[str, int]] = {
        (str(side), int(i)): (str(text), int(paragraph))
        for side, i, text, paragraph in zip(
            report.sentences.side, report.sentences.id, report.sentences.text, report.sentences.paragraph, strict=True
        )
    }
    unit_of_copy = {int(j): k for k, ids in enumerate(report.pairs.copy_ids) for j in ids}
    unit_of_reference = {int(i): k for k, ids in enumerate(report.pairs.reference_ids) for i in ids}
    copy_ends = report.sentences.end[report.sentences.side == "copy"]
    copy_length = max(int(copy_ends.max()), 1) if len(copy_ends) else 1

    def known(value: object) -> int | None:
        return None if value is None or pd.isna(value) else int(str(value))  # type: ignore[call-overload]

    units: list[int | None] = []
    for start, end, copy_id, reference_id in zip(
        flags.start, flags.end, flags.copy_id, flags.reference_id, strict=True
    ):
        j, i = known(copy_id), known(reference_id)
        if start != end and j is not None:
            units.append(unit_of_copy.get(j))
        else:
            units.append(unit_of_reference.get(i) if i is not None else None)

    flags["document_level"] = flags.start == flags.end
    flags["severity_rank"] = flags.severity.map(SEVERITY_RANK).astype("int64")
    flags["unit"] = pd.Series(units, index=flags.index, dtype="Int64")
    flags["label"] = [None if k is None else str(report.pairs.label.iloc[k]) for k in units]
    flags["shape"] = [None if k is None else str(report.pairs["shape"].iloc[k]) for k in units]
    paragraphs = [None if (j := known(c)) is None else sentences[("copy", j)][1] for c in flags.copy_id]
    flags["paragraph"] = pd.Series(paragraphs, index=flags.index, dtype="Int64")
    flags["position"] = (flags.start / copy_length).round(4)
    flags["copy_sentence"] = ["" if (j := known(c)) is None else sentences[("copy", j)][0] for c in flags.copy_id]
    flags["reference_sentence"] = [
        "" if (i := known(r)) is None else sentences[("reference", i)][0] for r in flags.reference_id
    ]
    return flags

"""How an alignment treats repeated sentences: a repeat is neither left out nor added, and counts once.

A sentence and the later sentences that repeat it (``Sentence.repeat_of``)
form a group that says one thing. The group is rendered when the copy
renders any of its members; a member the copy leaves unrendered is then a
``repeat``, not an omission. When no member is rendered, the first one
carries the omission and the later ones are still repeats, so the loss is
counted once. The same holds on the copy's side for additions.
"""

from __future__ import annotations

from mtqa.types import Alignment, Document, Sentence, Side


def first_occurrence(sentence: Sentence) -> int:
    """The id of the sentence that ``sentence`` repeats, or its own id when it repeats none."""
    return sentence.repeat_of if sentence.repeat_of is not None else sentence.id


def linked_ids(alignment: Alignment, side: Side) -> set[int]:
    """The ids of the ``side`` sentences in a unit that has both sides."""
    return {i for unit in alignment.units if unit.is_linked for i in unit.ids(side)}


def unlinked_repeats(document: Document, alignment: Alignment, side: Side) -> set[int]:
    """The sentences of ``side`` left unaligned that are repeats, not omissions (or additions).

    Args:
        document: The ``side`` document.
        alignment: The audit's alignment.
        side: ``"reference"`` or ``"copy"``.

    Returns:
        The ids of the unaligned sentences that repeat an earlier one, and of
        the unaligned first occurrences whose content a linked repeat renders.
    """
    linked = linked_ids(alignment, side)
    rendered_groups = {first_occurrence(document.sentences[i]) for i in linked}
    grouped = {s.repeat_of for s in document.sentences if s.repeat_of is not None}
    return {
        s.id
        for s in document.sentences
        if s.id not in linked and (s.repeat_of is not None or (s.id in grouped and s.id in rendered_groups))
    }


def covered_share(document: Document, alignment: Alignment, side: Side) -> float:
    """Share of ``side``'s story sentences (not page debris) with a counterpart, each group of repeats once.

    Args:
        document: The ``side`` document.
        alignment: The audit's alignment.
        side: ``"reference"`` (the coverage: what the copy renders of the
            original) or ``"copy"`` (the copy coverage: what of the copy has a source).

    Returns:
        The share, 0.0 for a document with no story sentence.
    """
    groups = {first_occurrence(s) for s in document.sentences if s.kind != "boilerplate"}
    linked = {first_occurrence(document.sentences[i]) for i in linked_ids(alignment, side)}
    return len(groups & linked) / len(groups) if groups else 0.0

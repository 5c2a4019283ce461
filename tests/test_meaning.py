"""Meaning inverted (issue 13, pattern 6): negations added or removed, and predicates turned into their opposites."""

from __future__ import annotations

import pytest

from mtqa.detectors import MeaningDetector
from tests.conftest import make_context


def meaning(original: str, copy: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.suggestion) for f in MeaningDetector().detect(make_context(original, copy))]


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        (
            "The port authority did not confirm the closure on Tuesday.",
            "The port authority confirmed the closure on Tuesday.",
            [("confirmed", "The port authority did not confirm the closure on Tuesday.")],
        ),
        (
            "The port authority confirmed the closure on Tuesday.",
            "The port authority did not confirm the closure on Tuesday.",
            [("not", "The port authority confirmed the closure on Tuesday.")],
        ),
        (
            "Investigators have never found the second engine.",
            "Investigators have found the second engine.",
            [("found", "Investigators have never found the second engine.")],
        ),
        (
            "Grain exports rose by a fifth in the first quarter.",
            "Grain exports fell by a fifth in the first quarter.",
            [("fell", "Grain exports rose by a fifth in the first quarter.")],
        ),
        (
            "The assembly approved the water tariff after a long debate.",
            "The assembly rejected the water tariff after a long debate.",
            [("rejected", "The assembly approved the water tariff after a long debate.")],
        ),
        (
            "The coastal road was not safe for lorries, engineers said.",
            "The coastal road was safe for lorries, engineers said.",
            [("safe", "The coastal road was not safe for lorries")],  # its clause, not the attribution
        ),
    ],
)
def test_an_inverted_meaning_is_flagged_with_the_original_clause(
    original: str, copy: str, expected: list[tuple[str, str]]
) -> None:
    assert meaning(original, copy) == expected


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        # a negation said another way is no inversion
        ("The port authority did not confirm the closure.", "The port authority declined to confirm the closure."),
        ("The rescuers could not reach the village.", "The rescuers failed to reach the village."),
        ("No one was hurt in the fire, officials said.", "Nobody was hurt in the fire, officials said."),
        ("The driver left without telling the police.", "The driver left and did not tell the police."),
        # two inversions cancel
        ("Prices did not rise this year.", "Prices did not rise in the year."),
        # a faithful rendering and a plain paraphrase
        ("Grain exports rose by a fifth.", "Grain exports increased by a fifth."),
        ("The assembly approved the tariff.", "Lawmakers backed the tariff."),
        # a negation inside a quotation is the quote detector's
        ('She said: "We will close the port."', 'She said: "We will not close the port."'),
    ],
)
def test_the_same_meaning_is_not_flagged(original: str, copy: str) -> None:
    assert meaning(original, copy) == []


def test_a_flag_names_its_unit_and_is_major() -> None:
    original = "The mayor opened the bridge. Traffic did not resume until noon."
    copy = "The mayor closed the bridge. Traffic resumed until noon."
    flags = MeaningDetector().detect(make_context(original, copy))
    assert [(f.copy_id, f.reference_id, f.severity, f.text) for f in flags] == [
        (0, 0, "major", "closed"),
        (1, 1, "major", "resumed"),
    ]
    assert all(copy[f.start : f.end] == f.text for f in flags)


@pytest.mark.parametrize(
    ("original", "copy", "flagged"),
    [
        # the verb reworded and negated: no shared lemma, the main clauses still disagree
        (
            "The ministry expects the harvest to recover by autumn.",
            "The ministry does not anticipate a recovery of the harvest by autumn.",
            "not",
        ),
        (
            "The ferry operator has cancelled the evening crossings.",
            "The ferry company has not called off the evening crossings.",
            "not",
        ),
        # the negation dropped while the verb was reworded
        (
            "The inspectors did not visit the second warehouse.",
            "The inspectors toured the second warehouse.",
            "toured",
        ),
    ],
)
def test_a_main_clause_negated_on_one_side_only_is_flagged(original: str, copy: str, flagged: str) -> None:
    flags = meaning(original, copy)
    assert [text for text, _ in flags] == [flagged]
    assert flags[0][1] == original  # the original sentence as the suggestion


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        # "not" said another way on the other side
        ("The pupils had trouble reading the new maps.", "The pupils could not read the new maps."),
        ("Instead of wheat, the farmers planted barley.", "The farmers did not plant wheat but barley."),
        ("Repairs were impossible before the thaw.", "Repairs were not possible before the thaw."),
        # both sides negated, in other words
        ("The council never discussed the budget.", "The council did not debate the budget."),
        # a question: its parse is not trusted
        ("Will the ferry sail on Sunday?", "Won't the ferry sail on Sunday?"),
    ],
)
def test_a_negation_said_another_way_is_not_a_main_clause_inversion(original: str, copy: str) -> None:
    assert meaning(original, copy) == []

"""Numbers on faithful text (issue 23): the same figure written another way is no changed number.

Each rule has a faithful pair that the detector used to flag as a major change, and a garbled
pair that it must still flag.
"""

from __future__ import annotations

import pytest

from mtqa.detectors.numbers import NumberDetector
from mtqa.nlp.quantities import sentence_quantities
from mtqa.segment.sentences import segment
from tests.conftest import make_context


def flagged(original: str, copy: str) -> list[tuple[str, str]]:
    return [(f.text, f.severity) for f in NumberDetector().detect(make_context(original, copy))]


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        # thousands marked with points, as much of Europe writes them
        ("So far 272.000 infections have been reported.", "So far 272,000 infections have been reported.", []),
        # thousands marked with spaces, and a fraction after a whole number
        ("The ice is 12 500 years old.", "The ice is 12,500 years old.", []),
        ("The fine was 2 1/2 million tenge.", "The fine was 2.5 million tenge.", []),
        ("The fund lost 1½ billion dollars.", "The fund lost 1.5 billion dollars.", []),
        # a fraction elsewhere is read as before: "3½ hours" as "three and a half hours"
        ("The trip took 3½ hours.", "The trip took three and a half hours.", []),
        ("About 3/4 of the staff left.", "About three quarters of the staff left.", []),
        # a day before a count is no thousands group, and "24/7" no fraction
        ("On May 12 500 people marched.", "On May 12, 500 people marched.", []),
        ("The line is open 24/7 for 12 hours a day.", "The line is open 24/7 for 12 hours a day.", []),
        # the abbreviations of financial news after a currency
        ("Lawmakers proposed another $1 trillion in aid.", "Lawmakers proposed another $1 tln in aid.", []),
        ("The fund holds RUB 2 mln in cash.", "The fund holds 2 million roubles in cash.", []),
        # a temperature converted between the scales, each written as plain "degrees"
        ("Inside, it was often up to 30 degrees.", "Inside, it was often up to 86 degrees.", []),
        # a rounded figure whose bound holds is a qualifier, not a changed number
        (
            "In all, 888,000 firms reported short-time work.",
            "More than 880,000 firms reported short-time work.",
            [("More than 880,000", "minor")],
        ),
        # one night, named by the day before it or the day after
        (
            "The square was cleared on Sunday night.",
            "The square was cleared on Saturday night.",
            [("Saturday", "minor")],
        ),
    ],
)
def test_the_same_figure_written_another_way_is_not_a_major_change(
    original: str, copy: str, expected: list[tuple[str, str]]
) -> None:
    assert flagged(original, copy) == expected


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        (
            "So far 27.2 infections per day have been reported.",
            "So far 27,200 infections per day have been reported.",
            [("27,200", "major")],
        ),
        (
            "So far 272.000 infections have been reported.",
            "So far 722,000 infections have been reported.",
            [("722,000", "major")],
        ),
        (
            "Lawmakers proposed another $1 trillion in aid.",
            "Lawmakers proposed another $1 bln in aid.",
            [("$1 bln", "major")],
        ),
        ("Inside, it was often up to 30 degrees.", "Inside, it was often up to 60 degrees.", [("60 degrees", "major")]),
        (
            "In all, 888,000 firms reported short-time work.",
            "More than 700,000 firms reported short-time work.",
            [("More than 700,000", "major")],
        ),
        (
            "In all, 888,000 firms reported short-time work.",
            "More than 950,000 firms reported short-time work.",
            [("More than 950,000", "major")],
        ),
        (
            "Nearly 500 firms reported short-time work.",
            "Some 520 firms reported short-time work.",
            [("Some 520", "major")],
        ),
        ("The square was cleared on Sunday night.", "The square was cleared on Friday night.", [("Friday", "major")]),
        ("The square was cleared on Sunday.", "The square was cleared on Saturday.", [("Saturday", "major")]),
        ("The ice is 12 500 years old.", "The ice is 12,800 years old.", [("12,800 years", "major")]),
        ("The fine was 2 1/2 million tenge.", "The fine was 3.5 million tenge.", [("3.5 million", "major")]),
        ("On May 12 500 people marched.", "On May 12, 12,500 people marched.", [("12,500", "major")]),
    ],
)
def test_a_changed_figure_is_still_major(original: str, copy: str, expected: list[tuple[str, str]]) -> None:
    assert flagged(original, copy) == expected


def test_how_fractions_and_spaced_thousands_read() -> None:
    def values(text: str) -> list[float | None]:
        return [q.value for q in sentence_quantities(segment(text).sentences[0])]

    assert values("The service runs 24/7 now.") == [24.0, 7.0]  # no fraction
    assert values("The vote went to 1 250 000 voters.") == [1250000.0]
    assert values("The fine was 2 1/2 million tenge.") == [2500000.0]
    assert values("The under-12 500 metres race") == [500.0]  # "under-12" is a compound, not a thousands group
    assert values("In 2019 500 people came.")[-1] == 500.0  # a year before a count is no thousands group

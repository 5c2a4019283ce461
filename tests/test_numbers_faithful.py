"""Numbers on faithful text (issue 23): the same figure written another way is no changed number.

Each rule has a faithful pair that the detector used to flag as a major change, and a garbled
pair that it must still flag.
"""

from __future__ import annotations

import pytest

from mtqa.detectors.numbers import NumberDetector
from tests.conftest import make_context


def flagged(original: str, copy: str) -> list[tuple[str, str]]:
    return [(f.text, f.severity) for f in NumberDetector().detect(make_context(original, copy))]


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        # thousands marked with points, as much of Europe writes them
        ("So far 272.000 infections have been reported.", "So far 272,000 infections have been reported.", []),
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
    ],
)
def test_a_changed_figure_is_still_major(original: str, copy: str, expected: list[tuple[str, str]]) -> None:
    assert flagged(original, copy) == expected

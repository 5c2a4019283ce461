"""Meaning on faithful text (issue 23): a negation or an opposite said another way is no inversion.

Each rule has a faithful pair that the detector used to flag, and a garbled pair that it must
still flag.
"""

from __future__ import annotations

import dataclasses

import pytest

from mtqa.detectors import MeaningDetector
from tests.conftest import make_context


def flagged(original: str, copy: str, encoder: bool = True) -> list[str]:
    context = make_context(original, copy)
    if not encoder:  # the word rules alone, without the sentence encoder's second look
        context = dataclasses.replace(context, encode=None)
    return [f.text for f in MeaningDetector().detect(context)]


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        # a typographic apostrophe: "weren’t" is "were not"
        ("The problems were not with the network.", "The problems weren’t with the network."),
        # "not only" negates nothing
        ("Not only did the river flood the fields, it cut the road.", "The river flooded the fields and cut the road."),
        # as many negating words on both sides, whichever verb the parse hangs them on
        ("Never before had the council been so divided.", "The council has never been so divided."),
        ("The ferry no longer sails on Sundays.", "The ferry stopped sailing on Sundays."),
        # a negated governor negates nothing: "did not fail to mention" is "mentioned"
        ("The mayor did not fail to mention the closed bridge.", "The mayor mentioned the closed bridge."),
        # "not A or B" negates both; "can't help but ask" negates neither
        (
            "Residents should not light fires or use the old well.",
            "Residents should not light fires and should not use the old well.",
        ),
        ("We have to ask who paid for the bridge.", "We can't help but ask who paid for the bridge."),
        # converses with the parties swapped
        ("The club sold the striker to a rival.", "A rival bought the striker from the club."),
        # an opposite inside a hyphenated word, or beside the other word itself
        (
            "The navy will increase its combat power.",
            "The navy will improve its combat power through the integration of cutting-edge systems.",
        ),
        ("Fares to Spain decreased by a fifth.", "The decrease in fares to Spain, a fifth, increased bookings."),
        # the original says both words of a pair: the copy's word renders the other one
        ("July ends with heat, and August starts off cool.", "July will go out with heat, and August will begin cool."),
        # another verb carries the "not": the sentence encoder reads it
        ("The champion will skip the rest of the season.", "The champion will not play in the rest of the season."),
        (
            "The races in Brazil and Mexico are cancelled this year.",
            "The races in Brazil and Mexico will not take place this year.",
        ),
        # a verb that means "not" another: "overlooked" is "did not see"
        ("The driver overlooked the cyclist at the junction.", "The driver did not see the cyclist at the junction."),
        # a yes-or-no question asserts nothing, whichever way it is put
        (
            "Tenants are worried whether they will get their deposits back.",
            "Tenants are worried that they will not get their deposits back.",
        ),
        (
            "Tenants asked if they would get their deposits back.",
            "Tenants asked if they would not get their deposits back.",
        ),
    ],
)
def test_a_faithful_rendering_is_not_an_inversion(original: str, copy: str) -> None:
    assert flagged(original, copy) == []


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("There is no doubt that the dam will hold.", "The dam will undoubtedly hold."),
        ("The price of gas is not regulated by the state.", "The price of gas is non-regulated."),
    ],
)
def test_a_prefixed_word_derived_from_the_other_side_is_a_negation(original: str, copy: str) -> None:
    # "undoubtedly" is "no doubt", "non-regulated" is "not regulated", without the encoder's help
    assert flagged(original, copy, encoder=False) == []


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        ("The problems weren’t with the network.", "The problems were with the network.", ["were"]),
        ("Only the river flooded the fields.", "The river did not flood the fields.", ["not"]),
        ("The council has never been so divided.", "The council has been so divided.", ["divided"]),
        ("The mayor failed to mention the closed bridge.", "The mayor mentioned the closed bridge.", ["mentioned"]),
        (
            "Residents should not light fires or use the old well.",
            "Residents may light fires or use the old well.",
            ["light", "use"],
        ),
        ("There is a chance that the dam will hold.", "There is no chance that the dam will hold.", ["no"]),
        (
            "The price of gas is not regulated by the state.",
            "The price of gas is regulated by the state.",
            ["regulated"],
        ),
        ("The club sold the striker to a rival.", "The club bought the striker from a rival.", ["bought"]),
        ("Fares to Spain decreased by a fifth.", "Fares to Spain increased by a fifth.", ["increased"]),
        (
            "The driver saw the cyclist at the junction.",
            "The driver did not notice the cyclist at the junction.",
            ["not"],
        ),
        # a condition is no question: its polarity is a fact of the sentence
        (
            "Tenants will get their deposits back if they leave the flat clean.",
            "Tenants will get their deposits back if they do not leave the flat clean.",
            ["not"],
        ),
        (
            "The driver overlooked the cyclist at the junction.",
            "The driver did not overlook the cyclist at the junction.",
            ["not"],
        ),
    ],
)
def test_a_garbled_rendering_is_still_an_inversion(original: str, copy: str, expected: list[str]) -> None:
    assert flagged(original, copy) == expected

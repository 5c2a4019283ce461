"""Syntax judged on a parse that survives a second look: names the small parser does not know (issue 23).

Every sentence here is made up. A verdict of the parse alone (no finite verb, no subject, ...) must
also come from a second parse with the names made plain; fragments stay flagged either way.
"""

from __future__ import annotations

import pytest

from mtqa.detectors.syntax import SyntaxDetector
from mtqa.nlp.parser import english
from mtqa.nlp.plain import plain_form
from tests.conftest import make_context

OPENING = "The bank said it would refund the money. "
ORIGINAL = OPENING + "Clients were told on Monday."


@pytest.mark.parametrize(
    "sentence",
    [
        # a foreign name read as the sentence's head, and a hyphenated verb read as an adjective
        "Moravská spořitelna mistakenly double-charged some card payments on Sunday.",
        "Westfälische Sparkasse mistakenly double-charged some card payments on Sunday.",
        # a headline-like line whose verb the parser lost to the names around it
        "Transport firm Uber returns to Plzeň",
    ],
)
def test_a_well_formed_sentence_with_unknown_names_is_not_broken(sentence: str) -> None:
    assert SyntaxDetector().detect(make_context(ORIGINAL, OPENING + sentence)) == []


@pytest.mark.parametrize(
    "fragment",
    ["Said the bank was closed on Monday.", "Conducted an air strike at.", "Because the cells were still hot."],
)
def test_fragments_stay_broken(fragment: str) -> None:
    flags = SyntaxDetector().detect(make_context(ORIGINAL, OPENING + fragment))
    assert [f.severity for f in flags] == ["major"]


def test_the_plain_form_replaces_names_and_compounds_but_not_a_fragments_verb() -> None:
    nlp = english()
    plain = plain_form(nlp("Moravská spořitelna mistakenly double-charged some card payments."))
    assert plain == "Alex mistakenly charged some card payments."
    assert plain_form(nlp("To the surprise of many, Joost Van der Hoeven put in a fine display.")) == (
        "To the surprise of many, Alex put in a fine display."
    )
    # a leading "According to ...," is left out, an appositive after it too
    assert plain_form(nlp("According to Dana Rivers, deputy governor for transport, the office is slow.")) == (
        "The office is slow."
    )
    # a capitalised first word is no name: "Said" must stay a verb for the fragment to be seen
    assert plain_form(nlp("Said that he denied it.")) == "Said that he denied it."

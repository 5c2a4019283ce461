"""Non-words (issue 13, pattern 8): a misspelt common word that the original does not use."""

from __future__ import annotations

import pytest

from mtqa.detectors import SpellingDetector
from mtqa.nlp.lexicon import correction
from tests.conftest import make_context


def spelling(original: str, copy: str) -> list[tuple[str, str | None]]:
    return [(f.text, f.suggestion) for f in SpellingDetector().detect(make_context(original, copy))]


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        ("The goverment said the plan would cost more.", [("goverment", "government")]),
        ("He took reponsibility for the delay on Monday.", [("reponsibility", "responsibility")]),
        ("The presidnet arrived late.", [("presidnet", "president")]),
        ("Officials recieved the letter but did not reply.", [("recieved", "received")]),
    ],
)
def test_a_misspelt_word_is_flagged_with_its_correction(copy: str, expected: list[tuple[str, str]]) -> None:
    original = "The officials said the council's plan was late and would cost more than the budget."
    assert spelling(original, copy) == expected


def test_the_suggestion_is_the_originals_own_word_when_it_has_one() -> None:
    original = "The defence ministry announced new drills."
    copy = "The defence ministry anounced new drills."
    assert spelling(original, copy) == [("anounced", "announced")]


@pytest.mark.parametrize(
    "copy",
    [
        "The ransomware attack hit the port's ceasefire talks.",  # rare but real words
        "The organisation authorised the programme and the theatre.",  # British spellings
        "Thier drills began.",  # capitalised: a name for all the detector knows
        "Contact press@harbour-news.example or see www.harbournews.example/live.",  # addresses
        "The goverment said so.",  # the original spells it that way too
    ],
)
def test_real_words_variants_names_and_the_originals_own_spelling_pass(copy: str) -> None:
    original = "The goverment said the drills were over."
    assert spelling(original, copy) == []


def test_correction_needs_a_far_more_common_word_one_slip_away() -> None:
    assert correction("minsitry") == "ministry"
    assert correction("embezzelment") == "embezzlement"  # never seen by wordfreq: a rarer word may correct it
    assert correction("foreclosures") is None  # a rare plural of a known word
    assert correction("seaports") is None  # "sports" is one slip away, but "seaport" is a word
    assert correction("goverments") == "governments"  # the plural of a misspelling is one too
    assert correction("deputised") is None  # British spelling of "deputized"
    assert correction("geolocated") is None  # rare, but no common word is one slip away

"""A name's word in the source language on one side, and two romanisations of one Cyrillic name.

Every text here is made up. Two translators of one foreign report differ in this way all the time: one
keeps a place's or a body's word in its own language and the other puts it into English, or they write a
Russian name in two romanisations. Each is at most minor; a slip of a letter stays a respelling.
"""

from __future__ import annotations

import pytest

from mtqa.detectors.name_renderings import judge_word, transliteration_variant
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.nlp.lexicon import foreign_word
from tests.conftest import audited_names


@pytest.mark.parametrize(
    ("word", "language"),
    [("louka", "cs"), ("zeitung", "de"), ("centrum", "pl"), ("bank", None), ("hidalgo", None), ("era", None)],
)
def test_a_foreign_word_is_common_in_its_language_and_rare_in_english(word: str, language: str | None) -> None:
    assert foreign_word(word) == language


@pytest.mark.parametrize(
    ("original", "copy", "verdict"),
    [
        ("Louka", "Meadow", ("translated", "minor")),  # the original keeps the Czech word
        ("Meadow", "Louka", ("translated", "minor")),  # the copy keeps it
        ("Neue", "Neuen", ("another form", "minor")),  # two forms of one German word
    ],
)
def test_a_word_in_the_source_language_is_a_translation(original: str, copy: str, verdict: tuple[str, str]) -> None:
    assert judge_word(original, copy, 0.8, "embedding")[:2] == verdict


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("Lutz", "Luz"),  # "luz" is Spanish, but here a letter is dropped
        ("Zeitung", "Zeitnug"),  # a respelling of the foreign word is no translation
        ("Alabama", "Ala"),  # an abbreviation ("ala" is Finnish)
        ("UTAK", "Agency"),  # an abbreviation in capitals ("utak" is Hungarian)
    ],
)
def test_a_slip_or_an_abbreviation_is_no_translation(original: str, copy: str) -> None:
    assert judge_word(original, copy, 0.8, "embedding")[0] != "translated"


def test_one_word_of_a_name_put_into_english_is_minor_and_a_name_rebuilt_so_is_major(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = "Hikers were rescued in the Lužické Mountains on Monday. All of them were unhurt."
    copy = "Hikers were rescued in the Lusatian Mountains on Monday. All of them were unhurt."
    assert audited_names(original, copy, real_embedder) == [("Lusatian", "Lužické", "minor")]
    # every word of a name put into English: a name the world may not use ("Saint Lorenzo of the Stones")
    original = "Officials of Radio Nová Doba said on Monday that the office would close. Staff were told."
    copy = "Officials of Radio New Era said on Monday that the office would close. Staff were told."
    assert [severity for _, _, severity in audited_names(original, copy, real_embedder)] == ["major"]


@pytest.mark.parametrize(
    ("copy", "original", "variant"),
    [
        ("aleksandr", "alexander", True),  # x for ks, and a vowel
        ("melashchenko", "melaschenko", True),  # shch and sch for one letter
        ("vverkh", "vverh", True),  # kh and h
        ("tsarenko", "zarenko", True),  # ts and z before a vowel
        ("roberts", "robbers", False),  # a final "ts" is an English plural, no romanisation
        ("kholl", "hall", False),  # the fold and a vowel changed on top of it
        ("raishi", "raisi", False),  # sh is another sound
        ("okonwko", "okonkwo", False),  # consonants swapped
        ("halvorse", "halvorsen", False),  # cut short
    ],
)
def test_two_romanisations_of_one_name_are_variants(copy: str, original: str, variant: bool) -> None:
    assert transliteration_variant(copy, original) is variant


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        (
            "The officer Tom Hunter arrested two men at the station.",
            "The officer Tom Jäger arrested two men at the station.",
        ),
        (
            "The talks will move to London next month, diplomats said.",
            "The talks will move to Wien next month, diplomats said.",
        ),
    ],
)
def test_a_persons_name_or_a_place_in_another_language_is_no_translation(
    original: str, copy: str, real_embedder: SentenceTransformerEmbedder
) -> None:
    tail = " Police said the investigation would continue next week."
    assert [severity for _, _, severity in audited_names(original + tail, copy + tail, real_embedder)] == ["major"]

"""Syntax flags on faithful English that the parse misreads: subheads, imperatives and inverted
attributions (issue 23).

Every text here is made up. Each rule has a faithful sentence that used to be flagged major and a
garbled neighbour of it that must still be flagged.
"""

from __future__ import annotations

from mtqa import audit
from mtqa.embed.torch import SentenceTransformerEmbedder

ORIGINAL = (
    "Police in Harlow have warned residents about a new kind of credit fraud.\n\n"
    "Officials say the scheme targets pensioners.\n\n"
    "The council wants to address this at the regional level, Dana Rivers said.\n\n"
    "A day earlier the number of infections broke a record."
)
OPENING = "Police in Harlow have warned residents about a new kind of credit fraud.\n\n"


def syntax_flags(
    copy_paragraphs: list[str], embedder: SentenceTransformerEmbedder, original: str = ORIGINAL
) -> list[str]:
    copy = OPENING + "\n\n".join(copy_paragraphs)
    flags = audit(original, copy, embedder=embedder, detectors=["syntax"]).flags
    return [f.text for f in flags.itertuples() if f.severity == "major"]


def test_a_subhead_without_a_verb_is_no_broken_sentence(real_embedder: SentenceTransformerEmbedder) -> None:
    subhead = "Warnings issued in Harlow about a new kind of internet credit fraud"
    assert syntax_flags([subhead], real_embedder) == []
    # with a full stop it reads as a sentence of the body, and it has no verb
    assert syntax_flags([subhead + "."], real_embedder) == [subhead + "."]
    # a short piece on a line of its own stays a fragment, and so does a line that lost the verb
    # of the original sentence it renders
    assert syntax_flags(["Talk about"], real_embedder) == ["Talk about"]
    lost = "Officials the scheme targeting pensioners across the region"
    assert syntax_flags([lost], real_embedder) == [lost]


def test_an_imperative_opener_is_a_main_verb(real_embedder: SentenceTransformerEmbedder) -> None:
    imperative = "Recall that a day earlier the number of infections hit a new record."
    assert syntax_flags([imperative], real_embedder) == []
    fragment = "That a day earlier the number of infections hit a new record."
    assert syntax_flags([fragment], real_embedder) == [fragment]


def test_a_reporting_verb_before_its_subject_has_a_subject(real_embedder: SentenceTransformerEmbedder) -> None:
    inverted = "The council wants to address this at the regional level, stated Rivers."
    assert syntax_flags([inverted], real_embedder) == []

    lost = "The council wants to address this at the regional level, stated."
    assert syntax_flags([lost], real_embedder) == [lost]
    # a verb with an object after it, not the original's subject, has none
    lost = "The council wants to address this at the regional level, told reporters."
    assert syntax_flags([lost], real_embedder) == [lost]


def test_a_long_subject_after_its_reporting_verb_is_a_subject(real_embedder: SentenceTransformerEmbedder) -> None:
    original = OPENING + (
        "The infant was immediately taken to hospital, Dana Rivers, spokeswoman for the regional police, "
        "stated in a press release."
    )

    inverted = (
        "The infant was immediately taken in for health care, stated the press release from Dana Rivers, "
        "spokesperson for the regional police."
    )
    assert syntax_flags([inverted], real_embedder, original) == []
    lost = "The infant was immediately taken in for health care, stated."
    assert syntax_flags([lost], real_embedder, original) == [lost]


def test_a_name_particle_opens_a_sentence_in_lowercase(real_embedder: SentenceTransformerEmbedder) -> None:
    particle = "de Rivers said the council wants to address this at the regional level."
    assert syntax_flags([OPENING.strip() + " " + particle], real_embedder) == []
    glued = "was said by the council at the regional level."
    assert syntax_flags([OPENING.strip() + " " + glued], real_embedder) == [glued]


def test_a_leading_according_to_is_no_verb_opener(real_embedder: SentenceTransformerEmbedder) -> None:
    original = OPENING + (
        "Tender decisions at the office are not transparent and look arbitrary, said Dana Rivers, deputy "
        "governor for transport."
    )

    faithful = (
        "According to Dana Rivers, Deputy Governor for Transport, the Office's decision-making regarding public "
        "procurements isn't transparent and shows signs of being arbitrary."
    )
    assert syntax_flags([faithful], real_embedder, original) == []
    garbled = (
        "According to Dana Rivers, Deputy Governor for Transport, the Office's decision-making regarding public "
        "procurements."
    )
    assert syntax_flags([garbled], real_embedder, original) == [garbled]


def test_a_subhead_worded_as_a_headline_for_a_subhead_with_a_verb(real_embedder: SentenceTransformerEmbedder) -> None:
    original = (
        OPENING
        + "Police have arrested a man in Harlow over the credit fraud\n\nOfficials say the scheme targets pensioners."
    )
    copy = (
        OPENING + "Man arrested in Harlow over the credit fraud scheme\n\nOfficials say the scheme targets pensioners."
    )
    flags = audit(original, copy, embedder=real_embedder, detectors=["syntax"]).flags
    assert flags.empty
    # the same line for a sentence of the body, which it leaves without its verb: broken
    original = original.replace("credit fraud\n", "credit fraud.\n")
    flags = audit(original, copy, embedder=real_embedder, detectors=["syntax"]).flags
    assert list(flags.text) == ["Man arrested in Harlow over the credit fraud scheme"]

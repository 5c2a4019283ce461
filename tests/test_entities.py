"""Names replaced or dropped inside a rendered sentence (issue 13, pattern 5), for every kind of name."""

from __future__ import annotations

import pytest

from mtqa.detectors import NameDetector, OmissionDetector
from mtqa.detectors.base import AuditContext
from mtqa.nlp.entities import renders, text_words
from mtqa.types import Flag, Unit
from tests.conftest import make_context


def audit_names(original: str, copy: str) -> tuple[list[Flag], list[Flag]]:
    """The name flags, then the omission flags (which see the name flags), sentence k aligned with k."""
    context = make_context(original, copy)
    names = NameDetector().detect(context)
    omissions = OmissionDetector().detect(
        AuditContext(
            context.reference,
            context.copy,
            context.alignment,
            tuple(names),
            context.parses,
            context.words,
            context.encode,
        )
    )
    return names, omissions


@pytest.mark.parametrize(
    ("original", "copy", "replaced", "by"),
    [
        # a place
        (
            "The ferry sank near Lindholm on Sunday, the coast guard said.",
            "The ferry sank near Brekkavik on Sunday, the coast guard said.",
            "Lindholm",
            "Brekkavik",
        ),
        # an organisation
        (
            "The Harbour Safety Board said the crew had not been drinking.",
            "The Coastal Fisheries Union said the crew had not been drinking.",
            "Harbour Safety Board",
            "Coastal Fisheries Union",
        ),
        # a nationality, even a common word
        (
            "She has played eleven matches for the Estonian national team.",
            "She has played eleven matches for the Chilean national team.",
            "Estonian",
            "Chilean",
        ),
    ],
)
def test_a_name_replaced_in_its_slot_is_a_major_name_flag(original: str, copy: str, replaced: str, by: str) -> None:
    names, omissions = audit_names(original, copy)
    assert [(f.text, f.suggestion, f.severity) for f in names] == [(by, replaced, "major")]
    assert names[0].message.split(":")[0] in ("replaced", "mangled")
    assert omissions == []  # a replaced name is not reported as dropped too


def test_a_common_noun_in_a_names_place_is_a_minor_description() -> None:
    # issue 22: a name replaced by a description is "described", minor, with the original's spelling
    names, omissions = audit_names(
        "The Maritime Authority said none of the passengers wore life jackets.",
        "The navy said none of the passengers wore life jackets.",
    )
    assert [(f.text, f.suggestion, f.severity) for f in names] == [("navy", "Maritime Authority", "minor")]
    assert names[0].message.startswith("described")
    assert omissions == []


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        # initials for the name, and the reverse
        ("Talks with the United States resumed in May.", "Talks with the US resumed in May."),
        ("Talks with the U.S. resumed in May.", "Talks with the United States resumed in May."),
        # the same name as an adjective, or respelled
        ("Japan's exports fell in May.", "Japanese exports fell in May."),
        ("The ferry sank near Lindholm on Sunday.", "The ferry sank near Lindholmen on Sunday."),
        # a name that moved within the sentence
        ("In Vilnius, the mayor opened the bridge.", "The mayor opened the bridge in Vilnius."),
    ],
)
def test_a_name_rendered_another_way_is_neither_replaced_nor_dropped(original: str, copy: str) -> None:
    names, omissions = audit_names(original, copy)
    assert [f for f in names if "name changed" in f.message] == []
    assert omissions == []


def test_a_person_dropped_behind_the_role_is_an_omission_on_the_role() -> None:
    original = "Marta Kowalczyk, a spokeswoman for the railway, said the line would reopen on Monday."
    copy = "A railway spokeswoman said the line would reopen on Monday."
    names, omissions = audit_names(original, copy)
    assert names == []
    assert [(f.kind, f.text, f.suggestion, f.severity) for f in omissions] == [
        ("omission", "A railway spokeswoman", "Marta Kowalczyk, a spokeswoman", "major")
    ]
    assert copy[omissions[0].start : omissions[0].end] == "A railway spokeswoman"


def test_a_place_dropped_without_a_trace_is_a_minor_omission_on_the_sentence() -> None:
    original = "The bus left the road near Kandava early on Friday."
    copy = "The bus left the road early on Friday."
    _, omissions = audit_names(original, copy)
    assert [(f.text, f.suggestion, f.severity) for f in omissions] == [(copy, "Kandava", "minor")]
    assert "name dropped" in omissions[0].message


def test_a_pronoun_for_a_person_just_named_drops_nothing() -> None:
    original = "Tomasz Wilk was re-elected on Sunday. Wilk said the result showed trust in his team. Turnout was low."
    copy = "Tomasz Wilk was re-elected on Sunday. He said the result showed trust in his team. Turnout was low."
    _, omissions = audit_names(original, copy)
    assert omissions == []


def test_renders_knows_initials_respellings_and_joined_words() -> None:
    words = text_words("The Self-Defense Forces and Alwarae met UN envoys.")
    assert renders("SDF", words)
    assert renders("United Nations", words)
    assert renders("al-Warae", words)
    assert not renders("Kandava", words)


def test_a_description_of_an_organisation_just_named_replaces_and_drops_nothing() -> None:
    original = (
        "The wagons belonged to the operator Ravnik Freight. Ravnik said the brakes had been checked in May. "
        "Nobody was hurt."
    )
    copy = (
        "The wagons belonged to the operator Ravnik Freight. The company said the brakes had been checked in May. "
        "Nobody was hurt."
    )
    names, omissions = audit_names(original, copy)
    assert names == [] and omissions == []


def name_changes(original: str, copy: str) -> list[tuple[str, str | None, str]]:
    names, _ = audit_names(original, copy)
    return [(f.text, f.suggestion, f.message) for f in names]


@pytest.mark.parametrize(
    ("original", "copy", "flagged", "suggested", "how"),
    [
        # a place name translated word by word
        (
            "The ferry left San Lorenzo de las Piedras at dawn with forty passengers.",
            "The ferry left Saint Lorenzo of the Stones at dawn with forty passengers.",
            "Saint Lorenzo of the Stones",
            "Lorenzo",
            "translated or swapped",
        ),
        # a company name half translated
        (
            "Dongsan Heavy Industries said the crane had been inspected in May.",
            "East Mountain Heavy Industries said the crane had been inspected in May.",
            "East Mountain",  # the words that render the one word that changed
            "Dongsan",
            "stands where the original names",
        ),
        # a particle of a person's name rendered as a common word
        (
            "The pilot, Moses Ole Kantai, landed the balloon in a field.",
            "The pilot, Moses Old Kantai, landed the balloon in a field.",
            "Old",  # the one word of the name that changed
            "Ole",
            "rendered by another word, “Old”",
        ),
        # a double-barrelled surname cut short
        (
            "The prosecutor, Anna Berg-Lindqvist, asked for a fine.",
            "The prosecutor, Anna Berg, asked for a fine.",
            "Berg",
            "Berg-Lindqvist",
            "cuts “Berg-Lindqvist” short",
        ),
        # the parts of a given name swapped
        (
            "Chief executive Kim Soo-yeon apologised to the families.",
            "Chief executive Kim Yeon-soo apologised to the families.",
            "Yeon-soo",
            "Soo-yeon",
            "another order",
        ),
        # a name written in lowercase
        (
            "The farm is owned by Fjordlaks Vest, which breeds salmon.",
            "The farm is owned by fjordlaks vest, which breeds salmon.",
            "fjordlaks vest",
            "Fjordlaks Vest",
            "lowercased",
        ),
    ],
)
def test_a_name_translated_cut_reordered_or_lowercased_is_flagged(
    original: str, copy: str, flagged: str, suggested: str, how: str
) -> None:
    found = name_changes(original, copy)
    assert len(found) == 1, found
    text, suggestion, message = found[0]
    assert text == flagged and suggestion is not None and suggested in suggestion and how in message


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        # a name shortened, or given with its title, is the same name
        ("Prime Minister Ilse Vandersteen opened the port.", "Vandersteen opened the port."),
        ("Vandersteen opened the port.", "Prime Minister Ilse Vandersteen opened the port."),
        # a brand reproduced as it is, and ordinary words in lowercase
        ("Readers of StormWatch reported the flood.", "Readers of StormWatch were the first to report the flood."),
        ("The Tokyo Metropolitan Government closed the parks.", "The Tokyo metropolitan government closed the parks."),
    ],
)
def test_a_name_shortened_or_kept_is_not_changed(original: str, copy: str) -> None:
    assert name_changes(original, copy) == []


def test_every_mangling_of_one_name_gets_the_original_spelling() -> None:
    original = (
        "Nurse Ingrid Saetervik treated the first patients. Saetervik said the clinic was full. "
        "The ward stayed open, Saetervik added."
    )
    copy = (
        "Nurse Ingrid Saetrevik treated the first patients. Setervik said the clinic was full. "
        "The ward stayed open, Saeterwik added."
    )
    names, _ = audit_names(original, copy)
    assert [(f.text, f.suggestion) for f in names] == [
        ("Saetrevik", "Saetervik"),
        ("Setervik", "Saetervik"),
        ("Saeterwik", "Saetervik"),
    ]


def test_a_name_translated_in_a_headline_in_capitals_is_flagged() -> None:
    original = (
        "Floods cut off mountain villages\n\n"
        "Rain cut the road to Czerwona Polana on Monday. Rescuers reached Czerwona Polana by helicopter."
    )
    copy = (
        "FLOODS CUT OFF RED POLANA\n\n"
        "Rain cut the road to Czerwona Polana on Monday. Rescuers reached Czerwona Polana by helicopter."
    )
    found = name_changes(original, copy)
    assert [(text, suggestion) for text, suggestion, _ in found] == [("RED", "Czerwona")]
    assert "translated or swapped" in found[0][2]


def test_a_name_reordered_in_a_sentence_the_original_lacks_is_flagged() -> None:
    original = "Chief executive Kim Soo-yeon apologised to the families."
    copy = "Chief executive Kim Soo-yeon apologised to the families. Kim Yeon-soo took over last year."
    context = make_context(original, copy, [Unit((0,), (0,)), Unit((), (1,))])
    assert [(f.text, f.suggestion) for f in NameDetector().detect(context)] == [("Yeon-soo", "Soo-yeon")]


def test_another_name_of_the_same_sentence_is_no_swap() -> None:
    original = "Kaduna Rovers' Okonjo scored twice in the final on Sunday."
    copy = "Kaduna Okonjo's two goals decided the final on Sunday."
    names, _ = audit_names(original, copy)
    assert [f for f in names if "name changed" in f.message] == []


def test_a_person_the_copy_named_earlier_is_a_minor_omission_however_far_back() -> None:
    # issue 23: "the spokeswoman said" for "Kowalczyk said", five sentences after the copy named her
    story = [
        "Marta Kowalczyk, a spokeswoman for the railway, took questions on Monday.",
        "The line was closed after the storm.",
        "Engineers inspected the bridge twice.",
        "Freight trains were sent south instead.",
        "Passengers took buses for a week.",
    ]
    original = " ".join([*story, "Kowalczyk said the line would reopen on Friday."])
    faithful = " ".join([*story, "The spokeswoman said the line would reopen on Friday."])
    _, omissions = audit_names(original, faithful)
    assert [(f.severity, f.message.endswith("(the copy names it earlier)")) for f in omissions] == [("minor", True)]
    # no trace of her in the sentence at all, but named earlier: minor too
    _, omissions = audit_names(original, " ".join([*story, "The line would reopen on Friday."]))
    assert [(f.severity, f.message.endswith("(the copy names it earlier)")) for f in omissions] == [("minor", True)]
    # the same sentence in a copy that never names her: still major
    garbled = " ".join([story[0].replace("Marta Kowalczyk, a", "A"), *story[1:], "The line would reopen on Friday."])
    _, omissions = audit_names(original, garbled)
    last = [f for f in omissions if f.reference_id == len(story)]
    assert [(f.severity, f.message.endswith("(the copy names it earlier)")) for f in last] == [("major", False)]

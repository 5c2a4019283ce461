"""The first name and syntax detectors, on small texts written for the purpose."""

from __future__ import annotations

import pytest

from mtqa.detectors import SyntaxDetector
from mtqa.segment.sentences import segment
from mtqa.types import Unit
from tests.conftest import make_context, name_flags
from tests.conftest import make_context as context

names = name_flags


ORIGINAL = (
    "Commander Tomasz Wiśniewski of the Brigade Kalinowa met Gen. Ruslan Abdulkarimov in Gdańsk. "
    "Wiśniewski said the U.S. envoy Maria Delacroix had left. Officials in the United States agreed."
)


@pytest.mark.parametrize(
    ("mangled", "original_name", "severity"),
    [
        ("Wisniewsky", "Wiśniewski", "minor"),  # accent dropped, -ski as -sky: a transliteration variant
        ("Abdulkarimow", "Abdulkarimov", "major"),
        ("Dela Croix", "Delacroix", "minor"),  # split, same letters
        ("Kalinova", "Kalinowa", "major"),
    ],
)
def test_near_miss_names_are_flagged_with_the_original_spelling(
    mangled: str, original_name: str, severity: str
) -> None:
    copy = f"The copy mentions {mangled} twice. Later {mangled} spoke again."
    flags = names(ORIGINAL, copy)
    assert [f.text for f in flags] == [mangled, mangled]
    assert {f.suggestion for f in flags} == {original_name}
    assert {f.severity for f in flags} == {severity}
    for flag in flags:
        assert copy[flag.start : flag.end] == flag.text
        assert original_name in flag.message


@pytest.mark.parametrize(
    "copy",
    [
        "Wiśniewski said the US envoy had left.",  # U.S. vs US
        "The United States and the U.S. envoy agreed.",
        "Officials said the Brigade Kalinowa had left Gdańsk.",
        "Said the envoy, Delacroix left. Because officials agreed.",  # sentence-initial common words
        "Polish officials and American envoys agreed.",  # derived words that are ordinary English
    ],
)
def test_legitimate_variation_is_not_flagged(copy: str) -> None:
    assert names(ORIGINAL, copy) == []


def test_transliteration_variant_is_minor() -> None:
    flags = names("Officials said Mohammed Haddad had left.", "Officials said Mohamed Haddad had left.")
    assert [(f.text, f.suggestion, f.severity) for f in flags] == [("Mohamed", "Mohammed", "minor")]


def test_syntax_flags_fragments_with_their_evidence() -> None:
    original = (
        "The army said it struck a depot near the border at dawn. It conducted an air strike at the depot. "
        "He said that he denied it. Groups will grow across the region for the next four years. They talked about it. "
        "Rescuers sent residents into the streets. It could burn again because the cells were hot.\n\n"
        "Officials confirmed the strike on Monday."
    )
    copy = (
        "The army said it struck a depot near the border at dawn. Conducted an air strike at. "
        "Said that he denied. East for the next four years. Talk about\n\n"
        "Sending residents into the streets. Because the cells were hot.\n\n"
        "Officials confirmed the strike on Monday."
    )
    flags = {f.text: f for f in SyntaxDetector().detect(context(original, copy))}
    assert set(flags) == {
        "Conducted an air strike at.",
        "Said that he denied.",
        "East for the next four years.",
        "Talk about",
        "Sending residents into the streets.",
        "Because the cells were hot.",
    }
    assert "“at”, which needs something after it" in flags["Conducted an air strike at."].message
    assert "no subject" in flags["Said that he denied."].message
    assert "no finite verb" in flags["East for the next four years."].message
    assert "no final punctuation" in flags["Talk about"].message
    assert "subordinate clause" in flags["Because the cells were hot."].message
    assert all(f.severity == "major" for f in flags.values())


def test_syntax_drops_what_the_original_does_too() -> None:
    # a transcript's first person and a verbless line are the source's style, not the copy's errors
    text = "I think we can fix it. A long road ahead for all of us. Thank you."
    assert SyntaxDetector().detect(context(text, text)) == []
    flags = SyntaxDetector().detect(context("He thinks they can fix it.", "He thinks I can fix it."))
    assert [f.severity for f in flags] == ["minor"] and "first person" in flags[0].message


def test_particles_and_objects_are_not_dangling() -> None:
    original = "Crews needed five hours to put the fire out. She asked what it was for."
    copy = "Firefighters needed five hours to put it out. She asked what it was for."
    assert SyntaxDetector().detect(context(original, copy)) == []


def test_syntax_skips_headlines_and_accepts_well_formed_sentences() -> None:
    copy = (
        "Floods kill 38 in northern Bangladesh\n\n"
        "DHAKA, Bangladesh (AP) — Floods killed 38 people, officials said. “We lost everything,” she said. "
        "Rescue teams worked through the night."
    )
    original = copy.replace("Rescue teams worked", "Teams worked")
    assert SyntaxDetector().detect(context(original, copy)) == []


def test_compounds_of_ordinary_words_are_not_names() -> None:
    assert names("Fighting on the Iraq-Syria border went on.", "Fighting on the Iraqi-Syrian border went on.") == []


@pytest.mark.parametrize(
    ("original", "copy", "evidence"),
    [
        ("The court heard evidence from 19 witnesses.", "And heard evidence from 19 witnesses.", "no subject"),
        (
            "The fund paid into the account.",
            "He did not know the money that was paid into.",
            "needs something after it",
        ),
        (
            "The alarm sounded when the screens went dark.",
            "When staff noticed that the screens went dark.",
            "subordinate",
        ),
    ],
)
def test_fragments_behind_conjunctions_and_relatives(original: str, copy: str, evidence: str) -> None:
    flags = SyntaxDetector().detect(context(original, copy))
    assert len(flags) == 1 and evidence in flags[0].message


@pytest.mark.parametrize(
    "text",
    ["When did it start? It started at noon.", "When the river rose, people fled.", "This is what we talked about."],
)
def test_questions_subordinate_openers_and_stranded_objects_are_english(text: str) -> None:
    original = text.replace("people fled", "residents fled")
    assert SyntaxDetector().detect(context(original, text)) == []


def test_first_person_is_no_intrusion_when_the_original_speaks_in_the_first_person() -> None:
    # the aligned original sentence has no "I", but the original as a whole is a first-person talk
    original = "I went to the market on Monday. The prices were high."
    copy = "I went to the market on Monday. I found the prices high."
    assert SyntaxDetector().detect(context(original, copy)) == []


@pytest.mark.parametrize(
    ("copy", "fragment", "severity"),
    [
        (
            "The ferry stopped on Friday. was reported by the port authority.",
            "was reported by the port authority.",
            "major",
        ),
        ("The ferry stopped on Friday. police said.", "police said.", "major"),
        ("The repairs could take several months..", "The repairs could take several months..", "minor"),
    ],
)
def test_glued_fragments_and_doubled_stops(copy: str, fragment: str, severity: str) -> None:
    original = "The ferry stopped on Friday, the port authority said. The repairs could take several months."
    flags = [f for f in SyntaxDetector().detect(context(original, copy)) if f.text == fragment]
    assert [f.severity for f in flags] == [severity]


def test_a_lowercase_start_that_is_no_fragment_is_not_glued() -> None:
    original = "eBay said on Monday it would cut jobs. The company gave no number."
    copy = "eBay said on Monday it would cut jobs. The company gave no number."
    assert SyntaxDetector().detect(context(original, copy)) == []


@pytest.mark.parametrize(
    ("original_name", "copy_name", "severity"),
    [
        ("Rafiq Chowdhury", "Rafiq Choudhury", "minor"),  # u written as w
        ("Nasrin Akter", "Nasrin Akhter", "minor"),  # the h of an aspirate
        ("Karim Soleimani", "Karim Suleimani", "minor"),  # a vowel
        ("Leila Rhouma", "Leila Rouma", "minor"),
        ("Tomas Okonkwo", "Tomas Okonwko", "major"),  # consonants swapped: a mangling
        ("Ama Sarfowaa", "Ama Sarfoa", "major"),  # a consonant dropped
        ("Hassan Raisi", "Hassan Raishi", "major"),  # "sh" is another sound
    ],
)
def test_transliteration_variants_are_minor_and_manglings_major(
    original_name: str, copy_name: str, severity: str
) -> None:
    original = f"The envoy {original_name} met the committee on Monday. The talks lasted two hours."
    copy = f"The envoy {copy_name} met the committee on Monday. The talks lasted two hours."
    assert [f.severity for f in names(original, copy)] == [severity]


@pytest.mark.parametrize(("original_name", "copy_name"), [("Torbjørn Lie", "Torbjorn Lie"), ("Wrocław", "Wroclaw")])
def test_letters_without_their_marks_are_the_same_name(original_name: str, copy_name: str) -> None:
    original = f"Officials said {original_name} would decide on Monday."
    copy = f"Officials said {copy_name} would decide on Monday."
    assert names(original, copy) == []


@pytest.mark.parametrize(
    ("original", "copy", "lost"),
    [
        (
            "Among the measures, the council has repealed the parking rule.",
            "Among the measures, has repealed the parking rule.",
            "no subject",
        ),
        (
            "The committee approved the budget after a long debate.",
            "The committee the budget after a long debate.",
            "no verb",
        ),
        # an auxiliary before the bare verb: no imperative
        (
            "If the river keeps rising, the town will close the bridge.",
            "If the river keeps rising, will close the bridge.",
            "no subject",
        ),
        # the words of a quotation or a subordinate clause are no subject of the main verb
        (
            '"We will rebuild the pier," the harbour master said.',
            '"We will rebuild the pier," said.',
            "no subject",
        ),
        (
            "Although fewer lorries crossed, the share of tankers rose to a third.",
            "Although fewer lorries crossed, rose to a third.",
            "no subject",
        ),
        # the main verb lost, a verb left only inside a quotation or a subordinate clause
        (
            '"The water is still rising," the agency reported.',
            '"The water is still rising," the agency.',
            "no verb outside its quotations",
        ),
        (
            "The city announced that a cyclist had been injured.",
            "The city that a cyclist had been injured.",
            "no finite main verb (its main word is “city”)",
        ),
        # a subject pronoun with no verb after it
        (
            "Such statements will have the opposite effect, he said on the radio.",
            "Such statements will have the opposite effect, he the radio.",
            "no verb follows its subject “he”",
        ),
        (
            "However, because the mayor was absent, the vote became a scandal.",
            "However, because the mayor was absent, a scandal.",
            "stands in a clause opened by “because”",
        ),
    ],
)
def test_a_subject_or_verb_lost_against_the_original(original: str, copy: str, lost: str) -> None:
    flags = SyntaxDetector().detect(context(original, copy))
    assert [f.severity for f in flags] == ["major"] and lost in flags[0].message


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("The minister said the talks would resume on Monday.", "Talks will resume on Monday, the minister said."),
        ("What is an insect seeing there?", "So what's an insect seeing there?"),
        ("Please close the gate, the guard said.", "Close the gate, the guard said."),
        ("You should keep the gate shut, the guard said.", "Keep the gate shut, the guard said."),
        ("Officials said that the road was closed.", "The road was closed, officials said."),
        ('"We are ready," the coach said.', '"We are ready," said the coach.'),
        ("We all agreed that the plan was good.", "We all agreed the plan was good."),
        ("They both left the port at dawn.", "They both left the harbour at dawn."),
    ],
)
def test_a_rendering_that_keeps_its_subject_and_verb_passes(original: str, copy: str) -> None:
    assert SyntaxDetector().detect(context(original, copy)) == []


@pytest.mark.parametrize(
    ("original", "copy", "stub"),
    [
        (
            "The ministry has approved the plan, officials said on Monday.",
            "The ministry approved the plan. Has. Officials said on Monday.",
            "Has.",
        ),
        (
            "The harbour was quiet on Sunday after the storm passed.",
            "Quiet day. The harbour was calm after the storm passed.",
            "Quiet day.",
        ),
    ],
)
def test_a_one_or_two_word_piece_of_a_sentence_is_flagged(original: str, copy: str, stub: str) -> None:
    units = [Unit((0,), tuple(range(len(segment(copy).sentences))))]
    flags = SyntaxDetector().detect(make_context(original, copy, units))
    assert [(f.text, f.severity) for f in flags] == [(stub, "major")]
    assert "only" in flags[0].message


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("Thank you all for coming tonight.", "Thanks. Thank you all for coming tonight."),
        ("Yes, the ferry sank in the storm.", "Yes. The ferry sank in the storm."),
        ("Quiet day. The harbour was calm.", "Quiet day. The harbour was calm."),  # the original has it too
    ],
)
def test_a_reply_a_question_or_a_short_sentence_of_the_original_is_no_stub(original: str, copy: str) -> None:
    reference, copied = segment(original), segment(copy)
    units = [Unit(tuple(range(len(reference.sentences))), tuple(range(len(copied.sentences))))]
    assert SyntaxDetector().detect(make_context(original, copy, units)) == []


@pytest.mark.parametrize("brand", ["NewsNow", "StormWatch", "QuakeAlertz", "FloodTrakker"])
def test_a_brand_written_in_camel_case_is_no_name_to_correct(brand: str) -> None:
    original = "The storm hit the coast on Monday, the weather service said."
    assert names(original, f"The storm hit the coast on Monday, {brand} reported.") == []
    assert names(original, f"Readers of {brand} saw the storm hit the coast on Monday.") == []


@pytest.mark.parametrize(
    ("original", "copy", "verdict"),
    [
        ("Toronto", "Torontonian", "variant"),  # a word derived from a known place
        ("Saint", "St", "variant"),  # a contraction of an ordinary word
        ("Allan", "Alan", "transliterated"),  # no contraction: a letter of a name dropped
        ("Territory", "Krai", "another form"),  # a foreign form of an ordinary word of a place's name
    ],
)
def test_word_forms_of_a_name(original: str, copy: str, verdict: str) -> None:
    from mtqa.detectors.name_renderings import judge_word

    assert judge_word(original, copy, 0.8, "embedding")[0] == verdict

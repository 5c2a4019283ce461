"""Boilerplate, omission, addition and the deeper name signals; the issue's acceptance on fixtures."""

from __future__ import annotations

import pytest

from mtqa import Report, audit, flags_frame
from mtqa.detectors import BoilerplateDetector, NameDetector
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.segment.sentences import segment
from tests.conftest import make_context as context
from tests.conftest import name_flags, read_pair


def names(original: str, copy: str) -> list[tuple[str, str | None, str]]:
    return [(f.text, f.suggestion, f.severity) for f in name_flags(original, copy)]


# name signals


def test_particle_dropped_and_joined() -> None:
    original = "Envoy Pieter van der Berg arrived. Van der Berg said talks went well."
    assert names(original, "Envoy Pieter Berg arrived. Officials agreed.") == [
        ("Pieter Berg", "Pieter van der Berg", "minor")
    ]
    assert names(original, "Envoy Vanderberg arrived. Officials agreed.")[0][:2] == ("Vanderberg", "van der Berg")


def test_one_letter_off_next_to_a_correct_word() -> None:
    # Gwon and Kwon are two romanisations of one Korean surname: a transliteration, minor (issue 22)
    flags = names("Chairman Kwon Taeyang resigned on Friday.", "Chairman Gwon Taeyang resigned on Friday.")
    assert flags == [("Gwon", "Kwon", "minor")]
    flags = names("Chairman Kwon Taeyang resigned on Friday.", "Chairman Kwan Taeyang resigned on Friday.")
    assert flags == [("Kwan", "Kwon", "minor")]
    flags = names("Chairman Kwon Taeyang resigned on Friday.", "Chairman Kron Taeyang resigned on Friday.")
    assert flags == [("Kron", "Kwon", "major")]


def test_the_same_title_for_another_person_is_not_a_mangling(real_embedder: SentenceTransformerEmbedder) -> None:
    # judged by the real aligner: a sentence about someone else renders nothing of the original's
    original = "The group Harakat Sheikh al-Ansari claimed the attack. Police sealed off the district."
    copy = "A photo showed Shaikh Omar Haddad beside the commander. Police sealed off the district."
    assert audit(original, copy, embedder=real_embedder, detectors=["name"]).flags.empty


def test_possessives_and_calendar_words_are_not_names() -> None:
    assert names("Talks in Nairobi end in March.", "Nairobi’s talks ended in May.") == []


def test_a_name_spelled_several_ways_in_the_copy() -> None:
    copy = "Coach Ifeanyi Okonkwo spoke. Okonkwo smiled. Later Okonkow left. Okonkwo returned."
    flags = names("The match ended in a draw.", copy)
    assert ("Okonkow", "Okonkwo", "minor") in flags


def test_an_unknown_word_close_to_a_known_name_is_minor() -> None:
    flags = names("The actor spoke at the festival.", "The actor Schwarzenneger spoke at the festival.")
    assert flags == [("Schwarzenneger", "Schwarzenegger", "minor")]


def test_a_name_replaced_in_the_same_slot(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "Dr. Amelia Hartwell, a researcher at Lisbon University, said the fire spread quickly."
    copy = "Dr. Brian Okafor, a researcher at Lisbon University, said the fire spread quickly."
    flags = [f for f in audit(original, copy, embedder=real_embedder).flags.itertuples() if f.kind == "name"]
    assert [(f.text, f.suggestion, f.severity) for f in flags] == [("Brian Okafor", "Amelia Hartwell", "major")]


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        # the whole name swapped for another of the same kind: replaced, major
        (
            "Microsoft said on Monday it would buy the startup for $2 billion. The deal needs approval.",
            "Google said on Monday it would buy the startup for $2 billion. The deal needs approval.",
            [("Google", "Microsoft", "major")],
        ),
        # a demonym-like word derived from a place is no other name ("Bosnian" for "Bosnia's")
        (
            "Officials said Bosnia's parliament met on Monday. The vote was close.",
            "Officials said the Bosnian parliament met on Monday. The vote was close.",
            [],
        ),
        # a common word of a name as a contraction ("St" for "Saint")
        (
            "The parade was held in Saint Petersburg on Sunday. Crowds lined the river.",
            "The parade was held in St Petersburg on Sunday. Crowds lined the river.",
            [],
        ),
    ],
)
def test_whole_names_replaced_and_accepted_forms(
    real_embedder: SentenceTransformerEmbedder, original: str, copy: str, expected: list[tuple[str, str, str]]
) -> None:
    flags = audit(original, copy, embedder=real_embedder, detectors=["name"]).flags
    assert [(f.text, f.suggestion, f.severity) for f in flags.itertuples()] == expected


def test_a_name_in_an_unlinked_slot_is_rendered_by_what_stands_there() -> None:
    import dataclasses

    from mtqa.align.words import sentence_words, unlinked_slot
    from mtqa.detectors.name_renderings import slot_run
    from mtqa.types import WordAlignment

    ctx = context(
        "Officials from Toyota met the union on Friday.", "Officials from the Zerblatt met the union on Friday."
    )
    # the aligner left the name unlinked: the words between its neighbours' counterparts stand in its slot
    bare = WordAlignment(tuple(lk for lk in ctx.words.links if not (lk.reference and lk.reference.text == "Toyota")))
    ctx = dataclasses.replace(ctx, words=bare)
    toyota = [w for w in sentence_words(ctx.reference, 0) if w.text == "Toyota"]
    assert [w.text for w in unlinked_slot(bare, ctx.reference, ctx.copy, toyota)] == ["the", "Zerblatt"]
    assert [w.text for w in slot_run(ctx, toyota)] == ["Zerblatt"]
    # a slot whose words render something else is no slot
    met = [w for w in sentence_words(ctx.reference, 0) if w.text == "met"]
    assert unlinked_slot(bare, ctx.reference, ctx.copy, met) == []


# boilerplate, omission, addition


def test_boilerplate_lines_and_pasted_link_text() -> None:
    copy = "The council voted on Monday.\n\nPhoto: Jane Roe/Agency\n\nShare this article\n\nPosted on"
    flags = BoilerplateDetector().detect(context(copy, copy))
    assert [f.text for f in flags] == ["Photo: Jane Roe/Agency", "Share this article", "Posted on"]
    pasted = "He met President SmithJohn SmithWhy taxes rise Opinion MORE on Friday."
    sentence = segment(pasted).sentences[0]
    assert sentence.norm == "He met President Smith on Friday."
    assert [pasted[a:b] for a, b in sentence.debris] == ["John SmithWhy taxes rise Opinion MORE"]


STORY = (
    "Storm floods coastal town\n\n"
    "HAVENPORT (AP) — A storm flooded the coastal town of Havenport on Tuesday, officials said. "
    "The harbor master, Ines Carvalho, said 240 boats were damaged.\n\n"
    "“We have never seen water this high,” Carvalho said. Power was restored by evening.\n\n"
    "The town council will meet on Friday to discuss repairs."
)


def test_omitted_and_added_material(real_embedder: SentenceTransformerEmbedder) -> None:
    copy = (
        "Storm floods coastal town\n\n"
        "HAVENPORT (AP) — A storm flooded the coastal town of Havenport on Tuesday, officials said. "
        "The harbor master, Ines Carvalho, said 240 boats were damaged.\n\n"
        "Insurers estimate losses at 35 million euros.\n\n"
        "The town council will meet on Friday to discuss repairs."
    )
    report = audit(STORY, copy, embedder=real_embedder)
    omitted = report.flags[report.flags.kind == "omission"]
    assert len(omitted) == 1
    flag = omitted.iloc[0]
    assert flag.start == flag.end and flag.text == "" and flag.severity == "major"
    assert "“We have never seen water this high,”" in flag.suggestion and "a quotation" in flag.message
    assert copy[: flag.start].endswith("240 boats were damaged.")  # the insertion point
    added = report.flags[report.flags.kind == "addition"]
    assert list(added.text) == ["Insurers estimate losses at 35 million euros."]
    assert list(added.severity) == ["major"]  # an invented number
    frame = flags_frame(report)
    assert frame.loc[omitted.index[0], "document_level"]
    assert frame.loc[added.index[0], "label"] == "added"


def test_an_unrelated_article_gets_no_omission_or_addition_flags(real_embedder: SentenceTransformerEmbedder) -> None:
    report = audit(*read_pair("unrelated"), embedder=real_embedder)
    assert not report.flags.kind.isin(["omission", "addition"]).any()


def test_a_copy_in_another_language_skips_english_only_detectors(real_embedder: SentenceTransformerEmbedder) -> None:
    report = audit(*read_pair("spanish"), embedder=real_embedder)
    assert set(report.summary["skipped_detectors"]) >= {"name", "syntax", "quote"}
    assert not report.flags.kind.isin(["name", "syntax", "quote"]).any()
    assert "Skipped English-only detectors" in report.summary["verdict"]


def test_debris_is_left_out_of_alignment_and_coverage(real_embedder: SentenceTransformerEmbedder) -> None:
    report = audit(STORY + "\n\nPosted on", STORY + "\n\nShare this article", embedder=real_embedder)
    assert report.summary["coverage"] == 1.0 and report.summary["copy_coverage"] == 1.0
    debris = report.pairs[report.pairs.label == "boilerplate"]
    assert len(debris) == 2 and all(
        len(r) + len(c) == 1 for r, c in zip(debris.reference_ids, debris.copy_ids, strict=True)
    )


# acceptance on the seed and on the gold pairs


@pytest.fixture(scope="module")
def seed_report(seed_pair: tuple[str, str], real_embedder: SentenceTransformerEmbedder) -> Report:
    return audit(*seed_pair, embedder=real_embedder)


def flagged(report: Report, kind: str) -> list[tuple[str, str | None]]:
    rows = report.flags[report.flags.kind == kind]
    return [(t, None if s is None or s != s else s) for t, s in zip(rows.text, rows.suggestion, strict=True)]


def test_seed_every_spelling_of_the_leader_is_flagged(seed_report: Report, seed_pair: tuple[str, str]) -> None:
    copy = seed_pair[1]
    spellings = ["Alwarae", "Al Warae", "Al-Warae"]
    found = [(t, s) for t, s in flagged(seed_report, "name") if t in spellings]
    assert len(found) == sum(copy.count(s) for s in spellings) == 7
    assert {s for _, s in found} == {"al-Walae"}


def test_seed_named_manglings_have_the_original_spelling(seed_report: Report) -> None:
    found = dict(flagged(seed_report, "name"))
    assert found["Raishi"] == "Raisi"
    assert found["Solei Mani"] == "Soleimani"
    assert found["Sayyidal-Shuhada"] == "Sayyid al-Shuhada"


def test_seed_fragments_and_debris_are_flagged(seed_report: Report) -> None:
    syntax = {t for t, _ in flagged(seed_report, "syntax")}
    assert {
        "Talk about",
        "East for the next four years.",
        "Conducted an air strike at.",
        "Said that he denied.",
    } <= syntax
    assert ("Posted on", None) in flagged(seed_report, "boilerplate")


def test_seed_qasem_is_at_most_minor_and_few_other_flags(seed_report: Report) -> None:
    flags = seed_report.flags
    assert set(flags[flags.text == "Qasem"].severity) <= {"minor"}
    expected = {
        "Alwarae",
        "Al Warae",
        "Al-Warae",
        "Raishi",
        "Solei Mani",
        "Sayyidal-Shuhada",
        "Nasrara",
        "Qasem",
        "Talk about",
        "East for the next four years.",
        "Conducted an air strike at.",
        "Said that he denied.",
    }
    others = flags[flags.kind.isin(["name", "syntax"]) & ~flags.text.isin(expected)]
    # the one sentence with first person outside quotes is a real error too; allow at most 3 others
    assert len(others) <= 3, others[["kind", "text"]]


def test_own_gold_pairs_meet_the_precision_and_recall_targets() -> None:
    from mtqa.evaluation.flag_scores import table
    from tests.conftest import FIXTURES

    own = ("flood", "election", "factory", "quake", "paraphrase", "unrelated", "spanish")
    scores = table([FIXTURES / name for name in own]).set_index("detector")
    assert scores.loc["name", "precision"] >= 0.9 and scores.loc["name", "recall"] >= 0.9
    assert scores.loc["syntax", "precision"] >= 0.8 and scores.loc["syntax", "recall"] >= 0.8


def test_a_surname_swapped_for_another_name(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "Prosecutor Adaeze Obi told the court the funds were moved in May. Her deputy Chidi Nnaji agreed."
    copy = "Prosecutor Adaeze Nnaji told the court the funds were moved in May. Her deputy Chidi Nnaji agreed."
    flags = audit(original, copy, embedder=real_embedder, detectors=["name"]).flags
    assert [(f.text, f.suggestion, f.severity) for f in flags.itertuples()] == [("Nnaji", "Obi", "major")]


def test_a_particle_rendered_as_another_word() -> None:
    original = "Minister Sanne de Boer opened the bridge."
    assert names(original, "Minister Sanne the Boer opened the bridge.") == [
        ("Sanne the Boer", "Sanne de Boer", "minor")
    ]


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        # one word one edit off, the other kept: the words stand two spaces apart
        ("Director Liu Jianguo spoke on Monday.", "Director Liu  Jianguoo spoke on Monday.", "Jianguoo"),
        # a surname swapped for another name, after three spaces
        ("Prosecutor Adaeze Obi told the court.", "Prosecutor Adaeze   Nnaji told the court.", "Nnaji"),
    ],
)
def test_a_flagged_word_of_a_name_is_found_whatever_the_spacing(original: str, copy: str, expected: str) -> None:
    # The second word's offset was taken as one space past the first word: the span missed the word.
    flags = NameDetector().detect(context(original, copy))
    assert [f.text for f in flags] == [expected]
    assert all(copy[f.start : f.end] == f.text for f in flags)


def test_a_particle_name_is_not_read_across_a_sentence_break() -> None:
    # The regex once ran over the whole copy: a flag from "Sanne" in sentence 0 into sentence 1.
    original = "Minister Sanne de Vries spoke on Monday.\n\nShe left."
    assert names(original, "Minister Sanne\n\nthe Vries spoke on Monday.\n\nShe left.") == []


def test_a_split_name_is_not_taken_for_a_swapped_one() -> None:
    flags = names("Analyst Senad Hodzic spoke.", "Analyst Senad Hod Zic spoke.")
    assert flags == [("Hod Zic", "Hodzic", "minor")]


def test_a_place_dropped_is_not_rendered_by_its_country_written_for_another_word(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    # "Russian" renders the original's own "Russian", so nothing renders "Saint Petersburg"
    original = (
        "Navy parade held\n\n"
        "The Russian president arrived in Saint Petersburg for the parade of the Russian fleet. Crowds cheered."
    )
    copy = "Navy parade held\n\nThe Russian president arrived for the parade of the Russian fleet. Crowds cheered."
    omitted = audit(original, copy, embedder=real_embedder, detectors=["omission"]).flags
    assert [(f.suggestion, f.severity) for f in omitted.itertuples()] == [("Saint Petersburg", "minor")]
    # written as the country, the place is rendered (another form of the same entity)
    copy = "Navy parade held\n\nThe president arrived in Russia for the parade of the fleet. Crowds cheered."
    assert audit(original, copy, embedder=real_embedder, detectors=["omission"]).flags.empty


def test_a_name_a_headline_drops_is_a_minor_omission(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "Woman detained in Kostanay over a post\n\nThe police said she wrote about the mayor on Monday."
    copy = "Woman detained over a post\n\nThe police said she wrote about the mayor on Monday."
    omitted = audit(original, copy, embedder=real_embedder, detectors=["omission"]).flags
    assert [(f.suggestion, f.severity) for f in omitted.itertuples()] == [("Kostanay", "minor")]

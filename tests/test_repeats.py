"""Repeated sentences: found by their words, neither omitted nor added, counted once in each coverage."""

from __future__ import annotations

import pytest

from mtqa import audit
from mtqa.align.repeats import covered_share, unlinked_repeats
from mtqa.embed.base import Embedder
from mtqa.segment.repeats import find_repeats
from mtqa.segment.sentences import segment
from mtqa.types import Alignment, Unit

STORY = "The mayor opened the new bridge on Monday. Traffic will flow from next week."


def repeats(text: str) -> dict[str, str]:
    """``{repeat: the sentence it repeats}``, by text."""
    document = segment(text)
    found = find_repeats(document.sentences)
    assert found == {s.id: s.repeat_of for s in document.sentences if s.repeat_of is not None}  # segment sets them
    return {document.sentences[k].text: document.sentences[v].text for k, v in found.items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a scraped page's headline given twice, word for word
        (
            "Floods cut the coast road\n\nFloods cut the coast road\n\n" + STORY,
            {"Floods cut the coast road": "Floods cut the coast road"},
        ),
        # case, spacing and punctuation aside
        (
            "Floods cut the coast road\n\nFLOODS  cut the coast-road!\n\n" + STORY,
            {"FLOODS  cut the coast-road!": "Floods cut the coast road"},
        ),
        # a body sentence said again further down
        (
            STORY + "\n\nThe council met. The mayor opened the new bridge on Monday.",
            {"The mayor opened the new bridge on Monday.": "The mayor opened the new bridge on Monday."},
        ),
        # a page title: the headline and a site name after a separator, either way round
        (
            "Floods cut the coast road | Daily Post\n\nFloods cut the coast road\n\n" + STORY,
            {"Floods cut the coast road": "Floods cut the coast road | Daily Post"},
        ),
        (
            "Floods cut the coast road\n\nFloods cut the coast road \u2013 Daily Post\n\n" + STORY,
            {"Floods cut the coast road \u2013 Daily Post": "Floods cut the coast road"},
        ),
    ],
)
def test_a_repeat_is_the_same_words_as_an_earlier_sentence(text: str, expected: dict[str, str]) -> None:
    assert repeats(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # one word apart: similar, not the same
        "Floods cut the coast road\n\nFloods cut the coast roads\n\n" + STORY,
        "The mayor opened the new bridge on Monday. The mayor opened the old bridge on Monday.",
        # a dash inside a sentence is punctuation, not a title's separator
        "He said the road was closed \u2013 and it was. He said the road was closed.",
        # a tail longer than a site name is more than the headline
        "Floods cut the coast road | Residents of three villages wait for help\n\nFloods cut the coast road",
        # two titles with one head and different tails say different things
        "Results of the county election | Ward 1\n\nResults of the county election | Ward 2\n\n" + STORY,
        "Day one of the trial - opening statements\n\nDay one of the trial - the first witness\n\n" + STORY,
        # too short to tell a repeat from a line said twice in dialogue
        "He paused. Then he spoke again. He paused.",
        # page debris is debris, however often it appears
        "Posted on Monday\n\n" + STORY + "\n\nPosted on Monday",
        "",
    ],
)
def test_a_near_miss_is_not_a_repeat(text: str) -> None:
    assert repeats(text) == {}


@pytest.mark.parametrize(
    ("units", "expected_repeats", "expected_coverage"),
    [
        # sentences 0 and 1 say the same; 2 is another. The first rendered: the second is a repeat.
        ([Unit((0,), (0,)), Unit((1,), ()), Unit((2,), (1,))], {1}, 1.0),
        # the second rendered, the first not: the first is a repeat too (its words are rendered)
        ([Unit((0,), ()), Unit((1,), (0,)), Unit((2,), (1,))], {0}, 1.0),
        # neither rendered: the first is the omission, counted once; the second is a repeat
        ([Unit((0,), ()), Unit((1,), ()), Unit((2,), (0, 1))], {1}, 0.5),
    ],
)
def test_an_unrendered_repeat_is_no_omission_and_counts_once(
    units: list[Unit], expected_repeats: set[int], expected_coverage: float
) -> None:
    reference = segment("Floods cut the coast road\n\nFloods cut the coast road\n\nThe army sent boats on Monday.")
    assert [s.repeat_of for s in reference.sentences] == [None, 0, None]
    alignment = Alignment(tuple(units))
    assert unlinked_repeats(reference, alignment, "reference") == expected_repeats
    assert covered_share(reference, alignment, "reference") == expected_coverage


def test_a_copy_that_repeats_its_own_headline_adds_nothing() -> None:
    copy = segment("Floods cut the coast road\n\nThe army sent boats on Monday.\n\nFloods cut the coast road")
    alignment = Alignment((Unit((0,), (0,)), Unit((1,), (1,)), Unit((), (2,))))
    assert unlinked_repeats(copy, alignment, "copy") == {2}
    assert covered_share(copy, alignment, "copy") == 1.0


def test_an_audit_labels_repeats_on_both_sides_and_flags_neither(onnx_embedder: Embedder) -> None:
    original = (
        "Floods cut the coast road to Port Alma\n\nFloods cut the coast road to Port Alma\n\n"
        "The army sent 12 boats to the villages on Monday. Residents said the water rose within an hour. "
        "The mayor asked for help from the capital. The army sent 12 boats to the villages on Monday."
    )
    copy = (
        "Floods cut the coastal road to Port Alma\n\n"
        "On Monday the army sent 12 boats to the villages. Residents said the water had risen within an hour. "
        "The mayor asked the capital for help. Residents said the water had risen within an hour."
    )
    report = audit(original, copy, embedder=onnx_embedder)
    labels = {
        (tuple(r), tuple(c)): label
        for r, c, label in zip(report.pairs.reference_ids, report.pairs.copy_ids, report.pairs.label, strict=True)
    }
    # the original's headline, given twice: the aligner renders one of the two, and the other is a repeat
    headlines = [labels.get(((i,), ())) for i in (0, 1)]
    assert sorted(headlines, key=str) == [None, "repeat"]
    assert labels[(5,), ()] == "repeat"  # a body sentence with a number, given twice: no omission
    assert labels[(), (4,)] == "repeat"  # the copy's sentence, given twice: no addition
    assert "omitted" not in labels.values() and "added" not in labels.values()
    assert not {"omission", "addition"} & set(report.flags.kind)
    assert report.summary.coverage == report.summary.copy_coverage == 1.0
    assert report.summary.repeat_sentences == {"reference": 2, "copy": 1}
    assert report.summary.labels["repeat"] == 3
    assert "renders 4 of 4 original sentences" in report.summary.verdict
    assert "0 of 4 copy sentences have no source" in report.summary.verdict

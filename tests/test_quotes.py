"""The quote detector: finding quotations, matching them to the original, and grading the change."""

from __future__ import annotations

import re

import pytest

from mtqa.detectors.quotes import QuoteDetector, find_quotes
from mtqa.segment.sentences import segment
from mtqa.types import Flag, Unit
from tests.conftest import make_context as context
from tests.conftest import read_pair


def quotes(original: str, copy: str, units: list[Unit] | None = None) -> list[Flag]:
    flags = QuoteDetector().detect(context(original, copy, units))
    for flag in flags:
        assert copy[flag.start : flag.end] == flag.text
        assert flag.kind == "quote"
    return flags


ORIGINAL = (
    "Mayor Ana Ruiz toured the flooded district on Monday. "
    "“We will rebuild every school before winter, and no family will be left behind,” Ruiz said."
)


@pytest.mark.parametrize(
    "copy_quote",
    [
        "“We will rebuild every school before winter, and no family will be left behind,”",  # identical
        '"We will rebuild every school before winter, and no family will be left behind."',  # straight, full stop
        "«We will rebuild every school before winter — and no family will be left behind»",  # guillemets, dash
        "“we will rebuild every school before winter, and no family will be left behind…”",  # case, ellipsis
    ],
)
def test_same_wording_is_not_flagged(copy_quote: str) -> None:
    copy = f"Mayor Ana Ruiz visited the flooded district on Monday. {copy_quote} Ruiz said."
    assert quotes(ORIGINAL, copy) == []


@pytest.mark.parametrize(
    ("copy_quote", "severity", "evidence"),
    [
        # one content word of seven: meaning changed
        ("“We will rebuild every hospital before winter, and no family will be left behind,”", "major", "school"),
        # one function word
        ("“We will rebuild each school before winter, and no family will be left behind,”", "minor", "every → each"),
        # singular/plural and a verb form only
        ("“We will rebuild every schools before winter, and no families will be left behind,”", "minor", "minor"),
        # a negation added
        ("“We will rebuild every school before winter, and no family won’t be left behind,”", "major", "negation"),
        # a number changed
        ("“We will rebuild every school before winter, and no two families will be left behind,”", "major", "number"),
        # heavily reworded
        ("“Schools will be fixed when the cold comes and families will not be forgotten,”", "major", "major"),
    ],
)
def test_altered_wording_is_flagged_with_the_original(copy_quote: str, severity: str, evidence: str) -> None:
    copy = f"Mayor Ana Ruiz visited the flooded district on Monday. {copy_quote} Ruiz said."
    [flag] = quotes(ORIGINAL, copy)
    assert flag.text == copy_quote
    assert flag.suggestion == "“We will rebuild every school before winter, and no family will be left behind,”"
    assert (flag.copy_id, flag.reference_id) == (1, 1)
    assert flag.severity == severity
    assert evidence in flag.message and flag.message.startswith("quote altered:")


@pytest.mark.parametrize(
    ("original_quote", "copy_quote", "severity"),
    [
        ("“It’s a dark day for the city,”", "“It is a dark day for the city,”", "minor"),
        ("“We lost 12 homes in one night,”", "“We lost 21 homes in one night,”", "major"),
        ("“We lost twelve homes in one night,”", "“We lost eleven homes in one night,”", "major"),
        ("“The army did not reach the village,”", "“The army did reach the village,”", "major"),
        ("“Help came from Lisbon within hours,”", "“Help came from Madrid within hours,”", "major"),
    ],
)
def test_severity_follows_what_changed(original_quote: str, copy_quote: str, severity: str) -> None:
    [flag] = quotes(f"{original_quote} she said.", f"{copy_quote} she said.")
    assert (flag.text, flag.suggestion, flag.severity) == (copy_quote, original_quote, severity)


def test_a_quote_spanning_two_sentences_is_one_span() -> None:
    original = "“The river rose in minutes. We had no time to save anything,” said Ana Ruiz."
    copy = "“The river rose in minutes. We had no time to rescue anything,” said Ana Ruiz."
    [flag] = quotes(original, copy)
    assert flag.text == "“The river rose in minutes. We had no time to rescue anything,”"
    assert flag.suggestion == "“The river rose in minutes. We had no time to save anything,”"


def test_an_unclosed_quote_is_judged_unit_by_unit_to_the_end_of_its_paragraph() -> None:
    original = "Ruiz spoke at dawn. “The river rose in minutes. We had no time to save anything.\n\nShe left."
    copy = "Ruiz spoke at dawn. “The river rose in minutes. We had no time to rescue anything.\n\nShe left."
    # The quote runs over copy sentences 1 and 2, each its own unit: only the second is altered.
    [flag] = quotes(original, copy)
    assert flag.text == "We had no time to rescue anything."
    assert flag.suggestion == "We had no time to save anything."  # no opening mark: the copy's is in sentence 1
    assert flag.copy_id == 2


def test_a_quote_left_open_does_not_run_past_its_unit() -> None:
    original = (
        "Mayor Ana Ruiz toured the district. “We will rebuild every school before winter,” Ruiz said. "
        "The council met on Tuesday. It approved the budget. Work starts in May."
    )
    copy = (
        "Mayor Ana Ruiz toured the district. “We will rebuild every hospital before winter, Ruiz said. "
        "The council met on Tuesday. It approved the budget. Work starts in May."
    )
    [flag] = quotes(original, copy)
    assert flag.copy_id == 1
    assert flag.text == "“We will rebuild every hospital before winter, Ruiz said."
    assert flag.suggestion == "“We will rebuild every school before winter,”"


def test_a_quote_over_two_sentences_of_one_unit_stays_one_span() -> None:
    original = "Ruiz spoke at dawn. “The river rose in minutes. We had no time to save anything.\n\nShe left."
    copy = "Ruiz spoke at dawn. “The river rose in minutes. We had no time to rescue anything.\n\nShe left."
    # Copy sentences 1 and 2 render original sentence 1 together (a 1-2 unit): the quote is not cut.
    units = [Unit((0,), (0,)), Unit((1,), (1, 2)), Unit((2,), ()), Unit((3,), (3,))]
    [flag] = quotes(original, copy, units)
    assert flag.text == "“The river rose in minutes. We had no time to rescue anything."
    assert flag.suggestion == "“The river rose in minutes. We had no time to save anything."
    assert flag.copy_id == 1


@pytest.mark.parametrize("empty", ["“...”", "“ ”", '"..."', "« »", "“…”", '" "'])
@pytest.mark.parametrize("side", ["original", "copy"])
def test_a_quotation_with_no_words_is_skipped(empty: str, side: str) -> None:
    with_words = "He said “we will rebuild the bridge” and left."
    without = f"He said {empty} and left. “We will rebuild the school,” he added."
    original, copy = (without, with_words) if side == "original" else (with_words, without)
    for flag in quotes(original, copy):
        assert flag.text.strip('“”"«» .…')  # never the empty quotation


def test_a_partial_quote_is_matched_to_the_right_part_of_the_original() -> None:
    original = "“We will cut costs this year. The plan will protect the coast for decades,” the minister said."
    copy = "The minister said the plan “will protect the coasts for decades.”"
    [flag] = quotes(original, copy)
    assert flag.text == "“will protect the coasts for decades.”"
    assert flag.suggestion == "“will protect the coast for decades,”"
    assert flag.severity == "minor"


def test_a_partial_quote_reproduced_verbatim_is_not_flagged() -> None:
    original = "“We will cut costs this year. The plan will protect the coast for decades,” the minister said."
    copy = "The minister said the plan “will protect the coast for decades.”"
    assert quotes(original, copy) == []


def test_two_quotes_of_the_original_joined_verbatim_are_not_flagged() -> None:
    original = "“We will cut costs this year,” the minister said. “The plan will protect the coast.”"
    copy = "“We will cut costs this year. The plan will protect the coast,” the minister said."
    assert quotes(original, copy) == []


def test_a_quote_with_no_source_is_not_flagged() -> None:
    copy = "Mayor Ana Ruiz visited the flooded district on Monday. “Our volunteers were heroes,” a resident said."
    assert quotes(ORIGINAL, copy) == []


def test_an_unaligned_quote_is_matched_anywhere_in_the_original() -> None:
    copy = (
        "“We will rebuild every hospital before winter, and no family will be left behind,” Ruiz said. "
        "The mayor toured the district."
    )
    units = [Unit((0,), (1,)), Unit((1,), ()), Unit((), (0,))]
    [flag] = quotes(ORIGINAL, copy, units)
    assert (flag.copy_id, flag.reference_id) == (0, 1)
    assert "school" in (flag.suggestion or "")


def test_apostrophes_and_single_quotes_are_not_quotations() -> None:
    text = "Iraq’s envoy backed the ‘Buy American’ rule and the 'made here' label; he doesn’t mind."
    assert find_quotes(segment(text)) == []
    copy = "Iraq’s envoy backed the ‘Buy America’ rule and the 'made locally' label; he does not mind."
    assert quotes(text, copy) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('She said “it is an open war." Then she left.', ['“it is an open war."']),  # mixed marks
        (
            'Voters chose "jobs over slogans." "People here are tired," he said.',
            ['"jobs over slogans."', '"People here are tired,"'],
        ),
        ("He said «no more delays» today.", ["«no more delays»"]),
        ('She wrote ("not now") twice.', ['"not now"']),
        ("“First part. Second part\n\nNext paragraph.", ["“First part. Second part"]),
    ],
)
def test_quotations_are_found_with_exact_offsets(text: str, expected: list[str]) -> None:
    found = find_quotes(segment(text))
    assert [text[q.start : q.end] for q in found] == expected


def test_params_are_the_class_constants() -> None:
    params = QuoteDetector().params()
    assert params["min_similarity"] == QuoteDetector.MIN_SIMILARITY
    assert set(params) >= {"aligned_bonus", "minor_content_share", "minor_function_words", "min_words"}


def test_the_seed_copy_rewords_the_martyrs_quote() -> None:
    original, copy = read_pair("seed")
    reference_doc, copy_doc = segment(original), segment(copy)
    martyrs = next(s.id for s in reference_doc.sentences if "befits those martyrs" in s.text)
    suitable = [s.id for s in copy_doc.sentences if "suitable for those martyrs" in s.text or "Time doesn" in s.text]
    units = [Unit((martyrs,), tuple(suitable))]
    units += [Unit((i,), ()) for i in range(len(reference_doc)) if i != martyrs]
    units += [Unit((), (j,)) for j in range(len(copy_doc)) if j not in suitable]
    flags = {f.text: f for f in quotes(original, copy, units)}
    flag = flags["“We want an operation suitable for those martyrs,”"]
    assert flag.suggestion == "“We want an operation that befits those martyrs.”"
    assert flag.severity == "major" and flag.reference_id == martyrs
    assert "befits" in flag.message
    assert (
        flags["“Time doesn’t matter if you’re late.”"].suggestion == "“Even if it comes late, time is not important,”"
    )
    assert "“will have the best time.”" in flags  # found without alignment, in the original's last quote


def test_a_quote_that_gains_more_content_words_than_the_original_holds_says_so_truly() -> None:
    original = "The chief spoke on Monday. “I think it was a,” she said."
    copy = "The chief spoke on Monday. “The way I see it, this was a storage room for food and crops,” she said."
    [flag] = quotes(original, copy)
    assert flag.severity == "major"
    counts = [(int(a), int(b)) for a, b in re.findall(r"(\d+) of (\d+) content words?", flag.message)]
    assert all(a <= b for a, b in counts), flag.message  # never "6 of 1 content word"
    assert "where the original has 1" in flag.message

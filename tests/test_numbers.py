"""The number detector and the quantity reader, on small texts written for the purpose."""

from __future__ import annotations

import pytest

from mtqa.detectors.numbers import NumberDetector
from mtqa.nlp.quantities import DateParts, sentence_quantities
from mtqa.segment.sentences import segment
from mtqa.types import Flag, Unit
from tests.conftest import make_context as context


def numbers(original: str, copy: str, units: list[Unit] | None = None) -> list[Flag]:
    flags = NumberDetector().detect(context(original, copy, units))
    for flag in flags:
        assert copy[flag.start : flag.end] == flag.text
        assert flag.suggestion is not None and flag.suggestion in original
        assert flag.kind == "number"
    return flags


def summary(flags: list[Flag]) -> list[tuple[str, str | None, str]]:
    return [(f.text, f.suggestion, f.severity) for f in flags]


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        # the examples of the issue
        ("At least five people died in the fire.", "Five people died in the fire.", ("Five", "At least five", "minor")),
        (
            "The storm hit on June 27, officials said.",
            "The storm hit on June 28, officials said.",
            ("June 28", "June 27", "major"),
        ),
        (
            "Winds reached 155 mph on the coast.",
            "Winds reached 155 km/h on the coast.",
            ("155 km/h", "155 mph", "major"),
        ),
        # digits swapped, in a count and in an amount
        (
            "The water breached embankments in 14 villages.",
            "The water breached embankments in 41 villages.",
            ("41", "14", "major"),
        ),
        (
            "The damage was put at $4.5 million.",
            "The damage was put at $5.4 million.",
            ("$5.4 million", "$4.5 million", "major"),
        ),
        # another currency, the same number
        (
            "The bank lent €300 million to the city.",
            "The bank lent $300 million to the city.",
            ("$300 million", "€300 million", "major"),
        ),
        # percentages
        ("The party won 33.8% of the vote.", "The party won 38.3% of the vote.", ("38.3%", "33.8%", "major")),
        (
            "Turnout was 54 percent, the commission said.",
            "Turnout was 45%, the commission said.",
            ("45%", "54 percent", "major"),
        ),
        # a weekday, a month, a year and a clock time
        ("The minister resigned on Monday.", "The minister resigned on Tuesday.", ("Tuesday", "Monday", "major")),
        (
            "In March, a smaller fire killed two workers.",
            "In May, a smaller fire killed two workers.",
            ("May", "March", "major"),
        ),
        (
            "The agreement was signed in 1995 in Ohio.",
            "The agreement was signed in 1996 in Ohio.",
            ("1996", "1995", "major"),
        ),
        (
            "The planes left the capital at 7 p.m. for the coast.",
            "The planes left the capital at 7 a.m. for the coast.",
            ("7 a.m.", "7 p.m.", "major"),
        ),
        # a unit changed, the number kept
        (
            "The quake struck at a depth of 40 kilometers.",
            "The quake struck at a depth of 40 miles.",
            ("40 miles", "40 kilometers", "major"),
        ),
        ("The road was closed for six hours.", "The road was closed for six days.", ("six days", "six hours", "major")),
        # a number word changed; a count whose noun was reworded
        (
            "The blast killed nine workers at the plant.",
            "The blast killed eight employees at the plant.",
            ("eight", "nine", "major"),
        ),
        (
            "Rescuers found forty-one survivors.",
            "Rescuers found fourteen survivors.",
            ("fourteen", "forty-one", "major"),
        ),
        # only the qualifier: dropped, added, changed
        (
            "Police said more than 200 people were arrested.",
            "Police said 200 people were arrested.",
            ("200", "more than 200", "minor"),
        ),
        (
            "Officials said 40 tourists were stranded.",
            "Officials said about 40 tourists were stranded.",
            ("about 40", "40", "minor"),
        ),
        (
            "Nearly 300 homes were destroyed.",
            "At least 300 homes were destroyed.",
            ("At least 300", "Nearly 300", "minor"),
        ),
    ],
)
def test_a_changed_quantity_is_flagged_with_the_original_rendering(
    original: str, copy: str, expected: tuple[str, str, str]
) -> None:
    flags = numbers(original, copy)
    assert summary(flags) == [expected]
    assert flags[0].reference_id == 0 and flags[0].copy_id == 0


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("Police said four suspects were arrested.", "Police said 4 suspects were arrested."),
        ("The fund holds 4.1 million dollars.", "The fund holds $4.1 million."),
        ("The rally ended Sunday, police said.", "Police said the rally ended on Sunday."),
        ("Teams pulled 1,260 people from rooftops.", "Teams pulled 1260 people from rooftops."),
        ("Prices rose 50% last year.", "Prices rose 50 percent last year."),
        ("The plant employs 2,000 people.", "The plant employs two thousand people."),
        ("The war began in 2012 and ended later.", "The war began in 2012 and ended later."),
        ("Rescuers found forty-one survivors.", "Rescuers found 41 survivors."),
        ("A dozen boats were lost.", "Twelve boats were lost."),
        ("The government will release 450 million taka.", "The government will release 450,000,000 taka."),
        ("Results are due by Jan. 5, 2026.", "Results are due by January 5, 2026."),
        ("The talks resumed on 27 June.", "The talks resumed on June 27th."),
        ("The fire broke out at about 3 a.m. in a warehouse.", "The fire broke out at around 3am in a warehouse."),
        ("The highway was closed for 48 hours.", "The highway was closed for two days."),
        ("Schools stay closed until at least June 18.", "Schools stay closed until June 18 at the earliest."),
        ("A magnitude 7.1 earthquake struck Peru.", "A 7.1-magnitude earthquake struck Peru."),
        ("In Jan. 2009, a quake hit the region.", "In 2009, a quake hit the region."),
        (
            "The river rose 2.4 meters (nearly 8 feet) overnight.",
            "Overnight the river rose 2.4 meters (nearly 8 feet).",
        ),
        ("The river rose 2.4 meters overnight.", "The river rose nearly 8 feet overnight."),  # a conversion
        ("The country has about 170 million people.", "The country has around 170 million people."),
        ("The road was shut for nearly six hours.", "The road was shut for almost six hours."),
        # an added number and an omitted number are other detectors' business
        ("Officials said 38 people died.", "Officials said 38 people died in five districts."),
        ("Officials said 38 people died in five districts.", "Officials said 38 people died."),
        ("Three people died and 200 homes burned.", "Two hundred homes burned."),
    ],
)
def test_equivalent_renderings_are_not_flagged(original: str, copy: str) -> None:
    assert numbers(original, copy) == []


def test_a_number_moved_to_the_second_sentence_of_a_split_is_compared_there() -> None:
    original = "Floods killed 38 people and forced 210,000 from their homes."
    copy = "Floods killed 38 people. They forced 120,000 from their homes."
    flags = numbers(original, copy, [Unit((0,), (0, 1))])
    assert summary(flags) == [("120,000", "210,000", "major")]
    assert (flags[0].copy_id, flags[0].reference_id) == (1, 0)
    assert flags[0].start == copy.index("120,000")


def test_a_merge_pools_the_reference_sentences() -> None:
    original = "The plant shut on Monday. It employs 310 workers."
    copy = "The plant, which employs 130 workers, shut on Monday."
    flags = numbers(original, copy, [Unit((0, 1), (0,))])
    assert summary(flags) == [("130", "310", "major")]
    assert flags[0].reference_id == 1
    assert flags[0].message == "number changed: original says “310 workers”, copy says “130 workers”"


def test_the_message_names_both_renderings() -> None:
    [flag] = numbers("The water breached 14 villages.", "The water breached 41 villages.")
    assert flag.message == "number changed: original says “14 villages”, copy says “41 villages”"
    [flag] = numbers("At least five people died.", "Five people died.")
    assert flag.message == "qualifier changed: original says “At least five people”, copy says “Five people”"


def test_a_sentence_without_a_counterpart_is_skipped() -> None:
    original = "Officials said 38 people died."
    copy = "Officials said 83 people died."
    assert numbers(original, copy, [Unit((0,), ()), Unit((), (0,))]) == []


def test_numbers_in_a_different_slot_are_not_paired() -> None:
    original = "Three people died in the fire. The company has 900 employees."
    copy = "Seven firefighters were hurt in the fire. The company has 900 employees."
    assert numbers(original, copy) == []


def test_a_qualifier_is_not_judged_in_a_sentence_that_is_not_english() -> None:
    original = "An earthquake killed at least 14 people in southern Peru."
    copy = "Un sismo mató al menos a 14 personas en el sur de Perú."
    assert numbers(original, copy) == []


def test_a_translated_unit_is_not_a_changed_unit() -> None:
    original = "The quake hit at a depth of 40 kilometers."
    copy = "El sismo se produjo a una profundidad de 40 kilómetros."
    assert numbers(original, copy) == []


def test_params_report_the_class_defaults() -> None:
    detector = NumberDetector()
    assert detector.name == "number"
    assert detector.params()["conversion_tolerance"] == NumberDetector.CONVERSION_TOLERANCE


@pytest.mark.parametrize(
    ("text", "quantity", "value", "unit"),
    [
        ("They found forty-one bodies.", "forty-one", 41.0, None),
        ("It cost $4.1 million in all.", "$4.1 million", 4_100_000.0, "USD"),
        ("It cost 4.1 million dollars in all.", "4.1 million dollars", 4_100_000.0, "USD"),
        ("Aid of 450 million taka was sent.", "450 million taka", 450_000_000.0, "BDT"),
        ("It pays 1.2 million yuan to each family.", "1.2 million yuan", 1_200_000.0, "CNY"),
        ("The party won 33.8% of the vote.", "33.8%", 33.8, "%"),
        ("A dozen boats sank.", "A dozen", 12.0, None),
        ("Some two thousand five hundred people fled.", "two thousand five hundred", 2500.0, None),
        ("The bill totals 1.2 billion.", "1.2 billion", 1_200_000_000.0, None),
        ("Winds hit 155 km/h there.", "155 km/h", 155.0, "km/h"),
        ("Winds hit 155 mph there.", "155 mph", 155.0, "mph"),
        ("The river rose 2.4 meters overnight.", "2.4 meters", 2.4, "m"),
        ("A magnitude 5.4 aftershock followed.", "magnitude 5.4", 5.4, "magnitude"),
        ("A 52-year-old man was held.", "52-year-old", 52.0, "year"),
        ("It was 30 degrees Celsius at noon.", "30 degrees Celsius", 30.0, "°C"),
    ],
)
def test_amounts_are_read_with_their_value_and_unit(text: str, quantity: str, value: float, unit: str | None) -> None:
    sentence = segment(text).sentences[0]
    found = {q.text: q for q in sentence_quantities(sentence)}
    assert quantity in found, list(found)
    assert found[quantity].value == pytest.approx(value)
    assert found[quantity].unit == unit
    assert text[found[quantity].start : found[quantity].end] == quantity


@pytest.mark.parametrize(
    ("text", "quantity", "date"),
    [
        ("It happened on June 27, police said.", "June 27", DateParts(month=6, day=27)),
        ("It happened on 27 June 2021 in the north.", "27 June 2021", DateParts(year=2021, month=6, day=27)),
        ("It happened on Jan. 5 in the north.", "Jan. 5", DateParts(month=1, day=5)),
        ("It happened in 2012 in the north.", "2012", DateParts(year=2012)),
        ("It happened on Monday in the north.", "Monday", DateParts(weekday=0)),
        ("It happened in May in the north.", "May", DateParts(month=5)),
    ],
)
def test_dates_are_read_with_their_parts(text: str, quantity: str, date: DateParts) -> None:
    found = {q.text: q for q in sentence_quantities(segment(text).sentences[0])}
    assert found[quantity].kind == "date"
    assert found[quantity].date == date


@pytest.mark.parametrize(
    ("text", "qualifier", "full_text"),
    [
        ("At least 38 people died.", "at least", "At least 38"),
        ("More than 210,000 fled.", "more than", "More than 210,000"),
        ("Nearly 8 feet of water.", "nearly", "Nearly 8 feet"),
        ("About 95,000 are children.", "about", "About 95,000"),
        ("Up to 40 boats left.", "at most", "Up to 40"),
        ("Some 40 tourists were stranded.", "about", "Some 40"),
        ("Almost six hours passed.", "nearly", "Almost six hours"),
        ("Fewer than 10 remain.", "less than", "Fewer than 10"),
        ("Voices were heard under two of the houses.", None, "two"),
        ("It rained heavily over two days.", None, "two days"),
    ],
)
def test_qualifiers_are_read(text: str, qualifier: str | None, full_text: str) -> None:
    [found] = sentence_quantities(segment(text).sentences[0])
    assert found.qualifier == qualifier
    assert found.full_text == full_text


@pytest.mark.parametrize(
    "text",
    [
        "No one was hurt in the blaze.",
        "The COVID-19 outbreak spread.",
        "Officials may release the report.",
        "The 1990s were quieter.",
    ],
)
def test_words_that_are_not_quantities_are_skipped(text: str) -> None:
    assert sentence_quantities(segment(text).sentences[0]) == []

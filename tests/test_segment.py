"""Segmentation: sentence boundaries, headlines, datelines, quotes, offsets."""

from __future__ import annotations

import pytest

from mtqa.segment.normalize import normalize
from mtqa.segment.sentences import segment


def texts(text: str) -> list[str]:
    return [s.text for s in segment(text).sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He went to the U.S. on Monday. Then he left.", ["He went to the U.S. on Monday.", "Then he left."]),
        ("They struck the U.S. The next day, nothing.", ["They struck the U.S.", "The next day, nothing."]),
        (
            "Gen. Qassem Soleimani was killed. Iran vowed revenge.",
            ["Gen. Qassem Soleimani was killed.", "Iran vowed revenge."],
        ),
        (
            "It began at 3 a.m. Tuesday and ended at 5 p.m. The rain stopped.",
            ["It began at 3 a.m. Tuesday and ended at 5 p.m.", "The rain stopped."],
        ),
        ("Dr. Chen and Mr. Li met on Jan. 5 in the city.", ["Dr. Chen and Mr. Li met on Jan. 5 in the city."]),
        ("Prices rose 3.5% in May. Wages fell.", ["Prices rose 3.5% in May.", "Wages fell."]),
        ("Did it work? Nobody knows! We will see.", ["Did it work?", "Nobody knows!", "We will see."]),
        (
            "Acme Inc. said sales rose. It sued Acme Inc. The end.",
            ["Acme Inc. said sales rose.", "It sued Acme Inc.", "The end."],
        ),
        ("John F. Kennedy spoke.", ["John F. Kennedy spoke."]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a quotation running across sentences stays with its attribution
        (
            "“We will fight. We will win,” she said. Then she left.",
            ["“We will fight. We will win,” she said.", "Then she left."],
        ),
        ('"It is over. Go home." The crowd left.', ['"It is over. Go home."', "The crowd left."]),
        # mixed curly and straight quotes, as scraped pages have
        ('“It is open. It is war." He smiled.', ['“It is open. It is war."', "He smiled."]),
        # a quote that does not close in its paragraph does not block breaks
        ("“We came here. We stayed. And then", ["“We came here.", "We stayed.", "And then"]),
        ("“Stop,” he said. “Now.”", ["“Stop,” he said.", "“Now.”"]),
    ],
)
def test_quotations(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_headline_dateline_and_paragraphs() -> None:
    text = (
        "Floods kill 38 in Bangladesh\n\n"
        "DHAKA, Bangladesh (AP) — Floods killed 38 people. More are missing.\n\n"
        "Rescue work goes on.\n"
    )
    document = segment(text)
    assert [s.kind for s in document.sentences] == ["headline", "body", "body", "body"]
    assert [s.paragraph for s in document.sentences] == [0, 1, 1, 2]
    first = document.sentences[1]
    assert first.text.startswith("DHAKA, Bangladesh (AP) — ")
    assert first.norm == "Floods killed 38 people."


@pytest.mark.parametrize("dateline", ["Baghdad (AP) — ", "KYIV, Ukraine (Reuters) - ", "BEIRUT — "])
def test_datelines_are_dropped_from_the_comparison_text(dateline: str) -> None:
    sentence = segment(dateline + "The talks failed on Monday.").sentences[0]
    assert sentence.norm == "The talks failed on Monday."


def test_a_headline_line_without_full_stop_is_its_own_sentence() -> None:
    assert texts("Leader vows revenge\nThe leader spoke on Monday.") == [
        "Leader vows revenge",
        "The leader spoke on Monday.",
    ]


def test_soft_wrapped_lines_join() -> None:
    assert texts("The minister said the\nplan would work. It did.") == [
        "The minister said the\nplan would work.",
        "It did.",
    ]


def test_fragment_without_final_punctuation_at_paragraph_end() -> None:
    assert texts("They vowed to retaliate last month. Talk about\n\nNext paragraph.")[1] == "Talk about"


def test_offsets_point_at_the_text_as_given() -> None:
    text = "\ufeff  Title here\r\n\r\n\u00a0“Quote.” He said\u2014loudly.  Again.\n\n\nEnd"
    document = segment(text)
    assert document.sentences, "expected sentences"
    for sentence in document.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


def test_normalize_maps_typography_but_not_offsets() -> None:
    assert normalize("“Don’t”  —\u00a0it’s…  ok") == "\"Don't\" - it's... ok"


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert segment("").sentences == ()
    assert segment(" \n\n\t ").sentences == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “we stay” and left.", [(8, 17, True)]),
        ('He said "we stay." Then he left.', [(8, 18, True)]),
        ("„Wir bleiben“ sagte er, «nous restons».", [(0, 13, True), (24, 38, True)]),
        ("She said “we will go. Then “no”.", [(9, 26, False), (27, 31, True)]),  # ends before the next
        ("He said “we will never", [(8, 22, False)]),
        ("It's the “...” case.", [(9, 14, True)]),
        ("A 5' board and a 6\" pipe.", []),
    ],
)
def test_one_quotation_scanner(text: str, expected: list[tuple[int, int, bool]]) -> None:
    from mtqa.segment.quotations import quotation_spans, scan_quotations

    found = scan_quotations(text)
    assert [(q.start, q.end, q.closed) for q in found] == expected
    assert quotation_spans(text) == [(start, end - 1) for start, end, closed in expected if closed]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a fragment glued on after a full stop becomes a sentence of its own
        (
            "The ferry stopped on Friday. was reported by the port. No one was hurt.",
            ["The ferry stopped on Friday.", "was reported by the port.", "No one was hurt."],
        ),
        ("The boat capsized. and overturned near the shore.", ["The boat capsized.", "and overturned near the shore."]),
        # abbreviations, initialisms, ellipses and quotations keep their sentence whole
        ("He bought pears, apples etc. and left.", ["He bought pears, apples etc. and left."]),
        ("Fruit vs. vegetables is the debate.", ["Fruit vs. vegetables is the debate."]),
        ("It was 5 p.m. on Monday.", ["It was 5 p.m. on Monday."]),
        ("He waited... and waited.", ["He waited... and waited."]),
        ('She said: "we left. they stayed." Then she went.', ['She said: "we left. they stayed."', "Then she went."]),
        ("See example.com for more.", ["See example.com for more."]),
    ],
)
def test_a_fragment_glued_after_a_full_stop_is_its_own_sentence(text: str, expected: list[str]) -> None:
    assert [s.text for s in segment(text).sentences] == expected


@pytest.mark.parametrize(
    ("line", "debris"),
    [
        ("Also read: Harbour fees rise for the second year", True),
        ("Trending: Ferry strike enters its third day", True),
        ("Tags: ports, shipping, strikes", True),
        ("Download our app for breaking news alerts", True),
        ("Subscribe to our newsletter for the latest from the coast", True),
        ("Leave a Reply", True),
        ("People are also reading…", True),
        ("Anna Berg is a freelance writer who covers shipping and fisheries", True),
        # story text of a similar shape stays story text
        ("Latest: the death toll rose to 12.", False),
        ("Follow the rules, the harbour master told the crew.", False),
        ("Get out, he shouted at you.", False),
        ("The mayor is a former journalist who covers nothing.", False),
        ("Anna Berg is a nurse at the harbour clinic.", False),
    ],
)
def test_promo_lines_are_debris_by_their_shape(line: str, debris: bool) -> None:
    from mtqa.segment.boilerplate import is_debris_line

    assert is_debris_line(line) is debris


@pytest.mark.parametrize(
    "text",
    [
        "The fire covered 500 sq. meters, and it spread to a warehouse.",
        "The river carried 60,000 cub. m/s on the evening of the flood.",
        "The fire in the Cathedral of Sts. Peter and Paul was put out.",
    ],
)
def test_measure_and_saint_abbreviations_end_no_sentence(text: str) -> None:
    assert [s.text for s in segment(text).sentences] == [text]


def test_a_lowercase_word_after_a_full_stop_still_opens_a_sentence() -> None:
    assert [s.text for s in segment("The fire spread. was reported on Friday.").sentences] == [
        "The fire spread.",
        "was reported on Friday.",
    ]

"""The HTML report as a document: complete, escaped, self-contained, and written by ``mtqa audit --format html``.

What it does in a browser is in ``test_html_browser.py``.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtqa import audit
from mtqa.cli.app import app
from mtqa.embed.base import Embedder
from mtqa.report.html import render_html
from tests.conftest import FIXTURES, FakeEmbedder, read_pair

VOID = {"meta", "br", "input", "img", "link", "hr"}


class Page(HTMLParser):
    """Every element, text node and attribute of a page, with its nesting checked as it goes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.copy_text: list[str] = []
        self.in_copy_sentence = 0
        self.aside = 0  # inside a tooltip or a sentence's number and links, which are not the copy's text
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)
            if self.aside or (self.in_copy_sentence and (tag == "sup" or dict(attrs).get("class") == "tip")):
                self.aside += 1
            if self.in_copy_sentence:
                self.in_copy_sentence += 1
            elif dict(attrs).get("data-side") == "copy":
                self.in_copy_sentence = 1

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        if self.aside:
            self.aside -= 1
        if self.in_copy_sentence:
            self.in_copy_sentence -= 1

    def handle_data(self, data: str) -> None:
        if self.in_copy_sentence and not self.aside:
            self.copy_text.append(data)

    def having(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def seed_report() -> tuple[str, dict[str, Any]]:
    report = audit(*read_pair("seed"), embedder=FakeEmbedder())  # the renderer's logic, not the model, is tested
    return report.to_html(), report.to_dict()


def without_word_spans(page: str) -> str:
    """The page with the word-hover spans unwrapped, so a flag's mark holds its text directly."""
    return re.sub(r'<span class="w" [^>]*>([^<]*)</span>', r"\1", page)


def test_the_page_is_complete_and_needs_nothing_from_outside(seed_report: tuple[str, dict[str, Any]]) -> None:
    text, _ = seed_report
    page = Page(text)
    assert page.open == []
    assert [t for t, _ in page.tags].count("script") == 1 and [t for t, _ in page.tags].count("style") == 1
    assert not [a for _, a in page.tags if a.get("src") or (a.get("href") or "#").startswith(("http", "//"))]
    assert not re.search(r"url\(|@import|https?://", text.split("<body>")[0])
    assert "default-src 'none'" in text


def test_the_header_gives_the_summary_and_the_signature(seed_report: tuple[str, dict[str, Any]]) -> None:
    text, data = seed_report
    summary = data["summary"]
    head = text.split('<main class="texts">')[0]
    for shown in (
        f"{summary['coverage']:.0%}",
        f"{summary['mean_cosine']:.3f}",
        f"{summary['mean_quality']:.2f}",
        f"{summary['corpus_bleu']:.1f}",
        f"{summary['corpus_chrf']:.1f}",
        *(f"{kind} {count}" for kind, count in summary["flags_by_kind"].items()),
        data["signature"]["model"],
        data["signature"]["scorers"]["bleu"],
        data["signature"]["scorers"]["chrf"],
    ):
        assert shown in head


def test_both_texts_appear_whole_in_their_own_order(seed_report: tuple[str, dict[str, Any]]) -> None:
    text, data = seed_report
    page = Page(text)
    for side, letter in (("reference", "r"), ("copy", "c")):
        spans = page.having("span", **{"data-side": side})
        ids = [s["id"] for s in spans]
        expected = [f"{letter}{s['id']}" for s in data["sentences"] if s["side"] == side]
        assert ids == expected
    # marks split the copy's sentences into pieces, but together they are the sentences, carets aside
    copy_sentences = " ".join(s["text"] for s in data["sentences"] if s["side"] == "copy")
    assert re.sub(r"\s+", "", "".join(page.copy_text).replace("\u2038", "")) == re.sub(r"\s+", "", copy_sentences)


def test_every_flag_has_a_mark_and_a_row(seed_report: tuple[str, dict[str, Any]]) -> None:
    text, data = seed_report
    page = Page(text)
    marked = {int(n) for a in page.having("mark") for n in (a.get("data-flags") or "").split()}
    assert marked == set(range(len(data["flags"])))
    anchors = sorted(a["id"] or "" for _, a in page.tags if (a.get("id") or "").startswith("flag-"))
    assert anchors == sorted(f"flag-{n}" for n in range(len(data["flags"])))  # #flag-N links reach every flag
    rows = [a["data-flag"] for a in page.having("tr") if a.get("data-flag")]
    assert rows == [str(n) for n in range(len(data["flags"]))]


def test_an_omission_badge_links_to_its_flag(seed_report: tuple[str, dict[str, Any]]) -> None:
    text, data = seed_report
    # an omission of whole sentences (an insertion point); a name dropped inside a rendered sentence has a span
    omissions = [(n, f) for n, f in enumerate(data["flags"]) if f["kind"] == "omission" and f["start"] == f["end"]]
    assert omissions
    for number, flag in omissions:
        assert f'id="r{flag["reference_id"]}"' in text
        assert f'<a class="badge" href="#flag-{number}">omitted</a>' in text


def test_every_piece_of_text_is_escaped() -> None:
    evil = '<b onmouseover="x()">&amp;</b>'
    original = "The council approved the budget on Tuesday. It takes effect in May."
    copy = f"The council approved the {evil} budget on Tuesday. {evil} It takes effect in May."
    report = audit(original, copy, embedder=FakeEmbedder())
    data = report.to_dict()
    data["flags"].append(
        {**data["flags"][0], "kind": evil, "severity": evil, "suggestion": evil, "message": evil}
        if data["flags"]
        else {
            "kind": evil,
            "severity": evil,
            "copy_id": 0,
            "reference_id": 0,
            "start": 4,
            "end": 11,
            "text": "council",
            "suggestion": evil,
            "message": evil,
        }
    )
    data["signature"]["model"] = evil
    data["pairs"][0]["label"] = evil
    data["summary"]["flags_by_kind"] = {evil: evil}
    page = render_html(data, title=evil)
    assert "<b " not in page and "&amp;</b>" not in page
    parsed = Page(page)
    assert parsed.open == [] and not [a for t, a in parsed.tags if t == "b" and a]  # the page's own <b> are bare
    # nothing broke out of an attribute: every attribute name is one the renderer writes
    names = {name for _, attrs in parsed.tags for name in attrs}
    assert not [n for n in names if n.startswith("on") or "(" in n or '"' in n], names
    # the hostile text is in the aria-label and the tip of the flag's mark, whole
    marks = [a for a in parsed.having("mark") if evil in (a.get("aria-label") or "")]
    assert marks and all(" " not in (a.get("class") or "").split("kind-")[1].split()[0] for a in marks)


def test_overlapping_flags_share_the_stretch_they_both_cover() -> None:
    original = "Abu Alaa al-Walae spoke in Baghdad."
    copy = "Alwarae spoke in Baghdad."
    data = audit(original, copy, embedder=FakeEmbedder()).to_dict()
    flag = {"copy_id": 0, "reference_id": 0, "suggestion": "s", "message": "m", "severity": "minor"}
    data["flags"] = [
        {**flag, "kind": "name", "start": 0, "end": 13, "text": "Alwarae spoke"},
        {**flag, "kind": "syntax", "severity": "major", "start": 8, "end": 24, "text": "spoke in Baghdad"},
        {**flag, "kind": "omission", "start": 25, "end": 25, "text": ""},
    ]
    page = without_word_spans(render_html(data))
    marks = re.findall(r'<mark class="flag ([^"]*)" data-flags="([^"]*)"[^>]*>([^<]*)', page)
    assert [(m[1], m[2]) for m in marks] == [
        ("0", "Alwarae "),
        ("0 1", "spoke"),
        ("1", " in Baghdad"),
        ("2", "&#8248;"),
    ]
    assert "sev-major" in marks[1][0] and "insertion" in marks[3][0]


def test_audit_format_html_writes_one_page(tmp_path: Path) -> None:
    seed = [str(FIXTURES / "seed" / "original.txt"), str(FIXTURES / "seed" / "copy.txt")]
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["audit", *seed, "--format", "html", "--output", str(target)])
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "mtqa audit: copy.txt against original.txt" in page
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    printed = CliRunner().invoke(app, ["audit", *seed, "-f", "html"])
    assert printed.exit_code == 0 and printed.stdout.startswith("<!DOCTYPE html>")


def test_a_flag_over_several_sentences_is_marked_in_each(onnx_embedder: Embedder) -> None:
    original = (
        'The minister said: "We will not raise taxes this year. The budget is balanced and the debt is falling." '
        "Opposition leaders disagreed with her on Monday."
    )
    copy = (
        'The minister said: "We will raise taxes this year. The budget is balanced and the debt is rising. '
        "Opposition leaders disagreed with her on Monday."
    )
    report = audit(original, copy, embedder=onnx_embedder)
    data = report.to_dict()
    wide = [(n, f) for n, f in enumerate(data["flags"]) if f["text"].count(".") >= 2]
    assert wide, "the unclosed quote runs over several sentences"
    page = without_word_spans(render_html(data))
    for number, flag in wide:
        pieces = re.findall(rf'<mark class="flag[^"]*" data-flags="(?:\d+ )*{number}(?: \d+)*"[^>]*>([^<]*)', page)
        assert len(pieces) >= 2
        assert re.sub(r"\s+", "", html.unescape("".join(pieces))) == re.sub(r"\s+", "", flag["text"])


def test_flags_are_placed_by_their_offsets() -> None:
    copy = "First sentence here. Second one follows.  Third comes last."
    data = audit(copy, copy, embedder=FakeEmbedder(), detectors=[]).to_dict()
    assert [s["start"] for s in data["sentences"] if s["side"] == "copy"] == [0, 21, 42]
    flag = {"kind": "name", "severity": "minor", "reference_id": None, "suggestion": "s", "message": "m"}
    data["flags"] = [
        {**flag, "copy_id": 0, "start": 28, "end": 31, "text": "one"},  # copy_id names the wrong sentence
        {**flag, "copy_id": None, "start": 6, "end": 14, "text": "sentence"},  # no copy_id
        {**flag, "copy_id": None, "start": 41, "end": 41, "text": ""},  # a point between two sentences
    ]
    page = without_word_spans(render_html(data))
    marks = re.findall(r'<mark class="flag[^"]*" data-flags="(\d)"[^>]*>([^<]*)', page)
    assert sorted(marks) == [("0", "one"), ("1", "sentence"), ("2", "&#8248;")]
    second = page[page.index('id="c1"') : page.index('id="c2"')]
    assert 'data-flags="2"' in second  # the point between sentences sits at the end of the one before
    assert 'class="start-flags"' not in page

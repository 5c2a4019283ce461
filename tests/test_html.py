"""The HTML report as a document: complete, escaped, self-contained, and written by ``mtqa audit --format html``.

What it does in a browser is in ``test_html_browser.py``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtqa import audit
from mtqa.cli import app
from mtqa.embed import Embedder
from mtqa.render_html import render_html
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
def seed_report(onnx_embedder: Embedder) -> tuple[str, dict[str, Any]]:
    report = audit(*read_pair("seed"), embedder=onnx_embedder)
    return report.to_html(), report.to_dict()


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
    omissions = [(n, f) for n, f in enumerate(data["flags"]) if f["kind"] == "omission"]
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
    page = render_html(data, title=evil)
    assert "<b " not in page and "&amp;</b>" not in page
    assert page.count("&lt;b onmouseover=&quot;x()&quot;&gt;&amp;amp;&lt;/b&gt;") >= 6
    assert Page(page).open == []


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
    page = render_html(data)
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

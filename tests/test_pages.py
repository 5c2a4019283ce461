"""Saved web pages as input: the article and nothing else, audited as its text would be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import mtqa
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError
from mtqa.inputs import MAX_INPUT_BYTES, read_story
from mtqa.pages.detect import looks_like_html
from mtqa.pages.extract import extract_article

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = FIXTURES / "pages"
# Each page wraps a fixture text in a site's furniture: navigation, a cookie
# banner, ads inside the article, share buttons, "read more" and related
# links, tags, comments, a sidebar and a footer. flood_copy.html is a
# WordPress-style scraper template with its headline in the entry header.
ARTICLES = {"flood_original": "flood/original.txt", "flood_copy": "flood/copy.txt", "quake_copy": "quake/copy.txt"}


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


@pytest.mark.parametrize("page", sorted(ARTICLES))
def test_a_furnished_page_gives_its_article_and_nothing_else(page: str) -> None:
    article = extract_article((PAGES / f"{page}.html").read_text(encoding="utf-8"), page)
    assert paragraphs(article.text) == paragraphs((FIXTURES / ARTICLES[page]).read_text(encoding="utf-8"))
    assert article.title == paragraphs(article.text)[0]
    assert article.date == "2026-03-02"
    assert article.extractor.startswith("trafilatura ")


def test_a_page_is_told_from_text_by_its_content() -> None:
    assert looks_like_html((PAGES / "flood_copy.html").read_text(encoding="utf-8"))
    assert looks_like_html("\ufeff\n  <html><body><p>Hello.</p></body></html>")
    assert not looks_like_html((FIXTURES / "flood" / "copy.txt").read_text(encoding="utf-8"))
    assert not looks_like_html("<3 is what fans wrote under the minister's post.")


def test_the_audit_of_a_page_equals_the_audit_of_its_article(onnx_embedder: Embedder, tmp_path: Path) -> None:
    original, copy = read_story(PAGES / "flood_original.html"), read_story(PAGES / "flood_copy.html")
    assert (original.source["format"], copy.source["format"]) == ("html", "html")
    from_pages = mtqa.audit(original.text, copy.text, embedder=onnx_embedder)
    as_text = tmp_path / "original.txt", tmp_path / "copy.txt"
    as_text[0].write_text(original.text, encoding="utf-8")
    as_text[1].write_text(copy.text, encoding="utf-8")
    texts = [read_story(path) for path in as_text]
    assert [t.source for t in texts] == [{"format": "text"}] * 2
    from_text = mtqa.audit(texts[0].text, texts[1].text, embedder=onnx_embedder)
    for table in ("sentences", "pairs", "flags"):
        pd.testing.assert_frame_equal(getattr(from_pages, table), getattr(from_text, table))
    # and the fixture's own text, written with other line breaks, gives the same flags on the same words
    fixture = mtqa.audit(
        (FIXTURES / "flood" / "original.txt").read_text(encoding="utf-8"),
        (FIXTURES / "flood" / "copy.txt").read_text(encoding="utf-8"),
        embedder=onnx_embedder,
    )
    assert list(fixture.flags.text) == list(from_pages.flags.text)


def test_a_page_without_an_article_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mtqa", "audit", str(PAGES / "no_article.html"), str(PAGES / "flood_copy.html")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"mtqa: error: {PAGES / 'no_article.html'}: no article text found in the web page"
    ]
    with pytest.raises(MtqaError, match="no article text"):
        read_story(PAGES / "no_article.html")


def test_the_report_records_the_extraction(tmp_path: Path) -> None:
    output = tmp_path / "report.json"
    command = ["audit", str(FIXTURES / "flood" / "original.txt"), str(PAGES / "flood_copy.html")]
    result = subprocess.run(
        [sys.executable, "-m", "mtqa", *command, "-f", "json", "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    inputs = json.loads(output.read_text(encoding="utf-8"))["signature"]["inputs"]
    assert inputs["original"] == {"format": "text"}
    assert inputs["copy"]["format"] == "html" and inputs["copy"]["extractor"].startswith("trafilatura ")
    assert inputs["copy"]["title"].startswith("Flood kills at least 38") and inputs["copy"]["date"] == "2026-03-02"


def test_a_large_page_with_a_small_article_is_read_and_a_large_text_is_not(tmp_path: Path) -> None:
    page = (PAGES / "quake_copy.html").read_text(encoding="utf-8")
    script = "<script>var tracking = '" + "x" * MAX_INPUT_BYTES + "';</script>"
    big_page = tmp_path / "big.html"
    big_page.write_text(page.replace("</body>", script + "</body>"), encoding="utf-8")
    assert read_story(big_page).text == read_story(PAGES / "quake_copy.html").text
    big_text = tmp_path / "big.txt"
    big_text.write_text("Word. " * (MAX_INPUT_BYTES // 5), encoding="utf-8")
    with pytest.raises(MtqaError, match="over the limit"):
        read_story(big_text)


def test_input_format_text_reads_a_page_as_it_is_and_an_unknown_format_is_refused() -> None:
    raw = read_story(PAGES / "flood_copy.html", input_format="text")
    assert raw.text.startswith("<!doctype html>") and raw.source == {"format": "text"}
    with pytest.raises(MtqaError, match="unknown input format 'pdf'"):
        read_story(PAGES / "flood_copy.html", input_format="pdf")


def test_a_batch_reads_pages_and_records_what_it_read(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mtqa.batch.parquet import read_table
    from mtqa.cli.app import app

    manifest = tmp_path / "manifest.csv"
    rows = [
        ("page", PAGES / "flood_original.html", PAGES / "flood_copy.html"),
        ("text", FIXTURES / "flood" / "original.txt", FIXTURES / "flood" / "copy.txt"),
        ("no-article", PAGES / "flood_original.html", PAGES / "no_article.html"),
    ]
    manifest.write_text("id,original,copy\n" + "".join(f"{i},{o},{c}\n" for i, o, c in rows), encoding="utf-8")
    args = ["audit-batch", str(manifest), "-o", str(tmp_path / "out"), "--no-cache", "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--allow-outside-paths"])
    assert result.exit_code == 0, result.output
    summary = read_table(tmp_path / "out", "summary").set_index("id")
    assert summary.loc["page", "status"] == "ok" and summary.loc["page", "copy_format"] == "html"
    assert summary.loc["page", "copy_title"].startswith("Flood kills at least 38")
    assert summary.loc["text", "copy_format"] == "text"
    assert summary.loc["page", "flags"] == summary.loc["text", "flags"]
    assert summary.loc["no-article", "status"] == "error"
    assert "no article text found" in summary.loc["no-article", "error"]

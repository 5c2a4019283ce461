"""audit-batch --html: a report page per copy and an index of all copies, in manifest order."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from mtqa.batch.pages import page_name, render_index
from mtqa.batch.parquet import read_table
from tests.test_batch import ROWS, run_batch, write_manifest


def index_ids(page: str) -> list[str]:
    # the first cell is the row number, the second the id
    return re.findall(r'<tr class="[^"]*"><td class="num" data-value="[^"]*">[^<]*</td><td data-value="([^"]*)"', page)


def test_each_copy_gets_a_page_and_the_index_lists_all_in_manifest_order(tmp_path: Path) -> None:
    output, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    stderr = run_batch(write_manifest(tmp_path, ROWS), output, cache, "--workers", "2", "--html")
    assert "index of 7 copies" in stderr
    pages = sorted(p.name for p in (output / "html" / "copies").iterdir())
    assert pages == sorted(f"{r[0]}.html" for r in ROWS if r[0] not in ("missing", "empty"))
    seed = (output / "html" / "copies" / "seed-a.html").read_text(encoding="utf-8")
    assert "Alwarae" in seed and 'href="../index.html"' in seed and "mtqa audit seed-a" in seed
    index = (output / "html" / "index.html").read_text(encoding="utf-8")
    assert index_ids(index) == [r[0] for r in ROWS]  # errors in their place, not sorted to the end
    assert 'href="copies/seed-a.html"' in index and 'href="copies/missing.html"' not in index
    assert "no such file" in index


def test_a_resumed_run_indexes_every_copy_and_keeps_earlier_pages(tmp_path: Path) -> None:
    output, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    run_batch(write_manifest(tmp_path, ROWS[:2]), output, cache, "--workers", "1", "--html")
    first = (output / "html" / "copies" / "seed-a.html").stat().st_mtime_ns
    run_batch(write_manifest(tmp_path, ROWS), output, cache, "--workers", "1", "--html")
    assert (output / "html" / "copies" / "seed-a.html").stat().st_mtime_ns == first
    assert sorted(index_ids((output / "html" / "index.html").read_text(encoding="utf-8"))) == sorted(r[0] for r in ROWS)
    assert not list((output / "html").rglob(".*"))  # no staged file left behind


def test_html_on_a_finished_output_writes_the_missing_pages_without_touching_the_tables(tmp_path: Path) -> None:
    output, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    manifest = write_manifest(tmp_path, ROWS)
    run_batch(manifest, output, cache, "--workers", "2")
    assert not (output / "html").exists()  # no pages without --html
    before = read_table(output, "summary")
    stderr = run_batch(manifest, output, cache, "--workers", "2", "--html", "--no-retry-errors")
    assert "0 copies done in" in stderr and "pages written for 5 copies audited earlier" in stderr
    assert sorted(p.name for p in (output / "html" / "copies").iterdir()) == sorted(
        f"{r[0]}.html" for r in ROWS if r[0] not in ("missing", "empty")
    )
    pd.testing.assert_frame_equal(read_table(output, "summary"), before)
    assert "pages written" not in run_batch(manifest, output, cache, "--html")  # nothing left to write


def test_page_names_are_safe_and_distinct() -> None:
    assert page_name("story-12_b.v2") == "story-12_b.v2.html"
    odd = ["../etc/passwd", "a/b", "a_b", "a b", ".hidden", "", "ü"]
    names = [page_name(i) for i in odd]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.html", n) for n in names)


def test_the_index_escapes_ids_and_errors() -> None:
    evil = "<img src=x onerror=alert(1)>"
    summary = pd.DataFrame(
        [
            {"id": evil, "status": "error", "error": evil, "coverage": None, "mean_quality": None},
            {"id": "ok", "status": "ok", "error": None, "coverage": 0.5, "mean_quality": 0.3, "verdict": evil},
        ]
    )
    page = render_index(summary, {page_name(evil)})
    assert "<img" not in page and page.count("&lt;img src=x onerror=alert(1)&gt;") >= 3


def test_the_index_counts_copies_without_a_source_apart_from_errors() -> None:
    summary = pd.DataFrame(
        [
            {"id": "ok", "status": "ok", "error": None, "coverage": 0.9, "mean_quality": 0.8, "verdict": "faithful"},
            {"id": "gone", "status": "error", "error": "no such file", "coverage": None, "mean_quality": None},
            {"id": "new-1", "status": "no_source", "error": None, "coverage": None, "mean_quality": None},
            {"id": "new-2", "status": "no_source", "error": None, "coverage": None, "mean_quality": None},
        ]
    )
    page = render_index(summary, set())
    assert "4 copies, 1 audited, 2 with no source found in the index, 1 with errors." in page
    assert "3 with errors" not in page
    assert page.count('<tr class="no_source">') == 2
    assert "1 copy, 1 audited, 0 with errors." in render_index(summary.iloc[:1], set())

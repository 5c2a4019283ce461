"""What an editor gets from audit-batch: the index in manifest order, flags by kind, read_batch, the CSV, the gate."""

from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from mtqa import MtqaError, read_batch
from mtqa.batch.jobs import read_manifest
from mtqa.batch.run import BatchOutcome
from mtqa.batch.tables import gate_failures, read_summary
from mtqa.cli.app import app
from mtqa.cli.batch import done_counts
from mtqa.detectors import DETECTORS
from mtqa.report.gate import parse_gate
from tests.conftest import FIXTURES

runner = CliRunner()
# Copies sit in one folder per story, all named copy.txt; the manifest is in neither id nor coverage order.
ROWS = [
    ("zeta", "stories/seed/original.txt", "stories/seed/copy.txt"),
    ("alpha", "stories/flood/original.txt", "stories/flood/copy.txt"),
    ("mid<i>", "stories/nowhere.txt", "stories/seed/copy.txt"),
    ("beta", "stories/paraphrase/original.txt", "stories/paraphrase/copy.txt"),
]
KIND_COLUMNS = [f"flags_{kind}" for kind in DETECTORS]


@dataclass(frozen=True)
class Batch:
    folder: Path
    manifest: Path
    output: Path
    csv: Path
    exit_code: int
    stderr: str


def write_stories(folder: Path) -> Path:
    for name in ("seed", "flood", "paraphrase"):
        (folder / "stories" / name).mkdir(parents=True)
        for side in ("original", "copy"):
            shutil.copy(FIXTURES / name / f"{side}.txt", folder / "stories" / name / f"{side}.txt")
    manifest = folder / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([("id", "original", "copy"), *ROWS])
    return manifest


def batch_args(manifest: Path, output: Path, cache: Path, *extra: str) -> list[str]:
    return ["audit-batch", str(manifest), "-o", str(output), "--cache-file", str(cache), "--no-progress", *extra]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """One small batch for every test here: --html, --summary-csv and a gate that two copies fail."""
    folder = tmp_path_factory.mktemp("batch")
    manifest, output, summary_csv = write_stories(folder), folder / "out", folder / "sheet.csv"
    extra = ("--workers", "2", "--html", "--summary-csv", str(summary_csv), "--fail-on", "major>0")
    result = runner.invoke(app, batch_args(manifest, output, folder / "cache.sqlite", *extra))
    return Batch(folder, manifest, output, summary_csv, result.exit_code, result.stderr)


def index_rows(output: Path) -> tuple[list[str], list[list[str]]]:
    """The index's headings and its rows' cell values, in the page's order."""
    page = (output / "html" / "index.html").read_text(encoding="utf-8")
    head = [unescape(h) for h in re.findall(r"<th [^>]*>([^<]*)</th>", page)]
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", page)
    return head, [[unescape(v) for v in re.findall(r'<td[^>]*data-value="([^"]*)"', row)] for row in rows]


def flags_by_kind(batch: Batch) -> dict[tuple[str, str], int]:
    flags = read_batch(batch.output).flags
    return {key: int(n) for key, n in flags.groupby(["id", "kind"]).size().items()}


def test_the_index_lists_copies_in_manifest_order_with_paths_originals_and_flags_by_kind(batch: Batch) -> None:
    head, rows = index_rows(batch.output)
    cells = [dict(zip(head, row, strict=True)) for row in rows]
    assert [(c["#"], c["id"]) for c in cells] == [(str(n), r[0]) for n, r in enumerate(ROWS, start=1)]
    assert [c["copy"] for c in cells] == [r[2] for r in ROWS]  # not copy.txt on every row
    assert [c["original"] for c in cells] == [r[1] for r in ROWS]
    assert [c["status"] for c in cells] == ["ok", "ok", "error", "ok"]
    counts = flags_by_kind(batch)
    raised = sorted({kind for _, kind in counts})
    # a column for each kind the batch raised, and none for the others
    assert [h for h in head if h in DETECTORS] == [k for k in DETECTORS if k in raised]
    for cell in cells:
        for kind in raised:
            expected = "" if cell["status"] == "error" else str(counts.get((cell["id"], kind), 0))
            assert cell[kind] == expected, (cell["id"], kind)
        if cell["status"] == "ok":
            assert int(cell["flags"]) == sum(n for (i, _), n in counts.items() if i == cell["id"])
    page = (batch.output / "html" / "index.html").read_text(encoding="utf-8")
    assert "mid<i>" not in page and "mid&lt;i&gt;" in page  # the id is escaped, as every text is


def test_the_parquet_summary_has_a_row_number_and_a_column_per_kind_of_the_registry(batch: Batch) -> None:
    parts = sorted((batch.output / "summary").glob("part-*.parquet"))
    assert len(parts) == len(ROWS)
    # every part has every kind's column, so the parts read as one table whichever kinds a copy raised
    assert all(set(KIND_COLUMNS) | {"row"} <= set(pq.read_schema(part).names) for part in parts)
    summary = pd.concat([pd.read_parquet(part) for part in parts]).set_index("id")
    assert {i: int(summary.row[i]) for i in summary.index} == {r[0]: n for n, r in enumerate(ROWS, start=1)}
    counts = flags_by_kind(batch)
    for copy_id in ("zeta", "alpha", "beta"):
        assert {k: int(summary.at[copy_id, f"flags_{k}"]) for k in DETECTORS} == {
            k: counts.get((copy_id, k), 0) for k in DETECTORS
        }
    assert summary.loc["mid<i>", KIND_COLUMNS].isna().all()  # an error row counts nothing


def test_read_batch_returns_the_tables_in_manifest_order(batch: Batch) -> None:
    tables = read_batch(batch.output)
    assert list(tables.summary.id) == [r[0] for r in ROWS]
    assert list(tables.summary.row) == [1, 2, 3, 4]
    assert list(tables.summary.copy_shown) == [r[2] for r in ROWS]
    assert list(dict.fromkeys(tables.flags.id)) == ["zeta", "alpha"]  # the paraphrase has no flag
    assert list(dict.fromkeys(tables.pairs.id)) == ["zeta", "alpha", "beta"]
    zeta = tables.pairs[tables.pairs.id == "zeta"]
    assert zeta.equals(zeta.sort_index())  # a copy's own rows keep their order
    with pytest.raises(AttributeError):
        tables.summary = pd.DataFrame()  # type: ignore[misc]


@pytest.mark.parametrize("make", [lambda d: d, lambda d: d / "manifest.csv", lambda d: d / "stories"])
def test_read_batch_refuses_a_folder_that_is_not_a_batch_output(batch: Batch, make: object) -> None:
    target = make(batch.folder)  # type: ignore[operator]
    with pytest.raises(MtqaError, match="not an audit-batch output"):
        read_batch(target)


def test_the_summary_csv_is_the_editors_columns_in_manifest_order(batch: Batch) -> None:
    assert f"summary of {len(ROWS)} copies in" in batch.stderr
    sheet = pd.read_csv(batch.csv, keep_default_na=False)
    assert list(sheet.columns) == [
        "row", "id", "copy", "original", "status", "coverage", "quality", "flags", "major_flags",
        *KIND_COLUMNS, "error",
    ]  # fmt: skip
    assert list(sheet.row) == [1, 2, 3, 4]
    assert list(sheet.id) == [r[0] for r in ROWS]
    assert list(sheet["copy"]) == [r[2] for r in ROWS] and list(sheet.original) == [r[1] for r in ROWS]
    assert sheet.error[2].endswith("nowhere.txt: no such file") and sheet["flags"][2] == ""
    # the same data as read_batch gives, written the way pandas writes it
    assert batch.csv.read_text(encoding="utf-8") == read_batch(batch.output).sheet().to_csv(index=False)
    counts = flags_by_kind(batch)
    assert sheet.flags_name[0] == str(counts.get(("zeta", "name"), 0))
    # figures a spreadsheet shows whole: quality rounded as coverage is, to 4 places
    with batch.csv.open(encoding="utf-8") as stream:
        figures = [(r["coverage"], r["quality"]) for r in csv.DictReader(stream) if r["status"] == "ok"]
    assert figures and all(re.fullmatch(r"[01](\.\d{1,4})?", f) for pair in figures for f in pair), figures


def test_the_summary_alone_is_read_batchs_summary(batch: Batch) -> None:
    pd.testing.assert_frame_equal(read_summary(batch.output), read_batch(batch.output).summary)
    with pytest.raises(MtqaError, match="not an audit-batch output"):
        read_summary(batch.folder / "stories")


def test_the_gate_fails_the_batch_naming_the_copies(batch: Batch) -> None:
    assert batch.exit_code == 1
    line = batch.stderr.strip().splitlines()[-1]
    # the error row (a missing original) is in the gate and fails it: nothing says that copy passes
    assert line.startswith("mtqa: 3 of 4 copies fail the gate: zeta: ")
    assert "alpha: " in line and "more than --fail-on major>0 allows" in line and "beta" not in line
    assert "mid<i>: could not be audited: " in line and "nowhere.txt: no such file" in line


def test_the_batch_gate_checks_coverage_and_flags_per_copy(batch: Batch) -> None:
    summary = read_batch(batch.output).summary
    assert gate_failures(summary, None, None) == []
    assert [i for i, _ in gate_failures(summary, None, 0.95)] == ["zeta", "alpha", "mid<i>"]
    assert [i for i, _ in gate_failures(summary, None, 0.5)] == ["mid<i>"]
    assert [i for i, _ in gate_failures(summary, parse_gate("flags>1000"), None)] == ["mid<i>"]
    failed = dict(gate_failures(summary, parse_gate("name>0"), None))
    names = flags_by_kind(batch)
    assert set(failed) == {"mid<i>"} | {i for (i, kind), n in names.items() if kind == "name" and n > 0}
    assert failed.pop("mid<i>")[0].startswith("could not be audited: ")
    assert all(reasons[0].endswith("more than --fail-on name>0 allows") for reasons in failed.values())


def gate_rows(*rows: dict[str, object]) -> pd.DataFrame:
    """A summary of made-up rows: no flags of any kind unless a row says so."""
    blank = {"error": pd.NA, "coverage": 1.0, "flags": 0, "major_flags": 0, **dict.fromkeys(KIND_COLUMNS, 0)}
    return pd.DataFrame([{**blank, **row} for row in rows])


def test_with_a_gate_an_error_row_fails_and_a_copy_with_no_source_stays_outside() -> None:
    summary = gate_rows(
        {"id": "broken", "status": "error", "error": "copy.txt: no such file", "coverage": float("nan")},
        {"id": "unknown", "status": "no_source", "coverage": float("nan")},
        {"id": "fine", "status": "ok"},
    )
    for gate, fail_under in ((parse_gate("major>0"), None), (None, 0.5)):
        assert gate_failures(summary, gate, fail_under) == [
            ("broken", ["could not be audited: copy.txt: no such file"])
        ]
    assert gate_failures(summary, None, None) == []  # no gate given: nothing fails


def test_the_batch_gate_leaves_page_debris_out_of_flags_and_minor() -> None:
    # 5 flags: 1 major name, 1 minor spelling, 3 boilerplate (minor, not translation errors)
    summary = gate_rows(
        {"id": "a", "status": "ok", "flags": 5, "major_flags": 1, "flags_name": 1, "flags_spelling": 1}
        | {"flags_boilerplate": 3}
    )
    assert gate_failures(summary, parse_gate("flags>2,minor>1,major>1,boilerplate>3"), None) == []
    failed = gate_failures(summary, parse_gate("flags>1,minor>0,boilerplate>2"), None)
    assert failed == [
        (
            "a",
            [
                "2 flags, more than --fail-on flags>1 allows",
                "1 minor flag, more than --fail-on minor>0 allows",
                "3 boilerplate flags, more than --fail-on boilerplate>2 allows",
            ],
        )
    ]


def test_a_batch_whose_rows_are_all_errors_fails_a_gate(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("id,original,copy\na,none.txt,none-copy.txt\n", encoding="utf-8")
    args = batch_args(manifest, tmp_path / "out", tmp_path / "cache.sqlite", "--workers", "1", "--fail-on", "flags>100")
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    *_, end, line = result.stderr.strip().splitlines()
    assert line.startswith("mtqa: 1 of 1 copy fails the gate: a: could not be audited: ")
    assert re.match(r"mtqa: 1 copy done in [\d.]+ s \([\d.]+ copies/s\): 0 audited, 1 with errors;", end), end


@pytest.mark.parametrize(
    ("audited", "errors", "no_source", "counts"),
    [
        (3, 0, 0, "3 audited, 0 with errors"),
        (3, 1, 1, "1 audited, 1 with errors, 1 with no source found"),
        (1, 1, 0, "0 audited, 1 with errors"),
    ],
)
def test_the_end_line_says_what_became_of_the_copies(audited: int, errors: int, no_source: int, counts: str) -> None:
    outcome = BatchOutcome(copies=3, resumed=0, audited=audited, errors=errors, seconds=1.0, workers=1)
    assert done_counts(dataclasses.replace(outcome, no_source=no_source)) == counts


def null_link(folder: Path) -> Path:
    """A user's symlink to a device: writing the CSV through it would replace nothing of ours."""
    link = folder / "null-link.csv"
    if not link.is_symlink():
        link.symlink_to(os.devnull)
    return link


def copy_link(folder: Path) -> Path:
    """A symlink to a copy the manifest names: the CSV written through it would replace that copy."""
    link = folder / "copy-link.csv"
    if not link.is_symlink():
        link.symlink_to(folder / "stories" / "paraphrase" / "copy.txt")
    return link


@pytest.mark.parametrize(
    ("make_target", "message"),
    [
        (lambda b: b.folder / "stories", "is a folder"),
        (lambda b: b.manifest, "is an input"),
        (lambda b: b.folder / "new-out" / "sheet.csv", "lies inside the output"),
        (lambda b: b.manifest / "sheet.csv", "manifest.csv"),  # its folder is a file
        (lambda b: null_link(b.folder), "is not a regular file"),
        # the texts the manifest names: an original, a copy, and a copy reached through a symlink
        (lambda b: b.folder / "stories" / "seed" / "original.txt", "is an input"),
        (lambda b: b.folder / "stories" / "flood" / "copy.txt", "is an input"),
        (lambda b: copy_link(b.folder), "is an input"),
    ],
)
def test_a_bad_summary_csv_exits_2_before_anything_is_written(batch: Batch, make_target: object, message: str) -> None:
    target = make_target(batch)  # type: ignore[operator]
    output = batch.folder / "new-out"
    texts = [batch.manifest, *sorted((batch.folder / "stories").rglob("*.txt"))]
    before = [path.read_bytes() for path in texts]
    args = batch_args(batch.manifest, output, batch.folder / "cache.sqlite", "--summary-csv", str(target))
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not output.exists() and [path.read_bytes() for path in texts] == before
    assert Path(os.devnull).is_char_device()


def test_a_bad_fail_on_exits_2_before_anything_is_written(batch: Batch) -> None:
    output = batch.folder / "gate-out"
    result = runner.invoke(app, batch_args(batch.manifest, output, batch.folder / "c.sqlite", "--fail-on", "x>1"))
    assert result.exit_code == 2 and "unknown key 'x'" in result.stderr
    assert not output.exists()


def test_a_resume_of_an_output_of_an_earlier_mtqa_is_refused_and_left_as_it_was(batch: Batch, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(batch.output, old)
    part = sorted((old / "summary").glob("part-*.parquet"))[0]
    table = pq.read_table(part)
    pq.write_table(table.drop([c for c in table.column_names if c == "row" or c.startswith("flags_")]), part)
    before = {p: p.read_bytes() for p in old.rglob("*") if p.is_file()}
    result = runner.invoke(app, batch_args(batch.manifest, old, tmp_path / "cache.sqlite"))
    assert result.exit_code == 2
    assert "written by another version of mtqa" in result.stderr and "new folder" in result.stderr
    assert {p: p.read_bytes() for p in old.rglob("*") if p.is_file()} == before
    # read_batch still reads it, with the new columns empty
    summary = read_batch(old).summary
    assert set(KIND_COLUMNS) <= set(summary.columns) and len(summary) == len(ROWS)


def test_a_folder_of_copies_is_numbered_in_name_order_with_paths_relative_to_it(tmp_path: Path) -> None:
    for name in ("b.txt", "a.html", "c.txt"):
        (tmp_path / name).write_text("A copy.", encoding="utf-8")
    jobs = read_manifest(tmp_path, with_index=True)
    assert [(j.row, j.id, j.copy_shown, j.original_shown) for j in jobs] == [
        (1, "a", "a.html", None),
        (2, "b", "b.txt", None),
        (3, "c", "c.txt", None),
    ]

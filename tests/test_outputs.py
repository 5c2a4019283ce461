"""Outputs never destroy anything: a bad ``-o`` is refused before the audit, and every byte stays in place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mtqa.pipeline
from mtqa.cli.app import app
from mtqa.errors import MtqaError
from mtqa.outputs import MARKER, check_file_target, check_folder_target, replace_folder, write_marker
from tests.conftest import FIXTURES

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding the seed pair and a user's notes, as the current directory."""
    for name in ("original.txt", "copy.txt"):
        (tmp_path / name).write_bytes((FIXTURES / "seed" / name).read_bytes())
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.md").write_text("keep me\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture()
def no_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the audit starts: a bad output must be refused before any work."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the audit ran before the output was checked")

    monkeypatch.setattr(mtqa.pipeline, "audit", refuse)


@pytest.mark.parametrize(
    ("output_format", "output", "message"),
    [
        ("csv", ".", "holds the input"),
        ("csv", "copy.txt", "is an input"),
        ("csv", "notes", "not written by mtqa"),
        ("csv", "notes/todo.md", "not a folder"),
        ("json", "copy.txt", "is an input"),
        ("json", "./original.txt", "is an input"),
        ("html", "notes", "is a folder"),
        ("table", "notes/todo.md/report.txt", "not a folder"),
        ("json", "missing/../copy.txt", "is an input"),
    ],
)
def test_an_output_that_would_destroy_something_is_refused_before_the_audit(
    work: Path, no_audit: None, output_format: str, output: str, message: str
) -> None:
    before = snapshot(work)
    result = runner.invoke(app, ["audit", "original.txt", "copy.txt", "-f", output_format, "-o", output])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert snapshot(work) == before


def test_a_symlink_to_an_input_is_an_input(work: Path, no_audit: None) -> None:
    (work / "link.json").symlink_to(work / "copy.txt")
    before = snapshot(work)
    result = runner.invoke(app, ["audit", "original.txt", "copy.txt", "-f", "json", "-o", "link.json"])
    assert result.exit_code == 2 and "is an input" in result.stderr
    assert snapshot(work) == before


def test_csv_writes_a_new_folder_then_replaces_its_own(work: Path) -> None:
    first = runner.invoke(app, ["audit", "original.txt", "copy.txt", "-f", "csv", "-o", "out/report"])
    assert first.exit_code == 0, first.output
    files = sorted(p.name for p in (work / "out" / "report").iterdir())
    assert files == sorted(
        [MARKER, "flags.csv", "pairs.csv", "sentences.csv", "words.csv", "signature.json", "summary.json"]
    )
    (work / "out" / "report" / "pairs.csv").write_text("stale\n")
    again = runner.invoke(app, ["audit", "original.txt", "copy.txt", "-f", "csv", "-o", "out/report"])
    assert again.exit_code == 0, again.output
    assert (work / "out" / "report" / "pairs.csv").read_text().startswith("reference_ids,copy_ids,")
    assert [p.name for p in (work / "out").iterdir()] == ["report"]  # no staging folder left


def test_a_folder_of_ours_with_a_users_file_added_is_refused(work: Path) -> None:
    assert runner.invoke(app, ["audit", "original.txt", "copy.txt", "-f", "csv", "-o", "report"]).exit_code == 0
    (work / "report" / "mine.txt").write_text("mine\n")
    before = snapshot(work)
    result = runner.invoke(app, ["audit", "original.txt", "copy.txt", "-f", "csv", "-o", "report"])
    assert result.exit_code == 2 and "did not write (mine.txt)" in result.stderr
    assert snapshot(work) == before


def test_a_file_output_replaces_the_file_the_user_names(work: Path) -> None:
    (work / "report.json").write_text("old\n")
    result = runner.invoke(app, ["audit", "original.txt", "copy.txt", "-f", "json", "-o", "report.json"])
    assert result.exit_code == 0, result.output
    assert list(json.loads((work / "report.json").read_text())) == [
        "sentences",
        "pairs",
        "flags",
        "words",
        "summary",
        "signature",
    ]
    assert not list(work.glob(".mtqa-*"))


def test_report_to_csv_refuses_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n")
    with pytest.raises(MtqaError, match="not written by mtqa"):
        check_folder_target(tmp_path, "audit csv")
    assert (tmp_path / "data.csv").read_text() == "a,b\n"


def test_a_folder_written_by_another_kind_of_output_is_refused(tmp_path: Path) -> None:
    write_marker(tmp_path, "audit-batch")
    with pytest.raises(MtqaError, match="audit-batch output, not audit csv"):
        check_folder_target(tmp_path, "audit csv")


def test_replace_folder_refuses_files_that_appeared_after_the_check(tmp_path: Path) -> None:
    target, staging = tmp_path / "report", tmp_path / "staging"
    for folder in (target, staging):
        folder.mkdir()
        write_marker(folder, "audit csv")
        (folder / "pairs.csv").write_text(folder.name)
    (target / "pairs.csv.bak").write_text("a user's backup")
    with pytest.raises(MtqaError, match="did not write"):
        replace_folder(staging, target, "audit csv", ["pairs.csv"])
    assert (target / "pairs.csv.bak").read_text() == "a user's backup"
    (target / "pairs.csv.bak").unlink()
    replace_folder(staging, target, "audit csv", ["pairs.csv"])
    assert (target / "pairs.csv").read_text() == "staging" and sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_a_special_file_is_not_an_output(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(MtqaError, match="not a regular file"):
        check_file_target(tmp_path / "pipe")


@pytest.mark.parametrize("command", ["score", "correlate"])
def test_corpus_outputs_are_checked_before_any_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    import mtqa.evaluation.judgements
    import mtqa.scoring.segments

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("scoring ran before the output was checked")

    monkeypatch.setattr(mtqa.scoring.segments, "score", refuse)
    monkeypatch.setattr(mtqa.evaluation.judgements, "agree_with_humans", refuse)
    tsv = tmp_path / "ratings.tsv"
    tsv.write_bytes((FIXTURES / "judgements" / "ratings.tsv").read_bytes())
    before = snapshot(tmp_path)
    head = ["score", "--tsv", str(tsv)] if command == "score" else ["correlate", str(tsv)]
    for output in (tsv, tmp_path, tmp_path / "ratings.tsv" / "out.json"):
        result = runner.invoke(app, [*head, "-o", str(output)])
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(tmp_path) == before

"""Symlinks never carry audit-batch or index build outside what the user named: not in its inputs, not in its output."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtqa.archive.stories import archive_files
from mtqa.batch.jobs import EngineOptions, Job, error_result, read_manifest, run_job
from mtqa.batch.parquet import BatchWriter
from mtqa.cli.app import app
from mtqa.errors import MtqaError

runner = CliRunner()

SECRET = "A private note kept outside the folder: the account password is hunter2.\n"
STORY = "The council met on Tuesday. It approved the new budget for the harbour. The mayor welcomed the vote.\n"


def committed_output(folder: Path) -> Path:
    """An audit-batch output with one committed (error) row, written without the model."""
    out = folder / "out"
    with BatchWriter(out, flush_every=1) as writer:
        writer.open()
        writer.add(error_result(Job("a", folder / "a.txt", folder / "b.txt"), "no such file"))
    return out


def one_row_manifest(folder: Path) -> Path:
    (folder / "original.txt").write_text(STORY, encoding="utf-8")
    (folder / "copy.txt").write_text(STORY, encoding="utf-8")
    path = folder / "manifest.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream).writerows([("id", "original", "copy"), ("a", "original.txt", "copy.txt")])
    return path


def users_folder(folder: Path, *names: str) -> Path:
    """A folder of the user's, holding ``names`` (each with its own name as content)."""
    folder.mkdir()
    for name in names:
        (folder / name).write_text(f"the user's {name}\n")
    return folder


def assert_untouched(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    for name in names:
        assert (folder / name).read_text() == f"the user's {name}\n"


def test_a_resume_with_html_never_writes_through_a_linked_html_folder(tmp_path: Path) -> None:
    out = committed_output(tmp_path)
    mine = users_folder(tmp_path / "site", "index.html")
    (out / "html").symlink_to(mine, target_is_directory=True)
    manifest = one_row_manifest(tmp_path)
    result = runner.invoke(app, ["audit-batch", str(manifest), "-o", str(out), "--html", "--no-progress"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mtqa: error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "html" in result.stderr and "symlink" in result.stderr
    assert_untouched(mine, "index.html")


@pytest.mark.parametrize(
    "case", ["flags-folder-a-link", "part-file-a-link", "foreign-file-in-summary", "foreign-folder-in-html"]
)
def test_a_resume_refuses_links_and_foreign_entries_anywhere_in_the_output_and_deletes_nothing(
    tmp_path: Path, case: str
) -> None:
    out = committed_output(tmp_path)
    mine = users_folder(tmp_path / "mine", "part-0.parquet", ".part-1.parquet")
    if case == "flags-folder-a-link":  # uncommitted "parts" there used to be deleted on open
        for part in (out / "flags").iterdir():
            part.unlink()
        (out / "flags").rmdir()
        (out / "flags").symlink_to(mine, target_is_directory=True)
    elif case == "part-file-a-link":
        (out / "pairs" / "part-0.parquet").symlink_to(mine / "part-0.parquet")
    elif case == "foreign-file-in-summary":
        (out / "summary" / "notes.txt").write_text("mine\n")
    else:
        (out / "html" / "copies" / "drafts").mkdir(parents=True)
    with pytest.raises(MtqaError, match="mtqa did not write or symlinks"), BatchWriter(out) as writer:
        writer.open()
    assert_untouched(mine, "part-0.parquet", ".part-1.parquet")
    if case == "foreign-file-in-summary":
        assert (out / "summary" / "notes.txt").read_text() == "mine\n"


def test_a_clean_output_with_pages_and_staged_files_is_still_resumed(tmp_path: Path) -> None:
    out = committed_output(tmp_path)
    (out / "html" / "copies").mkdir(parents=True)
    (out / "html" / "index.html").write_text("<p>index</p>")
    (out / "html" / "copies" / "a.html").write_text("<p>a</p>")
    (out / "html" / "copies" / ".mtqa-x1y2").write_text("<p>half</p>")  # a page being written when killed
    (out / "pairs" / ".part-0.parquet").write_bytes(b"PAR1")  # a part being staged when killed
    with BatchWriter(out) as writer:
        writer.open()
        assert writer.done() == {"a"}
    assert not (out / "pairs" / ".part-0.parquet").exists()


def copies_folder(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "alias.txt").symlink_to(folder / "story.txt")  # stays inside: read
    return folder


def test_a_folder_of_copies_makes_a_symlink_out_of_it_an_error_row_that_reads_nothing(tmp_path: Path) -> None:
    folder = copies_folder(tmp_path)
    jobs = {job.id: job for job in read_manifest(folder, with_index=True)}
    assert sorted(jobs) == ["alias", "leak", "story"]
    assert jobs["story"].refused is None and jobs["alias"].refused is None
    assert jobs["leak"].refused is not None and "symlink out of the folder" in jobs["leak"].refused
    assert "--allow-outside-paths" in jobs["leak"].refused
    row = run_job(jobs["leak"], EngineOptions())
    assert row.summary["status"] == "error" and row.html is None
    assert "hunter2" not in str(row.summary) and "secret" not in str(row.summary)
    allowed = read_manifest(folder, allow_outside=True, with_index=True)
    assert all(job.refused is None for job in allowed)


def test_an_archive_folder_with_a_symlink_out_of_it_is_refused_naming_the_entry(tmp_path: Path) -> None:
    folder = copies_folder(tmp_path)
    with pytest.raises(MtqaError, match=r"leak\.txt: is a symlink out of the archive folder"):
        archive_files(folder)
    result = runner.invoke(app, ["index", "build", str(folder), "-o", str(tmp_path / "idx"), "--no-progress"])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "leak.txt" in result.stderr
    assert not (tmp_path / "idx").exists()
    (folder / "leak.txt").unlink()
    files = archive_files(folder)
    assert files is not None and [f.name for f in files] == ["alias.txt", "story.txt"]

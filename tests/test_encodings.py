"""Encodings per side: the original and the copy each read in their own, and a codec that cannot read a file refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtqa.batch.jobs import EngineOptions, Job, run_job
from mtqa.cli.app import app
from mtqa.cli.common import side_encodings
from mtqa.errors import MtqaError
from mtqa.inputs import check_encoding, read_text
from tests.conftest import FakeEmbedder

runner = CliRunner()
ORIGINAL = "Ana Begović, the mayor of Split, opened the new bridge on Monday.\nShe said the café would stay open.\n"
COPY = "Ana Begovic, the mayor of Split, opened the new bridge on Monday.\nShe said the café would stay open.\n"
# "ā" is C4 81 in UTF-8, and 0x81 is a byte cp1252 leaves undefined.
UNREADABLE_IN_CP1252 = "Kāne Smith, the mayor of Split, opened the new bridge on Monday.\n"


def pair(folder: Path, original: str = ORIGINAL) -> tuple[Path, Path]:
    """A UTF-8 original and a cp1252 copy, as a content farm's copy often comes."""
    original_file, copy_file = folder / "original.txt", folder / "copy.txt"
    original_file.write_bytes(original.encode("utf-8"))
    copy_file.write_bytes(COPY.encode("cp1252"))
    return original_file, copy_file


@pytest.mark.parametrize("name", ["undefined", "punycode", "idna", "rot13", "base64", "hex", "zlib", "uu", "quopri"])
def test_a_codec_that_cannot_read_a_text_file_is_refused(name: str) -> None:
    with pytest.raises(MtqaError, match=f"'{name}' (is not a text encoding|cannot decode a text file)"):
        check_encoding(name)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("utf-8", "utf-8"),
        ("UTF8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("windows-1252", "cp1252"),
        ("latin-1", "iso8859-1"),
        ("utf-16", "utf-16"),
        ("utf-32", "utf-32"),
        ("cp500", "cp500"),
        ("shift_jis", "shift_jis"),
        ("utf-7", "utf-7"),
        ("gb18030", "gb18030"),
    ],
)
def test_file_encodings_are_accepted_under_their_canonical_names(name: str, canonical: str) -> None:
    assert check_encoding(name) == canonical


def test_encoding_sets_both_sides_and_a_side_option_overrides_it() -> None:
    assert side_encodings(None, None, None) == ("utf-8", "utf-8")
    assert side_encodings("cp1252", None, None) == ("cp1252", "cp1252")
    assert side_encodings(None, None, "cp1252") == ("utf-8", "cp1252")
    assert side_encodings("cp1252", "utf-8", None) == ("utf-8", "cp1252")
    with pytest.raises(MtqaError, match="'punycode' cannot decode"):
        side_encodings("utf-8", None, "punycode")


def test_an_encoding_error_names_the_codec_tried_the_byte_and_the_option_for_that_file(tmp_path: Path) -> None:
    path = tmp_path / "original.txt"
    path.write_bytes(UNREADABLE_IN_CP1252.encode("utf-8"))
    with pytest.raises(MtqaError) as raised:
        read_text(path, "cp1252", option="--original-encoding")
    message = str(raised.value)
    assert message.startswith(f"{path}: not valid cp1252 (byte 0x81 at offset 2); ")  # not Python's "charmap"
    assert "pass the file's own encoding with --original-encoding" in message and "e.g." not in message
    with pytest.raises(MtqaError, match=r"pass its encoding with --copy-encoding, e\.g\. --copy-encoding cp1252"):
        read_text(pair(tmp_path)[1], option="--copy-encoding")


def test_audit_reads_each_side_in_its_own_encoding(tmp_path: Path) -> None:
    original, copy = pair(tmp_path)
    for options in (["--copy-encoding", "cp1252"], ["--encoding", "cp1252", "--original-encoding", "utf-8"]):
        result = runner.invoke(app, ["audit", str(original), str(copy), *options, "--format", "json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        texts = [s["text"] for s in report["sentences"]]
        assert texts[0].startswith("Ana Begović,") and "café" in texts[1]  # the original, not "BegoviÄ‡"
        assert not [f for f in report["flags"] if f["kind"] == "name"]  # "Begovic" is a fair rendering


@pytest.mark.parametrize("args", [["--encoding", "cp1252"], ["--original-encoding", "cp1252"]])
def test_audit_says_which_option_reads_a_file_its_codec_cannot(tmp_path: Path, args: list[str]) -> None:
    original, copy = pair(tmp_path, UNREADABLE_IN_CP1252)
    result = runner.invoke(app, ["audit", str(original), str(copy), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "not valid cp1252 (byte 0x81 at offset 2)" in lines[0], result.output
    assert lines[0].endswith("pass the file's own encoding with --original-encoding")


# Each command with each option it has: index reads no copies, find no originals.
COMMANDS = {
    "audit": (["audit", "{original}", "{copy}"], ("--encoding", "--original-encoding", "--copy-encoding")),
    "audit-batch": (
        ["audit-batch", "{manifest}", "-o", "{out}", "--no-progress"],
        ("--encoding", "--original-encoding", "--copy-encoding"),
    ),
    "index build": (["index", "build", "{folder}", "-o", "{out}"], ("--encoding", "--original-encoding")),
    "index add": (["index", "add", "{out}", "{folder}"], ("--encoding", "--original-encoding")),
    "find": (["find", "{copy}", "--index", "{out}"], ("--encoding", "--copy-encoding")),
}


@pytest.mark.parametrize(
    ("command", "option"), [(command, option) for command, options in COMMANDS.values() for option in options]
)
@pytest.mark.parametrize("codec", ["undefined", "punycode"])
def test_a_codec_that_cannot_read_a_file_is_one_line_and_exit_2_before_any_work(
    tmp_path: Path, command: list[str], option: str, codec: str
) -> None:
    original, copy = pair(tmp_path)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("original,copy\noriginal.txt,copy.txt\n", encoding="utf-8")
    places = {"original": original, "copy": copy, "manifest": manifest, "out": tmp_path / "out", "folder": tmp_path}
    args = [part.format(**places) for part in command]
    result = runner.invoke(app, [*args, option, codec])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0] == (
        f"mtqa: error: '{codec}' cannot decode a text file (it is not a file encoding); "
        "name one such as utf-8 or cp1252"
    )
    assert not (tmp_path / "out").exists()


def test_a_batch_job_reads_each_side_in_its_own_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mtqa.batch.jobs as jobs

    monkeypatch.setattr(jobs, "worker_embedder", lambda options: FakeEmbedder())
    original, copy = pair(tmp_path)
    done = run_job(Job("farm", original, copy), EngineOptions(copy_encoding="cp1252"))
    assert done.summary["status"] == "ok", done.summary
    assert done.pairs.reference_text.iloc[0].startswith("Ana Begović,")
    both = run_job(Job("farm", original, copy), EngineOptions(original_encoding="cp1252", copy_encoding="cp1252"))
    assert both.pairs.reference_text.iloc[0].startswith("Ana BegoviÄ‡,")  # what --encoding alone asks for
    unreadable, copy = pair(tmp_path, UNREADABLE_IN_CP1252)
    options = EngineOptions(original_encoding="cp1252", copy_encoding="cp1252")
    error = run_job(Job("kane", unreadable, copy), options).summary["error"]
    assert "not valid cp1252 (byte 0x81 at offset 2)" in error and "--original-encoding" in error
    with pytest.raises(MtqaError, match="'undefined' cannot decode"):
        EngineOptions(copy_encoding="undefined")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_an_archive_table_is_read_in_the_originals_encoding(tmp_path: Path, suffix: str) -> None:
    from mtqa.batch.indexing import archive_parts

    text = "Café Müller, the mayor, opened the bridge on Monday."
    table = tmp_path / f"archive{suffix}"
    if suffix == ".csv":
        table.write_bytes(f'id,text\nmuller,"{text}"\n'.encode("cp1252"))
    else:
        table.write_bytes((json.dumps({"id": "muller", "text": text}, ensure_ascii=False) + "\n").encode("cp1252"))
    (part,) = archive_parts(table, encoding="cp1252")  # what index build --original-encoding cp1252 reads
    assert [story.text for story in part.stories] == [text]
    with pytest.raises(MtqaError, match="not valid UTF-8"):
        archive_parts(table)  # not UTF-8: refused, not guessed


def test_a_manifest_not_in_utf8_is_told_to_be_re_encoded_not_given_an_option_that_cannot_reach_it(
    tmp_path: Path,
) -> None:
    from mtqa.batch.jobs import read_manifest

    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes("original,copy\nZürich.txt,copy.txt\n".encode("latin-1"))
    with pytest.raises(MtqaError, match=r"re-encode the file as UTF-8 \(it is read as UTF-8 only\)") as error:
        read_manifest(manifest)
    assert "--encoding" not in str(error.value)

"""Command-line conventions: -h is help, Unix placeholders, one-sentence usage errors, - for stdin, plurals."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from mtqa.cli.app import app, run
from mtqa.errors import MtqaError
from mtqa.inputs import MAX_INPUT_BYTES, read_story
from mtqa.plural import noun, plural
from mtqa.report.summary import Summary, verdict
from tests.conftest import FIXTURES

SEED = [str(FIXTURES / "seed" / "original.txt"), str(FIXTURES / "seed" / "copy.txt")]
runner = CliRunner()


def command_paths() -> list[list[str]]:
    """Every command and subcommand of the app, as the words that name it (``[]`` is ``mtqa`` itself)."""
    paths: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_every_command_is_walked() -> None:
    names = {" ".join(path) for path in command_paths()}
    assert {"audit", "audit-batch", "score", "correlate", "find", "index", "index build", "index add"} < names


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "mtqa")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_h_is_help_on_every_command(path: list[str], flag: str) -> None:
    result = runner.invoke(app, [*path, flag])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ") and "Show this message and exit." in result.stdout


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "mtqa")
def test_help_placeholders_read_like_a_unix_usage_line(path: list[str]) -> None:
    text = runner.invoke(app, [*path, "--help"], terminal_width=200).stdout
    python_like = re.findall(
        r"<[^>\s]+(?: range)?>|\{[a-z_]+\}|list\[|(?<![A-Za-z])[<>]=|\bx[<>]|\bstr\b|\bint\b", text
    )
    assert not python_like, text


@pytest.mark.parametrize(
    ("path", "usage"),
    [
        (["audit"], "audit [OPTIONS] ORIGINAL COPY"),
        (["find"], "find [OPTIONS] COPY..."),
        (["index", "add"], "index add [OPTIONS] INDEX ARCHIVE"),
        (["audit-batch"], "audit-batch [OPTIONS] MANIFEST"),
        (["correlate"], "correlate [OPTIONS] TSV"),
    ],
)
def test_usage_lines_name_arguments_in_capitals(path: list[str], usage: str) -> None:
    first = runner.invoke(app, [*path, "--help"]).stdout.splitlines()[0]
    assert first.endswith(usage), first


def test_audit_help_says_each_limit_once_and_as_the_code_counts_it() -> None:
    from mtqa.cli.audit import STAGES_FROM
    from mtqa.report.terminal_options import MIN_WIDTH

    result = runner.invoke(app, ["audit", "--help"], terminal_width=100)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    width = text[text.index("--width N") : text.index("--color")]
    assert width.count(f"at least {MIN_WIDTH}") == 1, width
    progress = text[text.index("--progress / --no-progress") :]
    assert f"for texts over {STAGES_FROM:,} characters" in progress, progress


def test_choice_options_take_any_case_as_show_does() -> None:
    def table(*options: str) -> str:
        result = runner.invoke(app, ["audit", *SEED, "--show", "flags", "--width", "80", *options])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert table("--min-severity", "MAJOR", "--color", "Never") == table("--min-severity", "major")
    assert table("--min-severity", "Major") != table("--min-severity", "minor")
    assert "\x1b[" in table("--color", "ALWAYS") and table("--show", "FLAGS") == table()


def test_score_takes_the_hypothesis_as_t(tmp_path: Path) -> None:
    reference = tmp_path / "ref.txt"
    reference.write_text("The council met.\n")
    # -t is the hypothesis: its missing file is what the error names, before any model loads
    result = runner.invoke(app, ["score", "-r", str(reference), "-t", str(tmp_path / "hyp.txt")])
    assert result.exit_code == 2 and "hyp.txt: no such file" in result.stderr, result.output
    assert "-t, --hypothesis FILE" in runner.invoke(app, ["score", "-h"]).stdout


def run_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``mtqa ARGS`` through the console entry point, in this process: its exit code and stderr."""
    monkeypatch.setattr(sys, "argv", ["mtqa", *args])
    with pytest.raises(SystemExit) as stop:
        run()
    code = stop.value.code
    return (code if isinstance(code, int) else 0), capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["audit", *SEED, "--format", "xml"],
            "mtqa: error: --format must be table, json, csv or html, not 'xml' (see mtqa audit --help)",
        ),
        (["audit", SEED[0]], "mtqa: error: COPY is missing (see mtqa audit --help)"),
        (["find", "--index", "x"], "mtqa: error: COPY is missing (see mtqa find --help)"),
        (["index", "build", "x"], "mtqa: error: --output is required (see mtqa index build --help)"),
        (
            ["audit", *SEED, "--formt", "json"],
            "mtqa: error: there is no option --formt; did you mean --format or --input-format? (see mtqa audit --help)",
        ),
        (["audit", *SEED, "-f"], "mtqa: error: -f needs a value (see mtqa audit --help)"),
        (["index", "add", "x", "y", "--workers"], "mtqa: error: --workers needs a value (see mtqa index add --help)"),
        (
            ["audit-batch", "m.csv", "--workers", "0"],
            "mtqa: error: --workers must be at least 1 (see mtqa audit-batch --help)",
        ),
        (
            ["audit-batch", "m.csv", "--workers", "two"],
            "mtqa: error: --workers must be a whole number (see mtqa audit-batch --help)",
        ),
        (["audit", *SEED, "--fail-under", "2"], "mtqa: error: --fail-under must be at most 1 (see mtqa audit --help)"),
        (["index", "bogus"], "mtqa: error: there is no command 'bogus' (see mtqa index --help)"),
        (["audit", *SEED, "extra"], "mtqa: error: unexpected extra argument extra (see mtqa audit --help)"),
        (["audit", *SEED, "x", "y"], "mtqa: error: unexpected extra arguments x y (see mtqa audit --help)"),
    ],
)
def test_usage_errors_are_one_sentence_pointing_to_the_command_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    code, stderr = run_in_process(monkeypatch, capsys, *args)
    assert code == 2
    assert stderr.splitlines() == [line]


@pytest.mark.parametrize(
    ("args", "start", "where"),
    [
        (["audit", *SEED, "--show", "bogus"], "--show: unknown part 'bogus'", "mtqa audit"),
        (["audit", *SEED, "--format", "json", "--width", "50"], "--width applies to --format table only", "mtqa audit"),
        (["audit", *SEED, "--fail-on", "major"], "--fail-on 'major': 'major' is not a condition", "mtqa audit"),
        (["audit", *SEED, "--fail-on", "bogus>1"], "--fail-on 'bogus>1': unknown key 'bogus'", "mtqa audit"),
        (["audit-batch", "m.csv", "--fail-on", "x>1"], "--fail-on 'x>1': unknown key 'x'", "mtqa audit-batch"),
        (["score"], "give --reference and --hypothesis files, or --tsv", "mtqa score"),
        (["score", "-r", SEED[0], "-t", SEED[1], "--system-column", "s"], "--system-column needs --tsv", "mtqa score"),
    ],
)
def test_an_option_refused_by_a_check_points_to_the_command_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], start: str, where: str
) -> None:
    code, stderr = run_in_process(monkeypatch, capsys, *args)
    assert code == 2
    [line] = stderr.splitlines()
    assert line.startswith(f"mtqa: error: {start}") and line.endswith(f" (see {where} --help)")


def test_a_bad_input_file_does_not_point_to_the_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, stderr = run_in_process(monkeypatch, capsys, "audit", str(tmp_path / "missing.txt"), SEED[1])
    assert code == 2
    assert stderr.splitlines() == [f"mtqa: error: {tmp_path / 'missing.txt'}: no such file"]


def test_a_group_alone_prints_its_help_as_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stderr = run_in_process(monkeypatch, capsys, "index")
    assert code == 2 and stderr.startswith("Usage: mtqa index [OPTIONS] COMMAND") and "build" in stderr


def test_a_folder_of_copies_without_index_says_it_needs_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, stderr = run_in_process(monkeypatch, capsys, "audit-batch", str(FIXTURES / "seed"), "-o", str(tmp_path / "o"))
    assert code == 2 and len(stderr.splitlines()) == 1
    assert "is a folder of copies; auditing a folder needs --index" in stderr
    assert not (tmp_path / "o").exists()


def test_a_manifest_without_originals_and_without_index_says_what_would_find_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    manifest = tmp_path / "copies.csv"
    manifest.write_text("copy\ncopy.txt\n", encoding="utf-8")
    code, stderr = run_in_process(monkeypatch, capsys, "audit-batch", str(manifest), "-o", str(tmp_path / "o"))
    assert code == 2 and len(stderr.splitlines()) == 1
    assert "no column original" in stderr and "--index" in stderr
    assert not (tmp_path / "o").exists()


def mtqa_with_stdin(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the entry point as a user would, with ``data`` on its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "mtqa", *args],
        input=data,
        capture_output=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture(scope="module")
def seed_audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("files") / "files.json"
    result = mtqa_with_stdin(b"", "audit", *SEED, "-f", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


@pytest.mark.parametrize("side", [0, 1], ids=["original", "copy"])
def test_dash_reads_one_side_from_stdin(seed_audit: dict[str, Any], tmp_path: Path, side: int) -> None:
    args = list(SEED)
    data = Path(args[side]).read_bytes()
    args[side] = "-"
    out = tmp_path / "stdin.json"
    result = mtqa_with_stdin(data, "audit", *args, "-f", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    name = ["original", "copy"][side]
    assert report["signature"]["inputs"][name] == {"format": "text", "file": "<stdin>"}
    assert "file" not in report["signature"]["inputs"][["copy", "original"][side]]
    assert report["flags"] == seed_audit["flags"] and report["pairs"] == seed_audit["pairs"]


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_output_dash_is_stdout_not_a_file_named_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, output_format: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["mtqa", "audit", *SEED, "-f", output_format, "-o", "-"])
    with pytest.raises(SystemExit) as stop:
        run()
    assert stop.value.code == 0
    printed = capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []  # no file named -
    if output_format == "json":
        assert json.loads(printed)["summary"]["verdict"]
    else:  # without a folder, csv is the pairs table, as without -o
        assert printed.startswith("reference_ids,copy_ids,reference_text,copy_text,")


def test_dash_for_both_sides_is_one_sentence_and_exit_2() -> None:
    result = mtqa_with_stdin(b"Some text.\n", "audit", "-", "-")
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "mtqa: error: ORIGINAL and COPY cannot both be - (standard input holds one text); give one as a file"
    ]


def feed(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_gets_the_checks_of_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    feed(monkeypatch, "\ufeffCafé owner says no.\n".encode())
    assert read_story("-").text == "Café owner says no.\n"  # the byte order mark dropped, as from a file
    feed(monkeypatch, "Caf\xe9 owner says no.\n".encode("latin-1"))
    with pytest.raises(MtqaError, match=r"^<stdin>: not valid utf-8 \(byte 0xe9 at offset 3\)"):
        read_story("-")
    feed(monkeypatch, "Caf\xe9 owner says no.\n".encode("latin-1"))
    assert read_story("-", "cp1252").text == "Café owner says no.\n"
    feed(monkeypatch, bytes(range(256)) * 4)
    with pytest.raises(MtqaError, match=r"^<stdin>: looks binary"):
        read_story("-")
    feed(monkeypatch, b" \n")
    with pytest.raises(MtqaError, match=r"^<stdin>: is empty"):
        read_story("-")
    feed(monkeypatch, b"The council met again. " * (MAX_INPUT_BYTES // 23 + 1))
    with pytest.raises(MtqaError, match=r"^<stdin>: .*over the limit"):
        read_story("-")


class Terminal(io.TextIOWrapper):
    """Standard input that is a terminal: reading it would wait for the user."""

    def isatty(self) -> bool:
        return True


def test_dash_refuses_a_terminal_rather_than_wait_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"never read\n")))
    with pytest.raises(MtqaError, match=r"^standard input is a terminal; pipe a text into it or give a file$"):
        read_story("-")
    assert sys.stdin.read() == "never read\n"


def test_stdin_page_is_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (
        "<!doctype html><html><head><title>Council</title></head><body><article><h1>Council meets</h1>"
        + "<p>The council met on Monday to discuss the new schools that the city will open in the autumn.</p>" * 3
        + "</article></body></html>"
    )
    feed(monkeypatch, page.encode())
    story = read_story("-")
    assert "<p>" not in story.text and "The council met on Monday" in story.text
    assert story.source["file"] == "<stdin>" and story.source.get("format") != "text"


@pytest.mark.parametrize(("count", "words"), [(0, "0 copies"), (1, "1 copy"), (2, "2 copies")])
def test_plural(count: int, words: str) -> None:
    assert plural(count, "copy", "copies") == words
    assert noun(count, "flag") == ("flag" if count == 1 else "flags")


@pytest.mark.parametrize("count", [0, 1, 2])
def test_the_verdict_counts_agree(count: int) -> None:
    stored = json.loads((FIXTURES / "golden" / "seed.json").read_text(encoding="utf-8"))["summary"]
    summary = dataclasses.replace(
        Summary.from_dict(stored),
        reference_sentences=count,
        copy_sentences=count,
        boilerplate_sentences={"reference": 0, "copy": 0},
        repeat_sentences={"reference": 0, "copy": 0},
        coverage=1.0,
        copy_coverage=0.0,
        flags=count,
    )
    sentences, has, flags = {
        0: ("sentences", "have", "0 flags"),
        1: ("sentence", "has", "1 flag"),
        2: ("sentences", "have", "2 flags"),
    }[count]
    text = verdict(summary)
    assert f"renders {count} of {count} original {sentences} " in text
    assert f"{count} of {count} copy {sentences} {has} no source" in text
    assert f"; {flags} (" in text


@pytest.mark.parametrize(("saved", "copies", "said"), [(1, 1, "1 of 1 copy saved"), (1, 2, "1 of 2 copies saved")])
def test_a_stopped_batch_counts_its_copies(saved: int, copies: int, said: str) -> None:
    from mtqa.batch.stopping import Stopped
    from mtqa.cli.batch import stopped_state

    stop = Stopped(2)
    stop.saved, stop.copies = saved, copies
    assert stopped_state(stop, Path("OUT")).startswith(said)

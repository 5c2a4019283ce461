"""The terminal report of ``mtqa audit``: it fits the width, every flag's evidence can be read, and its options work."""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from mtqa import audit
from mtqa.cli.app import app
from mtqa.embed.base import Embedder
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.errors import MtqaError
from mtqa.report.report import Report
from mtqa.report.safe_text import visible
from mtqa.report.table import table_lines
from mtqa.report.terminal_options import DEFAULT_WIDTH, color_wanted, parse_show
from tests.conftest import FIXTURES, read_pair, run_mtqa

SEED = [str(FIXTURES / "seed" / "original.txt"), str(FIXTURES / "seed" / "copy.txt")]
MAX_LINES = 250
MIN_COLUMN = 8
ANSI = "\x1b["
# A unit line: original ids → copy ids, label, quality, then the copy text.
UNIT_LINE = re.compile(r"^ *[\d,–]+ → [\d,–]+ +[a-z]+ +(?:\d\.\d\d|–)  ")
runner = CliRunner()


@pytest.fixture(autouse=True)
def _model_loaded_once(real_embedder: SentenceTransformerEmbedder) -> None:
    """Audits in this module reuse the process-wide embedder, which the session fixture warmed."""


def audit_table(*args: str, env: dict[str, str | None] | None = None) -> str:
    result = runner.invoke(app, ["audit", *SEED, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def seed_flags() -> list[dict[str, Any]]:
    """The seed audit's flags, as ``--format json`` gives them."""
    result = runner.invoke(app, ["audit", *SEED, "--format", "json"])
    assert result.exit_code == 0, result.output
    flags: list[dict[str, Any]] = json.loads(result.stdout)["flags"]
    assert len(flags) > 20  # enough flags to fill a screen, as the issue saw
    return flags


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[int, str]]:
    """The seed audit's table at 80, 120 and 200 columns, and piped through a real pipe (default width)."""
    out = {str(width): (width, audit_table("--width", str(width))) for width in (80, 120, 200)}
    piped = run_mtqa("audit", *SEED, timeout=120)
    assert piped.returncode == 0, piped.stderr
    out["piped"] = (DEFAULT_WIDTH, piped.stdout)
    return out


LAYOUTS = ["80", "120", "200", "piped"]


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_seed_audit_fits_the_screen(rendered: dict[str, tuple[int, str]], layout: str) -> None:
    width, text = rendered[layout]
    lines = text.splitlines()
    assert len(lines) <= MAX_LINES, len(lines)
    assert max(cell_len(line) for line in lines) <= width  # printed cropped; see the next test for the layout
    assert max(cell_len(line) for line in lines) >= width - 10  # the width is used, not left empty
    assert ANSI not in text and "│" not in text  # plain text piped, and no box-drawing table


@pytest.mark.parametrize("width", [40, 80, 120, 200, DEFAULT_WIDTH])
@pytest.mark.parametrize("show", ["summary,flags,units", "texts"])
def test_the_layout_fits_the_width_before_any_cropping(seed_report: Report, width: int, show: str) -> None:
    # render_table prints with overflow="crop", so its output can never be too wide; the lines as laid out must fit
    lines = [part for line in table_lines(seed_report, width=width, show=show) for part in line.plain.split("\n")]
    too_wide = [line for line in lines if cell_len(line) > width]
    assert too_wide == [], f"{len(too_wide)} lines over {width} columns, e.g. {too_wide[:2]}"


@pytest.fixture(scope="module")
def seed_report(onnx_embedder: Embedder) -> Report:
    """The seed audit in this process, as the CLI runs it (onnx)."""
    return audit(*read_pair("seed"), embedder=onnx_embedder)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_flag_is_listed_with_its_whole_evidence(
    rendered: dict[str, tuple[int, str]], layout: str, seed_flags: list[dict[str, Any]]
) -> None:
    _, text = rendered[layout]
    flowing = words(text)
    for flag in seed_flags:
        assert words(visible(flag["message"])) in flowing, flag["message"]
    heads = [line for line in text.splitlines() if re.match(r"c[\d–]+ +(major|minor) ", line)]
    expected = sorted(f"c{f['copy_id']} {f['severity']} {f['kind']}" for f in seed_flags)
    assert sorted(words(line).split(" “")[0].split(" (")[0].split(" → ")[0] for line in heads) == expected


def evidence_lines(lines: list[str], evidence: str) -> list[str]:
    """The run of lines that holds ``evidence`` and nothing else."""
    target = words(evidence)
    for start in range(len(lines)):
        joined = ""
        for end in range(start, len(lines)):
            joined = words(f"{joined} {lines[end]}")
            if joined == target:
                return lines[start : end + 1]
            if not target.startswith(joined):
                break
    raise AssertionError(f"evidence not on lines of its own: {evidence}")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_column_is_narrower_than_8_and_evidence_wraps_to_the_width(
    rendered: dict[str, tuple[int, str]], layout: str, seed_flags: list[dict[str, Any]]
) -> None:
    width, text = rendered[layout]
    lines = text.splitlines()
    for flag in seed_flags:
        run = evidence_lines(lines, visible(flag["message"]))
        indents = {len(line) - len(line.lstrip(" ")) for line in run}
        assert len(indents) == 1 and indents.pop() <= width - MIN_COLUMN, run
        # Wrapped greedily: the next line's first word would not have fitted on the line before.
        for line, following in itertools.pairwise(run):
            assert cell_len(line) + 1 + cell_len(following.split()[0]) > width, (line, following)
    units = [UNIT_LINE.match(line) for line in lines]
    starts = {match.end() for match in units if match}
    assert len([m for m in units if m]) == 40  # every unit of the seed on one line
    assert len(starts) == 1 and starts.pop() <= width - MIN_COLUMN


@pytest.mark.parametrize(
    ("show", "headings"),
    [
        ("summary", ["Summary"]),
        ("flags", ["Flags"]),
        ("units", ["Units"]),
        ("texts", ["Units"]),
        ("units,summary", ["Summary", "Units"]),  # printed in the report's order, not the option's
        ("summary,flags,texts", ["Summary", "Flags", "Units"]),
    ],
)
def test_show_prints_the_parts_it_names(show: str, headings: list[str]) -> None:
    text = audit_table("--show", show, "--width", "100")
    found = [line.split(" ")[0] for line in text.splitlines() if re.match(r"(Summary|Flags \(|Units \()", line)]
    assert found == headings
    long_sentence = "Kataib Sayyidal-Shuhada Commander Abu Alaa al-Walae is backed by Iran throughout the Middle East"
    if "texts" in show:
        assert "orig: " in text and long_sentence in words(text)  # whole, wrapped
    elif "units" in show:
        assert "orig: " not in text and long_sentence not in words(text)  # cut with …
        assert "Kataib Sayyidal-Shuhada Commander" in text and "…" in text


def test_show_with_an_unknown_part_is_one_line_naming_the_parts() -> None:
    result = runner.invoke(app, ["audit", *SEED, "--show", "summary,charts"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "'charts'" in result.output and "summary, flags, units, texts" in result.output


@pytest.mark.parametrize("option", [["--show", "flags"], ["--min-severity", "major"], ["--width", "80"]])
def test_table_options_with_another_format_are_refused(option: list[str]) -> None:
    result = runner.invoke(app, ["audit", *SEED, "--format", "json", *option])
    assert result.exit_code == 2 and f"{option[0]} applies to --format table only" in result.output


def test_min_severity_major_lists_and_marks_only_major_flags(seed_flags: list[dict[str, Any]]) -> None:
    minor = [f for f in seed_flags if f["severity"] == "minor"]
    major_texts = [f["text"] for f in seed_flags if f["severity"] == "major"]
    everything = audit_table("--show", "summary,flags,texts", "--width", "120")
    majors = audit_table("--show", "summary,flags,texts", "--width", "120", "--min-severity", "major")
    assert re.search(r"^c\d+ +minor ", everything, re.M)
    assert not re.search(r"^c\d+ +minor ", majors, re.M)
    assert f"{len(minor)} minor not listed (min severity major)" in words(majors)
    assert f"flags {len(seed_flags)} (" in majors  # the summary still counts them all
    marked = re.findall(r"\[\[(.+?)\]\]", words(majors))
    assert marked and all(any(piece in text for text in major_texts) for piece in marked)
    # A span only a minor flag covers is marked by default and not with major.
    only_minor = "[[He said the radical group would be strengthened.]]"
    assert only_minor in words(everything) and only_minor not in words(majors)


def test_width_sets_the_width_and_has_a_floor() -> None:
    lines = audit_table("--width", "60").splitlines()
    assert max(cell_len(line) for line in lines) == 60
    result = runner.invoke(app, ["audit", *SEED, "--width", "30"])
    assert result.exit_code == 2 and "--width" in result.output


def test_color_always_and_never() -> None:
    coloured = audit_table("--color", "always", env={"NO_COLOR": "1"})  # an explicit choice wins over NO_COLOR
    assert ANSI in coloured and "[[" not in coloured  # spans coloured instead of bracketed
    plain = audit_table("--color", "never")
    assert ANSI not in plain and "[[" in plain
    # auto with NO_COLOR unset: still none, since CliRunner's stdout is no terminal
    assert ANSI not in audit_table("--show", "summary,flags", env={"NO_COLOR": None})


def on_a_terminal(*args: str, env: dict[str, str], columns: int) -> str:
    """``mtqa`` run with its stdout on a pseudo-terminal ``columns`` wide; what it printed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "mtqa", *args], stdout=follower, stderr=subprocess.PIPE, env=env, text=False
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is gone: the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0, process.stderr.read() if process.stderr else ""
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("no_color", [None, "", "1"])
def test_auto_colour_on_a_terminal_follows_no_color(no_color: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "FORCE_COLOR")}
    if no_color is not None:
        env["NO_COLOR"] = no_color
    text = on_a_terminal("audit", *SEED, "--show", "summary,flags", env=env, columns=72)
    assert (ANSI in text) == (not no_color)  # unset or empty: colour; any value: none
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert max(cell_len(line) for line in plain.splitlines()) == 72  # the terminal's width


@pytest.mark.parametrize(
    ("choice", "terminal", "environ", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", True, {"NO_COLOR": ""}, True),
        ("auto", True, {"NO_COLOR": "0"}, False),
        ("auto", False, {}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {}, False),
    ],
)
def test_color_wanted(choice: str, terminal: bool, environ: dict[str, str], expected: bool) -> None:
    assert color_wanted(choice, terminal, environ) is expected


def test_parse_show() -> None:
    assert parse_show("units, Summary,units") == ("summary", "units")
    assert parse_show(["texts", "flags"]) == ("flags", "texts")
    for bad in ("", " , ", "summary,table"):
        with pytest.raises(MtqaError, match="the parts are summary, flags, units, texts"):
            parse_show(bad)


def test_rich_markup_and_escapes_in_a_copy_are_shown_as_written(real_embedder: SentenceTransformerEmbedder) -> None:
    from mtqa import audit

    original = "The council met on Monday to discuss the new bridge over the river.\n"
    copy = "The council [bold red]met[/] on Monday to discuss the [link=http://x]new[/link] bridge\x1b[2J.\n"
    report = audit(original, copy, embedder=real_embedder)
    for show in ("summary,flags,units", "texts"):
        text = report.to_table(show=show, width=200)
        assert "[bold red]met[/]" in text and "[link=http://x]new[/link]" in text and "␛[2J" in text
        assert "\x1b" not in text

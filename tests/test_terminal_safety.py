"""Text from an input or an index reaches the terminal with its control characters shown, never obeyed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mtqa.cli.app import app
from mtqa.cli.archive import _table
from mtqa.pipeline import audit
from mtqa.report.safe_text import visible
from tests.conftest import FakeEmbedder

runner = CliRunner()
RETITLE, CLEAR = "\x1b]0;you have been pwned\x07", "\x1b[2J"
ORIGINAL = (
    "The council met on Monday to discuss the new bridge over the river.\n"
    "The mayor said the work would begin in the spring and end in two years.\n"
)
COPY = (
    f"The council met on Monday to discuss the new bridge{RETITLE} over the river.\n"
    f"The mayor said the work would begin in the spring{CLEAR} and end in two years.\r\n"
)


@pytest.mark.parametrize(
    ("text", "one_line", "multi_line"),
    [
        ("plain text, a tab\there", "plain text, a tab\there", "plain text, a tab\there"),
        (RETITLE, "␛]0;you have been pwned␇", "␛]0;you have been pwned␇"),
        ("id\nsource: forged", "id␊source: forged", "id\nsource: forged"),
        ("over\rwritten", "over␍written", "over␍written"),
        ("line\r\nend", "line␍␊end", "line\nend"),
        ("del\x7f csi\x9b2J", "del␡ csi\\u009b2J", "del␡ csi\\u009b2J"),
        ("bidi \u202eevil\u202c sep\u2028", "bidi \\u202eevil\\u202c sep\\u2028", "bidi \\u202eevil\\u202c sep\\u2028"),
        ("Begović’s “café”", "Begović’s “café”", "Begović’s “café”"),
    ],
)
def test_visible_shows_what_a_terminal_would_obey(text: str, one_line: str, multi_line: str) -> None:
    assert visible(text) == one_line
    assert visible(text, keep_newlines=True) == multi_line


@pytest.mark.parametrize("color", [False, True])
def test_the_report_table_shows_escape_sequences_of_the_copy_instead_of_sending_them(color: bool) -> None:
    report = audit(ORIGINAL, COPY, embedder=FakeEmbedder())
    rendered = report.to_table(color=color, width=400)  # wide: no sentence wraps
    assert "␛]0;you have been pwned␇" in rendered and "␛[2J" in rendered
    assert "\x1b]" not in rendered and "\x07" not in rendered and "\x1b[2J" not in rendered and "\r" not in rendered
    if not color:
        assert "\x1b" not in rendered
    # the JSON keeps the text as it is (escaping is JSON's job there)
    assert json.loads(report.to_json())["sentences"][2]["text"].endswith(f"bridge{RETITLE} over the river.")


def test_an_archive_id_with_a_newline_cannot_forge_a_line_of_finds_table() -> None:
    frame = pd.DataFrame(
        {
            "id": ["real\n  source: forged-story", "other\x1b[2J"],
            "title": ["A title\x1b]0;x\x07", None],
            "match": [True, False],
            "matched_sentences": [3, 0],
            "copy_sentences": [4, 4],
            "score": [0.9, 0.1],
            "longest_run": [3, 0],
            "in_order": [1.0, 0.0],
            "examples": [[("copied\rline", "original\nline", 0.93)], []],
        }
    )
    table = _table(Path("copy\n.txt"), frame)
    lines = table.splitlines()
    assert len(lines) == 4 and lines[0] == "copy␊.txt:"
    assert lines[1].startswith("  source: real␊  source: forged-story “A title␛]0;x␇”: 3 of 4 copy sentences")
    assert lines[2:] == ["    copy:     copied␍line", "    original: original␊line  [0.93]"]
    assert not any(ord(c) < 32 for c in table.replace("\n", ""))


def test_an_error_that_quotes_a_file_name_is_one_line_without_its_controls(tmp_path: Path) -> None:
    named = tmp_path / f"story{CLEAR}\nmtqa: forged line.txt"
    copy = tmp_path / "copy.txt"
    copy.write_text(COPY, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(named), str(copy)])
    assert result.exit_code == 2
    assert result.output == f"mtqa: error: {tmp_path}/story␛[2J␊mtqa: forged line.txt: no such file\n"

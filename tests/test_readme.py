"""The README's setup commands are the ones CI and users run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_readme_gives_exactly_two_setup_commands() -> None:
    blocks = bash_blocks()
    assert len(blocks) == 2 and all("\n" not in b for b in blocks)
    assert "mtqa audit fixtures/seed/original.txt fixtures/seed/copy.txt" in blocks[0]
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    assert bash_blocks()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_audit_command_files_exist() -> None:
    for path in re.findall(r"fixtures/\S+\.txt", bash_blocks()[0]):
        assert (ROOT / path).is_file()

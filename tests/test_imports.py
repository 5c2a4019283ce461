"""Importing mtqa and asking for help must load neither torch nor the model."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "sentence_transformers", "transformers", "spacy")


def loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    return [m for m in result.stdout.strip().split(",") if m]


def test_import_mtqa_loads_no_model_library() -> None:
    assert loaded_after("import mtqa") == []


def test_help_loads_no_model_library() -> None:
    code = (
        "from typer.testing import CliRunner\nfrom mtqa.cli.app import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(app, ['audit', '--help']).exit_code == 0"
    )
    assert loaded_after(code) == []


def test_a_bad_model_path_fails_before_loading_torch() -> None:
    code = (
        "from mtqa.embed.torch import SentenceTransformerEmbedder\nfrom mtqa.errors import MtqaError\n"
        "try:\n    SentenceTransformerEmbedder('no/such/model')\nexcept MtqaError:\n    pass"
    )
    assert loaded_after(code) == []

"""The mtqa command: output formats, the coverage gate, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mtqa.cli.app import app
from mtqa.embed.torch import SentenceTransformerEmbedder
from tests.conftest import FIXTURES, run_mtqa

SEED = [str(FIXTURES / "seed" / "original.txt"), str(FIXTURES / "seed" / "copy.txt")]
runner = CliRunner()


@pytest.fixture(autouse=True)
def _model_loaded_once(real_embedder: SentenceTransformerEmbedder) -> None:
    """Audits in this module reuse the process-wide embedder, which the session fixture warmed."""


def mtqa(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point in a subprocess, as a user would."""
    return run_mtqa(*args, timeout=120)


def test_table_output_shows_units_flags_and_summary() -> None:
    result = runner.invoke(app, ["audit", *SEED])
    assert result.exit_code == 0, result.output
    assert "[[Alwarae]]" in result.output  # flagged span marked in place
    assert "garbled" in result.output and "added" in result.output
    assert "Summary" in result.output and "coverage" in result.output


def test_json_output_has_exactly_the_report_keys() -> None:
    result = runner.invoke(app, ["audit", *SEED, "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["sentences", "pairs", "flags", "words", "summary", "signature"]


def test_csv_output_to_stdout_and_to_a_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", *SEED, "--format", "csv"])
    assert result.exit_code == 0 and result.stdout.startswith("reference_ids,copy_ids,")
    result = runner.invoke(app, ["audit", *SEED, "--format", "csv", "--output", str(tmp_path / "report")])
    assert result.exit_code == 0
    assert (tmp_path / "report" / "pairs.csv").exists() and (tmp_path / "report" / "signature.json").exists()


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.json"
    result = runner.invoke(app, ["audit", *SEED, "--format", "json", "--output", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["summary"]["copy_sentences"] == 41
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary file left


def test_fail_under_gate() -> None:
    assert runner.invoke(app, ["audit", *SEED, "--fail-under", "0.5"]).exit_code == 0
    unrelated = [str(FIXTURES / "unrelated" / "original.txt"), str(FIXTURES / "unrelated" / "copy.txt")]
    result = runner.invoke(app, ["audit", *unrelated, "--fail-under", "0.5"])
    assert result.exit_code == 1
    assert "below --fail-under" in result.stderr


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda d: ["audit", str(d / "missing.txt"), SEED[1]], "no such file"),
        (lambda d: ["audit", str(d), SEED[1]], "is a directory"),
        (lambda d: ["audit", str(d / "empty.txt"), SEED[1]], "is empty"),
        (lambda d: ["audit", str(d / "binary.bin"), SEED[1]], "binary"),
        (lambda d: ["audit", str(d / "latin1.txt"), SEED[1]], "not valid utf-8"),
        (lambda d: ["audit", *SEED, "--format", "xml"], "--format must be table, json, csv or html, not 'xml'"),
        (lambda d: ["audit", *SEED, "--model", str(d / "no-model")], "model not found"),
        (lambda d: ["audit", *SEED, "--model", "sentence-transformers/all-mpnet-base-v2"], "model not found"),
        (lambda d: ["audit", *SEED, "--bogus"], "there is no option --bogus"),
        (lambda d: ["audit", SEED[0]], "COPY is missing (see mtqa audit --help)"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, make_args, message: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 owner says no".encode("latin-1"))
    output = tmp_path / "out.json"
    result = mtqa(*make_args(tmp_path), "--output", str(output))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtqa: error:"), result.stderr
    assert message.lower() in lines[0].lower()
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not output.exists()


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The council met again. " * 100_000)
    result = mtqa("audit", str(big), SEED[1])
    assert result.returncode == 2 and "over the limit" in result.stderr


def test_version() -> None:
    result = mtqa("--version")
    assert result.returncode == 0 and result.stdout.startswith("mtqa ")


def test_model_path_selects_a_local_model_folder() -> None:
    from mtqa.embed.base import packaged_model_path

    folder = str(packaged_model_path())
    result = runner.invoke(app, ["audit", *SEED, "--format", "json", "--model", folder])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["signature"]["model"] == folder
    assert data["summary"]["copy_sentences"] == 41


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    result = mtqa("audit", *SEED, "--model", str(tmp_path))
    assert result.returncode == 2 and "not a sentence-transformers model folder" in result.stderr


def test_table_output_appears_once_and_not_at_all_on_stdout_with_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", *SEED])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Units (") == 1 and result.stdout.count("Summary") == 1
    target = tmp_path / "report.txt"
    result = runner.invoke(app, ["audit", *SEED, "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert text.count("Units (") == 1 and text.count("Summary") == 1 and "[[Alwarae]]" in text


@pytest.mark.parametrize("color", [False, True])
def test_to_table_returns_the_text_and_prints_nothing(color: bool, capsys: pytest.CaptureFixture[str]) -> None:
    from mtqa import audit
    from tests.conftest import FakeEmbedder, read_pair

    report = audit(*read_pair("seed"), embedder=FakeEmbedder())
    capsys.readouterr()
    text = report.to_table(color=color)
    assert capsys.readouterr().out == ""
    assert "Summary" in text and ("\x1b[" in text) == color  # ANSI colours exactly when asked for


def model_folder(folder: Path, files: list[str]) -> Path:
    """A model folder holding only ``files`` of the packaged model (linked, not copied)."""
    from mtqa.embed.base import packaged_model_path

    folder.mkdir()
    for name in files:
        (folder / name).symlink_to(packaged_model_path() / name)
    return folder


MODEL_WITHOUT_TOKENIZER = ["config.json", "modules.json", "sentence_bert_config.json", "1_Pooling", "model.safetensors"]


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_a_model_folder_without_a_tokenizer_is_refused_at_once(tmp_path: Path, backend: str) -> None:
    # transformers would not fail here: it builds an empty tokenizer and every word becomes [UNK].
    model = model_folder(tmp_path / "model", MODEL_WITHOUT_TOKENIZER)
    output = tmp_path / "out.json"
    result = runner.invoke(
        app, ["audit", *SEED, "--model", str(model), "--backend", backend, "-f", "json", "-o", str(output)]
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mtqa: error:") and "has no tokenizer" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not output.exists()


def test_the_onnx_backend_needs_tokenizer_json_and_torch_a_vocabulary(tmp_path: Path) -> None:
    from mtqa.embed.base import resolve_model
    from mtqa.embed.factory import make_embedder
    from mtqa.errors import MtqaError

    model = model_folder(tmp_path / "model", [*MODEL_WITHOUT_TOKENIZER, "vocab.txt", "tokenizer_config.json"])
    assert resolve_model(str(model), "torch") == model.resolve()
    with pytest.raises(MtqaError, match=r"has no tokenizer.json, which the onnx backend needs"):
        make_embedder(str(model), "onnx")
    result = runner.invoke(app, ["audit", *SEED, "--model", str(model)])
    assert result.exit_code == 2 and "which the onnx backend needs" in result.stderr


def test_a_model_the_torch_loader_cannot_read_is_one_error(tmp_path: Path) -> None:
    from mtqa.errors import MtqaError

    files = [name for name in MODEL_WITHOUT_TOKENIZER if name != "model.safetensors"]
    model = model_folder(tmp_path / "model", [*files, "tokenizer.json"])
    (model / "model.safetensors").write_bytes(b"not weights")  # safetensors raises its own error type
    with pytest.raises(MtqaError, match=r"^cannot load model .*: \S"):
        SentenceTransformerEmbedder(str(model)).encode(["A sentence."])

"""mtqa score and mtqa correlate: outputs, corpus figures, and one-line errors with exit code 2."""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sacrebleu.metrics import BLEU, CHRF
from typer.testing import CliRunner

from mtqa.cli.app import app
from mtqa.embed.base import packaged_model_path
from mtqa.embed.torch import SentenceTransformerEmbedder
from tests.conftest import FIXTURES, run_mtqa
from tests.test_learned import bad_head_files

RATINGS = FIXTURES / "judgements" / "ratings.tsv"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _model_loaded_once(real_embedder: SentenceTransformerEmbedder) -> None:
    """Commands in this module reuse the process-wide embedder, which the session fixture warmed."""


@pytest.fixture()
def line_files(tmp_path: Path) -> tuple[Path, Path]:
    ratings = pd.read_csv(RATINGS, sep="\t")
    reference, hypothesis = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    reference.write_text("\n".join(ratings.reference) + "\n", encoding="utf-8")
    hypothesis.write_text("\r\n".join(ratings.hypothesis), encoding="utf-8")  # CRLF, no final newline
    return reference, hypothesis


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_score_output_dash_is_stdout_not_a_file_named_dash(
    line_files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference, hypothesis = line_files
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["score", "-r", str(reference), "-t", str(hypothesis), "-f", "csv", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists()
    assert len(pd.read_csv(io.StringIO(result.stdout))) == 24


def test_score_csv_has_a_row_per_segment_and_corpus_figures_on_stderr(
    line_files: tuple[Path, Path], tmp_path: Path
) -> None:
    reference, hypothesis = line_files
    output = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", "-r", str(reference), "-t", str(hypothesis), "-f", "csv", "-o", str(output)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(output)
    assert len(scores) == 24 and scores.segment.tolist() == list(range(1, 25))
    assert scores.quality.between(0, 1).all()
    refs = reference.read_text(encoding="utf-8").splitlines()
    hyps = hypothesis.read_text(encoding="utf-8").splitlines()
    corpus_bleu = BLEU().corpus_score(hyps, [refs]).score
    corpus_chrf = CHRF().corpus_score(hyps, [refs]).score
    assert f"corpus BLEU   {corpus_bleu:.2f}  nrefs:1|case:mixed" in result.stderr
    assert f"corpus chrF   {corpus_chrf:.2f}  nrefs:1|case:mixed" in result.stderr
    assert "mean quality" in result.stderr


def test_score_reads_a_tsv_and_writes_json_lines(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", "--tsv", str(RATINGS), "-f", "jsonl", "--explain"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 24
    assert {"cosine", "bleu", "chrf", "quality", "contribution_chrf", "contribution_length"} <= set(rows[0])
    chrf = CHRF()
    first = pd.read_csv(RATINGS, sep="\t").iloc[3]
    assert rows[3]["chrf"] == pytest.approx(chrf.sentence_score(first.hypothesis, [first.reference]).score, abs=1e-6)


def test_score_table_ends_with_the_corpus_figures() -> None:
    result = runner.invoke(app, ["score", "--tsv", str(RATINGS)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["segment", "cosine", "bleu", "chrf", "rare_words", "quality"]
    assert lines[-6].startswith("segments      24")
    assert lines[-2].startswith("mean quality")
    assert lines[-1].startswith("expected errors per 100 reference words")


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({"r": "one\ntwo\n", "h": "one\n"}, [], "has 2 lines but"),
        ({"r": "one\n\nthree\n", "h": "one\ntwo\nthree\n"}, [], "line 2 is empty"),
        ({"r": "one\n", "h": "\x00\x01binary"}, [], "looks binary"),
    ],
)
def test_score_refuses_bad_line_files(tmp_path: Path, files: dict[str, str], extra: list[str], message: str) -> None:
    output = tmp_path / "out.csv"
    args = ["score", "-r", write(tmp_path / "r.txt", files["r"]), "-t", write(tmp_path / "h.txt", files["h"])]
    result = runner.invoke(app, [*args, "-f", "csv", "-o", str(output), *extra])
    assert result.exit_code == 2
    assert result.stderr.startswith("mtqa: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not output.exists()
    assert list(tmp_path.iterdir()) == sorted(tmp_path.iterdir()) and len(list(tmp_path.iterdir())) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tsv", str(RATINGS), "--hypothesis-column", "target"], "no column 'target'; its columns are doc, seg_id"),
        (["--tsv", str(RATINGS), "-r", str(RATINGS)], "either --tsv or --reference"),
        ([], "give --reference and --hypothesis files, or --tsv"),
        (["-r", "-", "-t", "-"], "--reference and --hypothesis cannot both be -"),
        (["-r", "missing.txt", "-t", "missing.txt"], "missing.txt: no such file"),
        (["--tsv", str(RATINGS), "--format", "xml"], "'xml' is not one of"),
        (["--tsv", str(RATINGS), "--model", "no/such/model"], "model not found"),
    ],
)
def test_score_usage_errors_are_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["score", *args])
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("A cat.\tA cat.\n \tA dog.\n", "column 'reference' is empty on line 3"),
        ("A cat.\tA cat.\tstray\n", "line 2 does not have the header's 2 tab-separated fields"),
        ("A cat.\tA cat.\n\nA dog.\tA dog.\n", "line 3 is empty"),
    ],
    ids=["empty cell", "ragged row", "blank line"],
)
def test_score_refuses_a_malformed_tsv_in_one_line(tmp_path: Path, body: str, message: str) -> None:
    tsv = write(tmp_path / "t.tsv", "reference\thypothesis\n" + body)
    result = runner.invoke(app, ["score", "--tsv", tsv])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_correlate_prints_both_views_and_writes_json(tmp_path: Path) -> None:
    output = tmp_path / "agreement.json"
    result = runner.invoke(app, ["correlate", str(RATINGS), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "no grouping" in result.stdout and "group by item" in result.stdout
    assert "items: doc + seg_id" in result.stdout
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["segments"] == 24 and data["items"] == ["doc", "seg_id"]
    assert list(data["metrics"]) == ["quality", "learned", "cosine", "chrf", "bleu", "rare_words", "reference_words"]
    for stats in data["metrics"].values():
        assert {"kendall", "pearson", "accuracy", "epsilon", "item_kendall", "item_accuracy"} <= set(stats)
    # On these hand-made ratings a garbled or inverted rendering is plainly worse.
    assert data["metrics"]["quality"]["kendall"] > 0.2
    assert data["metrics"]["chrf"]["item_kendall"] > 0.2
    assert "chrF2" in data["signature"]["chrf"] or "nc:6" in data["signature"]["chrf"]


def test_correlate_filters_rows_and_can_skip_items(tmp_path: Path) -> None:
    result = runner.invoke(app, ["correlate", str(RATINGS), "--only", "doc=news.1", "--item-column", "system"])
    assert result.exit_code == 0, result.output
    assert "12 segments" in result.stdout and "items: system" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--human-column", "score"], "no column 'score'"),
        (["--human-column", "system"], "column 'system' is not a number on line 2, 3, 4, 5, 6 and 19 more"),
        (["--only", "doc"], "expected COLUMN=VALUE"),
        (["--only", "doc=nowhere"], "no row of"),
        (["--only", "lang=en"], "no column 'lang'"),
        (["--only", "nope=x"], "no column 'nope'"),
        (["--item-column", "talk"], "no column 'talk'"),
        (["--hypothesis-column", "nope"], "no column 'nope'; its columns are doc, seg_id"),
        (["--reference-column", "nope"], "no column 'nope'; its columns are doc, seg_id"),
        (["--human-column", "nope"], "no column 'nope'; its columns are doc, seg_id"),
    ],
)
def test_correlate_errors_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    output = tmp_path / "agreement.json"
    result = runner.invoke(app, ["correlate", str(RATINGS), *args, "-o", str(output)])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("mtqa: error:")
    assert not output.exists()


def test_output_files_get_the_usual_mode_not_a_private_one(tmp_path: Path) -> None:
    output = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", "--tsv", str(RATINGS), "-f", "csv", "-o", str(output)])
    assert result.exit_code == 0, result.output
    umask = os.umask(0)
    os.umask(umask)
    assert output.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (["0", "inf", "-2", "-inf"], "column 'mqm' is not a finite number on line 3, 5"),
        (["0", "-1", "1e999", "-2"], "column 'mqm' is not a finite number on line 4"),
        (["0", "nan", "-1", "-2"], "column 'mqm' is not a number on line 3"),
    ],
    ids=["inf", "overflow", "nan"],
)
def test_correlate_refuses_a_human_score_that_is_not_finite(tmp_path: Path, scores: list[str], message: str) -> None:
    rows = [f"The council met.\tThe council met {k}.\t{value}" for k, value in enumerate(scores)]
    tsv = write(tmp_path / "judged.tsv", "reference\thypothesis\tmqm\n" + "\n".join(rows) + "\n")
    result = runner.invoke(app, ["correlate", tsv])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mtqa: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# Characters that str.splitlines treats as line breaks; in a cell or a segment they are text.
LINE_BREAKS_IN_TEXT = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r"]


def test_a_tsv_cell_may_hold_characters_that_splitlines_breaks_at(tmp_path: Path) -> None:
    texts = [
        f"The council{mark}approved the new budget on Tuesday after a long debate." for mark in LINE_BREAKS_IN_TEXT
    ]
    body = "".join(f"{text}\t{text}\t{-k}\r\n" for k, text in enumerate(texts))  # CRLF rows, as from Windows
    tsv = write(tmp_path / "t.tsv", "reference\thypothesis\tmqm\r\n" + body)
    result = runner.invoke(app, ["score", "--tsv", tsv, "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(texts)
    assert all(row["chrf"] == pytest.approx(100.0) for row in rows)  # each cell whole, the \r\n row end dropped
    result = runner.invoke(app, ["correlate", tsv])
    assert result.exit_code == 0, result.output
    assert f"{len(texts)} segments" in result.stdout


def test_a_line_file_segment_may_hold_characters_that_splitlines_breaks_at(tmp_path: Path) -> None:
    segments = [
        f"The council{mark}approved the new budget on Tuesday after a long debate." for mark in LINE_BREAKS_IN_TEXT
    ]
    reference = write(tmp_path / "r.txt", "\n".join(segments) + "\n")
    hypothesis = write(tmp_path / "h.txt", "\r\n".join(segments) + "\r\n")
    result = runner.invoke(app, ["score", "-r", reference, "-t", hypothesis, "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(segments) and all(row["chrf"] == pytest.approx(100.0) for row in rows)


def test_score_scores_an_empty_hypothesis_and_counts_it(tmp_path: Path) -> None:
    reference = write(tmp_path / "r.txt", "The bridge reopened.\nThe mayor spoke.\nRain fell.\n")
    hypothesis = write(tmp_path / "h.txt", "The bridge reopened.\n\nRain fell.\n")
    result = runner.invoke(app, ["score", "-r", reference, "-t", hypothesis, "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and rows[1]["chrf"] == 0.0 and rows[1]["cosine"] == 0.0
    assert "segments      3 (1 empty hypothesis, scored as given)" in result.stderr
    tsv = write(tmp_path / "t.tsv", "reference\thypothesis\nThe bridge reopened.\t\nRain fell.\tRain fell.\n")
    result = runner.invoke(app, ["score", "--tsv", tsv])
    assert result.exit_code == 0, result.output
    assert "segments      2 (1 empty hypothesis, scored as given)" in result.stdout


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"r": "A cat.\nA dog.\n", "h": "A cat.\n \n"}, "h.txt: line 2 is empty"),
        ({"t": "reference\thypothesis\nA cat.\tA cat.\nA dog.\t\n"}, "column 'hypothesis' is empty on line 3"),
    ],
    ids=["line files", "tsv"],
)
def test_score_refuses_an_empty_hypothesis_on_request(tmp_path: Path, files: dict[str, str], message: str) -> None:
    if "t" in files:
        args = ["--tsv", write(tmp_path / "t.tsv", files["t"])]
    else:
        args = ["-r", write(tmp_path / "r.txt", files["r"]), "-t", write(tmp_path / "h.txt", files["h"])]
    result = runner.invoke(app, ["score", *args, "--refuse-empty"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mtqa: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def model_folder(folder: Path, files: list[str]) -> str:
    """A model folder holding only ``files`` of the packaged model (linked, not copied)."""
    folder.mkdir()
    for name in files:
        (folder / name).symlink_to(packaged_model_path() / name)
    return str(folder)


@pytest.mark.parametrize("backend", ["onnx", "torch"])
@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["config.json", "modules.json", "1_Pooling", "model.safetensors"], "has no tokenizer"),
        (["config.json", "modules.json", "tokenizer.json"], "has no weights"),
    ],
    ids=["no tokenizer", "no weights"],
)
def test_score_refuses_a_model_folder_that_lacks_what_the_backend_loads(
    tmp_path: Path, files: list[str], message: str, backend: str
) -> None:
    model = model_folder(tmp_path / "model", files)
    result = runner.invoke(app, ["score", "--tsv", str(RATINGS), "--model", model, "--backend", backend])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mtqa: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_correlate_reports_the_system_level_against_human_system_means(tmp_path: Path) -> None:
    output = tmp_path / "agreement.json"
    result = runner.invoke(app, ["correlate", str(RATINGS), "--system-column", "system", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "system metric" in result.stdout and "4 systems, 6 pairs" in result.stdout
    systems = json.loads(output.read_text(encoding="utf-8"))["systems"]
    assert list(systems["metrics"]) == [
        "errors_per_100_words",
        "mean_quality",
        "learned_errors_per_100_words",
        "mean_learned",
        "chrf",
        "mean_chrf",
        "bleu",
        "mean_cosine",
    ]
    ratings = pd.read_csv(RATINGS, sep="\t")
    assert systems["figures"]["sys-a"]["human"] == pytest.approx(ratings[ratings.system == "sys-a"].mqm.mean())
    # On these hand-made ratings the human copy is best and the garbled system worst, for humans and metrics.
    assert systems["metrics"]["errors_per_100_words"]["system_accuracy"] > 0.8


def test_score_prints_a_figure_per_system_and_takes_other_quality_parameters(tmp_path: Path) -> None:
    from mtqa.scoring.quality import shipped_model

    result = runner.invoke(app, ["score", "--tsv", str(RATINGS), "--system-column", "system", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "per system (fewest expected errors first)" in result.stderr and "errors_per_100_words" in result.stderr
    assert pd.read_csv(io.StringIO(result.stdout)).system.nunique() == 4
    doubled = shipped_model().to_dict() | {"intercept": shipped_model().intercept + math.log(2)}
    params = tmp_path / "quality.json"
    params.write_text(json.dumps(doubled), encoding="utf-8")
    base = runner.invoke(app, ["score", "--tsv", str(RATINGS), "-f", "jsonl"])
    other = runner.invoke(app, ["score", "--tsv", str(RATINGS), "-f", "jsonl", "--quality-params", str(params)])
    errors = [[json.loads(line)["expected_errors"] for line in r.stdout.splitlines()] for r in (base, other)]
    assert other.exit_code == 0 and errors[1] == pytest.approx([2 * e for e in errors[0]], rel=1e-3)
    params.write_text('{"intercept": 1}', encoding="utf-8")
    bad = runner.invoke(app, ["score", "--tsv", str(RATINGS), "--quality-params", str(params)])
    assert bad.exit_code == 2 and "not quality parameters" in bad.stderr
    alone = runner.invoke(app, ["score", "-r", str(RATINGS), "-t", str(RATINGS), "--system-column", "system"])
    assert alone.exit_code == 2 and "--system-column needs --tsv" in alone.stderr


def test_the_quality_parameters_are_an_input_and_a_system_cell_may_not_be_blank(tmp_path: Path) -> None:
    from mtqa.scoring.quality import shipped_model

    params = tmp_path / "quality.json"
    params.write_text(json.dumps(shipped_model().to_dict()), encoding="utf-8")
    before = params.read_text(encoding="utf-8")
    for command in (["correlate", str(RATINGS)], ["score", "--tsv", str(RATINGS), "-f", "csv"]):
        result = runner.invoke(app, [*command, "--quality-params", str(params), "-o", str(params)])
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
        assert params.read_text(encoding="utf-8") == before
    rows = RATINGS.read_text(encoding="utf-8").splitlines()
    cells = rows[3].split("\t")
    cells[2] = ""
    blank = write(tmp_path / "blank.tsv", "\n".join([*rows[:3], "\t".join(cells), *rows[4:]]) + "\n")
    for command in (["correlate", blank], ["score", "--tsv", blank]):
        result = runner.invoke(app, [*command, "--system-column", "system"])
        assert result.exit_code == 2 and "system" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_score_learned_adds_its_columns_and_its_corpus_figures(tmp_path: Path) -> None:
    output = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", "--tsv", str(RATINGS), "--scorer", "learned", "-f", "csv", "-o", str(output)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(output)
    assert {"quality", "head_score", "learned_errors", "learned"} <= set(scores.columns) and len(scores) == 24
    assert scores.learned.between(0, 1).all()
    # the CSV rounds to 6 decimals
    assert scores.learned.to_numpy() == pytest.approx(np.exp(-scores.learned_errors.to_numpy()), abs=2e-6)
    assert f"mean learned  {scores.learned.mean():.4f}" in result.stderr
    assert "learned head  learned|1-layer|model:all-MiniLM-L6-v2|" in result.stderr and "|learned.npz" in result.stderr
    assert "learned expected errors per 100 reference words" in result.stderr
    plain = runner.invoke(app, ["score", "--tsv", str(RATINGS), "-f", "csv"])
    assert "learned" not in pd.read_csv(io.StringIO(plain.stdout)).columns and "mean learned" not in plain.stderr


def test_score_with_a_head_file_of_the_shipped_head_equals_the_shipped_scores(tmp_path: Path) -> None:
    from mtqa.scoring.learned import head_bytes, shipped_head

    head = tmp_path / "head.npz"
    head.write_bytes(head_bytes(shipped_head()))
    command = ["score", "--tsv", str(RATINGS), "--scorer", "learned", "-f", "csv"]
    shipped = runner.invoke(app, command)
    given = runner.invoke(app, [*command, "--learned-head", str(head)])
    assert shipped.exit_code == 0 and given.exit_code == 0, given.output
    assert given.stdout == shipped.stdout and "learned" in pd.read_csv(io.StringIO(given.stdout)).columns


def test_a_head_file_needs_the_learned_scorer(tmp_path: Path) -> None:
    from mtqa.scoring.learned import head_bytes, shipped_head

    head = tmp_path / "head.npz"
    head.write_bytes(head_bytes(shipped_head()))
    output = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", "--tsv", str(RATINGS), "--learned-head", str(head), "-o", str(output)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("mtqa: error: --learned-head needs --scorer learned")
    assert not output.exists()


def learned_command(command: str) -> list[str]:
    """The arguments of ``score`` or ``correlate`` on the ratings with the learned head, before its options."""
    if command == "score":
        return ["score", "--tsv", str(RATINGS), "--scorer", "learned"]
    return ["correlate", str(RATINGS)]


@pytest.mark.parametrize("damage", list(bad_head_files()))
@pytest.mark.parametrize("command", ["score", "correlate"])
def test_a_bad_head_file_is_one_line_and_writes_nothing(tmp_path: Path, damage: str, command: str) -> None:
    data, message = bad_head_files()[damage]
    head = tmp_path / "head.npz"
    head.write_bytes(data)
    output = tmp_path / "out.json"
    args = learned_command(command)
    result = runner.invoke(app, [*args, "--learned-head", str(head), "-o", str(output)])
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr.startswith("mtqa: error:") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not output.exists() and head.read_bytes() == data


def test_a_bad_head_file_is_refused_without_a_traceback_by_the_entry_point(tmp_path: Path) -> None:
    data, message = bad_head_files()["flipped-in-stream"]
    head = tmp_path / "head.npz"
    head.write_bytes(data)
    result = run_mtqa("score", "--tsv", str(RATINGS), "--scorer", "learned", "--learned-head", str(head))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("mtqa: error:") and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["score", "correlate"])
def test_the_head_file_is_an_input_not_an_output(tmp_path: Path, command: str) -> None:
    from mtqa.scoring.learned import head_bytes, shipped_head

    head = tmp_path / "head.npz"
    data = head_bytes(shipped_head())
    head.write_bytes(data)
    args = learned_command(command)
    result = runner.invoke(app, [*args, "--learned-head", str(head), "-o", str(head)])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "is an input of this command" in result.stderr
    assert head.read_bytes() == data


def test_correlate_reports_the_learned_score_and_its_signature(tmp_path: Path) -> None:
    from mtqa.scoring.learned import head_bytes, shipped_head

    output = tmp_path / "x.json"
    result = runner.invoke(app, ["correlate", str(RATINGS), "-o", str(output)])
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    signature = data["signature"]["learned"]
    assert signature == shipped_head().signature()
    assert signature.startswith("learned|") and "model:all-MiniLM-L6-v2" in signature
    learned = data["metrics"]["learned"]
    assert {"kendall", "pearson", "accuracy", "item_kendall", "item_accuracy"} <= set(learned)
    assert all(math.isfinite(learned[key]) for key in ("kendall", "pearson", "accuracy"))
    assert "learned" in result.stdout
    # a head given by file signs the report, not the shipped one
    other = dataclasses.replace(shipped_head(), intercept=shipped_head().intercept - 0.5)
    head = tmp_path / "other.npz"
    head.write_bytes(head_bytes(other))
    result = runner.invoke(app, ["correlate", str(RATINGS), "--learned-head", str(head), "-o", str(output)])
    assert result.exit_code == 0, result.output
    given = json.loads(output.read_text(encoding="utf-8"))["signature"]["learned"]
    assert given == dataclasses.replace(other, origin=str(head)).signature() != signature
    assert given.endswith("|other.npz") and signature.endswith("|learned.npz")


def test_score_learned_ranks_systems_by_learned_errors_and_explains_the_head(tmp_path: Path) -> None:
    output = tmp_path / "scores.csv"
    args = ["score", "--tsv", str(RATINGS), "--scorer", "learned", "--system-column", "system", "--explain"]
    result = runner.invoke(app, [*args, "-f", "csv", "-o", str(output)])
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(output)
    assert {"head_chrf", "head_cosine"} <= set(scores.columns)
    table = result.stderr[result.stderr.index("per system (fewest learned expected errors first)") :].splitlines()
    assert "learned_errors_per_100_words" in table[1] and "mean_learned" in table[1]
    order = [line.split()[0] for line in table[3:] if line.strip()]
    learned = scores.groupby("system").apply(
        lambda g: g.learned_errors.sum() / g.reference_words.sum(), include_groups=False
    )
    assert order == list(learned.sort_values(kind="stable").index) and order[0] == "human"


def test_correlate_orients_learned_errors_so_that_fewer_is_better(tmp_path: Path) -> None:
    output = tmp_path / "agreement.json"
    result = runner.invoke(app, ["correlate", str(RATINGS), "--system-column", "system", "-o", str(output)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(output.read_text(encoding="utf-8"))["systems"]["metrics"]
    # on these ratings the human copy is best and the garbled system worst, for humans and for learned
    assert metrics["learned_errors_per_100_words"]["system_accuracy"] > 0.8
    assert metrics["learned_errors_per_100_words"]["system_pearson"] > 0.5

"""``mtqa score`` and ``mtqa correlate``: segment-aligned corpora, as sacrebleu and comet-score take them."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mtqa.cli.common import (
    Backend,
    BackendOption,
    EncodingOption,
    ModelOption,
    ProgressOption,
    bad_input_exits_2,
    choices,
    emit,
    stdout_if_dash,
)
from mtqa.cli.progress import progress_bar
from mtqa.errors import UsageError
from mtqa.outputs import check_file_target

SystemColumnOption = Annotated[
    str | None,
    typer.Option(
        metavar="COLUMN", help="The column naming each segment's system: adds a figure per system.", show_default=False
    ),
]
QualityParamsOption = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help="Parameters of quality (a quality.json, e.g. fitted with a dataset held out) [default: the shipped ones].",
        show_default=False,
    ),
]

LearnedHeadOption = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help="A learned head (.npz, e.g. trained with a dataset held out) [default: the shipped one].",
        show_default=False,
    ),
]


class Scorer(StrEnum):
    """The score ``mtqa score`` adds to cosine, BLEU and chrF."""

    quality = "quality"
    learned = "learned"


class ScoreFormat(StrEnum):
    """How ``mtqa score`` writes its segment scores."""

    table = "table"
    csv = "csv"
    jsonl = "jsonl"


@bad_input_exits_2
def score(
    reference: Annotated[
        Path | None,
        typer.Option("--reference", "-r", metavar="FILE", help="References, one segment per line.", show_default=False),
    ] = None,
    hypothesis: Annotated[
        Path | None,
        typer.Option(
            "--hypothesis",
            "-t",
            metavar="FILE",
            help="Hypotheses (translations), line-aligned with --reference.",
            show_default=False,
        ),
    ] = None,
    tsv: Annotated[
        Path | None,
        typer.Option("--tsv", metavar="FILE", help="A TSV with a header, instead of two files.", show_default=False),
    ] = None,
    reference_column: Annotated[
        str, typer.Option(metavar="COLUMN", help="The reference column of --tsv.")
    ] = "reference",
    hypothesis_column: Annotated[
        str, typer.Option(metavar="COLUMN", help="The hypothesis column of --tsv.")
    ] = "hypothesis",
    output_format: Annotated[
        ScoreFormat, typer.Option("--format", "-f", metavar=choices(ScoreFormat), help="table, csv or jsonl.")
    ] = ScoreFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the scores here instead of stdout (- is stdout).",
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            help="Add each feature's contribution to log(expected_errors); with --scorer learned, each input's"
            " share of head_score too (head_INPUT)."
        ),
    ] = False,
    scorer: Annotated[
        Scorer,
        typer.Option(
            metavar=choices(Scorer),
            help="quality alone, or the learned head's score beside it (learned, learned_errors, head_score).",
        ),
    ] = Scorer.quality,
    system_column: SystemColumnOption = None,
    quality_params: QualityParamsOption = None,
    learned_head: LearnedHeadOption = None,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty/--refuse-empty",
            help="Score an empty hypothesis as given (cosine, BLEU and chrF 0), as sacrebleu does, or refuse it.",
        ),
    ] = True,
    model: ModelOption = None,
    backend: BackendOption = Backend.onnx,
    encoding: EncodingOption = "utf-8",
    progress: ProgressOption = None,
) -> None:
    """Score segment-aligned hypotheses against references: cosine, BLEU, chrF and quality per segment.

    Corpus BLEU and chrF (with sacrebleu signatures), mean cosine and mean
    quality follow the table; with csv or jsonl they go to stderr. With
    --scorer learned, the learned head's score follows quality, and systems
    are ranked by its expected errors. Empty hypotheses are scored as given
    (--refuse-empty refuses them); an empty reference is refused.
    """
    from mtqa.embed.base import resolve_model
    from mtqa.evaluation.parallel import check_filled, read_line_pairs, read_tsv
    from mtqa.inputs import is_stdin
    from mtqa.report.scores import corpus_lines, render_scores
    from mtqa.scoring.learned import read_head, shipped_head
    from mtqa.scoring.quality import read_quality_params
    from mtqa.scoring.segments import corpus_figures, system_figures
    from mtqa.scoring.segments import score as score_segments

    if tsv is not None and (reference is not None or hypothesis is not None):
        raise UsageError("give either --tsv or --reference and --hypothesis, not both")
    if reference is not None and hypothesis is not None and is_stdin(reference) and is_stdin(hypothesis):
        raise UsageError(
            "--reference and --hypothesis cannot both be - (standard input holds one file); give one as a file"
        )
    if system_column is not None and tsv is None:
        raise UsageError("--system-column needs --tsv")
    if tsv is not None:
        columns = [reference_column, hypothesis_column] + ([system_column] if system_column else [])
        frame = read_tsv(tsv, columns, encoding)
        systems = [system_column] if system_column else []
        check_filled(frame, tsv, [reference_column, *systems] + ([] if allow_empty else [hypothesis_column]))
        refs, hyps = list(frame[reference_column]), list(frame[hypothesis_column])
    elif reference is not None and hypothesis is not None:
        refs, hyps = read_line_pairs(reference, hypothesis, encoding, allow_empty)
    else:
        raise UsageError("give --reference and --hypothesis files, or --tsv")
    resolve_model(model, backend.value)  # a bad model folder fails before any work
    quality_model = read_quality_params(quality_params) if quality_params is not None else None
    if learned_head is not None and scorer is not Scorer.learned:
        raise UsageError("--learned-head needs --scorer learned")
    head = None
    if scorer is Scorer.learned:
        head = read_head(learned_head) if learned_head is not None else shipped_head()
    output = stdout_if_dash(output)
    if output is not None:  # and so does an output that would destroy something
        given = (tsv, reference, hypothesis, quality_params, learned_head)
        check_file_target(output, inputs=[p for p in given if p is not None])
    with progress_bar(progress, "embedding", "texts") as callback:
        scores = score_segments(
            refs,
            hyps,
            model=model,
            backend=backend.value,
            quality_model=quality_model,
            explain=explain,
            allow_empty=allow_empty,
            progress=callback,
            learned=head if head is not None else False,
        )
    figures = corpus_figures(refs, hyps, scores, head.signature() if head is not None else None)
    if system_column is not None:
        scores.insert(0, "system", list(frame[system_column]))
    emit(render_scores(scores, figures, output_format.value), output)
    lines = corpus_lines(figures)
    if system_column is not None:
        by = "learned_errors_per_100_words" if head is not None else "errors_per_100_words"
        per_system = system_figures(refs, hyps, scores, list(frame[system_column]), by)
        ranked_by = "learned expected errors" if head is not None else "expected errors"
        lines += [f"per system (fewest {ranked_by} first):", per_system.to_string(float_format=lambda v: f"{v:.4f}")]
    if output_format is not ScoreFormat.table or output is not None:
        typer.echo("\n".join(lines), err=True)
    elif system_column is not None:
        typer.echo("\n".join(lines[len(corpus_lines(figures)) :]))


@bad_input_exits_2
def correlate(
    tsv: Annotated[
        Path, typer.Argument(metavar="TSV", help="A TSV with a header: texts and a human score per segment.")
    ],
    human_column: Annotated[
        str, typer.Option(metavar="COLUMN", help="The human score column (higher is better).")
    ] = "mqm",
    reference_column: Annotated[str, typer.Option(metavar="COLUMN", help="The reference column.")] = "reference",
    hypothesis_column: Annotated[str, typer.Option(metavar="COLUMN", help="The hypothesis column.")] = "hypothesis",
    item_column: Annotated[
        list[str] | None,
        typer.Option(
            metavar="COLUMN",
            help="A column identifying the item (repeatable) [default: doc and seg_id if present, else source].",
            show_default=False,
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN=VALUES",
            help="Keep rows where COLUMN is one of the values, e.g. doc=talk.7,talk.9.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Also write the figures as JSON here.", show_default=False),
    ] = None,
    system_column: SystemColumnOption = None,
    quality_params: QualityParamsOption = None,
    learned_head: LearnedHeadOption = None,
    model: ModelOption = None,
    backend: BackendOption = Backend.onnx,
    encoding: EncodingOption = "utf-8",
    progress: ProgressOption = None,
) -> None:
    """Segment-level agreement of quality, learned and each feature with human scores, beside BLEU and chrF.

    Kendall tau-b, Pearson r and WMT23 pairwise accuracy with tie calibration,
    over all segments (no grouping) and within items (group by item). With
    --system-column, also the system level: each system's corpus figures
    (errors per 100 reference words of quality and of learned, mean quality
    and mean learned, corpus chrF and BLEU, mean cosine) against the human
    mean of its segments, by pairwise accuracy and Pearson r.
    """
    from mtqa.embed.base import resolve_model
    from mtqa.evaluation.judgements import agree_with_humans
    from mtqa.evaluation.parallel import check_filled, numeric_column, read_tsv, select_rows
    from mtqa.scoring.learned import read_head
    from mtqa.scoring.quality import read_quality_params

    columns = [human_column, reference_column, hypothesis_column, *(item_column or [])]
    frame = read_tsv(tsv, columns + ([system_column] if system_column else []), encoding)
    frame = select_rows(frame, tsv, only)
    check_filled(frame, tsv, [reference_column] + ([system_column] if system_column else []))
    human = numeric_column(frame, tsv, human_column)
    items = item_column if item_column is not None else default_items(list(frame.columns))
    resolve_model(model, backend.value)  # a bad model folder fails before any work
    quality_model = read_quality_params(quality_params) if quality_params is not None else None
    head = read_head(learned_head) if learned_head is not None else None
    if output is not None:
        check_file_target(output, inputs=[p for p in (tsv, quality_params, learned_head) if p is not None])
    with progress_bar(progress, "embedding", "texts") as callback:
        result = agree_with_humans(
            frame,
            human,
            reference_column,
            hypothesis_column,
            items,
            model=model,
            backend=backend.value,
            quality_model=quality_model,
            learned_head=head,
            systems=system_column,
            progress=callback,
        )
    sys.stdout.write(result.to_text())
    if output is not None:
        emit(json.dumps({"data": str(tsv), "only": only, **result.to_dict()}, indent=2) + "\n", output)


def default_items(columns: list[str]) -> list[str]:
    """WMT files identify an item by document and segment id; failing that, by its source text."""
    if "doc" in columns and "seg_id" in columns:
        return ["doc", "seg_id"]
    return ["source"] if "source" in columns else []

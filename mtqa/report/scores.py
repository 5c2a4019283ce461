"""Render the segment scores of ``mtqa score`` as CSV, JSON lines or a text table, with corpus figures."""

from __future__ import annotations

import json
import math

import pandas as pd

from mtqa.scoring.segments import CorpusFigures

# Decimal places kept in CSV and JSON lines; scores are not more precise than this.
DECIMALS = 6


def corpus_lines(figures: CorpusFigures) -> list[str]:
    """The corpus-level figures, one per line."""
    count = figures.empty_hypotheses
    empty = f" ({count} empty {'hypothesis' if count == 1 else 'hypotheses'}, scored as given)" if count else ""
    return [
        f"segments      {figures.segments}{empty}",
        f"corpus BLEU   {figures.bleu:.2f}  {figures.bleu_signature}",
        f"corpus chrF   {figures.chrf:.2f}  {figures.chrf_signature}",
        f"mean cosine   {figures.mean_cosine:.4f}",
        f"mean quality  {figures.mean_quality:.4f}",
        f"expected errors per 100 reference words  {figures.errors_per_100_words:.2f}",
    ] + (
        [
            f"mean learned  {figures.mean_learned:.4f}",
            f"learned expected errors per 100 reference words  {figures.learned_errors_per_100_words:.2f}",
            f"learned head  {figures.learned_signature}",
        ]
        if figures.mean_learned is not None and figures.learned_errors_per_100_words is not None
        else []
    )


def _numbered(scores: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([pd.Series(range(1, len(scores) + 1), name="segment"), scores.reset_index(drop=True)], axis=1)


def render_scores(scores: pd.DataFrame, figures: CorpusFigures, output_format: str) -> str:
    """Render ``scores`` (from ``mtqa.score``) with a ``segment`` number from 1.

    Args:
        scores: The segment scores.
        figures: The corpus figures; appended to the table form only.
        output_format: ``"csv"``, ``"jsonl"`` or ``"table"``.

    Returns:
        The text, ending with a newline.
    """
    frame = _numbered(scores)
    if output_format == "csv":
        return str(frame.round(DECIMALS).to_csv(index=False))
    if output_format == "jsonl":
        return "".join(
            json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}) + "\n"
            for row in frame.round(DECIMALS).to_dict(orient="records")
        )
    shown = frame[
        ["segment", "cosine", "bleu", "chrf", "rare_words", "quality"] + (["learned"] if "learned" in frame else [])
    ]
    table = shown.to_string(
        index=False,
        formatters={
            "cosine": "{:.3f}".format,
            "bleu": "{:.1f}".format,
            "chrf": "{:.1f}".format,
            "quality": "{:.3f}".format,
            "learned": "{:.3f}".format,
        },
    )
    return table + "\n\n" + "\n".join(corpus_lines(figures)) + "\n"

"""Score a table of human judgements with mtqa and measure how well each metric agrees with the humans."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mtqa.embed.base import DEFAULT_BACKEND, Embedder
from mtqa.errors import MtqaError
from mtqa.evaluation.correlation import MAX_PAIRS, agreement
from mtqa.evaluation.systems import system_agreement
from mtqa.plural import plural
from mtqa.scoring.learned import LearnedHead, check_embedder, shipped_head
from mtqa.scoring.quality import QualityModel, quality_signature
from mtqa.scoring.scorers import BleuScorer, ChrfScorer
from mtqa.scoring.segments import Progress, score, system_figures
from mtqa.version import VERSION

# The two trained scores first, then the features they are built from, then the ones they are compared with.
METRICS = ("quality", "learned", "cosine", "chrf", "bleu", "rare_words", "reference_words")
# The system figures compared with the human system means; errors per 100 words count down.
SYSTEM_METRICS = (
    "errors_per_100_words",
    "mean_quality",
    "learned_errors_per_100_words",
    "mean_learned",
    "chrf",
    "mean_chrf",
    "bleu",
    "mean_cosine",
)
WIDTH = 13  # of a number column in the text table
STATISTICS = {
    "kendall": "Kendall tau-b",
    "pearson": "Pearson r",
    "accuracy": "pairwise acc*",
    "epsilon": "tie epsilon",
}


@dataclass(frozen=True)
class Agreement:
    """Segment-level agreement of mtqa's metrics with human scores.

    Attributes:
        table: One row per metric; see ``mtqa.evaluation.correlation.agreement``.
        segments: Rows scored.
        human: The human score column.
        items: The columns that identify an item, empty when not grouped.
        empty_hypotheses: Rows whose hypothesis was empty (scored, not dropped).
        signature: mtqa version, model and scorer parameters.
        system_table: With a system column: one row per system metric
            (``SYSTEM_METRICS``) with its system-level pairwise accuracy and
            Pearson r against the human system means.
        system_figures: With a system column: each system's corpus figures and human mean.
        learned_left_out: Why the shipped learned head was left out, when it was.
    """

    table: pd.DataFrame
    segments: int
    human: str
    items: list[str]
    empty_hypotheses: int
    signature: dict[str, Any] = field(default_factory=dict)
    system_table: pd.DataFrame | None = None
    system_figures: pd.DataFrame | None = None
    learned_left_out: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values; nan becomes None."""
        metrics = {
            name: {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            for name, row in self.table.astype(object).to_dict(orient="index").items()
        }
        result: dict[str, Any] = {
            "segments": self.segments,
            "human": self.human,
            "items": self.items,
            "empty_hypotheses": self.empty_hypotheses,
            "metrics": metrics,
            "signature": self.signature,
        }
        if self.system_table is not None and self.system_figures is not None:
            result["systems"] = {
                "metrics": json.loads(self.system_table.to_json(orient="index", double_precision=15)),
                "figures": json.loads(self.system_figures.to_json(orient="index", double_precision=15)),
            }
        return result

    def to_text(self) -> str:
        """A fixed-width table: one row per metric, both WMT views side by side."""
        views = [("no grouping", "")] + ([("group by item", "item_")] if self.items else [])
        head = f"{'metric':16s}" + "".join(f" | {title:^{4 * WIDTH + 3}s}" for title, _ in views)
        sub = f"{'':16s}" + "".join(" | " + " ".join(f"{s:>{WIDTH}s}" for s in STATISTICS.values()) for _ in views)
        lines = [head, sub, "-" * len(sub)]
        for metric, row in self.table.iterrows():
            cells = []
            for _, prefix in views:
                values = [row.get(prefix + key, float("nan")) for key in STATISTICS]
                cells.append(" ".join(_cell(v) for v in values))
            lines.append(f"{metric!s:16s}" + "".join(f" | {c}" for c in cells))
        notes = [f"{plural(self.segments, 'segment')}, human score {self.human!r}"]
        notes.append(f"items: {' + '.join(self.items)}" if self.items else "no item columns: by-item figures skipped")
        if self.empty_hypotheses:
            notes.append(f"{self.empty_hypotheses} empty hypotheses scored as given")
        if self.learned_left_out:
            notes.append(f"learned left out ({self.learned_left_out})")
        if bool(self.table["pairs_sampled"].any()):
            notes.append(f"no-grouping accuracy on a fixed-seed sample of {MAX_PAIRS:,} pairs")
        text = "\n".join([*lines, "; ".join(notes)]) + "\n"
        if self.system_table is not None and self.system_figures is not None:
            text += "\n" + self._systems_text()
        return text

    def _systems_text(self) -> str:
        assert self.system_table is not None and self.system_figures is not None
        name_width = max(len("system metric"), *(len(str(metric)) for metric in self.system_table.index))
        lines = [f"{'system metric':{name_width}s} {'pairwise acc':>13s} {'Pearson r':>13s}"]
        for metric, row in self.system_table.iterrows():
            lines.append(f"{metric!s:{name_width}s} {_cell(row.system_accuracy)} {_cell(row.system_pearson)}")
        count = len(self.system_figures)
        lines.append(f"{count} systems, {count * (count - 1) // 2} pairs; figures per system:")
        shown = self.system_figures.rename(
            columns={"errors_per_100_words": "errors/100w", "learned_errors_per_100_words": "learned errors/100w"}
        )
        lines.append(shown.to_string(float_format=lambda v: f"{v:.4f}"))
        return "\n".join(lines) + "\n"


def _cell(value: float) -> str:
    return f"{'nan':>{WIDTH}s}" if np.isnan(value) else f"{value:{WIDTH}.4f}"


def agree_with_humans(
    frame: pd.DataFrame,
    human: pd.Series,
    reference: str,
    hypothesis: str,
    items: Sequence[str] = (),
    *,
    model: str | None = None,
    backend: str = DEFAULT_BACKEND,
    embedder: Embedder | None = None,
    quality_model: QualityModel | None = None,
    learned_head: LearnedHead | None = None,
    systems: str | None = None,
    progress: Progress | None = None,
) -> Agreement:
    """Score every row of ``frame`` and compare each metric with ``human``.

    Args:
        frame: One row per segment, with the text columns.
        human: Human score per row (higher is better), aligned with ``frame``.
        reference: The reference column.
        hypothesis: The hypothesis column.
        items: Columns identifying an item, for the group-by-item view.
        model: A local sentence-transformers model folder; default the packaged one.
        backend: ``"onnx"`` or ``"torch"``; see ``mtqa.audit``.
        embedder: Any ``Embedder``; overrides ``model``.
        quality_model: Parameters of ``quality``; default the shipped ones.
        learned_head: The learned head. Default the shipped one, which is
            left out, with a note, when it cannot score these vectors (another
            ``model``) or cannot be read; a head given here is never left out.
        systems: The column naming each row's system, for the system-level view.
        progress: Optional ``(done, total)`` callback during embedding.

    Returns:
        The ``Agreement``.

    Raises:
        MtqaError: For a ``learned_head`` trained on other vectors than the embedder's.
    """
    given = embedder
    if embedder is None:
        from mtqa.embed.factory import default_embedder

        embedder = default_embedder(model, backend)
    head, left_out = _learned_head(learned_head, embedder)
    scores = score(
        list(frame[reference]),
        list(frame[hypothesis]),
        embedder=embedder,
        quality_model=quality_model,
        allow_empty=True,
        progress=progress,
        learned=head if head is not None else False,
    )
    metrics = [m for m in METRICS if head is not None or m != "learned"]
    system_table = figures = None
    if systems is not None:
        figures = system_figures(list(frame[reference]), list(frame[hypothesis]), scores, list(frame[systems]))
        figures["human"] = pd.Series(human.to_numpy(float)).groupby(frame[systems].astype(str).to_numpy()).mean()
        oriented = figures.assign(errors_per_100_words=-figures.errors_per_100_words)
        if head is not None:
            oriented["learned_errors_per_100_words"] = -figures.learned_errors_per_100_words
        shown = [m for m in SYSTEM_METRICS if m in oriented]
        system_table = system_agreement(oriented, figures.human, shown)
    data = pd.concat([frame[list(items)].reset_index(drop=True), scores], axis=1)
    data["human"] = human.to_numpy(float)
    table = agreement(data, "human", metrics, list(items) or None)
    name = given.name if given is not None else (model or "all-MiniLM-L6-v2")
    return Agreement(
        table=table,
        segments=len(frame),
        human=str(human.name),
        items=list(items),
        empty_hypotheses=int((frame[hypothesis].str.strip() == "").sum()),
        signature={
            "mtqa": VERSION,
            "model": name,
            "backend": given.backend if given is not None else backend,
            # corpus BLEU uses sacrebleu's defaults (eff:no); each unit's or segment's BLEU uses
            # effective order (eff:yes), so that a short sentence is not scored 0: two signatures
            "bleu": BleuScorer().signature(),
            "sentence_bleu": BleuScorer().sentence_signature(),
            "chrf": ChrfScorer().signature(),
            "quality": quality_signature(quality_model),
            "learned": head.signature() if head is not None else f"left out: {left_out}",
        },
        system_table=system_table,
        system_figures=figures,
        learned_left_out=left_out,
    )


def _learned_head(given: LearnedHead | None, embedder: Embedder) -> tuple[LearnedHead | None, str | None]:
    """The head to score with, or None and why the shipped one is left out."""
    if given is not None:
        check_embedder(given, embedder.encode, embedder.name)
        return given, None
    try:
        head = shipped_head()
        check_embedder(head, embedder.encode, embedder.name)
    except MtqaError as error:
        return None, str(error)
    return head, None

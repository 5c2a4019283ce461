"""The audit report: four tables and two dicts, and their JSON and CSV forms.

Columns (the contract other tools build on):

- ``sentences``: side, id, start, end, text, kind, paragraph, norm. ``text``
  is ``original[start:end]`` of its side's text; ``norm`` is the text the
  scores compare (typography normalised, a leading dateline dropped).
- ``pairs``: one row per unit: reference_ids, copy_ids (lists of int),
  reference_text, copy_text, cosine, bleu, chrf, rare_words, quality, label,
  similarity (the aligner's blended score), shape (e.g. ``"1-2"``).
  ``quality`` is the same score as ``mtqa.score`` gives the unit's two
  normalised texts (``mtqa.scoring.quality``); nan for an unaligned sentence.
- ``flags``: kind, severity, copy_id, reference_id (nullable), start, end,
  text, suggestion, message. ``copy[start:end] == text``.
- ``words``: the word alignment inside each linked unit (``mtqa.align.words``),
  one row per link and one per word left unaligned: unit (the row of
  ``pairs``), reference_id, reference_start, reference_end, reference_word,
  copy_id, copy_start, copy_end, copy_word (the side a word lacks is null),
  score (0 to 1, null when unaligned), match (``exact``, ``folded``, ``lemma``,
  ``embedding``, or empty when unaligned). Offsets are into each side's text.

Two matrices, for notebooks (not part of the JSON or CSV forms): ``cosine``,
the embedding cosine of every original sentence (rows, by id) with every copy
sentence (columns, by id), and ``similarity``, the blended score the aligner
chose its units on (boilerplate sentences at -1).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mtqa.align.aligner import AlignParams
from mtqa.outputs import check_folder_target, replace_folder, write_marker
from mtqa.report.summary import Signature, Summary, summarize
from mtqa.report.terminal_options import DEFAULT_MIN_SEVERITY, DEFAULT_SHOW, DEFAULT_WIDTH
from mtqa.scoring.labels import thresholds
from mtqa.scoring.quality import quality_signature
from mtqa.scoring.scorers import BleuScorer, ChrfScorer
from mtqa.types import Alignment, Document, Flag, UnitScores, WordAlignment
from mtqa.version import VERSION

SENTENCE_COLUMNS = ["side", "id", "start", "end", "text", "kind", "paragraph", "norm"]
PAIR_COLUMNS = [
    "reference_ids",
    "copy_ids",
    "reference_text",
    "copy_text",
    "cosine",
    "bleu",
    "chrf",
    "rare_words",
    "quality",
    "label",
    "similarity",
    "shape",
]
FLAG_COLUMNS = ["kind", "severity", "copy_id", "reference_id", "start", "end", "text", "suggestion", "message"]
WORD_COLUMNS = [
    "unit",
    "reference_id",
    "reference_start",
    "reference_end",
    "reference_word",
    "copy_id",
    "copy_start",
    "copy_end",
    "copy_word",
    "score",
    "match",
]
REPORT_KEYS = ("sentences", "pairs", "flags", "words", "summary", "signature")
TABLES = ("sentences", "pairs", "flags", "words")
# What ``Report.to_csv`` writes, and the kind its marker names.
CSV_FILES = ("sentences.csv", "pairs.csv", "flags.csv", "words.csv", "summary.json", "signature.json")
CSV_KIND = "audit csv"


@dataclass(frozen=True)
class Report:
    """What an audit found; see the module docstring for the columns."""

    sentences: pd.DataFrame
    pairs: pd.DataFrame
    flags: pd.DataFrame
    summary: Summary
    signature: Signature
    cosine: pd.DataFrame | None = field(default=None, repr=False)
    similarity: pd.DataFrame | None = field(default=None, repr=False)
    # A report read back from a batch's result cache has no word alignment: an empty table.
    words: pd.DataFrame = field(default_factory=lambda: word_frame(WordAlignment()), repr=False)

    def with_inputs(self, inputs: dict[str, Any]) -> Report:
        """This report, its signature recording what each text was read from (see ``Signature.inputs``)."""
        return dataclasses.replace(self, signature=dataclasses.replace(self.signature, inputs=inputs))

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready values, keyed ``sentences, pairs, flags, words, summary, signature``."""
        return {
            "sentences": _records(self.sentences),
            "pairs": _records(self.pairs),
            "flags": _records(self.flags),
            "words": _records(self.words),
            "summary": _clean(self.summary.to_dict()),
            "signature": _clean(self.signature.to_dict()),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Return ``to_dict()`` as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_csv(self, directory: str | os.PathLike[str]) -> Path:
        """Write the four tables as CSV and the two dicts as JSON into ``directory``.

        Files: ``sentences.csv``, ``pairs.csv`` (id lists as JSON arrays),
        ``flags.csv``, ``words.csv``, ``summary.json``, ``signature.json``, and the marker
        ``.mtqa-output``. They are written to a temporary folder first and
        moved into place, so a failure leaves no half-written directory. The
        directory must be new or an earlier ``to_csv`` output; anything else is
        refused and left untouched (see ``mtqa.outputs``).

        Returns:
            The directory.

        Raises:
            MtqaError: If ``directory`` exists and is not mtqa's csv output.
        """
        target = Path(directory)
        check_folder_target(target, CSV_KIND, owned=CSV_FILES)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".mtqa-", dir=target.parent))
        try:
            data = self.to_dict()
            for table in TABLES:
                frame = pd.DataFrame(data[table], columns=list(getattr(self, table).columns))
                for column in ("reference_ids", "copy_ids"):
                    if column in frame:
                        frame[column] = frame[column].map(json.dumps)
                frame.to_csv(staging / f"{table}.csv", index=False)
            for name in ("summary", "signature"):
                (staging / f"{name}.json").write_text(json.dumps(data[name], ensure_ascii=False, indent=2) + "\n")
            write_marker(staging, CSV_KIND)
            replace_folder(staging, target, CSV_KIND, CSV_FILES)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target

    def to_html(self, title: str = "mtqa audit", index_href: str | None = None) -> str:
        """Return one self-contained HTML page: both texts side by side, units linked, flags marked in place.

        ``index_href``, when given, adds a link back to a batch's index page.
        """
        from mtqa.report.html import render_html

        return render_html(self.to_dict(), title, index_href)

    def to_table(
        self,
        color: bool = False,
        width: int = DEFAULT_WIDTH,
        show: str | Sequence[str] = DEFAULT_SHOW,
        min_severity: str = DEFAULT_MIN_SEVERITY,
    ) -> str:
        """Render the report for a terminal, no line wider than ``width``; see ``mtqa.report.table.render_table``.

        Args:
            color: Emit ANSI colours (flagged spans coloured by severity, else marked ``[[...]]``).
            width: Width in terminal cells, at least 40.
            show: Parts, in print order: ``summary``, ``flags``, ``units`` (one line each)
                or ``texts`` (each unit in full); a list or a comma-separated string.
            min_severity: ``minor`` or ``major``: flags below it are not listed or marked
                (the summary still counts them).

        Returns:
            The rendered text.

        Raises:
            MtqaError: If a part, the severity or the width is not allowed.
        """
        from mtqa.report.table import render_table

        return render_table(self, color=color, width=width, show=show, min_severity=min_severity)


def build_report(
    reference: Document,
    copy: Document,
    alignment: Alignment,
    scores: list[UnitScores],
    flags: list[Flag],
    *,
    model: str,
    backend: str,
    align_params: AlignParams,
    lexical_weight: float,
    detectors: dict[str, dict[str, object]],
    english: dict[str, float],
    skipped_detectors: list[str],
    matrices: tuple[np.ndarray, np.ndarray] | None = None,
    words: WordAlignment | None = None,
    word_aligner: dict[str, object] | None = None,
) -> Report:
    """Assemble the tables, the summary and the signature of one audit."""
    sentences = pd.DataFrame(
        [
            {"side": side, **{c: getattr(s, c) for c in SENTENCE_COLUMNS[1:]}}
            for side, document in (("reference", reference), ("copy", copy))
            for s in document.sentences
        ],
        columns=SENTENCE_COLUMNS,
    )
    pairs = pd.DataFrame(
        [
            {
                "reference_ids": list(unit.reference_ids),
                "copy_ids": list(unit.copy_ids),
                "reference_text": " ".join(reference.sentences[i].text for i in unit.reference_ids),
                "copy_text": " ".join(copy.sentences[j].text for j in unit.copy_ids),
                "cosine": score.cosine,
                "bleu": score.bleu,
                "chrf": score.chrf,
                "rare_words": score.rare_words,
                "quality": score.quality,
                "label": score.label,
                "similarity": unit.similarity,
                "shape": f"{len(unit.reference_ids)}-{len(unit.copy_ids)}",
            }
            for unit, score in zip(alignment.units, scores, strict=True)
        ],
        columns=PAIR_COLUMNS,
    )
    flag_frame = pd.DataFrame([asdict(f) for f in flags], columns=FLAG_COLUMNS)
    flag_frame["reference_id"] = flag_frame["reference_id"].astype("Int64")
    flag_frame["copy_id"] = flag_frame["copy_id"].astype("Int64")
    summary = summarize(reference, copy, alignment, pairs, flag_frame, english, skipped_detectors)
    signature = Signature(
        mtqa=VERSION,
        model=model,
        backend=backend,
        segmenter="mtqa.segment rules",
        similarity={"lexical": "char-trigram dice", "lexical_weight": lexical_weight},
        aligner={**align_params.as_dict(), "words": word_aligner or {}},
        scorers={
            "cosine": "embedding cosine of each unit's joined sentences",
            # corpus BLEU uses sacrebleu's defaults (eff:no); each unit's or segment's BLEU uses
            # effective order (eff:yes), so that a short sentence is not scored 0: two signatures
            "bleu": BleuScorer().signature(),
            "sentence_bleu": BleuScorer().sentence_signature(),
            "chrf": ChrfScorer().signature(),
            "quality": quality_signature(),
        },
        labels=thresholds(),
        detectors=detectors,
    )
    cosine, similarity = (
        (
            pd.DataFrame(
                m,
                index=pd.RangeIndex(m.shape[0], name="reference_id"),
                columns=pd.RangeIndex(m.shape[1], name="copy_id"),
                copy=False,  # the audit's own arrays, nobody else's: no second copy of a long audit's matrices
            )
            for m in matrices
        )
        if matrices is not None
        else (None, None)
    )
    return Report(sentences, pairs, flag_frame, summary, signature, cosine, similarity, word_frame(words))


def word_frame(words: WordAlignment | None) -> pd.DataFrame:
    """The ``words`` table of a word alignment (see the module docstring)."""
    rows = []
    for link in words.links if words is not None else ():
        r, c = link.reference, link.copy
        rows.append(
            {
                "unit": link.unit,
                "reference_id": r.sentence_id if r else None,
                "reference_start": r.start if r else None,
                "reference_end": r.end if r else None,
                "reference_word": r.text if r else None,
                "copy_id": c.sentence_id if c else None,
                "copy_start": c.start if c else None,
                "copy_end": c.end if c else None,
                "copy_word": c.text if c else None,
                "score": link.score,
                "match": link.match,
            }
        )
    frame = pd.DataFrame(rows, columns=WORD_COLUMNS)
    for column in ("unit", "reference_id", "reference_start", "reference_end", "copy_id", "copy_start", "copy_end"):
        frame[column] = frame[column].astype("Int64")
    frame["score"] = frame["score"].astype(float)
    return frame


def _clean(value: Any) -> Any:
    """Make ``value`` JSON-ready: NaN and NA become None, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [_clean(row) for row in frame.astype(object).to_dict(orient="records")]

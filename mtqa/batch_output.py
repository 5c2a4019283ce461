"""Stream audit-batch results to a Parquet dataset that an interrupted run can resume.

The output folder holds three datasets, ``pairs/``, ``flags/`` and
``summary/``, each a set of part files that pandas or pyarrow read as one table
(``pd.read_parquet(out / "summary")``). Results are buffered and flushed as a
part every ``flush_every`` jobs. Each part's three files are written to
temporary names and renamed into place, the summary last: a summary part is
the commit mark of its jobs. On start, parts without a summary are removed,
and the ids in the summaries are the jobs already done.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd

from mtqa.batch import JobResult
from mtqa.errors import MtqaError
from mtqa.outputs import publish_mode
from mtqa.types import LABELS

TABLES = ("pairs", "flags", "summary")
SUMMARY_SCHEMA: dict[str, str] = {
    **dict.fromkeys(("id", "original", "copy", "status", "error"), "string"),
    **dict.fromkeys(
        ("coverage", "copy_coverage", "mean_cosine", "mean_quality", "corpus_bleu", "corpus_chrf"), "float64"
    ),
    **dict.fromkeys(("units", "aligned_units", "flags", "major_flags"), "Int64"),
    **{f"label_{label}": "Int64" for label in LABELS},
    "verdict": "string",
}


class BatchWriter:
    """Collects ``JobResult``s and writes them as Parquet parts under ``folder``."""

    def __init__(self, folder: Path, flush_every: int = 25) -> None:
        self.folder = folder
        self.flush_every = flush_every
        self._buffer: list[JobResult] = []
        try:
            for table in TABLES:
                (folder / table).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise MtqaError(f"cannot write to {folder}: {error.strerror}") from error
        committed = {p.name for p in (folder / "summary").glob("part-*.parquet")}
        for table in ("pairs", "flags"):
            for part in (folder / table).glob("part-*.parquet"):
                if part.name not in committed:
                    part.unlink()
        for leftover in folder.glob("*/.part-*"):
            leftover.unlink()

    def done(self) -> set[str]:
        """Ids of the jobs already in the output (from a previous run)."""
        parts = sorted((self.folder / "summary").glob("part-*.parquet"))
        if not parts:
            return set()
        return set(pd.concat([pd.read_parquet(p, columns=["id"]) for p in parts]).id.astype(str))

    def add(self, result: JobResult) -> None:
        """Buffer one result; write a part when the buffer is full."""
        self._buffer.append(result)
        if len(self._buffer) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        """Write the buffered results as one part of each table."""
        if not self._buffer:
            return
        name = f"part-{uuid.uuid4().hex}.parquet"
        frames = {
            "pairs": _concat([r.pairs for r in self._buffer]),
            "flags": _concat([r.flags for r in self._buffer]),
            "summary": summary_frame([r.summary for r in self._buffer]),
        }
        for table in TABLES:  # summary last: it commits the part
            staged = self.folder / table / f".{name}"
            frames[table].to_parquet(staged, index=False)
            publish_mode(staged)
            staged.rename(self.folder / table / name)
        self._buffer.clear()


def summary_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Summary rows with a fixed schema, so every part (error rows included) has the same columns and types."""
    return pd.DataFrame(rows).reindex(columns=list(SUMMARY_SCHEMA)).astype(SUMMARY_SCHEMA)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    kept = [f for f in frames if len(f.columns)]
    if not kept:
        return pd.DataFrame({"id": pd.Series(dtype=str)})
    frame = pd.concat(kept, ignore_index=True)
    return frame[["id", *[c for c in frame.columns if c != "id"]]]


def read_table(folder: Path, table: str) -> pd.DataFrame:
    """One table of a batch output, all parts together, sorted by id (and row order within a job)."""
    parts = sorted((folder / table).glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    return frame.sort_values("id", kind="stable").reset_index(drop=True)

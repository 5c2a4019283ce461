"""Stream audit-batch results to a Parquet dataset that an interrupted run can resume.

The output folder holds three datasets, ``pairs/``, ``flags/`` and
``summary/``, each a set of part files that pandas or pyarrow read as one table
(``pd.read_parquet(out / "summary")``). Each result is written as a part as
soon as it arrives (``flush_every`` 1), so a run that is stopped, even by
``kill -9``, loses only the copies still in flight; a part is written whole
even when a signal arrives meanwhile (``uninterrupted``). Each part's three files are written to
temporary names and renamed into place, the summary last: a summary part is
the commit mark of its jobs. On start, parts without a summary are removed,
and the ids in the summaries are the jobs already done. Every part of a table
has the same Arrow schema, error-only parts included.

The folder is mtqa's own (it holds the marker of ``mtqa.outputs``): a run
writes into a new folder or resumes one that audit-batch wrote, and refuses
anything else. A run holds an exclusive lock on the folder, so two runs can
never interleave their parts.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from mtqa.batch.jobs import FLAG_KIND_COLUMNS, JobResult
from mtqa.batch.stopping import uninterrupted
from mtqa.errors import MtqaError
from mtqa.outputs import (
    LOCK,
    MARKER,
    Layout,
    check_folder_target,
    lock_folder,
    marker_kind,
    publish_mode,
    write_marker,
)
from mtqa.types import LABELS

TABLES = ("pairs", "flags", "summary")
BATCH_KIND = "audit-batch"
# The whole tree an audit-batch folder may hold, checked before a resume writes
# or deletes anything in it: the lock, the tables' parts (and parts being
# staged), the pages, and the temporary files of ``write_text_atomic``.
_STAGED = ".mtqa-*"
_PARTS: Layout = {"part-*.parquet": None, ".part-*": None}
BATCH_LAYOUT: Layout = {
    LOCK: None,
    _STAGED: None,
    **dict.fromkeys(TABLES, _PARTS),
    "html": {"index.html": None, _STAGED: None, "copies": {"*.html": None, _STAGED: None}},
}
_IDS = pa.list_(pa.int64())
PART_SCHEMAS = {
    "pairs": pa.schema(
        [("id", pa.string()), ("reference_ids", _IDS), ("copy_ids", _IDS)]
        + [(c, pa.string()) for c in ("reference_text", "copy_text")]
        + [(c, pa.float64()) for c in ("cosine", "bleu", "chrf", "rare_words", "quality")]
        + [("label", pa.string()), ("similarity", pa.float64()), ("shape", pa.string())]
    ),
    "flags": pa.schema(
        [(c, pa.string()) for c in ("id", "kind", "severity")]
        + [(c, pa.int64()) for c in ("copy_id", "reference_id", "start", "end")]
        + [(c, pa.string()) for c in ("text", "suggestion", "message")]
    ),
}
SUMMARY_SCHEMA: dict[str, str] = {
    "id": "string",
    "row": "Int64",
    **dict.fromkeys(("original", "copy", "original_shown", "copy_shown", "status", "error"), "string"),
    **dict.fromkeys(("original_format", "copy_format", "copy_title", "source", "source_title"), "string"),
    "source_score": "float64",
    **dict.fromkeys(
        ("coverage", "copy_coverage", "mean_cosine", "mean_quality", "corpus_bleu", "corpus_chrf"), "float64"
    ),
    **dict.fromkeys(("units", "aligned_units", "flags", "major_flags", *FLAG_KIND_COLUMNS), "Int64"),
    **{f"label_{label}": "Int64" for label in LABELS},
    "verdict": "string",
}


def check_output(folder: Path, inputs: Iterable[Path] = ()) -> bool:
    """Refuse ``folder`` unless it is new, or an audit-batch output to resume; nothing is created.

    A folder is ours only by its marker: one without it is refused when it
    holds anything, however much it looks like an output (folders named
    ``pairs`` or ``html``, parts named ``part-00000.parquet`` may be anyone's),
    so no user's file is ever taken over or deleted. The whole tree of a marked
    folder is checked against ``BATCH_LAYOUT``: a symlink or a file mtqa did not
    write anywhere in it is refused, before anything is written or deleted there.

    Returns:
        Whether the folder exists (a resume).

    Raises:
        MtqaError: If the folder is something else, holds an input, cannot be
            written, or was written by a version of mtqa with other summary columns.
    """
    existed = check_folder_target(folder, BATCH_KIND, inputs, layout=BATCH_LAYOUT)
    if existed:
        _check_columns(folder)
    return existed


class BatchWriter:
    """Collects ``JobResult``s and writes them as Parquet parts under ``folder``.

    Nothing is written until ``open``; ``close`` releases the folder's lock,
    and removes the folder again when this run created it and committed nothing.
    """

    def __init__(self, folder: Path, flush_every: int = 1) -> None:
        self.folder = folder
        self.flush_every = flush_every
        self.committed = 0
        self._buffer: list[JobResult] = []
        self._lock: IO[bytes] | None = None
        self._created = False

    def open(self, inputs: Iterable[Path] = ()) -> None:
        """Check the folder, create or adopt it, lock it, and remove what an interrupted run left half-written.

        Raises:
            MtqaError: If the folder is not ours, another run holds it, or it cannot be written.
        """
        existed = check_output(self.folder, inputs)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._created = not existed
            try:
                self._lock = lock_folder(
                    self.folder, f"{self.folder}: another mtqa audit-batch is writing there; wait for it to end"
                )
            except MtqaError:
                self._created = False
                raise
            if marker_kind(self.folder) is None:
                write_marker(self.folder, BATCH_KIND)
            for table in TABLES:
                (self.folder / table).mkdir(exist_ok=True)
        except OSError as error:
            self.close()
            raise MtqaError(f"cannot write to {self.folder}: {error.strerror}") from error
        committed = {p.name for p in (self.folder / "summary").glob("part-*.parquet")}
        for table in ("pairs", "flags"):
            for part in (self.folder / table).glob("part-*.parquet"):
                if part.name not in committed:
                    part.unlink()
        for leftover in self.folder.glob("*/.part-*"):
            leftover.unlink()

    def close(self) -> None:
        """Release the lock; a folder this run created and left empty is removed again."""
        if self._created and not self.committed:
            for table in TABLES:
                with contextlib.suppress(OSError):
                    (self.folder / table).rmdir()
            for name in (MARKER, LOCK):
                (self.folder / name).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self.folder.rmdir()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def done(self) -> set[str]:
        """Ids of the jobs already in the output (from a previous run)."""
        parts = sorted((self.folder / "summary").glob("part-*.parquet"))
        if not parts:
            return set()
        return set(pd.concat([_read_part(p, columns=["id"]).to_pandas() for p in parts]).id.astype(str))

    def forget_errors(self, ids: Iterable[str]) -> set[str]:
        """Remove the error rows of ``ids`` from the output, so that this run audits those copies again.

        A summary part holding such a row is rewritten without it, staged and
        renamed over the old part; a part left empty is removed with its pairs
        and flags (an error row has none). A run stopped halfway leaves each
        row in place or gone (to be audited by the next run), never twice.

        Returns:
            The ids whose error rows were removed.
        """
        wanted, forgotten = set(ids), set()
        for part in sorted((self.folder / "summary").glob("part-*.parquet")):
            table = _read_part(part)
            rows = table.select(["id", "status"]).to_pandas()
            drop = rows.status.eq("error").fillna(False).astype(bool) & rows.id.astype(str).isin(wanted)
            if not drop.any():
                continue
            forgotten.update(rows.id[drop].astype(str))
            kept = table.filter(pa.array(~drop.to_numpy(dtype=bool)))
            if kept.num_rows:
                staged = part.with_name(f".{part.name}")
                pq.write_table(kept, staged)
                publish_mode(staged)
                staged.replace(part)
            else:  # the summary first: pairs or flags left without it are removed on the next open
                for table_name in ("summary", "pairs", "flags"):
                    (self.folder / table_name / part.name).unlink(missing_ok=True)
        return forgotten

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
        with uninterrupted():  # a signal waits for the part to be committed, and counted
            for table in TABLES:  # summary last: it commits the part
                staged = self.folder / table / f".{name}"
                if table in PART_SCHEMAS:
                    pq.write_table(_arrow(frames[table], PART_SCHEMAS[table]), staged)
                else:
                    frames[table].to_parquet(staged, index=False)
                publish_mode(staged)
                staged.rename(self.folder / table / name)
            self.committed += len(self._buffer)
            self._buffer.clear()


def _check_columns(folder: Path) -> None:
    """Refuse to resume an output whose summary has other columns than this mtqa writes.

    An output of an earlier mtqa (without the ``row`` and ``flags_<kind>``
    columns, or with another registry of detectors) would mix two schemas in
    one table; it is refused before anything is changed in it. Auditing into
    a new folder is cheap: the result cache hands back every audit already done.

    Raises:
        MtqaError: If a summary part's columns differ from ``SUMMARY_SCHEMA``.
    """
    for part in sorted((folder / "summary").glob("part-*.parquet")):
        try:
            names = pq.read_schema(part).names
        except (OSError, pa.ArrowException):
            names = _read_part(part).column_names  # a damaged part: its own one-line message
        if names != list(SUMMARY_SCHEMA):
            raise MtqaError(
                f"{folder}: written by another version of mtqa (its summary has other columns); run again "
                "into a new folder (the result cache makes audits done before quick) and remove this one"
            )


def summary_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Summary rows with a fixed schema, so every part (error rows included) has the same columns and types."""
    return pd.DataFrame(rows).reindex(columns=list(SUMMARY_SCHEMA)).astype(SUMMARY_SCHEMA)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    kept = [f for f in frames if len(f)]
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()


def _arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as a table of exactly ``schema`` (an error-only part is an empty table of it)."""
    if not len(frame):
        return schema.empty_table()
    return pa.Table.from_pandas(frame.reindex(columns=schema.names), schema=schema, preserve_index=False)


def read_table(folder: Path, table: str) -> pd.DataFrame:
    """One table of a batch output, all parts together, sorted by id (and row order within a job)."""
    parts = sorted((folder / table).glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    frame: pd.DataFrame = pd.concat([_read_part(p).to_pandas() for p in parts], ignore_index=True)
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


def _read_part(part: Path, columns: list[str] | None = None) -> pa.Table:
    """A part of a batch output, or one line naming it when it is damaged (cut short, edited, not Parquet)."""
    try:
        table = pq.read_table(part, columns=columns)
        wanted = ["id", "status"] if part.parent.name == "summary" and columns is None else ["id"]
        if any(name not in table.column_names for name in wanted):
            raise ValueError(f"it has no {' or '.join(wanted)} column")
        return table
    except (OSError, ValueError, KeyError, pa.ArrowException) as error:
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise MtqaError(
            f"{part}: a part of this audit-batch output cannot be read ({reason}); move the output aside "
            "and run again into a new folder"
        ) from None

"""An audit-batch output read back as DataFrames, the editors' summary sheet, and the per-copy gate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtqa.errors import MtqaError

if TYPE_CHECKING:
    import pandas as pd

    from mtqa.report.gate import Gate


@dataclass(frozen=True)
class BatchTables:
    """The three tables of an audit-batch output, in manifest order.

    Attributes:
        summary: One row per copy, sorted by ``row`` (its place in the manifest):
            id, paths (``copy``/``original`` absolute, ``copy_shown``/``original_shown``
            relative to the manifest's folder), status, error, the figures, and
            flag counts (``flags``, ``major_flags``, ``flags_<kind>`` for every kind).
        pairs: The aligned units of every copy, with its ``id``.
        flags: The flags of every copy, with its ``id``.
    """

    summary: pd.DataFrame
    pairs: pd.DataFrame
    flags: pd.DataFrame

    def sheet(self) -> pd.DataFrame:
        """The summary as ``--summary-csv`` writes it: the columns an editor reads, in manifest order."""
        return summary_sheet(self.summary)


def read_batch(folder: str | Path) -> BatchTables:
    """Read an ``mtqa audit-batch`` output folder as DataFrames.

    Args:
        folder: The ``--output`` folder of audit-batch (finished, stopped or resumed).

    Returns:
        Its summary, pairs and flags tables, all in manifest order.

    Raises:
        MtqaError: If ``folder`` is not an audit-batch output, or a part of it cannot be read.
    """
    from mtqa.batch.parquet import read_table

    summary = read_summary(folder)
    order = {copy_id: place for place, copy_id in enumerate(summary.id)}
    pairs, flags = (_in_order(read_table(Path(folder), name), order) for name in ("pairs", "flags"))
    return BatchTables(summary, pairs, flags)


def read_summary(folder: str | Path) -> pd.DataFrame:
    """Read the summary of an ``mtqa audit-batch`` output alone: ``read_batch(folder).summary``.

    Args:
        folder: The ``--output`` folder of audit-batch.

    Returns:
        One row per copy in manifest order, with every column of the current summary.

    Raises:
        MtqaError: If ``folder`` is not an audit-batch output, or its summary cannot be read.
    """
    from mtqa.batch.parquet import BATCH_KIND, SUMMARY_SCHEMA, read_table
    from mtqa.outputs import marker_kind

    path = Path(folder)
    if not path.is_dir() or marker_kind(path) != BATCH_KIND or not (path / "summary").is_dir():
        raise MtqaError(f"{path}: not an audit-batch output (the folder mtqa audit-batch -o writes)")
    # an output of an earlier mtqa lacks some columns: they are there, empty, so code reading them works
    summary = read_table(path, "summary").reindex(columns=list(SUMMARY_SCHEMA)).astype(SUMMARY_SCHEMA)
    return summary.sort_values(["row", "id"], na_position="last", kind="stable").reset_index(drop=True)


def _in_order(frame: pd.DataFrame, order: Mapping[str, int]) -> pd.DataFrame:
    """``frame`` with its copies in ``order`` (the summary's), each copy's rows as they were."""
    if not len(frame):
        return frame
    place = frame.id.map(order)
    return frame.iloc[place.argsort(kind="stable")].reset_index(drop=True)


def original_shown(row: Mapping[Any, Any]) -> str:
    """A copy's original as an editor knows it: its path relative to the manifest, or the story found in the index."""
    shown, source, title = (_text(row.get(k)) for k in ("original_shown", "source", "source_title"))
    if shown or not source:
        return shown or _text(row.get("original"))
    return f"{source} ({title})" if title else source


def copy_shown(row: Mapping[Any, Any]) -> str:
    """A copy's path relative to the manifest's folder (or to the folder of copies)."""
    return _text(row.get("copy_shown")) or _text(row.get("copy"))


def _count(value: Any) -> int:
    """A count of the summary; an output of an earlier mtqa has none for some columns."""
    try:
        return int(value)
    except (TypeError, ValueError):  # pd.NA, NaN
        return 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def summary_sheet(summary: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``summary`` an editor needs, paths as in the manifest, one row per copy in manifest order.

    Args:
        summary: ``read_batch(...).summary``.

    Returns:
        Columns row, id, copy, original, status, coverage, quality, flags,
        major_flags, a ``flags_<kind>`` column per flag kind, and error.
    """
    import pandas as pd

    from mtqa.batch.jobs import FLAG_KIND_COLUMNS

    rows = summary.to_dict("records")
    sheet = pd.DataFrame(
        {
            "row": summary["row"],
            "id": summary["id"],
            "copy": pd.Series([copy_shown(r) for r in rows], index=summary.index, dtype="string"),
            "original": pd.Series([original_shown(r) for r in rows], index=summary.index, dtype="string"),
            "status": summary["status"],
            "coverage": summary["coverage"],
            "quality": summary["mean_quality"].round(4),  # as coverage is (mtqa.report.summary)
            "flags": summary["flags"],
            "major_flags": summary["major_flags"],
            **{column: summary[column] for column in FLAG_KIND_COLUMNS},
            "error": summary["error"],
        }
    )
    return sheet.reset_index(drop=True)


def gate_failures(summary: pd.DataFrame, gate: Gate | None, fail_under: float | None) -> list[tuple[str, list[str]]]:
    """The copies that fail ``--fail-on`` or ``--fail-under`` (coverage), in manifest order.

    With a gate given, an error row fails it: the copy could not be audited,
    so nothing says it passes. A copy with no source found (``no_source``) is
    an answer, not a failure, and stays outside the gate.

    Args:
        summary: ``read_batch(...).summary``.
        gate: The parsed ``--fail-on``, or None.
        fail_under: The least coverage a copy may have, or None.

    Returns:
        (id, the failures in words) for each copy that fails.
    """
    from mtqa.batch.jobs import FLAG_KIND_COLUMNS
    from mtqa.report.gate import gate_counts

    if gate is None and fail_under is None:
        return []
    failed = []
    for row in summary[summary.status != "no_source"].to_dict("records"):
        reasons = []
        if row["status"] != "ok":
            reasons.append(f"could not be audited: {_text(row.get('error')) or row['status']}")
        else:
            if fail_under is not None and row["coverage"] < fail_under:
                reasons.append(f"coverage {row['coverage']:.2f} is below --fail-under {fail_under:.2f}")
            if gate is not None:
                total, major = _count(row["flags"]), _count(row["major_flags"])
                by_kind = {column.removeprefix("flags_"): _count(row[column]) for column in FLAG_KIND_COLUMNS}
                reasons += gate.failures(gate_counts(total, {"major": major, "minor": total - major}, by_kind))
        if reasons:
            failed.append((str(row["id"]), reasons))
    return failed

"""Read segment-aligned corpora: two line-aligned files, or a TSV with named columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from mtqa.errors import MtqaError
from mtqa.inputs import read_text

# A corpus is many segments, not one story: 100 MB is about a million segments.
MAX_CORPUS_BYTES = 100_000_000
# Problem rows named in one error message; the count covers the rest.
SHOWN = 5


def _lines(path: Path, encoding: str) -> list[str]:
    text = read_text(path, encoding, max_bytes=MAX_CORPUS_BYTES)
    return text.removesuffix("\n").removesuffix("\r").replace("\r\n", "\n").split("\n")


def _where(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:SHOWN])
    return shown + (f" and {len(numbers) - SHOWN} more" if len(numbers) > SHOWN else "")


def read_line_pairs(references: Path, hypotheses: Path, encoding: str = "utf-8") -> tuple[list[str], list[str]]:
    """Read two files with one segment per line, line k of each forming segment k.

    Raises:
        MtqaError: If a file cannot be read, the line counts differ, or a line is empty.
    """
    refs, hyps = _lines(references, encoding), _lines(hypotheses, encoding)
    if len(refs) != len(hyps):
        raise MtqaError(
            f"{references} has {len(refs)} lines but {hypotheses} has {len(hyps)}; the files must be line-aligned"
        )
    for path, lines in ((references, refs), (hypotheses, hyps)):
        empty = [k + 1 for k, line in enumerate(lines) if not line.strip()]
        if empty:
            raise MtqaError(f"{path}: line {_where(empty)} is empty; every line must hold a segment")
    return refs, hyps


def read_tsv(path: Path, columns: Sequence[str], encoding: str = "utf-8") -> pd.DataFrame:
    """Read a tab-separated file with a header row; every cell is kept as a string.

    Quotes are ordinary characters (``csv.QUOTE_NONE``), as in WMT and MQM files.

    Args:
        path: The file.
        columns: Columns that must exist.
        encoding: The file's encoding.

    Returns:
        The table, with a 0-based index.

    Raises:
        MtqaError: If the file cannot be read or parsed, or lacks a column.
    """
    text = read_text(path, encoding, max_bytes=MAX_CORPUS_BYTES)
    lines = text.rstrip("\r\n").splitlines()
    blank = [k + 1 for k, line in enumerate(lines) if not line.strip()]
    if blank:
        raise MtqaError(f"{path}: line {_where(blank)} is empty; every row must hold a segment")
    fields = lines[0].count("\t")
    ragged = [k + 1 for k, line in enumerate(lines) if line.count("\t") != fields]
    if ragged:
        raise MtqaError(f"{path}: line {_where(ragged)} does not have the header's {fields + 1} tab-separated fields")
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False
        ).fillna("")
    except (pd.errors.ParserError, ValueError) as error:
        raise MtqaError(f"{path}: not a valid TSV: {' '.join(str(error).split())}") from error
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        raise MtqaError(
            f"{path}: no column {', '.join(repr(c) for c in missing)}; its columns are {', '.join(frame.columns)}"
        )
    if frame.empty:
        raise MtqaError(f"{path}: has a header but no rows")
    return frame


def check_filled(frame: pd.DataFrame, path: Path, columns: Sequence[str]) -> None:
    """Raise ``MtqaError`` naming the file lines (header is line 1) where a column is blank."""
    for column in columns:
        blank = [int(k) + 2 for k in frame.index[frame[column].str.strip() == ""]]
        if blank:
            raise MtqaError(f"{path}: column {column!r} is empty on line {_where(blank)}")


def numeric_column(frame: pd.DataFrame, path: Path, column: str) -> pd.Series:
    """The column as floats; ``MtqaError`` naming the lines that are not numbers."""
    values = pd.to_numeric(frame[column].str.strip(), errors="coerce")
    bad = [int(k) + 2 for k in frame.index[values.isna()]]
    if bad:
        raise MtqaError(f"{path}: column {column!r} is not a number on line {_where(bad)}")
    return values.astype(float)


def select_rows(frame: pd.DataFrame, path: Path, only: str | None) -> pd.DataFrame:
    """Keep the rows where ``only`` (``COLUMN=V1,V2``) holds; all rows when it is None."""
    if only is None:
        return frame
    column, sep, values = only.partition("=")
    if not sep or not column or not values:
        raise MtqaError(f"--only {only!r}: expected COLUMN=VALUE[,VALUE...]")
    if column not in frame.columns:
        raise MtqaError(f"--only: {path} has no column {column!r}; its columns are {', '.join(frame.columns)}")
    kept = frame[frame[column].isin(values.split(","))]
    if kept.empty:
        raise MtqaError(f"--only {only!r}: no row of {path} matches")
    return kept

"""Read segment-aligned corpora: two line-aligned files, or a TSV with named columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mtqa.errors import MtqaError
from mtqa.inputs import read_text
from mtqa.plural import plural

# A corpus is many segments, not one story: 100 MB is about a million segments.
MAX_CORPUS_BYTES = 100_000_000
# Problem rows named in one error message; the count covers the rest.
SHOWN = 5


def split_lines(text: str) -> list[str]:
    """Split ``text`` at ``\\n`` and ``\\r\\n`` only, without the final line break.

    ``str.splitlines`` also breaks at form feeds, vertical tabs, U+0085,
    U+2028 and U+2029; in a segment or a TSV cell those are content, and
    breaking there would shift every later segment (or make a row "ragged").
    """
    return text.replace("\r\n", "\n").removesuffix("\n").split("\n")


def _lines(path: Path, encoding: str) -> list[str]:
    return split_lines(read_text(path, encoding, max_bytes=MAX_CORPUS_BYTES))


def _where(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:SHOWN])
    return shown + (f" and {len(numbers) - SHOWN} more" if len(numbers) > SHOWN else "")


def read_line_pairs(
    references: Path, hypotheses: Path, encoding: str = "utf-8", allow_empty: bool = True
) -> tuple[list[str], list[str]]:
    """Read two files with one segment per line, line k of each forming segment k.

    Lines end at ``\\n`` or ``\\r\\n`` only (see ``split_lines``).

    Args:
        references: The reference file.
        hypotheses: The hypothesis file.
        encoding: The files' encoding.
        allow_empty: Keep empty hypothesis lines (systems do output them; they
            are scored as given). An empty reference line is always refused.

    Returns:
        The references and the hypotheses.

    Raises:
        MtqaError: If a file cannot be read, the line counts differ, a
            reference line is empty, or a hypothesis line is empty and
            ``allow_empty`` is False.
    """
    refs, hyps = _lines(references, encoding), _lines(hypotheses, encoding)
    if len(refs) != len(hyps):
        raise MtqaError(
            f"{references} has {plural(len(refs), 'line')} but {hypotheses} has {len(hyps)}; "
            "the files must be line-aligned"
        )
    checked = [(references, refs)] + ([] if allow_empty else [(hypotheses, hyps)])
    for path, lines in checked:
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
    lines = split_lines(read_text(path, encoding, max_bytes=MAX_CORPUS_BYTES))
    while len(lines) > 1 and not lines[-1]:  # blank lines at the end are harmless; those within are refused
        lines.pop()
    blank = [k + 1 for k, line in enumerate(lines) if not line.strip()]
    if blank:
        raise MtqaError(f"{path}: line {_where(blank)} is empty; every row must hold a segment")
    fields = lines[0].count("\t")
    ragged = [k + 1 for k, line in enumerate(lines) if line.count("\t") != fields]
    if ragged:
        raise MtqaError(f"{path}: line {_where(ragged)} does not have the header's {fields + 1} tab-separated fields")
    try:
        # Rows end at \n only, as split_lines has them: pandas would also end
        # one at a lone \r, which is content here.
        frame = pd.read_csv(
            io.StringIO("\n".join(lines) + "\n"),
            sep="\t",
            quoting=csv.QUOTE_NONE,
            lineterminator="\n",
            dtype=str,
            keep_default_na=False,
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
    """The column as floats; ``MtqaError`` naming the lines that are not finite numbers.

    ``inf`` (or a value too large for a float) parses as a number, but a score
    that is infinite cannot be ranked or correlated, so it is refused too.
    """
    values = pd.to_numeric(frame[column].str.strip(), errors="coerce").astype(float)
    bad = [int(k) + 2 for k in frame.index[values.isna()]]
    if bad:
        raise MtqaError(f"{path}: column {column!r} is not a number on line {_where(bad)}")
    infinite = [int(k) + 2 for k in frame.index[np.isinf(values)]]
    if infinite:
        raise MtqaError(f"{path}: column {column!r} is not a finite number on line {_where(infinite)}")
    return values


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

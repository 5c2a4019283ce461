"""Read an archive table (CSV, JSONL or Parquet) row by row, refusing what is not a story with its row's place.

A user who names an archive means all of it: an index that silently lacked
a story would answer "no source" for its copies. So a table is read whole or
refused on one line that names the row (``line N`` of a CSV or JSONL file,
``row N, line L`` for a CSV record whose quoted text spans lines; ``row N`` of
a Parquet table, its first story being row 1): a ragged row, a row that is
not an object, a missing, empty or non-text story, a text that a text file
would be refused for (over ``MAX_INPUT_BYTES``, binary), a bad id, a repeated
id.

What an id may be. An id is a label, never a path: the index stores it, and
``find``, ``audit-batch`` and their reports print it in terminal tables,
JSON, CSV and HTML (escaped), but no file is ever named after it (a batch's
pages are named after the copy's id, through ``mtqa.batch.pages.page_name``).
So an id such as ``../..`` or ``2024/05/story`` or a URL is accepted as it
is. What is refused is what would mislead where ids are shown: an empty id,
control characters and line or paragraph separators (which rewrite or break a
terminal's lines), bidirectional overrides (which show one id as another),
lone surrogates (not Unicode; the index cannot store them), and ids over
``MAX_LABEL_CHARS``. An id is text or a whole number (JSONL ``7`` is the id
``"7"``); a fraction, true/false, null or a list is refused, because its text
form is a guess (``1.0`` or ``1``?). Surrounding whitespace is dropped. The
title and the date follow the same rules, except that they may be missing,
and whitespace runs in them (a title broken over lines) become one space.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import json
import math
import numbers
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from mtqa.errors import MtqaError
from mtqa.inputs import MAX_INPUT_BYTES, binary_reason, size_reason

# An id, a title or a date longer than this is not one (a table whose columns
# are swapped puts a story's text there).
MAX_LABEL_CHARS = 1_000
# The longest CSV field read: a story's text is refused over MAX_INPUT_BYTES (so
# over as many characters) anyway, and the csv module's default (131,072) would
# refuse a long story that is within the limit.
MAX_CSV_FIELD = 2 * MAX_INPUT_BYTES
# Characters an id, a title or a date must not hold, besides control characters
# (category Cc): line and paragraph separators, and the bidirectional embeddings,
# overrides and isolates that make a terminal show one text as another.
_REFUSED = {"\u2028", "\u2029", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
_MISSING = object()


class TableStory(NamedTuple):
    """One story of a table, checked, and where it was (``line 3``, ``row 3, line 7``, ``row 2``)."""

    where: str
    id: str
    text: str
    title: str | None
    date: str | None


def read_table(path: Path, encoding: str = "utf-8") -> list[TableStory]:
    """Every story of the table ``path``, in its order, each one checked.

    A CSV or JSONL table is decoded with ``encoding`` (UTF-8 by default, with or without a mark); Parquet
    stores its own.

    Raises:
        MtqaError: If ``path`` is not a regular file or cannot be read or
            parsed, lacks the ``id`` or ``text`` column, or any row is not a
            story (see the module's docstring); the message names the row.
    """
    if not path.is_file():
        raise MtqaError(f"{path}: is not a regular file")
    suffix = path.suffix.lower()
    codec = _codec(encoding)
    rows = (
        _csv_rows(path, codec)
        if suffix == ".csv"
        else _parquet_rows(path)
        if suffix == ".parquet"
        else _jsonl_rows(path, codec)
    )
    stories: list[TableStory] = []
    seen: dict[str, str] = {}
    with contextlib.closing(rows):
        for where, row in rows:
            try:
                story = _story(where, row)
            except MtqaError as error:
                raise MtqaError(f"{path}: {where}: {error}") from None
            if story.id in seen:
                raise MtqaError(f"{path}: {where}: the id {story.id!r} appears twice (first at {seen[story.id]})")
            seen[story.id] = where
            stories.append(story)
    return stories


def check_id(value: object) -> str:
    """The id ``value`` stands for: text, or a whole number written as text.

    Raises:
        MtqaError: If it is missing, empty, a fraction, true/false, a list, or
            holds what ids must not (see the module's docstring).
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return _label("id", str(int(value)))
    if not isinstance(value, str):
        raise MtqaError(f"the id is {_describe(value)}; an id is text or a whole number")
    return _label("id", value)


def _story(where: str, row: Mapping[str, object]) -> TableStory:
    story_id = check_id(row.get("id", _MISSING))
    text = row.get("text", _MISSING)
    if not isinstance(text, str):
        raise MtqaError(f"the text is {_describe(text)}, not text")
    if not text.strip():
        raise MtqaError("the text is empty")
    _check_unicode("text", text)
    binary = binary_reason(text)
    if binary is not None:
        raise MtqaError(f"the text looks binary ({binary})")
    too_long = size_reason(text)
    if too_long is not None:
        raise MtqaError(f"the text is too long: {too_long}")
    return TableStory(where, story_id, text, _optional("title", row.get("title")), _optional("date", row.get("date")))


def _optional(name: str, value: object) -> str | None:
    if _is_missing(value):
        return None
    if isinstance(value, datetime.date):  # a Parquet date or timestamp column
        return value.isoformat()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):  # a date such as 20240501
        return _label(name, str(int(value)))
    if not isinstance(value, str):
        raise MtqaError(f"the {name} is {_describe(value)}, not text")
    flat = " ".join(value.split())
    return _label(name, flat) if flat else None


def _label(name: str, value: str) -> str:
    label = value.strip()
    if not label:
        raise MtqaError(f"the {name} is empty")
    if len(label) > MAX_LABEL_CHARS:
        raise MtqaError(f"the {name} is {len(label):,} characters long, over the limit of {MAX_LABEL_CHARS:,}")
    bad = next((ch for ch in label if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or ch in _REFUSED), None)
    if bad is not None:
        raise MtqaError(f"the {name} {label[:40]!r} holds the control character U+{ord(bad):04X}")
    _check_unicode(name, label)
    return label


def _check_unicode(name: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise MtqaError(f"the {name} holds a lone surrogate (U+{ord(value[error.start]):04X}), not Unicode") from None


def _is_missing(value: object) -> bool:
    if value is None or value is _MISSING:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return value is pd.NA or value is pd.NaT


def _describe(value: object) -> str:
    if value is _MISSING:
        return "missing"
    if _is_missing(value):
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, numbers.Number):
        return f"a number ({str(value)[:40]})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, bytes | bytearray):
        return "bytes"
    if hasattr(value, "__len__"):
        return "a list"
    return f"a {type(value).__name__}"


# ------------------------------------------------------------ the three formats


def _codec(encoding: str) -> str:
    """The codec a table is decoded with: UTF-8 tables may open with a byte-order mark."""
    name = codecs.lookup(encoding).name
    return "utf-8-sig" if name in ("utf-8", "utf-8-sig") else name


def _not_decoded(path: Path, codec: str, where: str) -> MtqaError:
    name = "UTF-8" if codec == "utf-8-sig" else codec
    return MtqaError(
        f"{path}: not valid {name}, at or after {where}; re-encode the table as UTF-8 "
        "or pass its encoding with --original-encoding"
    )


def _csv_rows(path: Path, codec: str) -> Generator[tuple[str, dict[str, str]], None, None]:
    """The records of a CSV table, as (where, {column: field}); a blank line is skipped."""
    limit = csv.field_size_limit(MAX_CSV_FIELD)  # the module's limit is global: set back when done
    where = "line 1"
    try:
        with path.open(encoding=codec, newline="") as file:
            reader = csv.reader(file, strict=True)
            columns = [c.strip() for c in next(reader, [])]
            _check_columns(path, columns)
            number, start = 1, reader.line_num + 1
            while True:
                number += 1  # the header is row 1, as in a spreadsheet
                where = f"line {start}" if start == number else f"row {number}, line {start}"
                cells = next(reader, None)
                if cells is None:
                    break
                start = reader.line_num + 1
                if not cells:
                    continue
                if len(cells) != len(columns):
                    raise MtqaError(f"{path}: {where} has {len(cells)} fields, the header {len(columns)}")
                yield where, dict(zip(columns, cells, strict=True))
    except csv.Error as error:
        raise MtqaError(f"{path}: {where}: not well-formed CSV: {error}") from None
    except UnicodeDecodeError:
        raise _not_decoded(path, codec, where) from None
    except OSError as error:
        raise MtqaError(f"{path}: cannot read the table: {error.strerror}") from None
    finally:
        csv.field_size_limit(limit)


def _jsonl_rows(path: Path, codec: str) -> Generator[tuple[str, dict[str, object]], None, None]:
    """The objects of a JSON Lines table, one a line, as (where, object); a blank line is skipped."""
    lines = _utf8_lines(path) if codec == "utf-8-sig" else _decoded_lines(path, codec)
    try:
        for where, line in lines:
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError) as error:  # RecursionError: arrays nested thousands deep
                reason = " ".join(str(error).split())[:200] or type(error).__name__
                raise MtqaError(f"{path}: {where}: not valid JSON: {reason}") from None
            if not isinstance(value, dict):
                raise MtqaError(
                    f"{path}: {where}: is {_describe(value)}, not an object with id and text "
                    '(e.g. {"id": "a1", "text": "..."})'
                )
            yield where, value
    except OSError as error:
        raise MtqaError(f"{path}: cannot read the table: {error.strerror}") from None


def _utf8_lines(path: Path) -> Generator[tuple[str, str], None, None]:
    """The lines of a UTF-8 file, split on newlines only (a JSON string may hold U+2028); a bad byte named."""
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            where = f"line {number}"
            try:
                yield where, raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                byte = f"byte 0x{raw[error.start]:02x} at column {error.start + 1}"
                raise MtqaError(
                    f"{path}: {where}: not valid UTF-8 ({byte}); re-encode it as UTF-8 "
                    "or pass its encoding with --original-encoding"
                ) from None


def _decoded_lines(path: Path, codec: str) -> Generator[tuple[str, str], None, None]:
    """The lines of a file in another encoding (UTF-16 lines cannot be split as bytes)."""
    where = "line 1"
    try:
        with path.open(encoding=codec, newline="") as file:
            for number, line in enumerate(file, start=1):
                where = f"line {number}"
                yield where, line
    except UnicodeDecodeError:
        raise _not_decoded(path, codec, where) from None


def _parquet_rows(path: Path) -> Generator[tuple[str, dict[str, object]], None, None]:
    """The rows of a Parquet table, as (where, {column: value}), the first being row 1."""
    try:
        # nullable types: an id column of whole numbers with a gap stays whole numbers and a null
        table = pd.read_parquet(path, dtype_backend="numpy_nullable")
    except (OSError, ValueError, ImportError) as error:
        raise MtqaError(f"{path}: cannot read the table: {' '.join(str(error).split())[:200]}") from error
    except Exception as error:  # pyarrow's own errors for a damaged file (ArrowInvalid is a ValueError; not all are)
        raise MtqaError(f"{path}: cannot read the table: {type(error).__name__}: {str(error)[:200]}") from error
    _check_columns(path, [str(c) for c in table.columns])
    for number, row in enumerate(table.to_dict("records"), start=1):
        yield f"row {number}", {str(k): v for k, v in row.items()}


def _check_columns(path: Path, columns: list[str]) -> None:
    missing = [c for c in ("id", "text") if c not in columns]
    if missing:
        raise MtqaError(
            f"{path}: no column {', '.join(missing)} (a table needs id and text; title and date are optional)"
        )
    repeated = sorted({c for c in columns if columns.count(c) > 1 and c in ("id", "text", "title", "date")})
    if repeated:
        raise MtqaError(f"{path}: the header names the column {repeated[0]!r} twice")

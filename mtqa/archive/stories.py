"""Read an archive of stories: a folder of text files and saved pages, or a table with id and text columns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mtqa.errors import MtqaError
from mtqa.inputs import read_story

STORY_SUFFIXES = (".txt", ".html", ".htm")
TABLE_SUFFIXES = (".csv", ".parquet", ".jsonl")


@dataclass(frozen=True)
class Story:
    """One story of an archive.

    Attributes:
        id: Its id: the file name without its extension, or the table's ``id``.
        text: Its text (a page's article).
        title: Its title, when the table or the page gives one.
        date: Its date, when the table or the page gives one.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None


def read_archive(path: Path, encoding: str = "utf-8", input_format: str = "auto") -> list[Story]:
    """The stories of ``path``: a folder of ``.txt``/``.html`` files, or a CSV, Parquet or JSONL table.

    Raises:
        MtqaError: If the archive is missing, holds no story, repeats an id,
            lacks the ``id`` or ``text`` column, or a file cannot be read.
    """
    if not path.exists():
        raise MtqaError(f"{path}: no such archive")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in STORY_SUFFIXES and p.is_file())
        stories = []
        for file in files:
            read = read_story(file, encoding, input_format)
            stories.append(Story(file.stem, read.text, read.source.get("title"), read.source.get("date")))
    elif path.suffix.lower() in TABLE_SUFFIXES:
        stories = _read_table(path)
    else:
        raise MtqaError(f"{path}: an archive is a folder of .txt/.html files or a .csv, .parquet or .jsonl table")
    if not stories:
        raise MtqaError(f"{path}: holds no story")
    seen: set[str] = set()
    for story in stories:
        if story.id in seen:
            raise MtqaError(f"{path}: the id {story.id!r} appears twice")
        seen.add(story.id)
    return stories


def _read_table(path: Path) -> list[Story]:
    try:
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif path.suffix.lower() == ".parquet":
            table = pd.read_parquet(path)
        else:
            table = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line])
    except (OSError, ValueError, ImportError) as error:
        raise MtqaError(f"{path}: cannot read the table: {' '.join(str(error).split())}") from error
    missing = [c for c in ("id", "text") if c not in table.columns]
    if missing:
        raise MtqaError(
            f"{path}: no column {', '.join(missing)} (a table needs id and text; title and date are optional)"
        )

    def optional(value: object) -> str | None:
        return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else str(value)

    return [
        Story(str(row["id"]), str(row["text"]), optional(row.get("title")), optional(row.get("date")))
        for row in table.to_dict("records")
        if isinstance(row["text"], str) and row["text"].strip()
    ]

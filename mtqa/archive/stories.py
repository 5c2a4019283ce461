"""Read an archive of stories: a folder of text files and saved pages, or a table with id and text columns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mtqa.archive.tables import check_id, read_table
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

    A table is read whole or refused, naming the row (``mtqa.archive.tables``):
    a ragged row, a story that is empty, not text, binary or over
    ``MAX_INPUT_BYTES``, or a bad or repeated id.

    Raises:
        MtqaError: If the archive is missing, holds no story, repeats an id,
            lacks the ``id`` or ``text`` column, a file cannot be read, or a
            row of a table is not a story.
    """
    files = archive_files(path)
    if files is not None:
        stories = [read_story_file(file, encoding, input_format) for file in files]
    else:
        stories = _read_table(path, encoding)
        if not stories:
            raise MtqaError(f"{path}: holds no story")
    return stories


def archive_files(path: Path) -> list[Path] | None:
    """The story files of a folder archive, in name order, or None when ``path`` is a table.

    A symlink that stays inside the folder is followed; one that leads out
    of it is refused, so that an archive never brings a file from elsewhere
    into the index (where ``mtqa find`` would show its text).

    Raises:
        MtqaError: If the archive is missing or of no known kind, holds no
            story or a symlink out of the folder, or two files share an id.
    """
    if not path.exists():
        raise MtqaError(f"{path}: no such archive")
    if not path.is_dir():
        if path.suffix.lower() in TABLE_SUFFIXES:
            return None
        raise MtqaError(f"{path}: an archive is a folder of .txt/.html files or a .csv, .parquet or .jsonl table")
    # absolute, so that a worker in another folder (a Dask cluster's) reads the same files
    folder = path.resolve()
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in STORY_SUFFIXES and p.is_file())
    for file in files:
        if not file.resolve().is_relative_to(folder):
            raise MtqaError(f"{file}: is a symlink out of the archive folder {path}; copy the story in instead")
    if not files:
        raise MtqaError(f"{path}: holds no story")
    for file in files:
        try:
            check_id(file.stem)
        except MtqaError as error:
            raise MtqaError(f"{file}: the file's name is not an id: {error}") from None
    refuse_repeated_ids(path, [file.stem for file in files])
    return files


def read_story_file(file: Path, encoding: str = "utf-8", input_format: str = "auto") -> Story:
    """One story of a folder archive: its id is the file's name without the extension."""
    read = read_story(file, encoding, input_format)
    return Story(file.stem, read.text, read.source.get("title"), read.source.get("date"))


def refuse_repeated_ids(path: Path, ids: list[str]) -> None:
    """Raise ``MtqaError`` if an id appears twice in the archive ``path``."""
    seen: set[str] = set()
    for story_id in ids:
        if story_id in seen:
            raise MtqaError(f"{path}: the id {story_id!r} appears twice")
        seen.add(story_id)


def _read_table(path: Path, encoding: str = "utf-8") -> list[Story]:
    return [Story(row.id, row.text, row.title, row.date) for row in read_table(path, encoding)]

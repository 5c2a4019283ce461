"""Refuse a damaged or hand-edited index in one line: each file's kind, schema, ranges and shapes, on load.

An index is read by ``find``, ``index add`` and ``audit-batch --index``; a
file of the wrong type, shape or range would otherwise surface as a traceback
deep in pandas, numpy or faiss, or as a wrong answer. Only regular files are
opened: a FIFO or a device in place of an index file would block the read
forever.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mtqa.archive.folder import FORMAT_VERSION
from mtqa.archive.signature import NUM_PERM
from mtqa.embed.base import BACKENDS
from mtqa.errors import MtqaError
from mtqa.plural import plural

# meta.json holds a handful of short fields; anything larger is not ours.
MAX_META_BYTES = 64_000
STRING_COLUMNS = ("id", "text")
OPTIONAL_STRING_COLUMNS = ("title", "date")
OFFSET_COLUMNS = ("first", "end")


def damaged(path: Path, why: str) -> MtqaError:
    """The one-line error for an index folder ``path`` that cannot be used."""
    return MtqaError(f"{path}: the index is damaged ({why}); rebuild it with mtqa index build")


def regular_file(folder: Path, name: str) -> Path:
    """``folder / name``, checked to be a regular file (followed through a link) before anything opens it.

    Raises:
        MtqaError: If it is missing, or a folder, FIFO, socket or device.
    """
    path = folder / name
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise damaged(folder, f"{name}: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise damaged(folder, f"{name} is not a regular file")
    return path


def read_meta(folder: Path) -> dict[str, Any]:
    """The index's ``meta.json``: its format, model, backend, vector dimension and story count, checked.

    Raises:
        MtqaError: If it is not a JSON object of those fields with their types,
            or of another format version.
    """
    path = regular_file(folder, "meta.json")
    if path.stat().st_size > MAX_META_BYTES:
        raise damaged(folder, "meta.json is too large")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise damaged(folder, f"meta.json cannot be read: {' '.join(str(error).split())[:120]}") from None
    if not isinstance(meta, dict):
        raise damaged(folder, "meta.json is not an object")
    if meta.get("format") != FORMAT_VERSION:
        raise MtqaError(f"{folder}: an index of another format; rebuild it with this mtqa")
    for key in ("model", "backend"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise damaged(folder, f"meta.json has no {key}")
    if meta["backend"].split()[0] not in BACKENDS:
        raise damaged(folder, f"meta.json names an unknown backend {meta['backend'][:40]!r}")
    for key in ("dim", "stories"):
        value = meta.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < (1 if key == "dim" else 0):
            raise damaged(folder, f"meta.json has no valid {key}")
    return meta


def read_stories(folder: Path, meta: dict[str, Any]) -> pd.DataFrame:
    """The index's ``stories.parquet``, its columns' types checked before the rows are read, then its offsets.

    Each story's sentences are the rows ``first`` to ``end`` of the vectors,
    story after story: ``first`` starts at 0 and each story starts where the
    one before it ends.

    Raises:
        MtqaError: If a column is missing or of another type, an id or text is
            missing, an id repeats, or the offsets do not tile the vectors.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = regular_file(folder, "stories.parquet")
    try:
        schema = pq.read_schema(path)
    except (OSError, ValueError, pa.ArrowException) as error:
        raise damaged(folder, f"stories.parquet cannot be read: {' '.join(str(error).split())[:120]}") from None
    types = {name: schema.field(name).type for name in schema.names}
    for name in (*STRING_COLUMNS, *OPTIONAL_STRING_COLUMNS, *OFFSET_COLUMNS):
        kind = types.get(name)
        if kind is None:
            raise damaged(folder, f"stories.parquet has no column {name}")
        text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        fits = (
            pa.types.is_integer(kind)
            if name in OFFSET_COLUMNS
            else text or (name in OPTIONAL_STRING_COLUMNS and pa.types.is_null(kind))
        )
        if not fits:
            raise damaged(folder, f"stories.parquet's column {name} is {kind}")
    try:
        stories = pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as error:
        raise damaged(folder, f"stories.parquet cannot be read: {' '.join(str(error).split())[:120]}") from None
    if not len(stories):
        raise damaged(folder, "it holds no story")
    if len(stories) != meta["stories"]:
        raise damaged(
            folder,
            f"meta.json counts {plural(meta['stories'], 'story', 'stories')}, stories.parquet holds {len(stories)}",
        )
    for name in (*STRING_COLUMNS, *OFFSET_COLUMNS):
        if stories[name].isna().any():
            raise damaged(folder, f"stories.parquet's column {name} has an empty value")
    if stories.id.duplicated().any():
        raise damaged(folder, f"the id {stories.id[stories.id.duplicated()].iloc[0]!r} appears twice")
    first, end = (stories[name].to_numpy(dtype=np.int64) for name in OFFSET_COLUMNS)
    if first[0] != 0 or (end < first).any() or (first[1:] != end[:-1]).any():
        raise damaged(folder, "the stories' sentence offsets (first, end) do not follow one another from 0")
    return stories


def read_signatures(folder: Path, stories: int) -> np.ndarray:
    """The index's ``signatures.npy``: one row of ``NUM_PERM`` uint64 MinHash values a story, shape (stories, NUM_PERM).

    Raises:
        MtqaError: If it is not such an array.
    """
    path = regular_file(folder, "signatures.npy")
    try:
        signatures = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise damaged(folder, f"signatures.npy cannot be read: {' '.join(str(error).split())[:120]}") from None
    if not isinstance(signatures, np.ndarray) or signatures.dtype != np.uint64:
        raise damaged(folder, "signatures.npy is not an array of uint64")
    if signatures.shape != (stories, NUM_PERM):
        raise damaged(folder, f"signatures.npy has shape {signatures.shape}, not ({stories}, {NUM_PERM})")
    return signatures


def read_vectors(folder: Path, meta: dict[str, Any], sentences: int) -> Any:
    """The index's ``sentences.faiss``: ``sentences`` vectors of ``meta["dim"]`` dimensions, by inner product.

    Raises:
        MtqaError: If faiss cannot read it, or it holds other vectors than the other files say.
    """
    import faiss

    path = regular_file(folder, "sentences.faiss")
    try:
        vectors = faiss.read_index(str(path))
    except (RuntimeError, MemoryError) as error:
        raise damaged(folder, f"sentences.faiss cannot be read: {' '.join(str(error).split())[:120]}") from None
    if int(vectors.d) != meta["dim"]:
        raise damaged(folder, f"sentences.faiss holds {vectors.d}-dimensional vectors, meta.json says {meta['dim']}")
    if int(vectors.ntotal) != sentences:
        raise damaged(
            folder,
            f"sentences.faiss holds {plural(int(vectors.ntotal), 'vector')}, "
            f"the stories {plural(sentences, 'sentence')}",
        )
    if vectors.metric_type != faiss.METRIC_INNER_PRODUCT:
        raise damaged(folder, "sentences.faiss is not searched by inner product")
    return vectors

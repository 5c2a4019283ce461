"""mtqa's private cache folder, and in it an on-disk vector cache shared by processes.

An original shared by 500 copies is embedded once.

Vectors are keyed by the embedder's name (model and backend) and the SHA-256
of the text, in one SQLite file (WAL mode, so worker processes can read while
one writes). The cache wraps any ``Embedder`` and is one itself. The same file
keeps whole audit results (``mtqa.batch.results``), so a re-run of a batch is nearly free.

Nothing read from the cache can run code: vectors are raw float32 bytes, and
results are Parquet tables and JSON, never pickles. Whatever fails to read
(a truncated vector, a table of the wrong shape, a damaged file) is a miss.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from mtqa.embed.base import Embedder, load_model
from mtqa.errors import MtqaError


def cache_dir() -> Path:
    """Where mtqa keeps built artefacts: ``$MTQA_CACHE``, else the XDG cache folder.

    When the home cache cannot be created (a read-only home), a folder in the
    system's temporary directory is used instead. The folder is created 0700;
    whichever it is, it is used only if it is this user's own and no one else
    can write to it, since the ONNX export and cached results are read back
    from it.

    Raises:
        MtqaError: If the folder belongs to another user, can be written by
            others, or cannot be created.
    """
    if os.environ.get("MTQA_CACHE"):
        return private_folder(Path(os.environ["MTQA_CACHE"]).expanduser())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mtqa"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        base = Path(tempfile.gettempdir()) / f"mtqa-cache-{os.getuid()}"
    return private_folder(base)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` (0700) if need be, and check that it is ours alone.

    Raises:
        MtqaError: If it is a symlink or not a folder, belongs to another
            user, or is writable by the group or others.
    """
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError as error:
        raise MtqaError(f"cannot create the mtqa cache folder {folder}: {error.strerror}") from error
    advice = "set MTQA_CACHE to a folder of your own"
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise MtqaError(f"the mtqa cache {folder} is not a plain folder; {advice}")
    if info.st_uid != os.getuid():
        raise MtqaError(f"the mtqa cache folder {folder} belongs to another user; {advice}")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise MtqaError(f"the mtqa cache folder {folder} is writable by others; chmod go-w it or {advice}")
    return folder


# Keys per SELECT; SQLite allows 32,766 parameters.
LOOKUP_CHUNK = 900


def open_cache(path: Path, attempts: int = 20) -> sqlite3.Connection:
    """Open (creating if need be) the cache database in WAL mode with its two tables.

    Switching a new file to WAL takes an exclusive lock that SQLite does not
    wait for, so workers that open a new cache at the same moment can find it
    locked; they retry. ``mtqa.batch.jobs.prepare`` also creates the file before
    any worker starts.

    Raises:
        MtqaError: If the file cannot be opened or set up.
    """
    for attempt in range(attempts):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(path), timeout=60, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
                # Earlier versions kept pickled results here; a pickle can run code when read, so drop them.
                db.execute("DROP TABLE IF EXISTS results")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS reports (key TEXT PRIMARY KEY, summary TEXT NOT NULL, "
                    "signature TEXT NOT NULL, sentences BLOB NOT NULL, pairs BLOB NOT NULL, flags BLOB NOT NULL)"
                )
            except BaseException:
                db.close()
                raise
            return db
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise MtqaError(f"cannot open the embedding cache {path}: {error}") from error
            time.sleep(0.05 * (attempt + 1))
        except (OSError, sqlite3.Error) as error:
            raise MtqaError(f"cannot open the embedding cache {path}: {error}") from error
    raise AssertionError("unreachable")


class CachedEmbedder:
    """``inner`` with a disk cache at ``path``; an ``Embedder``.

    Attributes:
        hits: Texts served from the cache so far.
        misses: Texts embedded by ``inner`` so far (each distinct text once).
    """

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.backend = inner.backend
        self.path = path
        self.hits = 0
        self.misses = 0
        self._db = open_cache(path)

    @property
    def threads(self) -> int | None:
        """The inner embedder's threads."""
        return self.inner.threads

    @threads.setter
    def threads(self, value: int | None) -> None:
        self.inner.threads = value

    def load(self) -> None:
        """Load the inner embedder's model now, when it can (see ``mtqa.embed.base.load_model``)."""
        load_model(self.inner)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{self.backend}\x00{text}".encode()).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``, reading what the cache has and storing what it lacks; see ``Embedder.encode``."""
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        distinct = list(dict.fromkeys(keys))
        for start in range(0, len(distinct), LOOKUP_CHUNK):
            chunk = distinct[start : start + LOOKUP_CHUNK]
            query = f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})"
            for key, blob in self._db.execute(query, chunk):
                if isinstance(blob, bytes) and blob and len(blob) % 4 == 0:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        found = _plausible(found)
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if missing:
            vectors = self.inner.encode(list(missing.values()))
            rows = [(key, vector.astype(np.float32).tobytes()) for key, vector in zip(missing, vectors, strict=True)]
            self._db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", rows)
            found.update(zip(missing, vectors.astype(np.float32), strict=True))
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if not texts:
            return self.inner.encode([])
        return np.stack([found[key] for key in keys])

    def execute(self, query: str, parameters: tuple[object, ...] = ()) -> sqlite3.Cursor:
        """Run one statement on the cache database."""
        return self._db.execute(query, parameters)

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def _plausible(vectors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The cached vectors that can be right: finite, of unit length, all of one (the commonest) size."""
    kept = {k: v for k, v in vectors.items() if np.isfinite(v).all() and abs(float(np.linalg.norm(v)) - 1.0) < 1e-2}
    if not kept:
        return kept
    size = Counter(len(v) for v in kept.values()).most_common(1)[0][0]
    return {k: v for k, v in kept.items() if len(v) == size}

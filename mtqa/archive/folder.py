"""An index folder being written: checked before any work, locked for the run, replaced whole.

``index build`` and ``index add`` hold the folder from before they read
anything until the new index is in place, so that a second run on the same
folder fails at once instead of silently replacing the first run's stories.
The new index is staged in a folder beside the index, named after it
(``.NAME.mtqa-staging``): a run that was killed leaves it behind, and the next
run on the index removes it, file by file, under the lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO

from mtqa.errors import MtqaError
from mtqa.outputs import (
    LOCK,
    MARKER,
    check_folder_target,
    lock_folder,
    marker_kind,
    replace_folder,
    write_marker,
)

INDEX_KIND = "index"
INDEX_FILES = ("stories.parquet", "sentences.faiss", "signatures.npy", "meta.json")
# What an index folder may hold besides its marker: its files and the lock of the run writing it.
INDEX_ENTRIES = (*INDEX_FILES, LOCK)
FORMAT_VERSION = 1
STAGING_SUFFIX = ".mtqa-staging"
# write_text_atomic's temporary files, which a killed run may leave in the staging folder.
TEMPORARY_PREFIX = ".mtqa-"


class IndexFolder:
    """The folder ``path`` that a run writes an index to, held from ``__enter__`` to ``__exit__``.

    Entering checks the folder (new, or an index of mtqa's holding only its
    own files; never an input), creates it when new, takes its lock and removes
    what a killed run staged. ``publish`` then replaces the folder's content
    with a new index, whole. Leaving releases the lock, and removes the folder
    again when this run created it and published nothing.

    Args:
        path: The index folder.
        inputs: The run's inputs (the archive); none may be or lie in the folder.
        new: Whether the folder may be new (``index build``); ``index add`` needs an index.
    """

    def __init__(self, path: Path, inputs: Iterable[Path] = (), *, new: bool = True) -> None:
        self.path = path
        self.inputs = list(inputs)
        self.new = new
        named = Path(os.path.abspath(path))  # "." and "idx/.." have no name of their own: the folder has
        self.staging = named.parent / f".{named.name}{STAGING_SUFFIX}"
        self._lock: IO[bytes] | None = None
        self._created = False
        self._adopted = False  # an existing empty folder, given its marker by this run
        self._published = False

    def __enter__(self) -> IndexFolder:
        existed = check_folder_target(self.path, INDEX_KIND, self.inputs, owned=INDEX_ENTRIES)
        if not existed and not self.new:
            raise MtqaError(f"{self.path}: is not an mtqa index (build one with mtqa index build)")
        try:
            if not existed:
                with contextlib.suppress(FileExistsError):  # another run made it first: its lock decides
                    self.path.mkdir(parents=True)
                    self._created = True
            try:
                self._lock = lock_folder(
                    self.path, f"{self.path}: another mtqa index build or add is writing this index; wait for it to end"
                )
            except MtqaError:  # the run holding it (which may have adopted the folder we made) owns it now
                self._created = False
                raise
            if not self._created and marker_kind(self.path) is None:  # an empty folder the user made for it
                if [entry.name for entry in self.path.iterdir()] != [LOCK]:
                    raise MtqaError(f"{self.path}: is no longer empty; give a new folder")
                self._adopted = True
            if self._created or self._adopted:
                write_marker(self.path, INDEX_KIND)
            else:  # it may have changed between the check and the lock
                check_folder_target(self.path, INDEX_KIND, self.inputs, owned=INDEX_ENTRIES)
            self._remove_staging()
        except BaseException as error:
            self.__exit__(None, None, None)
            if isinstance(error, OSError):
                raise MtqaError(f"cannot write to {self.path}: {error.strerror or error}") from error
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._lock is not None and not self._published:  # a published index has a new folder, and no lock file
            (self.path / LOCK).unlink(missing_ok=True)  # ours while held: the folder is left as it was
        # Not once an index is in the folder: a signal between the swap and the flag leaves it published.
        unpublished = not self._published and not (self.path / "meta.json").exists()
        if (self._created or self._adopted) and unpublished:
            (self.path / MARKER).unlink(missing_ok=True)  # an adopted folder is left empty, as it was
        if self._created and not self._published:
            with contextlib.suppress(OSError):
                self.path.rmdir()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def publish(self, write_files: Callable[[Path], None]) -> None:
        """Replace the folder's index with the one ``write_files`` writes into the folder it is given.

        Raises:
            MtqaError: If the folder is no longer held, or changed so that it is not mtqa's own.
            OSError: If writing fails; the old index is then left as it was.
        """
        if self._lock is None:
            raise MtqaError(f"{self.path}: the index folder is not held by this run")
        self.staging.mkdir()
        try:
            write_files(self.staging)
            write_marker(self.staging, INDEX_KIND)
            replace_folder(self.staging, self.path, INDEX_KIND, INDEX_ENTRIES)
        except BaseException:
            self._remove_staging()
            raise
        self._published = True

    def _remove_staging(self) -> None:
        """Remove the staging folder, by the names of the files a run writes there; refuse anything else in it."""
        staging = self.staging
        if not staging.exists() and not staging.is_symlink():
            return
        if staging.is_symlink() or not staging.is_dir():
            raise MtqaError(f"{staging}: is in the way of the index's staging folder; move it away")
        if marker_kind(staging) not in (None, INDEX_KIND):
            raise MtqaError(f"{staging}: holds other mtqa output; move it away")
        for entry in staging.iterdir():
            ours = entry.name in (*INDEX_FILES, MARKER) or entry.name.startswith(TEMPORARY_PREFIX)
            if ours and not entry.is_symlink() and entry.is_file():
                entry.unlink()
        try:
            staging.rmdir()
        except OSError:
            raise MtqaError(f"{staging}: holds files mtqa did not write; move them away") from None

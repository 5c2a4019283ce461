"""Where mtqa writes: output targets are checked before any work, and nothing of the user's is ever touched.

- A file output (``-o report.json``) may be new, or an existing regular file
  that the user names as the output; it is written to a temporary file beside
  it and moved into place. An input file, a folder or a special file is refused.
- A folder output (``audit -f csv -o DIR``, ``audit-batch --output DIR``) may
  be new, or a folder that mtqa wrote itself: such a folder holds a marker file,
  ``.mtqa-output``, naming what wrote it. Anything else that exists (a file,
  ``.``, a folder with other content, an input) is refused, and every byte of
  it stays in place. mtqa removes only the files it wrote, by name.
- A folder output with sub-folders (audit-batch's) is checked as a whole tree
  against its ``Layout`` before it is resumed: a symlink, a special file or a
  name mtqa does not write anywhere in it is refused, so a resume never writes
  or deletes through a link nor touches a file a user put there.
- Targets are checked before an audit starts, so a bad or read-only ``-o``
  fails at once, not after minutes of work.
- A folder that a run writes into (an audit-batch output, an index) is locked
  for the run (``lock_folder``): a second run fails at once instead of
  interleaving with the first or losing its work.
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

from mtqa.errors import MtqaError

MARKER = ".mtqa-output"
# What a folder output may hold: a glob pattern of names, mapped to None for a
# plain file or to the layout of a sub-folder. The marker is always allowed.
Layout = Mapping[str, "Layout | None"]
# The file a run holds an exclusive flock on while it writes its folder.
LOCK = ".mtqa-lock"


def publish_mode(path: Path) -> None:
    """Give a staged file or folder the mode a new one gets under the umask (mkstemp makes them 0600/0700)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file beside it, so no half-written file is ever left."""
    write_bytes_atomic(target, text.encode("utf-8"))


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file beside it, so no half-written file is ever left."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".mtqa-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        publish_mode(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _same_file(path: Path, others: Iterable[Path]) -> Path | None:
    """The first of ``others`` that is the file at ``path`` (the same inode, or the same resolved path)."""
    for other in others:
        with contextlib.suppress(OSError):
            if path.resolve() == Path(other).resolve() or (path.exists() and os.path.samefile(path, other)):
                return Path(other)
    return None


def _check_writable(folder: Path, target: Path) -> None:
    """Refuse ``target`` unless its nearest existing ancestor is a folder we can create files in.

    A probe file is created and removed at once: permission bits do not tell
    about a read-only mount, and root passes every ``os.access`` test.
    """
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise MtqaError(f"cannot write {target}: {existing} is not a folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=".mtqa-probe-", dir=existing)
    except OSError as error:
        raise MtqaError(f"cannot write {target}: {existing}: {error.strerror}") from error
    os.close(handle)
    os.unlink(probe)


def check_file_target(target: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse ``target`` as a file output unless writing it can destroy nothing but itself.

    Args:
        target: The ``--output`` file.
        inputs: The command's input files and folders; none of them may be
            the target, and the target may not lie inside an input folder.

    Raises:
        MtqaError: If the target is an input or inside one, a folder or a
            special file, or its folder cannot be written.
    """
    inputs = list(inputs)
    if _same_file(target, inputs) is not None:
        raise MtqaError(f"{target}: is an input of this command; give another output file")
    for folder in inputs:
        with contextlib.suppress(OSError):
            if Path(folder).is_dir() and target.resolve().is_relative_to(Path(folder).resolve()):
                raise MtqaError(f"{target}: lies inside the input {folder}; give an output file outside it")
    if target.is_dir():
        raise MtqaError(f"{target}: is a folder; give a file name")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise MtqaError(f"{target}: is not a regular file; give another output file")
    _check_writable(target.parent, target)


def check_folder_target(
    target: Path,
    kind: str,
    inputs: Iterable[Path] = (),
    owned: Iterable[str] | None = None,
    layout: Layout | None = None,
) -> bool:
    """Refuse ``target`` as a folder output unless it is new, or a folder that mtqa wrote as ``kind``.

    Args:
        target: The output folder.
        kind: What writes it (``"audit csv"``, ``"audit-batch"``); a folder
            written by another kind of output is refused too.
        inputs: The command's input files; none may be the folder or lie inside it.
        owned: The names of the files this kind of output holds; when given,
            a folder of ours holding anything else is refused (a user added it).
        layout: For an output with sub-folders, the whole tree it may hold;
            when given, anything else in the tree, or any symlink, is refused.

    Returns:
        Whether the folder exists already (and is mtqa's own).

    Raises:
        MtqaError: If the target exists and is not mtqa's output of this kind,
            holds an input, or cannot be written.
    """
    inputs = list(inputs)
    if _same_file(target, inputs) is not None:
        raise MtqaError(f"{target}: is an input of this command; give a new output folder")
    for path in inputs:
        with contextlib.suppress(OSError):
            if Path(path).resolve().is_relative_to(target.resolve()):
                raise MtqaError(f"{target}: holds the input {path}; give a new output folder")
    if not target.exists() and not target.is_symlink():
        _check_writable(target.parent, target)
        return False
    if target.is_symlink():
        raise MtqaError(f"{target}: is a symlink; mtqa writes only a folder named as it is, so give the folder itself")
    if not target.is_dir():
        raise MtqaError(f"{target}: exists and is not a folder; give a new output folder")
    written_by = marker_kind(target)
    if written_by is None:
        if any(target.iterdir()):
            raise MtqaError(
                f"{target}: exists and was not written by mtqa; give a new folder (mtqa replaces only its own output)"
            )
    elif written_by != kind:
        raise MtqaError(f"{target}: holds mtqa {written_by} output, not {kind}; give another folder")
    elif owned is not None:
        _refuse_foreign(target, owned)
    if layout is not None:
        refuse_foreign_tree(target, layout)
    _check_writable(target, target)
    return True


def lock_folder(folder: Path, busy: str) -> IO[bytes]:
    """Take the exclusive lock of the existing ``folder`` for this run, or fail at once.

    The lock is an flock on ``folder / LOCK``, released when the returned file
    is closed (or the process ends, however it ends: a killed run leaves no
    stale lock). The holder may remove the file before it closes it: a run
    that was waiting on the removed file then locks the one at the path.

    Args:
        folder: The folder the run writes.
        busy: The message when another run holds the lock.

    Returns:
        The open lock file; close it to release the lock.

    Raises:
        MtqaError: With ``busy``, if another run holds the folder.
        OSError: If the lock file cannot be created.
    """
    path = folder / LOCK
    while True:
        handle = path.open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise MtqaError(busy) from None
        try:
            held, named = os.fstat(handle.fileno()), os.stat(path)
            if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
                return handle
        except FileNotFoundError:
            pass
        # The run that held the lock removed its file as it ended: lock the file that is there now.
        handle.close()


def marker_kind(folder: Path) -> str | None:
    """What wrote ``folder``, read from its marker file, or None when it has no valid marker."""
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        kind = json.loads(marker.read_text(encoding="utf-8")).get("written_by")
    except (OSError, ValueError, AttributeError):
        return None
    return kind if isinstance(kind, str) else None


def write_marker(folder: Path, kind: str) -> None:
    """Mark ``folder`` as mtqa's ``kind`` output, so a later run may replace or resume it."""
    write_text_atomic(folder / MARKER, json.dumps({"written_by": kind}) + "\n")


def _refuse_foreign(folder: Path, owned: Iterable[str]) -> None:
    """Refuse ``folder`` if it holds anything but the plain files named ``owned`` and the marker."""
    names = {*owned, MARKER}
    foreign = [p.name for p in folder.iterdir() if p.name not in names or p.is_symlink() or not p.is_file()]
    if foreign:
        raise MtqaError(
            f"{folder}: holds files mtqa did not write ({', '.join(sorted(foreign)[:3])}); "
            "give a new folder (mtqa replaces only its own output)"
        )


def refuse_foreign_tree(folder: Path, layout: Layout) -> None:
    """Refuse ``folder`` if anything in its tree is not what ``layout`` allows, a symlink included.

    Nothing is followed: a symlink is refused wherever it lies, and so is a
    special file, a file where a folder belongs, or a name of no pattern.

    Raises:
        MtqaError: Naming the first few entries mtqa did not write.
    """
    foreign: list[str] = []

    def walk(current: Path, allowed: Layout, shown: str) -> None:
        with os.scandir(current) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                name = f"{shown}{entry.name}"
                pattern = next((p for p in allowed if fnmatch.fnmatchcase(entry.name, p)), None)
                inner = allowed[pattern] if pattern is not None else None
                if pattern is None or entry.is_symlink():
                    foreign.append(name)
                elif inner is None:
                    if not entry.is_file(follow_symlinks=False):
                        foreign.append(name)
                elif entry.is_dir(follow_symlinks=False):
                    walk(Path(entry.path), inner, f"{name}/")
                else:
                    foreign.append(name)

    try:
        walk(folder, {MARKER: None, **layout}, "")
    except OSError as error:
        raise MtqaError(f"{folder}: cannot be read: {error.strerror}") from error
    if foreign:
        raise MtqaError(
            f"{folder}: holds files mtqa did not write or symlinks ({', '.join(foreign[:3])}); "
            "give a new folder (mtqa writes only into its own output, never through a link)"
        )


def replace_folder(staging: Path, target: Path, kind: str, owned: Iterable[str]) -> None:
    """Move the finished folder ``staging`` to ``target``, replacing an older output of ``kind`` there.

    The older folder is moved aside first and then emptied file by file, by
    the names in ``owned``; a folder that holds anything else is refused (it
    changed since it was checked) and left as it was.

    Raises:
        MtqaError: If ``target`` is no longer new nor mtqa's own output.
    """
    publish_mode(staging)
    if not target.exists():
        staging.rename(target)
        return
    owned = list(owned)
    check_folder_target(target, kind, owned=owned)
    aside = Path(tempfile.mkdtemp(prefix=".mtqa-old-", dir=target.parent))
    aside.rmdir()
    target.rename(aside)
    try:
        staging.rename(target)
    except BaseException:
        aside.rename(target)
        raise
    for name in [*owned, MARKER]:
        (aside / name).unlink(missing_ok=True)
    aside.rmdir()

"""Output files are staged in private temporary files and moved into place; this gives them normal modes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def publish_mode(path: Path) -> None:
    """Give a staged file or folder the mode a new one gets under the umask (mkstemp makes them 0600/0700)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)


def write_text_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file beside it, so no half-written file is ever left."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".mtqa-", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        publish_mode(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""Output files are staged in private temporary files and moved into place; this gives them normal modes."""

from __future__ import annotations

import os
from pathlib import Path


def publish_mode(path: Path) -> None:
    """Give a staged file or folder the mode a new one gets under the umask (mkstemp makes them 0600/0700)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)

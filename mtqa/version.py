"""mtqa's version, read from the installed distribution's metadata (not from the package, which would import it)."""

from __future__ import annotations

from importlib import metadata

try:
    VERSION = metadata.version("mtqa")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    VERSION = "0+unknown"

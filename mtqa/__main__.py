"""Run the command line as ``python -m mtqa``."""

from mtqa.cli import run

run()

"""Run the command line as ``python -m mtqa``."""

from mtqa.cli.app import run

run()

"""The ``mtqa`` command line: parse options, call the library, render the result.

Each command lives in its own module (``audit``, ``batch``, ``corpus``) and
is registered here; ``common`` holds what they share. Exit codes: 0 ok, 1 a
``--fail-under`` gate failed, 2 bad input or options, 130 and 143 stopped
by SIGINT (Ctrl-C) and SIGTERM.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Annotated

import typer

from mtqa.batch.stopping import Stopped, stop_on_signals
from mtqa.cli.archive import find, index_app
from mtqa.cli.audit import audit
from mtqa.cli.batch import audit_batch
from mtqa.cli.common import EXIT_BAD_INPUT
from mtqa.cli.corpus import correlate, score
from mtqa.cli.usage import HELP_OPTIONS, UnixCommand, command_path, usage_sentence
from mtqa.report.safe_text import visible
from mtqa.version import VERSION

app = typer.Typer(
    name="mtqa",
    help="Audit a machine-translated or spun copy of a news story against its original.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=HELP_OPTIONS,
)
app.command(cls=UnixCommand)(audit)
app.command("audit-batch", cls=UnixCommand)(audit_batch)
app.command(cls=UnixCommand)(score)
app.command(cls=UnixCommand)(correlate)
app.command(cls=UnixCommand)(find)
app.add_typer(index_app, name="index")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mtqa {VERSION}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Audit a machine-translated or spun copy of a news story against its original."""


def run() -> None:
    """Console-script entry point: one-line usage errors with exit code 2, never a traceback."""
    if len(sys.argv) <= 1:  # bare ``mtqa``: the help, on stderr, as a usage error
        with contextlib.redirect_stdout(sys.stderr):
            app(["--help"], standalone_mode=False, prog_name="mtqa")
        sys.exit(EXIT_BAD_INPUT)
    try:
        with stop_on_signals():  # a run stops where it is, keeps what it finished, and stops its workers
            code = app(standalone_mode=False, prog_name="mtqa")
    except Stopped as stop:
        typer.echo(f"mtqa: interrupted by {stop.name}", err=True)
        sys.exit(stop.exit_code)
    except typer.Abort:
        typer.echo("mtqa: aborted", err=True)
        sys.exit(130)
    except typer.TyperException as error:
        ctx = getattr(error, "ctx", None)
        if type(error).__name__ == "NoArgsIsHelpError" and ctx is not None:  # ``mtqa index``: its help, on stderr
            typer.echo(ctx.get_help(), err=True)
            sys.exit(EXIT_BAD_INPUT)
        where = command_path(error, sys.argv[1:], app)
        typer.echo(f"mtqa: error: {visible(usage_sentence(error))} (see {where} --help)", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as error:
        typer.echo(f"mtqa: error: {visible(str(error))}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else 0)

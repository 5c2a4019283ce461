"""What the commands share: exit codes, the one place a user's error becomes exit code 2, common options."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from mtqa.cli.usage import context_path
from mtqa.errors import MtqaError, UsageError
from mtqa.outputs import check_file_target, write_text_atomic
from mtqa.report.safe_text import visible

EXIT_GATE = 1
EXIT_BAD_INPUT = 2

Params = ParamSpec("Params")
Result = TypeVar("Result")


# The name of the context parameter that bad_input_exits_2 adds for typer to fill.
_CONTEXT = "mtqa_context"


def bad_input_exits_2(command: Callable[Params, Result]) -> Callable[Params, Result]:
    """Wrap a command so an ``MtqaError`` is one line on stderr and exit code 2, never a traceback.

    A ``UsageError`` (a bad option or argument) also points to the command's
    own help, as click's usage errors do: ``(see mtqa audit --help)``. Typer
    hands the wrapper the command's context through an extra ``typer.Context``
    parameter, which the command itself never sees.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Result:
        ctx = kwargs.pop(_CONTEXT, None)
        try:
            return command(*args, **kwargs)
        except MtqaError as error:
            where = f" (see {_help_path(ctx)} --help)" if isinstance(error, UsageError) else ""
            typer.echo(f"mtqa: error: {visible(str(error))}{where}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    # the command's own annotations, evaluated (typer reads the wrapper's), and the context after them
    signature = inspect.signature(command, eval_str=True)
    context = inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=typer.Context)
    signature = signature.replace(parameters=[*signature.parameters.values(), context])
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {name: param.annotation for name, param in signature.parameters.items()}
    return wrapper


def _help_path(ctx: typer.Context | None) -> str:
    """The running command as ``mtqa audit``; ``mtqa`` when called without a context (from Python)."""
    return "mtqa" if ctx is None else context_path(ctx)


class Backend(StrEnum):
    """Which runtime embeds: an int8 ONNX export (fast, no torch) or torch fp32."""

    onnx = "onnx"
    torch = "torch"


def choices(values: type[StrEnum]) -> str:
    """An option's placeholder for a choice, as Unix usage lines write it: ``[onnx|torch]``."""
    return "[" + "|".join(member.value for member in values) + "]"


BackendOption = Annotated[
    Backend,
    typer.Option(
        metavar=choices(Backend),
        help="onnx (int8, no torch; built on first use) or torch (fp32). Same units and flags on the fixtures.",
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        metavar="DIR",
        help="A local sentence-transformers model folder [default: packaged all-MiniLM-L6-v2].",
        show_default=False,
    ),
]
EncodingOption = Annotated[str, typer.Option(metavar="ENC", help="Encoding of the input files.")]
DEFAULT_ENCODING = "utf-8"
# For the commands that read originals and copies: --encoding sets both sides.
SidesEncodingOption = Annotated[
    str | None,
    typer.Option(
        metavar="ENC",
        help="Encoding of every input file [default: utf-8]; a per-side option overrides it for its side.",
        show_default=False,
    ),
]
OriginalEncodingOption = Annotated[
    str | None,
    typer.Option(
        "--original-encoding",
        metavar="ENC",
        help="Encoding of the originals only (for an index, the archive's stories) [default: --encoding, else utf-8].",
        show_default=False,
    ),
]
CopyEncodingOption = Annotated[
    str | None,
    typer.Option(
        "--copy-encoding",
        metavar="ENC",
        help="Encoding of the copies only [default: --encoding, else utf-8].",
        show_default=False,
    ),
]


def side_encodings(encoding: str | None, original: str | None, copy: str | None) -> tuple[str, str]:
    """The encodings of the originals and of the copies, each checked before any work.

    ``--encoding`` sets both sides; ``--original-encoding`` and
    ``--copy-encoding`` override it for their side; UTF-8 where none is given.

    Raises:
        MtqaError: If an encoding is unknown or cannot decode a text file.
    """
    from mtqa.inputs import check_encoding

    both = encoding or DEFAULT_ENCODING
    return check_encoding(original or both), check_encoding(copy or both)


class InputFormat(StrEnum):
    """How an input file is read: by its content, as plain text, or as a saved web page."""

    auto = "auto"
    text = "text"
    html = "html"


InputFormatOption = Annotated[
    InputFormat,
    typer.Option(
        "--input-format",
        metavar=choices(InputFormat),
        help="auto (a file that opens with HTML markup is a web page, whose article is extracted), text or html.",
    ),
]
ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Show progress on stderr: a bar on a terminal, else a line every few seconds "
        "[default: a bar when stderr is a terminal].",
        show_default=False,
    ),
]


class Engine(StrEnum):
    """Where audit-batch and index build run their work."""

    local = "local"
    dask = "dask"


EngineOption = Annotated[Engine, typer.Option(metavar=choices(Engine), help="local (process workers) or dask.")]
SchedulerOption = Annotated[
    str | None, typer.Option(metavar="ADDRESS", help="Dask scheduler address, for --engine dask.", show_default=False)
]
FailUnderOption = Annotated[
    float | None,
    typer.Option(
        "--fail-under",
        min=0.0,
        max=1.0,
        metavar="SHARE",
        help="Exit with 1 when coverage (the share of original sentences rendered) is below this; "
        "in audit-batch, when any audited copy's is.",
        show_default=False,
    ),
]
FailOnOption = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        metavar="EXPR",
        help="Exit with 1 when the flags pass a limit: KEY>N or KEY>=N, comma-separated (any one fails), where KEY "
        "is flags (all), major, minor or a flag kind (name, number, ...); e.g. 'major>0' or 'name>2,flags>=10'.",
        show_default=False,
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(min=1, metavar="N", help="Worker processes [default: the number of cores].", show_default=False),
]


def stdout_if_dash(output: Path | None) -> Path | None:
    """``None`` (standard output) for ``-o -``, as ``-`` names standard input; else ``output``."""
    return None if output is not None and str(output) == "-" else output


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` through a temporary file so no half file is left."""
    if output is None:
        sys.stdout.write(text)
        return
    check_file_target(output)
    write_text_atomic(output, text)

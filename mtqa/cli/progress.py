"""Progress on stderr: a rich bar on a terminal, plain timed lines elsewhere (``mtqa.progress``), one callback."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console


class Progress(Protocol):
    """What a run reports to: ``(done, total)`` as items finish, and ``phase`` for what it is doing besides."""

    def __call__(self, done: int, total: int) -> None:
        """``done`` of ``total`` items finished."""

    def phase(self, text: str) -> None:
        """What the run is doing now ("" for nothing more than counting)."""


@contextlib.contextmanager
def progress_bar(
    enabled: bool | None, label: str, unit: str, counted: bool = True, each_update: bool = False
) -> Iterator[Progress | None]:
    """Progress on stderr, or None when there is to be none.

    Args:
        enabled: True (``--progress``), False (``--no-progress``) or None: a bar when
            stderr is a terminal, nothing otherwise.
        label: What the run does ("auditing").
        unit: What it counts, plural ("copies").
        counted: False for a run that only has phases (one audit's stages): no bar, no count.
        each_update: Off a terminal, a line at every count too (coarse steps: an index's parts).
    """
    from rich.console import Console

    console = Console(stderr=True)
    if not (console.is_terminal if enabled is None else enabled):
        yield None
    elif not console.is_terminal:
        from mtqa.progress import ProgressLines

        with ProgressLines(label, unit, sys.stderr, each_update=each_update) as lines:
            yield lines
    else:
        with _rich_bar(console, label, unit, counted) as bar:
            yield bar


@contextlib.contextmanager
def _rich_bar(console: Console, label: str, unit: str, counted: bool) -> Iterator[Progress]:
    """A rich progress line, updated in place: a bar with throughput and ETA, or a spinner for phases alone."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        SpinnerColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    class Speed(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:,.1f} {unit}/s" if task.speed else "")

    columns: tuple[ProgressColumn, ...] = (
        (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Speed(), TimeRemainingColumn())
        if counted
        else (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    )
    with RichProgress(*columns, console=console, transient=not counted) as bar:
        task = bar.add_task(label, total=None)

        class Bar:
            started = False

            def __call__(self, done: int, total: int) -> None:
                if not self.started:  # a resume starts at the count already done, not counted in the speed
                    self.started = True
                    bar.reset(task, completed=done, total=total)
                bar.update(task, completed=done, total=total)

            def phase(self, text: str) -> None:
                bar.update(task, description=f"{label}: {text}" if text else label)

        yield Bar()

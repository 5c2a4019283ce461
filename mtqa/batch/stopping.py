"""SIGINT and SIGTERM as an exception, so a run stops where it is, keeps what it finished and stops its workers.

``stop_on_signals`` turns both signals into ``Stopped`` in the main thread;
the command line holds it for the whole of a command. ``uninterrupted``
holds a signal back while a part of the output is being written, so that a
part is always written whole.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """A signal asked the run to stop (a ``BaseException``, like ``KeyboardInterrupt``, so no handler swallows it).

    Attributes:
        signum: The signal.
        saved: Copies in the output when the run stopped, when a batch output was open.
        copies: Copies in the batch's manifest, likewise.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.saved: int | None = None
        self.copies: int | None = None

    @property
    def name(self) -> str:
        """The signal's name, e.g. ``SIGINT``."""
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """The shell's code for a process ended by this signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


_held: list[int] = []  # signals that arrived while a part was being written
_depth = [0]
_stopping = [False]


def _raise(signum: int, frame: FrameType | None) -> None:
    if _depth[0]:
        _held.append(signum)
        return
    if _stopping[0]:  # already stopping: the cleanup is bounded, let it finish
        return
    _stopping[0] = True
    raise Stopped(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise ``Stopped`` (only in the main thread; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    _stopping[0] = False
    _held.clear()
    for number in SIGNALS:
        signal.signal(number, _raise)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """A signal that arrives within the block takes effect at its end (when ``stop_on_signals`` holds)."""
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
    if not _depth[0] and _held and not _stopping[0]:
        signum = _held[0]
        _held.clear()
        _stopping[0] = True
        raise Stopped(signum)

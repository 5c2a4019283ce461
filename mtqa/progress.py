"""Progress as plain lines for a stderr that is no terminal (a log, CI, nohup): one every few seconds, from a timer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

# Seconds between two lines; the timer looks this often too, so a line is never more than twice as late.
INTERVAL = 2.5


def _seconds(seconds: float) -> str:
    """A duration as a reader says it: "42 s", "3 min 05 s"."""
    whole = round(seconds)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"


class ProgressLines:
    """A ``(done, total)`` callback with a ``phase`` that writes plain, flushed lines on ``stream``.

    A timer thread writes the state every ``interval`` seconds, so a run whose
    items take long still says it is alive; a new phase is written at once,
    and the last state when the context ends (unless that line is already the
    last one written). A run that resumes starts at the count already done,
    and its rate counts only what it does itself. Every line ends with the seconds
    elapsed, so a reader (or a test) can see the gaps. For example::

        mtqa: auditing 0/40 copies, starting 2 workers (loading the model) (0 s elapsed)
        mtqa: auditing 12/40 copies, 1.3 copies/s, about 21 s left (9 s elapsed)

    Args:
        label: What the run does ("auditing").
        unit: What it counts, plural ("copies").
        stream: Where the lines go (stderr).
        interval: Seconds between lines.
        each_update: Also write a line at every ``(done, total)`` (for coarse steps, such as
            the parts of an index, each of which should be seen).
        clock: Seconds, monotonic (a test may pass its own).
    """

    def __init__(
        self,
        label: str,
        unit: str,
        stream: TextIO,
        interval: float = INTERVAL,
        each_update: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label, self.unit, self.stream = label, unit, stream
        self.interval, self.each_update, self.clock = interval, each_update, clock
        self.done: int | None = None
        self.total: int | None = None
        self._first: int | None = None  # the count at the first call: done before this run (a resume)
        self._written: tuple[int | None, int | None, str] | None = None  # the state of the last line written
        self.stage = ""
        self._started = clock()
        self._counting = self._started  # the rate counts from here: the end of the first phase (workers loading)
        self._last = self._started  # when the timer last wrote, or the run said its first news
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timer = threading.Thread(target=self._beat, name="mtqa-progress", daemon=True)

    def __enter__(self) -> ProgressLines:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._timer.join()
        if self._written != (self.done, self.total, self.stage):  # the final count once, not twice
            self.write()

    def __call__(self, done: int, total: int) -> None:
        """Record ``done`` of ``total``; a line follows at the next tick (or now, with ``each_update``)."""
        with self._lock:
            self._first_news()
            changed = (done, total) != (self.done, self.total)
            self.done, self.total = done, total
            if self._first is None:
                self._first = done
        if self.each_update and changed and done:
            self.write()

    def phase(self, text: str) -> None:
        """Say what the run is doing besides counting (``""``: nothing more); written at once when new."""
        with self._lock:
            self._first_news()
            if self.stage and not text and self._counting == self._started:
                self._counting = self.clock()
            changed, self.stage = text != self.stage, text
        if changed and text:
            self.write()

    def line(self) -> str:
        """The current state as one line, with the seconds elapsed."""
        elapsed = self.clock() - self._started
        parts = [f"mtqa: {self.label}"]
        if self.total is not None and self.done is not None:
            parts[0] += f" {self.done}/{self.total} {self.unit}"
            counting = self.clock() - self._counting
            ran = self.done - (self._first or 0)
            if ran > 0 and counting > 0:
                rate = ran / counting
                parts.append(f"{rate:.1f} {self.unit}/s")
                if self.done < self.total:
                    parts.append(f"about {_seconds((self.total - self.done) / rate)} left")
        if self.stage and self.total is None:
            parts[0] += f": {self.stage}"
        elif self.stage:
            parts.append(self.stage)
        return ", ".join(parts) + f" ({_seconds(elapsed)} elapsed)"

    def write(self) -> None:
        """Write the current line now, and flush."""
        with self._lock:
            self._last = self.clock()
            self._written = (self.done, self.total, self.stage)
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def tick(self) -> None:
        """What the timer does: write the line when one is due and there is something to say.

        Before the run has said a phase or a count there is nothing but the
        label, and the interval counts from its first news, so the first line
        is the run's own phase (workers loading), however long it took to start.
        """
        with self._lock:
            due = self.clock() - self._last >= self.interval and (self.stage or self.done is not None)
        if due:
            self.write()

    def _first_news(self) -> None:
        # the timer's interval starts with the run's first news, so its phase (said just after the count) comes first
        if self.done is None and not self.stage:
            self._last = self.clock()

    def _beat(self) -> None:
        while not self._stop.wait(self.interval / 5):
            self.tick()

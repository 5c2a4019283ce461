"""A small pool of worker processes that mtqa owns: they die with the run, and one can be stopped alone.

``concurrent.futures.ProcessPoolExecutor`` could do neither: it cannot stop
one worker whose task runs too long, its workers and its multiprocessing
resource tracker outlive a parent killed with ``kill -9``, and one dying
worker breaks the whole pool. Here each worker is a plain child process
(``mtqa.batch.worker``) on two pipes, which asks the kernel to kill it when
the parent dies and exits when its pipe closes. A task runs in one worker at
a time; a worker that dies or runs over the time limit is reported as such
for that task alone, and replaced (the replacement loads its model again, so
this happens only then).

A pool and its workers must be used from the thread that made them: on
Linux a worker dies with the thread that started it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Literal

from mtqa.batch.worker import BOOT
from mtqa.errors import MtqaError

# Seconds an audit-batch job may run by default before its worker is stopped (a slow page must not hold one).
JOB_TIMEOUT = 300.0
# Seconds a worker is given to leave after its pipe closes, before it is killed.
LEAVE_SECONDS = 2.0
# Workers in a row that may die while starting (before any task) before the pool gives up.
START_DEATHS = 3

Kind = Literal["done", "raised", "died", "timed_out"]


@dataclass(frozen=True)
class Outcome:
    """How one task ended: its value (``done``), its exception (``raised``), or its worker ``died`` or ``timed_out``."""

    kind: Kind
    value: Any = None


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    tasks: Connection
    replies: Connection
    ready: bool = False
    task: Hashable | None = None
    deadline: float = float("inf")
    busy: bool = False
    loads: int = 0


class WorkerPool:
    """``size`` worker processes, each set up once by ``initializer(*initargs)``, running submitted tasks.

    Args:
        size: Worker processes.
        initializer: Run once in each worker before its first task (it loads the model).
        initargs: Its arguments.
        timeout: Seconds a task may run before its worker is killed (None: no limit).
        on_ready: Called with the number of workers ready each time one becomes ready.

    Attributes:
        replaced: Workers that died or were stopped, and were replaced.
        loads: Models loaded by the workers, as they report them (once per worker when all goes well).
    """

    def __init__(
        self,
        size: int,
        initializer: Callable[..., Any],
        initargs: tuple[Any, ...],
        timeout: float | None = None,
        on_ready: Callable[[int], None] | None = None,
    ) -> None:
        self.size = size
        self.setup = (initializer, initargs)
        self.timeout = timeout
        self.on_ready = on_ready
        self.replaced = 0
        self.loads = 0
        self._workers: list[_Worker] = []
        self._queue: deque[tuple[Hashable, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._start_deaths = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, key: Hashable, function: Callable[..., Any], *args: Any) -> None:
        """Queue ``function(*args)``; its outcome comes out of ``outcomes`` under ``key``."""
        self._queue.append((key, function, args))

    def outcomes(self) -> Iterator[tuple[Hashable, Outcome]]:
        """Run the queued tasks, yielding each one's outcome as it ends, until none is queued or running.

        Tasks submitted while iterating are run too.

        Raises:
            MtqaError: If workers keep dying before they are ready, or their setup fails.
        """
        while len(self._workers) < self.size:
            self._start()
        while self._queue or any(w.busy for w in self._workers):
            for worker in self._workers:
                if worker.ready and not worker.busy and self._queue:
                    key, function, args = self._queue.popleft()
                    try:
                        worker.tasks.send((function, args))
                    except OSError:  # it died idle: the task waits for the next worker, and this one is replaced
                        self._queue.appendleft((key, function, args))
                        self._replace(worker)
                        break
                    worker.task, worker.busy = key, True
                    worker.deadline = time.monotonic() + self.timeout if self.timeout else float("inf")
            soonest = min((w.deadline for w in self._workers if w.busy), default=float("inf"))
            wait_for = None if soonest == float("inf") else max(0.0, soonest - time.monotonic())
            readable = set(wait([w.replies for w in self._workers], wait_for))
            for worker in list(self._workers):
                if worker.replies in readable:
                    yield from self._read(worker)
                elif worker.busy and time.monotonic() >= worker.deadline:
                    key = worker.task
                    self._replace(worker)
                    yield key, Outcome("timed_out", self.timeout)

    def _read(self, worker: _Worker) -> Iterator[tuple[Hashable, Outcome]]:
        try:
            kind, value, loads = worker.replies.recv()
        except (EOFError, OSError):  # the worker died (killed, out of memory, crashed)
            key, busy = worker.task, worker.busy
            if not busy and not worker.ready:
                self._start_deaths += 1
                if self._start_deaths >= START_DEATHS:
                    raise MtqaError("worker processes keep dying as they start; try fewer --workers") from None
            self._replace(worker)
            if busy:
                yield key, Outcome("died")
            return
        except Exception as error:  # a reply that cannot be read back (its exception will not unpickle)
            kind, value, loads = "raised", RuntimeError(f"the worker's reply could not be read: {error}"), worker.loads
        self.loads += loads - worker.loads
        worker.loads = loads
        if kind == "ready":
            worker.ready = True
            self._start_deaths = 0
            if self.on_ready is not None:
                self.on_ready(sum(w.ready for w in self._workers))
        elif kind == "failed":
            raise MtqaError(f"a worker process could not start: {value}")
        else:
            key = worker.task
            worker.task, worker.busy, worker.deadline = None, False, float("inf")
            yield key, Outcome(kind, value)

    def _start(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "-c", BOOT, str(os.getpid()), *sys.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # out of the terminal's process group: Ctrl-C reaches the parent alone, which stops its workers
            process_group=0,
        )
        assert process.stdin is not None and process.stdout is not None
        tasks = Connection(os.dup(process.stdin.fileno()), readable=False)
        replies = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        worker = _Worker(process, tasks, replies)
        self._workers.append(worker)
        with contextlib.suppress(OSError):  # it died at once: its end of the pipe says so in ``outcomes``
            tasks.send(self.setup)

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker, kill=True)
        self._workers.remove(worker)
        self.replaced += 1
        self._start()

    def _stop(self, worker: _Worker, kill: bool) -> None:
        if kill:
            worker.process.kill()
        for end in (worker.tasks, worker.replies):
            end.close()

    def close(self) -> None:
        """Stop every worker: an idle one leaves when its pipe closes, a busy one is killed; wait for all."""
        workers, self._workers = self._workers, []
        self._queue.clear()
        for worker in workers:
            self._stop(worker, kill=worker.busy or not worker.ready)
        deadline = time.monotonic() + LEAVE_SECONDS
        for worker in workers:
            try:
                worker.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()

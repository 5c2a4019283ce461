"""The worker side of ``mtqa.batch.pool``: a process that dies with its parent and runs one task at a time.

The parent starts it with ``python -c`` (``BOOT``), its stdin and stdout the
two pipes of the pool: messages are pickled by ``multiprocessing.connection``.
Anything the process itself prints goes to stderr, so no stray output can
break a message. No ``multiprocessing`` process, queue or lock is involved,
so no resource tracker is started that could outlive the run.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any

# How the pool starts a worker: argv is [-c, the parent's pid, the parent's sys.path...].
BOOT = "import sys; sys.path[:] = sys.argv[2:]; from mtqa.batch.worker import serve; serve(int(sys.argv[1]))"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies, however it dies (Linux; elsewhere the pipe's EOF).

    The parent may have died before the request was made; then the process
    has already been handed to another parent, and it exits at once.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def serve(parent: int) -> None:
    """Run the setup the pool sends, say ready, then run tasks until the pool closes the pipe.

    Every reply is ``(kind, value, model loads so far)``: the pool adds up the
    loads, so a run can say how often its workers loaded the model.
    """
    from mtqa.embed.base import model_loads

    die_with_parent(parent)
    # The parent decides what stops, and it stops its workers (a SIGINT sent to the worker's group too).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a library's print must not corrupt a message
    tasks = Connection(0, writable=False)
    try:
        initializer, initargs = tasks.recv()
    except EOFError:
        return
    try:
        initializer(*initargs)
    except Exception as error:
        replies.send(("failed", f"{type(error).__name__}: {error}", model_loads()))
        return
    replies.send(("ready", None, model_loads()))
    while True:
        try:
            function, args = tasks.recv()
        except EOFError:  # the pool is done with this worker, or the parent is gone
            return
        reply: tuple[str, Any]
        try:
            reply = ("done", function(*args))
        except Exception as error:
            reply = ("raised", error)
        try:
            replies.send((*reply, model_loads()))
        except Exception as error:  # the value would not pickle: nothing was written, say why instead
            failure = RuntimeError(f"the result could not be sent back: {type(error).__name__}: {error}")
            replies.send(("raised", failure, model_loads()))

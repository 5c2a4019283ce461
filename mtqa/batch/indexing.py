"""Build or extend an archive index on the batch's engines: this process, local worker processes, or Dask.

Reading a story (extracting a saved page's article) and embedding its
sentences are most of the cost of an index, and each story's share is its
own: the archive is cut into parts of ``PART_STORIES`` stories, each part is
read, split, embedded and signed by a worker (``mtqa.archive.index.embed_stories``),
and this process adds the parts to the index in the archive's order, so that
the index is the same whichever engine built it. A failure in any part (a
page that cannot be read, a worker that dies) stops the build before anything
is written: an index that silently lacked stories would answer "no source"
for copies of them.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mtqa.archive.index import ArchiveIndex, Embedded, embed_stories, refuse_repeats
from mtqa.archive.stories import Story, archive_files, read_archive, read_story_file
from mtqa.batch.jobs import EngineOptions, check_engine, prepare, worker_embedder
from mtqa.batch.local import loading, start_worker
from mtqa.batch.pool import WorkerPool
from mtqa.embed.base import load_model, resolve_model
from mtqa.embed.factory import make_embedder
from mtqa.errors import MtqaError

# Stories per part at most: enough for the embedder's batches, small enough to spread over the workers.
PART_STORIES = 256
# Stories per part at least, and parts per worker wanted: a small archive is still cut into a few
# parts per worker, so the workers share it evenly and progress is reported from the first part on.
PART_MIN_STORIES = 4
PARTS_PER_WORKER = 4
# Parts a Dask cluster may hold done or in progress ahead of the one being added.
DASK_AHEAD = 64


@dataclass(frozen=True)
class Part:
    """A run of the archive's stories: read already (a table's rows), or files for the worker to read."""

    stories: tuple[Story, ...] = ()
    files: tuple[Path, ...] = ()

    @property
    def size(self) -> int:
        """How many stories the part holds."""
        return len(self.stories) + len(self.files)


def part_size(stories: int, workers: int) -> int:
    """Stories per part for ``stories`` shared by ``workers``: a few parts each, within the bounds above."""
    wanted = -(-stories // (max(workers, 1) * PARTS_PER_WORKER))
    return max(PART_MIN_STORIES, min(PART_STORIES, wanted))


def archive_parts(
    archive: Path, size: int | None = PART_STORIES, encoding: str = "utf-8", workers: int = 1
) -> list[Part]:
    """``archive`` cut into parts of ``size`` stories, in its order (None: ``part_size`` for ``workers``).

    Raises:
        MtqaError: If the archive cannot be read (see ``mtqa.archive.stories``).
    """
    files = archive_files(archive)
    if files is not None:
        step = size or part_size(len(files), workers)
        return [Part(files=tuple(files[k : k + step])) for k in range(0, len(files), step)]
    stories = read_archive(archive, encoding)
    step = size or part_size(len(stories), workers)
    return [Part(stories=tuple(stories[k : k + step])) for k in range(0, len(stories), step)]


def embed_part(part: Part, options: EngineOptions) -> Embedded:
    """Read, embed and sign one part, with the worker's embedder (and cache)."""
    stories = list(part.stories) or [
        read_story_file(f, options.original_encoding, options.input_format) for f in part.files
    ]
    return embed_stories(stories, worker_embedder(options))


def build_index(
    archive: Path,
    options: EngineOptions,
    *,
    base: ArchiveIndex | None = None,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    part_stories: int | None = None,
    phase: Callable[[str], None] | None = None,
) -> ArchiveIndex:
    """Index the stories of ``archive``, after those of ``base`` when given (which is left as it was).

    Args:
        archive: A folder of ``.txt``/``.html`` stories, or a CSV, Parquet or JSONL table.
        options: The model, backend, cache, encoding and input format the workers use.
        base: An index to extend (``mtqa index add``); its stories keep their places.
        workers: Local worker processes; default the number of cores. One runs in this process.
        engine: ``"local"`` or ``"dask"`` (needs ``scheduler``).
        scheduler: The Dask scheduler's address.
        progress: Called with (0, stories) before the first part, then (stories done, stories) after each.
        part_stories: Stories per part, the unit of work a worker takes; default a few parts
            per worker (``part_size``). The index is the same whatever the size.
        phase: Called with what the build does before its first part is done (workers starting,
            the model loading), and with "" once they are at work.

    Returns:
        The index, in memory; ``ArchiveIndex.save`` writes it.

    Raises:
        MtqaError: For a bad archive, option or model, before any embedding; or
            if a story cannot be read or a worker dies, before anything is written.
    """
    check_engine(engine, scheduler)
    resolve_model(options.model, options.backend)
    cores = os.cpu_count() or 1
    parts = archive_parts(archive, part_stories, options.original_encoding, workers or cores)
    if base is not None:
        refuse_repeats(_ids(parts), set(base.stories.id))
        base.check_embedder(make_embedder(options.model, options.backend))  # builds the embedder, loads nothing
    prepare(options)
    total, done = sum(p.size for p in parts), 0

    def counted(embedded: Iterator[Embedded]) -> Iterator[Embedded]:
        nonlocal done
        for part in embedded:
            done += len(part.stories)
            if progress is not None:
                progress(done, total)
            yield part

    count = min(workers or cores, len(parts))
    options = replace(options, threads=max(1, cores // count))
    if progress is not None:
        progress(0, total)
    if engine == "dask":
        embedded = _on_dask(parts, options, scheduler or "", phase)
    elif count == 1:
        embedded = _in_process(parts, options, phase)
    else:
        embedded = _on_processes(parts, options, count, phase)
    return ArchiveIndex.assemble(counted(embedded), base=base)


def _in_process(parts: list[Part], options: EngineOptions, phase: Callable[[str], None] | None) -> Iterator[Embedded]:
    """The parts embedded here, one after the other, the model loaded first (and said so)."""
    if phase is not None:
        phase("loading the model")
    load_model(worker_embedder(options))
    if phase is not None:
        phase("")
    for part in parts:
        yield embed_part(part, options)


def _ids(parts: list[Part]) -> list[str]:
    return [s.id for p in parts for s in p.stories] + [f.stem for p in parts for f in p.files]


def _on_processes(
    parts: list[Part], options: EngineOptions, workers: int, phase: Callable[[str], None] | None
) -> Iterator[Embedded]:
    """The parts embedded by ``workers`` processes (which die with this one), in the archive's order."""
    with WorkerPool(workers, start_worker, (options,), on_ready=loading(workers, phase)) as pool:
        for number, part in enumerate(parts):
            pool.submit(number, embed_part, part, options)
        finished: dict[int, Embedded] = {}
        following = 0
        for key, outcome in pool.outcomes():
            if outcome.kind == "died":
                raise MtqaError(
                    "a worker process died while indexing (killed by the OS, for example out of memory); "
                    "nothing was written: try fewer --workers"
                )
            if outcome.kind == "raised":
                raise outcome.value
            finished[int(str(key))] = outcome.value
            while following in finished:
                yield finished.pop(following)
                following += 1


def _on_dask(
    parts: list[Part], options: EngineOptions, scheduler: str, phase: Callable[[str], None] | None
) -> Iterator[Embedded]:
    from mtqa.batch.dask import connect

    if phase is not None:
        phase(f"connecting to the Dask scheduler at {scheduler}")
    with connect(scheduler) as client:
        if phase is not None:
            phase("the Dask workers are loading the model")
        # In the archive's order, the cluster working ahead of this loop by at most
        # DASK_AHEAD parts: a part's float vectors stay on a worker until its future is let go.
        pending = deque(parts)
        futures: deque[Any] = deque()
        while pending or futures:
            while pending and len(futures) < DASK_AHEAD:
                futures.append(client.submit(embed_part, pending.popleft(), options, pure=False))
            future = futures.popleft()
            try:
                result = future.result()
            except MtqaError:
                raise
            except Exception as error:  # a worker that kept dying on this part (KilledWorker)
                raise MtqaError(f"the Dask workers failed to index a part: {type(error).__name__}: {error}") from error
            del future
            if phase is not None:
                phase("")
            yield result

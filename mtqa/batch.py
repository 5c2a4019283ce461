"""Audit many copies: a manifest of (original, copy) files, audited by worker processes.

The jobs run in two waves. The first audits one copy of each distinct
original, the second all the others, so that with the shared embedding cache
each original is embedded once however many copies it has. Results go to a
``BatchWriter`` as they arrive, and a re-run skips what the output already holds.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mtqa.embed import DEFAULT_BACKEND, Embedder, make_embedder, resolve_model
from mtqa.errors import MtqaError
from mtqa.inputs import read_text

if TYPE_CHECKING:
    from mtqa.report import Report

MANIFEST_COLUMNS = ("original", "copy")


@dataclass(frozen=True)
class Job:
    """One copy to audit against its original; paths are absolute."""

    id: str
    original: Path
    copy: Path


@dataclass(frozen=True)
class EngineOptions:
    """What every worker needs to build its embedder: the same for the local and the Dask engine."""

    model: str | None = None
    backend: str = DEFAULT_BACKEND
    cache: Path | None = None
    threads: int = 1
    html: bool = False


@dataclass
class JobResult:
    """The audit of one job, as rows for the three output tables."""

    id: str
    pairs: pd.DataFrame
    flags: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    html: str | None = None


def read_manifest(path: Path) -> list[Job]:
    """Read a manifest CSV with columns ``original``, ``copy`` and optionally ``id``.

    Paths are taken relative to the manifest's folder. Without an ``id``
    column, a job's id is its row number (from 1).

    Raises:
        MtqaError: If the manifest cannot be read, lacks a column, has no rows,
            or repeats an id.
    """
    text = read_text(path, max_bytes=50_000_000)
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    missing = [c for c in MANIFEST_COLUMNS if c not in columns]
    if missing:
        raise MtqaError(f"{path}: no column {', '.join(missing)}; a manifest has original, copy and optionally id")
    base = path.resolve().parent
    jobs, seen = [], set()
    for number, row in enumerate(reader, start=1):
        job_id = (row.get("id") or "").strip() or str(number)
        if job_id in seen:
            raise MtqaError(f"{path}: id {job_id!r} appears twice")
        seen.add(job_id)
        jobs.append(Job(job_id, base / (row["original"] or "").strip(), base / (row["copy"] or "").strip()))
    if not jobs:
        raise MtqaError(f"{path}: the manifest has no rows")
    return jobs


def waves(jobs: list[Job]) -> tuple[list[Job], list[Job]]:
    """Split jobs into the first copy of each distinct original, and the rest."""
    first: dict[Path, Job] = {}
    for job in jobs:
        first.setdefault(job.original, job)
    leaders = set(id(j) for j in first.values())
    return list(first.values()), [j for j in jobs if id(j) not in leaders]


_EMBEDDERS: dict[EngineOptions, Embedder] = {}


def worker_embedder(options: EngineOptions) -> Embedder:
    """The process's embedder for ``options``, built once per worker and kept."""
    if options not in _EMBEDDERS:
        embedder = make_embedder(options.model, options.backend)
        if hasattr(embedder, "threads"):
            embedder.threads = options.threads
        if options.cache is not None:
            from mtqa.embed_cache import CachedEmbedder

            embedder = CachedEmbedder(embedder, options.cache)
        _EMBEDDERS[options] = embedder
    return _EMBEDDERS[options]


def run_job(job: Job, options: EngineOptions) -> JobResult:
    """Audit one job; a bad input becomes an error row, never an exception.

    With a cache, an audit of the same two texts by the same mtqa, model and
    backend is read back instead of redone.
    """
    base = {"id": job.id, "original": str(job.original), "copy": str(job.copy)}
    try:
        original, copy = read_text(job.original), read_text(job.copy)
        embedder = worker_embedder(options)
        cache = getattr(embedder, "results", None)
        key = audit_key(original, copy, embedder)
        report = cache.get(key) if cache is not None else None
        if report is None:
            report = _audit(original, copy, embedder)
            if cache is not None:
                cache.put(key, report)
    except MtqaError as error:
        return JobResult(job.id, pd.DataFrame(), pd.DataFrame(), {**base, "status": "error", "error": str(error)})
    page = None
    if options.html:
        title = f"mtqa audit {job.id}: {job.copy.name} against {job.original.name}"
        page = report.to_html(title, index_href="../index.html")
    return JobResult(
        job.id, report.pairs.assign(id=job.id), report.flags.assign(id=job.id), {**base, **summary_row(report)}, page
    )


def audit_key(original: str, copy: str, embedder: Embedder) -> str:
    """What an audit's result depends on: mtqa's code and data, the model, the backend and the two texts."""
    parts = [code_fingerprint(), embedder.name, str(getattr(embedder, "backend", "")), original, copy]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of mtqa's own source and data files, so a changed rule or threshold never reuses an old result."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for file in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json") and p.is_file()):
        digest.update(str(file.relative_to(package)).encode() + b"\x00" + file.read_bytes())
    return digest.hexdigest()


def _audit(original: str, copy: str, embedder: Embedder) -> Report:
    """The audit, without its similarity matrices (a batch keeps only the tables)."""
    from mtqa.pipeline import audit

    return dataclasses.replace(audit(original, copy, embedder=embedder), cosine=None, similarity=None)


def summary_row(report: Report) -> dict[str, Any]:
    """The figures of one audit for the batch's summary table."""
    summary = report.summary
    return {
        "status": "ok",
        "error": None,
        "coverage": summary["coverage"],
        "copy_coverage": summary["copy_coverage"],
        "mean_cosine": summary["mean_cosine"],
        "mean_quality": summary["mean_quality"],
        "corpus_bleu": summary["corpus_bleu"],
        "corpus_chrf": summary["corpus_chrf"],
        "units": summary["units"],
        "aligned_units": summary["aligned_units"],
        "flags": summary["flags"],
        "major_flags": summary["flags_by_severity"]["major"],
        **{f"label_{k}": v for k, v in summary["labels"].items()},
        "verdict": summary["verdict"],
    }


def prepare(options: EngineOptions) -> None:
    """Build what the workers share before they start (the cache file, the ONNX export), so they do not race."""
    if options.cache is not None:
        from mtqa.embed_cache import open_cache

        open_cache(options.cache).close()
    if options.backend == "onnx":
        from mtqa.onnx_embed import onnx_model_path

        onnx_model_path(resolve_model(options.model))


def _start_worker(options: EngineOptions) -> None:
    # Each worker gets its share of the cores; torch reads these at import.
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(options.threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    worker_embedder(options)


def run_local(jobs: list[Job], options: EngineOptions, workers: int, on_result: Callable[[JobResult], None]) -> None:
    """Run ``jobs`` in ``workers`` processes (in this process when 1), wave by wave, reporting each result."""
    if workers <= 1:
        for wave in waves(jobs):
            for job in wave:
                on_result(run_job(job, options))
        return
    context = get_context("spawn")  # the parent may hold threads (the progress bar): never fork them
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(options,)) as pool:
        for wave in waves(jobs):
            for future in as_completed([pool.submit(run_job, job, options) for job in wave]):
                on_result(future.result())


def pending(jobs: Iterable[Job], done: set[str]) -> Iterator[Job]:
    """The jobs whose id is not in ``done``."""
    return (job for job in jobs if job.id not in done)

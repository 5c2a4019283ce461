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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from mtqa.batch.results import ResultStore
from mtqa.detectors import DETECTORS
from mtqa.embed.base import DEFAULT_BACKEND, Embedder, resolve_model
from mtqa.embed.factory import make_embedder
from mtqa.errors import MtqaError
from mtqa.inputs import Story, check_encoding, read_story, read_text
from mtqa.nlp.parser import ParseCache

# One ``flags_<kind>`` column per detector of the registry, 0 where a copy has
# none, so every part has the same columns whichever kinds its copies raised.
FLAG_KIND_COLUMNS = tuple(f"flags_{kind}" for kind in DETECTORS)

if TYPE_CHECKING:
    from mtqa.report.report import Report

MANIFEST_COLUMNS = ("original", "copy")


@dataclass(frozen=True)
class Job:
    """One copy to audit against its original; paths are absolute.

    ``refused`` says why the job's paths are not audited (they lie outside
    the manifest's folder); such a job becomes an error row. ``row`` is the
    job's place in the manifest (from 1; a folder of copies: sorted by name),
    and ``copy_shown``/``original_shown`` its paths as an editor knows them,
    relative to the manifest's folder (or the folder of copies).
    """

    id: str
    original: Path | None  # None: found in the index (audit-batch --index)
    copy: Path
    refused: str | None = None
    row: int | None = None
    copy_shown: str | None = None
    original_shown: str | None = None


@dataclass(frozen=True)
class EngineOptions:
    """What every worker needs to build its embedder: the same for the local and the Dask engine.

    ``original_encoding`` reads the originals (and an archive's story files),
    ``copy_encoding`` the copies.
    """

    model: str | None = None
    backend: str = DEFAULT_BACKEND
    cache: Path | None = None
    threads: int = 1
    html: bool = False
    original_encoding: str = "utf-8"
    copy_encoding: str = "utf-8"
    input_format: str = "auto"
    index: Path | None = None

    def __post_init__(self) -> None:
        # A codec that cannot read a text file fails here, once, and not on every row.
        check_encoding(self.original_encoding)
        check_encoding(self.copy_encoding)


ENGINES = ("local", "dask")


def check_engine(engine: str, scheduler: str | None) -> None:
    """Refuse an unknown engine, Dask without a scheduler, a scheduler without Dask, or one mtqa cannot reach.

    Raises:
        MtqaError: If the engine and scheduler do not go together, or the
            scheduler's address is not ``[tcp://]HOST[:PORT]``.
    """
    if engine not in ENGINES:
        raise MtqaError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "dask" and not scheduler:
        raise MtqaError("--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    if scheduler and engine != "dask":
        raise MtqaError("--scheduler is for --engine dask")
    if scheduler:
        check_scheduler(scheduler)


def check_scheduler(address: str) -> None:
    """Refuse a Dask scheduler address the client mtqa makes cannot use, before any work.

    mtqa connects with no security settings, so only plain TCP works: a
    ``tls://`` or ``wss://`` scheduler needs certificates, ``inproc://`` lives
    in another process's memory, and ``ucx://``/``ws://`` need extra packages.

    Raises:
        MtqaError: If ``address`` is not ``[tcp://]HOST[:PORT]``.
    """
    invalid = MtqaError(f"--scheduler {address!r}: not a scheduler address HOST[:PORT]; e.g. tcp://10.0.0.5:8786")
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError:  # an unclosed or invalid [IPv6] host, a port not a number or over 65535
        raise invalid from None
    if parts.scheme != "tcp":
        raise MtqaError(
            f"--scheduler {address!r}: mtqa reaches a Dask scheduler over tcp:// only "
            f"({parts.scheme}:// needs settings or packages mtqa does not use); e.g. tcp://10.0.0.5:8786"
        )
    if not host or port == 0 or any(c.isspace() or not c.isprintable() for c in host):
        raise invalid
    if parts.path or parts.query or parts.fragment or parts.username:
        raise invalid


@dataclass
class JobResult:
    """The audit of one job, as rows for the three output tables."""

    id: str
    pairs: pd.DataFrame
    flags: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    html: str | None = None


def read_manifest(path: Path, allow_outside: bool = False, with_index: bool = False) -> list[Job]:
    """Read a manifest CSV with columns ``original``, ``copy`` and optionally ``id``.

    Paths are taken relative to the manifest's folder. Without an ``id``
    column, a job's id is its row number (from 1). A path that resolves
    outside the manifest's folder (``../``, an absolute path, a symlink out)
    makes its job an error row, unless ``allow_outside``: a manifest from
    elsewhere must not make mtqa read, and publish, files it was never meant to.

    With an index (``with_index``), the ``original`` column may be left out,
    or a row's original left empty: that copy's original is found in the
    index. ``path`` may then also be a folder of copies (``.txt``/``.html``),
    each one's id its file name without the extension. A symlink in the
    folder is followed only when it stays inside; one that leads out of it
    is an error row, as a manifest path outside its folder is.

    Raises:
        MtqaError: If the manifest cannot be read or parsed (an unterminated
            quote, a blank or ragged row, an empty path), lacks a column, has
            no rows, or repeats an id.
    """
    if with_index and path.is_dir():
        return _folder_jobs(path, allow_outside)
    text = read_text(path, max_bytes=50_000_000, option=None)  # the encodings options are the texts', not its own
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise MtqaError(f"{path}: not a well-formed CSV manifest: {error}") from error
    columns = [c.strip() for c in rows[0]] if rows else []
    required = ("copy",) if with_index else MANIFEST_COLUMNS
    missing = [c for c in required if c not in columns]
    if missing:
        index = "" if with_index else "; or pass --index (an index from mtqa index build) to find each copy's original"
        raise MtqaError(
            f"{path}: no column {', '.join(missing)}; a manifest has original, copy and optionally id{index}"
        )
    base = path.resolve().parent
    jobs, seen = [], set()
    for number, cells in enumerate(rows[1:], start=1):
        line = number + 1
        if not any(cell.strip() for cell in cells):
            raise MtqaError(f"{path}: row {line} is blank; remove it")
        if len(cells) != len(columns):
            raise MtqaError(f"{path}: row {line} has {len(cells)} fields, the header {len(columns)}")
        row = dict(zip(columns, cells, strict=True))
        for column in required:
            if not row[column].strip():
                raise MtqaError(f"{path}: row {line} has no {column} path")
        job_id = (row.get("id") or "").strip() or str(number)
        if job_id in seen:
            raise MtqaError(f"{path}: id {job_id!r} appears twice")
        seen.add(job_id)
        named = (row.get("original") or "").strip()
        original, copy = (base / named if named else None), base / row["copy"].strip()
        paths = [p for p in (original, copy) if p is not None]
        outside = [p for p in paths if not allow_outside and not p.resolve().is_relative_to(base)]
        refused = (
            f"{outside[0]} lies outside the manifest's folder {base}; pass --allow-outside-paths to audit it"
            if outside
            else None
        )
        shown = [None if p is None else _relative(p, base) for p in (copy, original)]
        jobs.append(Job(job_id, original, copy, refused, number, *shown))
    if not jobs:
        raise MtqaError(f"{path}: the manifest has no rows")
    return jobs


def _folder_jobs(folder: Path, allow_outside: bool) -> list[Job]:
    """The jobs of a folder of copies: one per ``.txt``/``.html`` file, a symlink out of the folder refused."""
    base = folder.resolve()
    copies = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm"))
    if not copies:
        raise MtqaError(f"{folder}: holds no .txt or .html copy")
    ids = [p.stem for p in copies]
    if len(set(ids)) < len(ids):
        raise MtqaError(f"{folder}: two copies share a name without their extension; rename one")
    jobs = []
    for row, copy in enumerate(copies, start=1):
        target = copy.resolve()
        if allow_outside or target.is_relative_to(base):
            jobs.append(Job(copy.stem, None, target, None, row, copy.name))
        else:  # the link's own path, so that the summary does not publish where it leads
            message = f"{copy} is a symlink out of the folder {base}; pass --allow-outside-paths to audit it"
            jobs.append(Job(copy.stem, None, base / copy.name, message, row, copy.name))
    return jobs


def _relative(path: Path, base: Path) -> str:
    """``path`` as written relative to ``base`` (``..`` where it lies outside), with ``/`` between parts."""
    return Path(os.path.relpath(os.path.normpath(path), base)).as_posix()


def waves(jobs: list[Job]) -> tuple[list[Job], list[Job]]:
    """Split jobs into the first copy of each distinct original, and the rest (an original still to find: its own)."""
    first: dict[Path, Job] = {}
    for job in jobs:
        first.setdefault(job.original or job.copy, job)
    leaders = set(id(j) for j in first.values())
    return list(first.values()), [j for j in jobs if id(j) not in leaders]


_EMBEDDERS: dict[EngineOptions, Embedder] = {}
_STORES: dict[Path, ResultStore] = {}


def worker_embedder(options: EngineOptions) -> Embedder:
    """The process's embedder for ``options``, built once per worker and kept."""
    if options not in _EMBEDDERS:
        embedder = make_embedder(options.model, options.backend)
        embedder.threads = options.threads
        if options.cache is not None:
            from mtqa.embed.cache import CachedEmbedder

            embedder = CachedEmbedder(embedder, options.cache)
        _EMBEDDERS[options] = embedder
    return _EMBEDDERS[options]


def worker_results(options: EngineOptions) -> ResultStore | None:
    """The process's store of whole audit results in the cache file, or None without a cache."""
    if options.cache is None:
        return None
    if options.cache not in _STORES:
        _STORES[options.cache] = ResultStore(options.cache)
    return _STORES[options.cache]


def run_job(job: Job, options: EngineOptions) -> JobResult:
    """Audit one job; whatever goes wrong becomes an error row, never an exception.

    With a cache, an audit of the same two texts by the same mtqa, model and
    backend is read back instead of redone.
    """
    try:
        if job.refused is not None:
            raise MtqaError(job.refused)
        copy = read_story(job.copy, options.copy_encoding, options.input_format, option="--copy-encoding")
        embedder = worker_embedder(options)
        found: dict[str, Any] = {}
        if job.original is None:
            original, found = _source_of(copy.text, options, embedder)
            if original is None:
                return JobResult(job.id, pd.DataFrame(), pd.DataFrame(), {**_base(job), "status": "no_source", **found})
        else:
            original = read_story(
                job.original, options.original_encoding, options.input_format, option="--original-encoding"
            )
        cache = worker_results(options)
        key = audit_key(original.text, copy.text, embedder)
        report = cache.get(key) if cache is not None else None
        if report is None:
            report = _audit(original.text, copy.text, embedder)
            if cache is not None:
                cache.put(key, report)
        report = report.with_inputs({"original": original.source, "copy": copy.source})
        page = None
        if options.html:
            against = job.original.name if job.original is not None else found.get("source")
            title = f"mtqa audit {job.id}: {job.copy.name} against {against}"
            page = report.to_html(title, index_href="../index.html")
    except MtqaError as error:
        return error_result(job, str(error))
    except Exception as error:  # one odd text must never stop the batch: it is this row's error
        return error_result(job, f"internal error ({type(error).__name__}: {error}); please report it")
    summary = {**_base(job), **summary_row(report), **found}
    return JobResult(job.id, report.pairs.assign(id=job.id), report.flags.assign(id=job.id), summary, page)


def _base(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "row": job.row,
        "original": None if job.original is None else str(job.original),
        "copy": str(job.copy),
        "original_shown": job.original_shown,
        "copy_shown": job.copy_shown,
    }


@lru_cache(maxsize=2)
def worker_index(path: Path) -> Any:
    """The process's loaded archive index, read once."""
    from mtqa.archive.index import ArchiveIndex

    return ArchiveIndex.load(path)


def _source_of(copy: str, options: EngineOptions, embedder: Embedder) -> tuple[Story | None, dict[str, Any]]:
    """The copy's original found in the index, as a story to audit against, and what the summary records."""
    from mtqa.archive.find import find

    assert options.index is not None
    found = find(copy, worker_index(options.index), embedder=embedder)
    matches = found[found.match]
    if matches.empty:
        closest = found.iloc[0] if len(found) else None
        return None, {"source": None, "source_score": None if closest is None else float(closest.score)}
    best = matches.iloc[0]
    index = worker_index(options.index)
    story = index.stories[index.stories.id == best.id].iloc[0]
    title = story.get("title")
    record = {"format": "index", "index": str(options.index), "id": str(best.id), "score": float(best.score)}
    summary = {
        "source": str(best.id),
        "source_score": float(best.score),
        "source_title": title if isinstance(title, str) and title else None,
    }
    return Story(str(story.text), record), summary


def error_result(job: Job, message: str) -> JobResult:
    """The error row of ``job``: its summary says ``error`` with the message on one line."""
    row = {**_base(job), "status": "error"}
    return JobResult(job.id, pd.DataFrame(), pd.DataFrame(), {**row, "error": " ".join(message.split())})


def audit_key(original: str, copy: str, embedder: Embedder) -> str:
    """What an audit's result depends on: mtqa's code and data, the model, the backend and the two texts."""
    parts = [code_fingerprint(), embedder.name, embedder.backend, original, copy]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of mtqa's own source and data files, so a changed rule or threshold never reuses an old result."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for file in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".json") and p.is_file()):
        digest.update(str(file.relative_to(package)).encode() + b"\x00" + file.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def worker_parses() -> ParseCache:
    """The process's parses of the sentences it has seen: each original is parsed once, like its vectors."""
    return ParseCache()


def _audit(original: str, copy: str, embedder: Embedder) -> Report:
    """The audit, without its similarity matrices (a batch keeps only the tables)."""
    from mtqa.pipeline import audit

    report = audit(original, copy, embedder=embedder, parse_cache=worker_parses())
    return dataclasses.replace(report, cosine=None, similarity=None)


def summary_row(report: Report) -> dict[str, Any]:
    """The figures of one audit for the batch's summary table."""
    summary = report.summary
    inputs = report.signature.inputs
    return {
        "status": "ok",
        "error": None,
        "original_format": inputs.get("original", {}).get("format"),
        "copy_format": inputs.get("copy", {}).get("format"),
        "copy_title": inputs.get("copy", {}).get("title"),
        "coverage": summary.coverage,
        "copy_coverage": summary.copy_coverage,
        "mean_cosine": summary.mean_cosine,
        "mean_quality": summary.mean_quality,
        "corpus_bleu": summary.corpus_bleu,
        "corpus_chrf": summary.corpus_chrf,
        "units": summary.units,
        "aligned_units": summary.aligned_units,
        "flags": summary.flags,
        "major_flags": summary.flags_by_severity["major"],
        **{
            column: summary.flags_by_kind.get(kind, 0)
            for kind, column in zip(DETECTORS, FLAG_KIND_COLUMNS, strict=True)
        },
        **{f"label_{k}": v for k, v in summary.labels.items()},
        "verdict": summary.verdict,
    }


def prepare(options: EngineOptions) -> None:
    """Build what the workers share before they start (the cache file, the ONNX export), so they do not race."""
    if options.cache is not None:
        from mtqa.embed.cache import open_cache

        open_cache(options.cache).close()
    if options.backend == "onnx":
        from mtqa.embed.onnx import onnx_model_path

        onnx_model_path(resolve_model(options.model))

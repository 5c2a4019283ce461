"""``mtqa index build|add`` and ``mtqa find``: which story of an archive a copy renders, if any."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mtqa.cli.common import (
    Backend,
    BackendOption,
    CopyEncodingOption,
    Engine,
    EngineOption,
    InputFormat,
    InputFormatOption,
    ModelOption,
    OriginalEncodingOption,
    ProgressOption,
    SchedulerOption,
    SidesEncodingOption,
    WorkersOption,
    bad_input_exits_2,
    choices,
    emit,
    side_encodings,
    stdout_if_dash,
)
from mtqa.cli.usage import HELP_OPTIONS, UnixCommand
from mtqa.errors import MtqaError
from mtqa.inputs import input_name, is_stdin
from mtqa.plural import noun, plural
from mtqa.report.safe_text import visible

if TYPE_CHECKING:
    import pandas as pd

    from mtqa.archive.index import ArchiveIndex
    from mtqa.batch.jobs import EngineOptions

index_app = typer.Typer(
    help="Build or extend an index of an archive of stories, for mtqa find.",
    no_args_is_help=True,
    add_completion=False,
    context_settings=HELP_OPTIONS,
)
ArchiveArgument = Annotated[
    Path,
    typer.Argument(
        metavar="ARCHIVE",
        help="A folder of .txt/.html stories (id: the file name), or a .csv, .parquet or .jsonl table "
        "with id and text columns (title and date optional).",
        show_default=False,
    ),
]


CacheOption = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help="Keep the sentence vectors in the embedding cache (about 1.6 KB a sentence), "
        "so that a rebuild embeds nothing twice.",
    ),
]
CacheFileOption = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE", help="Embedding cache file [default: embeddings.sqlite in the mtqa cache].", show_default=False
    ),
]


@index_app.command("build", cls=UnixCommand)
@bad_input_exits_2
def build(
    archive: ArchiveArgument,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="INDEX", help="The index folder to write.", show_default=False)
    ],
    model: ModelOption = None,
    backend: BackendOption = Backend.onnx,
    encoding: SidesEncodingOption = None,
    original_encoding: OriginalEncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    workers: WorkersOption = None,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    use_cache: CacheOption = False,
    cache_file: CacheFileOption = None,
    progress: ProgressOption = None,
) -> None:
    """Index every story of ARCHIVE into OUTPUT (new, or an index to replace), all or nothing.

    The archive's stories are the originals a copy is matched against, so
    --original-encoding (or --encoding) gives their files' encoding.
    """
    from mtqa.archive.folder import IndexFolder

    stories_encoding, _ = side_encodings(encoding, original_encoding, None)
    with IndexFolder(output, inputs=(archive,)) as folder:  # checked and held before any work
        options = _options(model, backend, stories_encoding, input_format, use_cache, cache_file)
        index = _build(archive, options, None, workers, engine, scheduler, progress)
        folder.publish(index.write_files)
    sentences = int(index.vectors.ntotal)
    where = visible(str(output))
    typer.echo(
        f"mtqa: indexed {plural(len(index.stories), 'story', 'stories')} ({plural(sentences, 'sentence')}) in {where}",
        err=True,
    )


@index_app.command("add", cls=UnixCommand)
@bad_input_exits_2
def add(
    index: Annotated[
        Path, typer.Argument(metavar="INDEX", help="An index folder from mtqa index build.", show_default=False)
    ],
    archive: ArchiveArgument,
    encoding: SidesEncodingOption = None,
    original_encoding: OriginalEncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
    workers: WorkersOption = None,
    engine: EngineOption = Engine.local,
    scheduler: SchedulerOption = None,
    use_cache: CacheOption = False,
    cache_file: CacheFileOption = None,
    progress: ProgressOption = None,
) -> None:
    """Add the stories of ARCHIVE (with new ids) to INDEX; the index is replaced whole, never half-written."""
    from mtqa.archive.folder import IndexFolder
    from mtqa.archive.index import ArchiveIndex

    stories_encoding, _ = side_encodings(encoding, original_encoding, None)
    # Held from before the index is read until the grown one replaces it: a second
    # add meanwhile would read the same stories and drop this run's on saving.
    with IndexFolder(index, inputs=(archive,), new=False) as folder:
        loaded = ArchiveIndex.load(index)
        model, backend = loaded.built_with()
        options = _options(model, Backend(backend), stories_encoding, input_format, use_cache, cache_file)
        before = len(loaded.stories)
        grown = _build(archive, options, loaded, workers, engine, scheduler, progress)
        folder.publish(grown.write_files)
    typer.echo(
        f"mtqa: added {plural(len(grown.stories) - before, 'story', 'stories')} to {visible(str(index))}", err=True
    )


def _options(
    model: str | None, backend: Backend, encoding: str, input_format: InputFormat, use_cache: bool, cache: Path | None
) -> EngineOptions:
    from mtqa.batch.jobs import EngineOptions
    from mtqa.embed.cache import cache_dir

    return EngineOptions(
        model=model,
        backend=backend.value,
        cache=(cache or cache_dir() / "embeddings.sqlite") if use_cache else None,
        original_encoding=encoding,
        input_format=input_format.value,
    )


def _build(
    archive: Path,
    options: EngineOptions,
    base: ArchiveIndex | None,
    workers: int | None,
    engine: Engine,
    scheduler: str | None,
    progress: bool | None,
) -> ArchiveIndex:
    from mtqa.batch.indexing import build_index
    from mtqa.cli.progress import progress_bar

    with progress_bar(progress, "indexing", "stories", each_update=True) as bar:
        return build_index(
            archive,
            options,
            base=base,
            workers=workers,
            engine=engine.value,
            scheduler=scheduler,
            progress=bar,
            phase=bar.phase if bar is not None else None,
        )


class FindFormat(StrEnum):
    """How ``mtqa find`` prints its answer."""

    table = "table"
    json = "json"
    csv = "csv"


@bad_input_exits_2
def find(
    copies: Annotated[
        list[Path],
        typer.Argument(
            metavar="COPY", help="The copies: texts or saved web pages; - for standard input.", show_default=False
        ),
    ],
    index: Annotated[
        Path, typer.Option("--index", metavar="INDEX", help="An index from mtqa index build.", show_default=False)
    ],
    output_format: Annotated[
        FindFormat, typer.Option("--format", "-f", metavar=choices(FindFormat), help="table, json or csv.")
    ] = FindFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write here instead of stdout (- is stdout).", show_default=False
        ),
    ] = None,
    candidates: Annotated[
        int, typer.Option(min=1, max=50, metavar="N", help="Stories each retrieval signal proposes.")
    ] = 5,
    encoding: SidesEncodingOption = None,
    copy_encoding: CopyEncodingOption = None,
    input_format: InputFormatOption = InputFormat.auto,
) -> None:
    """Find which story of INDEX each copy renders, verified sentence by sentence, or say there is none."""
    import pandas as pd

    from mtqa.archive.find import find as find_sources
    from mtqa.archive.index import ArchiveIndex
    from mtqa.inputs import read_story
    from mtqa.outputs import check_file_target

    if sum(map(is_stdin, copies)) > 1:
        raise MtqaError("- (standard input) can be given once among the copies; it holds one text")
    _, copies_encoding = side_encodings(encoding, None, copy_encoding)
    output = stdout_if_dash(output)
    if output is not None:  # before any work: never a copy, the index folder or a file in it
        files = [path for path in copies if not is_stdin(path)]
        check_file_target(output, inputs=[*files, index, *_files(index)])
    # every input checked first
    texts = [read_story(path, copies_encoding, input_format.value, option="--copy-encoding") for path in copies]
    loaded = ArchiveIndex.load(index)
    frames = []
    for path, story in zip(copies, texts, strict=True):
        found = find_sources(story.text, loaded, candidates=candidates)
        frames.append(found.assign(copy=input_name(path), rank=range(1, len(found) + 1)))
    results = pd.concat(frames, ignore_index=True)
    if output_format is FindFormat.json:
        records = [
            {
                "copy": input_name(path),
                "source": _source(frame),
                "candidates": json.loads(frame.drop(columns="copy").to_json(orient="records")),
            }
            for path, frame in zip(copies, frames, strict=True)
        ]
        rendered = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    elif output_format is FindFormat.csv:
        rendered = results.assign(examples=results.examples.map(json.dumps)).to_csv(index=False)
    else:
        rendered = "".join(_table(path, frame) for path, frame in zip(copies, frames, strict=True))
    emit(rendered, output)


def _files(folder: Path) -> list[Path]:
    """The entries of ``folder``, or none when it is not a folder (``ArchiveIndex.load`` then says why)."""
    try:
        return list(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return []


def _source(frame: pd.DataFrame) -> str | None:
    matches = frame[frame.match]
    return str(matches.id.iloc[0]) if len(matches) else None


def _table(path: Path, frame: pd.DataFrame) -> str:
    """The answer for one copy, one line per field: ids, titles and sentences with their controls made visible."""
    lines = [f"{visible(input_name(path))}:"]
    matches: list[dict[Any, Any]] = frame[frame.match].to_dict("records")
    if not matches:
        closest = ""
        if len(frame):
            best = frame.iloc[0]
            of = plural(best.copy_sentences, "sentence")
            closest = f" (closest: {visible(str(best.id))}, {best.matched_sentences} of {of})"
        lines.append(f"  no source found{closest}")
    for rank, row in enumerate(matches, start=1):
        label = "source" if rank == 1 else "also matches"
        # a story without a title reads back from the index as NaN: shown as no title, never as “nan”
        title = f" “{visible(row['title'])}”" if isinstance(row["title"], str) and row["title"] else ""
        story = visible(str(row["id"]))
        matched, of = row["matched_sentences"], row["copy_sentences"]
        render = "renders" if matched == 1 else "render"
        lines.append(
            f"  {label}: {story}{title}: {matched} of {of} copy {noun(of, 'sentence')} {render} it "
            f"(score {row['score']:.2f}, longest run {row['longest_run']}, in order {row['in_order']:.2f})"
        )
        if rank == 1:
            for copied, original, similarity in row["examples"]:
                lines.append(f"    copy:     {visible(copied)}")
                lines.append(f"    original: {visible(original)}  [{similarity:.2f}]")
    return "\n".join(lines) + "\n"

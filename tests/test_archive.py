"""Finding a copy's source: reading an archive, the index on disk, retrieval and the verified answer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

import mtqa
from mtqa.archive.find import COLUMNS
from mtqa.archive.index import ArchiveIndex
from mtqa.archive.stories import Story, read_archive
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError
from tests.conftest import run_mtqa

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVENTS = sorted(p for p in (FIXTURES / "same_event").iterdir() if p.is_dir())


def shuffled(text: str) -> str:
    """A lazy content farm's copy: the first paragraph kept, the rest reversed, the last but one cut."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    rest = paragraphs[1:][::-1]
    del rest[1]
    return "\n\n".join([paragraphs[0], *rest])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture original, and the first report of each same-event pair, as a folder archive."""
    folder = tmp_path_factory.mktemp("archive")
    for original in sorted(FIXTURES.glob("*/original.txt")):
        (folder / f"{original.parent.name}.txt").write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    for event in EVENTS:
        (folder / f"{event.name}.txt").write_text(
            (event / "report_a.txt").read_text(encoding="utf-8"), encoding="utf-8"
        )
    (folder / "notes.md").write_text("not a story", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def index(archive: Path, onnx_embedder: Embedder) -> ArchiveIndex:
    return ArchiveIndex.build(read_archive(archive), onnx_embedder)


def test_an_archive_is_a_folder_of_stories_or_a_table(archive: Path, tmp_path: Path) -> None:
    stories = read_archive(archive)
    assert {s.id for s in stories} >= {"seed", "flood", EVENTS[0].name} and "notes" not in {s.id for s in stories}
    table = pd.DataFrame({"id": ["a", "b"], "text": ["One story. It ends.", "Another one."], "title": ["A", None]})
    for name, write in (("t.csv", table.to_csv), ("t.parquet", table.to_parquet), ("t.jsonl", None)):
        path = tmp_path / name
        if write is None:
            path.write_text(table.to_json(orient="records", lines=True), encoding="utf-8")
        else:
            write(path, index=False)
        read = read_archive(path)
        assert [(s.id, s.text, s.title) for s in read] == [
            ("a", "One story. It ends.", "A"),
            ("b", "Another one.", None),
        ]
    (tmp_path / "bad.csv").write_text("id,body\n1,x\n", encoding="utf-8")
    with pytest.raises(MtqaError, match="no column text"):
        read_archive(tmp_path / "bad.csv")
    (tmp_path / "twice.csv").write_text("id,text\n1,A story.\n1,Another.\n", encoding="utf-8")
    with pytest.raises(MtqaError, match="appears twice"):
        read_archive(tmp_path / "twice.csv")
    with pytest.raises(MtqaError, match="no such archive"):
        read_archive(tmp_path / "nowhere")


def test_the_seed_copy_is_found_and_verified(index: ArchiveIndex, onnx_embedder: Embedder) -> None:
    found = mtqa.find((FIXTURES / "seed" / "copy.txt").read_text(encoding="utf-8"), index, embedder=onnx_embedder)
    assert list(found.columns) == COLUMNS
    assert found.id.iloc[0] == "seed" and found.match.iloc[0]
    assert found.match.sum() == 1
    assert found.matched_sentences.iloc[0] >= 10 and len(found.examples.iloc[0]) == 3


@pytest.mark.parametrize("event", EVENTS[:6], ids=lambda e: e.name)
def test_independent_coverage_of_the_same_event_is_no_source(
    index: ArchiveIndex, onnx_embedder: Embedder, event: Path
) -> None:
    copy = shuffled((event / "report_b.txt").read_text(encoding="utf-8"))
    found = mtqa.find(copy, index, embedder=onnx_embedder)
    assert event.name in set(found.id)  # retrieval proposes the other outlet's report of the event
    assert not found.match.any()  # but it is not the copy's source


def test_a_copy_finds_its_original_once_added_and_versions_rank_by_rendering(
    index: ArchiveIndex, onnx_embedder: Embedder
) -> None:
    event = EVENTS[0]
    copy = shuffled((event / "report_b.txt").read_text(encoding="utf-8"))
    original = (event / "report_b.txt").read_text(encoding="utf-8")
    paragraphs = original.split("\n\n")
    update = "\n\n".join(paragraphs[: len(paragraphs) // 2])  # an earlier, shorter version of the story
    before = (len(index.stories), index.vectors.ntotal)
    grown = index.add([Story("b-first-version", update), Story("b", original)], onnx_embedder)
    assert (len(index.stories), index.vectors.ntotal) == before  # the index added to is left as it was
    found = mtqa.find(copy, grown, embedder=onnx_embedder)
    assert list(found[found.match].id) == ["b", "b-first-version"]
    with pytest.raises(MtqaError, match="already holds"):
        grown.add([Story("b", original)], onnx_embedder)


def test_an_index_is_written_whole_or_not_at_all(
    index: ArchiveIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faiss

    target = tmp_path / "index"
    index.save(target)
    before = {f.name: f.read_bytes() for f in target.iterdir()}
    loaded = ArchiveIndex.load(target)
    assert len(loaded.stories) == len(index.stories) and loaded.vectors.ntotal == index.vectors.ntotal

    def crash(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", crash)
    with pytest.raises(OSError, match="disk full"):
        index.save(target)
    assert {f.name: f.read_bytes() for f in target.iterdir()} == before  # the old index, untouched
    assert [p.name for p in tmp_path.iterdir()] == ["index"]  # and no half-written folder left beside it
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.undo()
    with pytest.raises(MtqaError, match="not written by mtqa"):
        index.save(tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(MtqaError, match="is not an mtqa index"):
        ArchiveIndex.load(tmp_path / "mine")


def test_the_commands_build_an_index_and_find_sources(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    built = run_mtqa("index", "build", str(archive), "--output", str(index))
    assert built.returncode == 0, built.stderr
    unrelated = FIXTURES / "same_event" / EVENTS[1].name / "report_b.txt"
    copies = [str(FIXTURES / "seed" / "copy.txt"), str(FIXTURES / "pages" / "flood_copy.html"), str(unrelated)]
    table = run_mtqa("find", *copies, "--index", str(index))
    assert table.returncode == 0, table.stderr
    assert "source: seed" in table.stdout and "source: flood" in table.stdout
    assert table.stdout.count("no source found") == 1
    answer = json.loads(run_mtqa("find", *copies, "--index", str(index), "-f", "json").stdout)
    assert [a["source"] for a in answer] == ["seed", "flood", None]
    more = tmp_path / "more"
    more.mkdir()
    (more / "later.txt").write_text((FIXTURES / "same_event" / EVENTS[1].name / "report_b.txt").read_text(), "utf-8")
    assert run_mtqa("index", "add", str(index), str(more)).returncode == 0
    csv = run_mtqa("find", str(unrelated), "--index", str(index), "-f", "csv").stdout
    assert pd.read_csv(io.StringIO(csv)).query("match").id.tolist() == ["later"]


def test_bad_index_and_copies_are_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_mtqa("find", str(FIXTURES / "seed" / "copy.txt"), "--index", str(tmp_path))
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "is not an mtqa index" in result.stderr
    result = run_mtqa("index", "build", str(tmp_path / "nowhere"), "--output", str(tmp_path / "index"))
    assert result.returncode == 2 and "no such archive" in result.stderr
    assert not (tmp_path / "index").exists()


def test_audit_batch_finds_each_copys_original_in_the_index(archive: Path, tmp_path: Path) -> None:
    from mtqa.batch.parquet import read_table

    index = tmp_path / "index"
    assert run_mtqa("index", "build", str(archive), "--output", str(index)).returncode == 0
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "farm-page.html").write_text((FIXTURES / "pages" / "flood_copy.html").read_text(), encoding="utf-8")
    (copies / "seed-copy.txt").write_text((FIXTURES / "seed" / "copy.txt").read_text(), encoding="utf-8")
    other = shuffled((EVENTS[2] / "report_b.txt").read_text(encoding="utf-8"))
    (copies / "other-outlet.txt").write_text(other, encoding="utf-8")
    result = run_mtqa("audit-batch", str(copies), "--index", str(index), "-o", str(tmp_path / "out"), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "no source found in the index for 1 copy: other-outlet" in result.stderr
    summary = read_table(tmp_path / "out", "summary").set_index("id")
    assert summary.loc["seed-copy", "source"] == "seed" and summary.loc["seed-copy", "status"] == "ok"
    assert summary.loc["farm-page", "source"] == "flood" and summary.loc["farm-page", "copy_format"] == "html"
    assert summary.loc["other-outlet", "status"] == "no_source" and pd.isna(summary.loc["other-outlet", "source"])
    # the editor's sheet: the folder's copies in name order, each original the story found in the index
    sheet = mtqa.read_batch(tmp_path / "out").sheet()
    assert list(zip(sheet.row, sheet.id, sheet["copy"], strict=True)) == [
        (1, "farm-page", "farm-page.html"),
        (2, "other-outlet", "other-outlet.txt"),
        (3, "seed-copy", "seed-copy.txt"),
    ]
    assert sheet.original[0].startswith("flood") and sheet.original[2].startswith("seed")
    assert pd.isna(sheet.original[1]) or sheet.original[1] == ""
    flags = read_table(tmp_path / "out", "flags")
    seed = mtqa.audit((FIXTURES / "seed" / "original.txt").read_text(), (FIXTURES / "seed" / "copy.txt").read_text())
    assert (flags.id == "seed-copy").sum() == len(seed.flags)  # the audit against the original found in the index
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("id,copy\nx,copies/seed-copy.txt\n", encoding="utf-8")
    with_torch = run_mtqa(
        "audit-batch", str(manifest), "--index", str(index), "-o", str(tmp_path / "t"), "--backend", "torch"
    )
    assert with_torch.returncode == 2 and "audit with the same --model and --backend" in with_torch.stderr
    # An output inside the index would be written among its files.
    inside = index / "out"
    refused = run_mtqa("audit-batch", str(manifest), "--index", str(index), "-o", str(inside), "--no-progress")
    assert refused.returncode == 2 and "lies inside the index" in refused.stderr, refused.stderr
    assert not inside.exists()
    # --summary-csv may not replace a copy: one in the folder of copies, or one a manifest names, reached by a symlink
    link = tmp_path / "sheet.csv"
    link.symlink_to(copies / "seed-copy.txt")
    before = (copies / "seed-copy.txt").read_bytes()
    for source, target, said in (
        (copies, copies / "sheet.csv", "lies inside the input"),
        (copies, link, "is an input"),
        (manifest, link, "is an input"),
    ):
        out = tmp_path / "csv-out"
        args = ("audit-batch", str(source), "--index", str(index), "-o", str(out), "--summary-csv", str(target))
        result = run_mtqa(*args, "--no-progress")
        assert result.returncode == 2 and said in result.stderr and result.stderr.count("\n") == 1, result.stderr
        assert not out.exists() and not (copies / "sheet.csv").exists()
    assert (copies / "seed-copy.txt").read_bytes() == before


def same_index(built: ArchiveIndex, expected: ArchiveIndex) -> None:
    pd.testing.assert_frame_equal(built.stories, expected.stories)
    assert (built.signatures == expected.signatures).all() and built.meta == expected.meta
    decoded = [i.vectors.reconstruct_n(0, i.vectors.ntotal) for i in (built, expected)]
    assert abs(decoded[0] - decoded[1]).max() <= 2 / 127  # the same 8-bit codes, give or take a rounding


def test_worker_processes_build_the_same_index_as_one_process(archive: Path, index: ArchiveIndex) -> None:
    from mtqa.batch.indexing import build_index
    from mtqa.batch.jobs import EngineOptions

    seen: list[tuple[int, int]] = []
    options = EngineOptions(backend="onnx")
    built = build_index(archive, options, workers=2, part_stories=4, progress=lambda *done: seen.append(done))
    same_index(built, index)
    total = len(index.stories)
    assert seen[0] == (0, total) and seen[-1] == (total, total)  # the total from the start
    assert len(seen) == 1 + -(-total // 4)  # then one report per part, in order
    table = pd.DataFrame({"id": index.stories.id, "text": index.stories.text})
    table.to_parquet(archive.parent / "archive.parquet", index=False)
    same_index(build_index(archive.parent / "archive.parquet", options, workers=2, part_stories=7), index)


def test_an_index_grown_by_workers_is_the_index_built_at_once(
    archive: Path, index: ArchiveIndex, tmp_path: Path
) -> None:
    from mtqa.batch.indexing import build_index
    from mtqa.batch.jobs import EngineOptions

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    for k, story in enumerate(sorted(archive.glob("*.txt"))):
        (first if k < 10 else second).joinpath(story.name).write_text(story.read_text(encoding="utf-8"), "utf-8")
    options = EngineOptions(backend="onnx")
    base = build_index(first, options, workers=1)
    grown = build_index(second, options, base=base, workers=2, part_stories=5)
    assert len(base.stories) == 10  # left as it was
    same_index(grown, index)
    with pytest.raises(MtqaError, match="already holds"):
        build_index(second, options, base=grown, workers=2)


def test_a_page_that_cannot_be_read_stops_the_build_before_anything_is_written(archive: Path, tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    for story in sorted(archive.glob("*.txt"))[:9]:
        (stories / story.name).write_text(story.read_text(encoding="utf-8"), encoding="utf-8")
    (stories / "zz-broken.html").write_text((FIXTURES / "pages" / "no_article.html").read_text(), encoding="utf-8")
    index = tmp_path / "index"
    result = run_mtqa("index", "build", str(stories), "-o", str(index), "--workers", "2")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "zz-broken.html" in result.stderr
    assert not index.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["stories"]
    for args, message in (
        (["--engine", "dask"], "--engine dask needs --scheduler"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler is for --engine dask"),
        (["--encoding", "klingon"], "unknown encoding"),
        (["--model", str(tmp_path / "no-model"), "--backend", "torch"], "model not found"),
    ):
        result = run_mtqa("index", "build", str(stories), "-o", str(index), *args)
        assert result.returncode == 2 and message in result.stderr and not index.exists()


def test_the_dask_engine_builds_the_same_index(archive: Path, index: ArchiveIndex) -> None:
    distributed = pytest.importorskip("distributed")
    from mtqa.batch.indexing import build_index
    from mtqa.batch.jobs import EngineOptions

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        built = build_index(
            archive, EngineOptions(backend="onnx"), engine="dask", scheduler=cluster.scheduler_address, part_stories=6
        )
    same_index(built, index)


def test_a_large_index_moves_to_an_inverted_file_and_answers_as_the_flat_one(
    archive: Path, index: ArchiveIndex, onnx_embedder: Embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mtqa.archive.index as index_module

    monkeypatch.setattr(index_module, "FLAT_MAX_SENTENCES", 100)
    stories = read_archive(archive)
    inverted = ArchiveIndex.build(stories[:-1], onnx_embedder)
    assert hasattr(inverted.vectors, "nprobe") and not hasattr(index.vectors, "nprobe")
    inverted.save(tmp_path / "index")
    loaded = ArchiveIndex.load(tmp_path / "index").add(stories[-1:], onnx_embedder)
    assert loaded.vectors.ntotal == index.vectors.ntotal and loaded.vectors.nprobe == index_module.IVF_PROBES
    decoded = loaded.sentence_vectors(len(stories) - 1)
    assert abs(decoded - index.sentence_vectors(len(stories) - 1)).max() <= 2 / 127  # read back by position
    copies = [
        (FIXTURES / "seed" / "copy.txt").read_text(encoding="utf-8"),
        shuffled((EVENTS[3] / "report_a.txt").read_text()),
    ]
    for copy in copies:
        flat, found = (mtqa.find(copy, i, embedder=onnx_embedder) for i in (index, loaded))
        assert found.query("match").id.tolist() == flat.query("match").id.tolist() != []


def test_workers_get_absolute_paths_and_a_base_of_another_model_is_refused_first(
    archive: Path, index: ArchiveIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtqa.batch.indexing import archive_parts, build_index
    from mtqa.batch.jobs import EngineOptions

    monkeypatch.chdir(archive.parent)
    parts = archive_parts(Path(archive.name), 5)
    assert all(f.is_absolute() for p in parts for f in p.files)  # a Dask worker may run in another folder
    renamed = ArchiveIndex(
        index.stories.assign(id=index.stories.id + "-new"), index.vectors, index.signatures, index.meta
    )
    with pytest.raises(MtqaError, match="use the same model and backend"):
        build_index(archive, EngineOptions(backend="torch"), base=renamed, workers=1, progress=lambda *_: pytest.fail())

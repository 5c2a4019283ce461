"""Index folders: one writer at a time, targets checked before any work, damaged indexes refused in one line."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import mtqa
from mtqa.archive.folder import IndexFolder
from mtqa.archive.index import ArchiveIndex
from mtqa.archive.stories import Story
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError
from tests.conftest import FakeEmbedder, run_mtqa

STORIES = [
    Story("bridge", "The mayor opened the new bridge on Monday. It cost 12 million euros. Traffic will start in May."),
    Story("flood", "Floods hit the river valley overnight. Hundreds of homes were evacuated. The army sent boats."),
    Story(
        "school", "A new school opened in the northern district. Its 300 pupils arrived early. The head teacher smiled."
    ),
]
MORE = [
    Story("harvest", "Farmers began the grape harvest a week early. The summer was the hottest on record."),
    Story("election", "The council election will be held in March. Four parties have named candidates."),
]


def write_archive(folder: Path, stories: list[Story]) -> Path:
    folder.mkdir()
    for story in stories:
        (folder / f"{story.id}.txt").write_text(story.text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def real_index(onnx_embedder: Embedder) -> ArchiveIndex:
    """Three short stories, indexed with the packaged model as the commands index them."""
    return ArchiveIndex.build(STORIES, onnx_embedder)


def saved(index: ArchiveIndex, folder: Path) -> Path:
    index.save(folder)
    return folder


def test_a_second_index_add_or_build_fails_at_once_and_the_first_runs_stories_are_kept(
    real_index: ArchiveIndex, onnx_embedder: Embedder, tmp_path: Path
) -> None:
    target = saved(real_index, tmp_path / "index")
    from mtqa.cli.app import app

    theirs = write_archive(tmp_path / "theirs", MORE[1:])
    with IndexFolder(target, new=False) as folder:  # the first run: it has read the index and is embedding
        first = ArchiveIndex.load(target)
        second_add = run_mtqa("index", "add", str(target), str(theirs), "--no-progress")  # another process
        # flock holds against every other open of the lock file, in this process too
        second_build = CliRunner().invoke(app, ["index", "build", str(theirs), "-o", str(target), "--no-progress"])
        folder.publish(first.add(MORE[:1], onnx_embedder).write_files)
    assert second_add.returncode == 2 and second_build.exit_code == 2, second_add.stderr
    for message in (second_add.stderr, second_build.stderr):
        assert "another mtqa index build or add is writing this index" in message
        assert message.count("\n") == 1 and "Traceback" not in message
    after = ArchiveIndex.load(target)
    assert list(after.stories.id) == ["bridge", "flood", "school", "harvest"]  # the first run's story kept
    assert after.vectors.ntotal == int(after.stories.end.iloc[-1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "theirs"]  # no staging or aside folder left


def test_a_new_index_folder_is_held_from_the_start_and_removed_when_the_run_fails(tmp_path: Path) -> None:
    target = tmp_path / "new"
    with IndexFolder(target) as first:
        assert target.is_dir()  # made and locked before any work, so a second build cannot start
        with pytest.raises(MtqaError, match="another mtqa index build or add"), IndexFolder(target):
            pytest.fail("a second run entered a held folder")
        assert first.path == target
    assert not target.exists()  # nothing was published: the folder is removed again
    with pytest.raises(MtqaError, match="is not an mtqa index"), IndexFolder(tmp_path / "missing", new=False):
        pass
    assert not (tmp_path / "missing").exists()


def test_find_output_is_checked_against_the_copies_and_the_index_before_any_work(
    real_index: ArchiveIndex, tmp_path: Path
) -> None:
    from mtqa.cli.app import app

    index = saved(real_index, tmp_path / "index")
    copy = tmp_path / "c.txt"
    copy.write_text("The mayor opened the new bridge on Monday. It cost 12 million euros.\n", encoding="utf-8")
    linked = tmp_path / "linked.txt"
    os.link(copy, linked)
    before = {p.name: p.read_bytes() for p in index.iterdir()}
    result = run_mtqa("find", str(copy), "--index", str(index), "-f", "json", "-o", str(copy))  # as a user runs it
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "is an input of this command" in result.stderr
    for target in (linked, index / "meta.json", index / "new.json", index):
        answer = CliRunner().invoke(app, ["find", str(copy), "--index", str(index), "-f", "json", "-o", str(target)])
        assert answer.exit_code == 2, answer.output
        assert answer.stderr.count("\n") == 1 and str(target) in answer.stderr
    assert copy.read_text(encoding="utf-8").startswith("The mayor opened")
    assert {p.name: p.read_bytes() for p in index.iterdir()} == before  # every byte of the index in place
    assert len(ArchiveIndex.load(index).stories) == 3
    (index / "meta.json").write_text("[]", encoding="utf-8")  # a damaged index is not read before the check
    answer = CliRunner().invoke(app, ["find", str(copy), "--index", str(index), "-o", str(copy)])
    assert answer.exit_code == 2 and "is an input of this command" in answer.stderr


def test_index_add_checks_its_target_before_embedding_anything(
    real_index: ArchiveIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mtqa.batch.indexing
    from mtqa.cli.app import app

    def embeds(*args: object, **kwargs: object) -> ArchiveIndex:
        raise AssertionError("the archive was embedded before the target was checked")

    monkeypatch.setattr(mtqa.batch.indexing, "build_index", embeds)
    index = saved(real_index, tmp_path / "index")
    archive = write_archive(tmp_path / "more", MORE)
    (tmp_path / "link").symlink_to(index)
    foreign = saved(real_index, tmp_path / "foreign")
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    runner = CliRunner()
    for target, message in (
        (tmp_path / "link", "is a symlink"),
        (foreign, "holds files mtqa did not write"),
        (index, "holds the input"),
    ):
        given = archive if target != index else index / "stories.parquet"
        result = runner.invoke(app, ["index", "add", str(target), str(given), "--no-progress"])
        assert result.exit_code == 2, result.output
        assert message in result.output
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_the_staging_folder_a_killed_run_left_is_removed_by_the_next_run(
    real_index: ArchiveIndex, tmp_path: Path
) -> None:
    index = saved(real_index, tmp_path / "index")
    staging = tmp_path / ".index.mtqa-staging"  # as a run killed while writing the new index leaves it
    staging.mkdir()
    (staging / "stories.parquet").write_bytes(b"half a table")
    (staging / ".mtqa-k2j4f9").write_text("{", encoding="utf-8")
    real_index.save(index)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    assert len(ArchiveIndex.load(index).stories) == 3
    staging.mkdir()
    (staging / "notes.txt").write_text("mine", encoding="utf-8")  # not a file mtqa writes there: kept
    with pytest.raises(MtqaError, match="holds files mtqa did not write"):
        real_index.save(index)
    assert (staging / "notes.txt").read_text(encoding="utf-8") == "mine"


# ------------------------------------------------------------------ damaged indexes


def _meta(edit: Callable[[dict[str, object]], object]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        (folder / "meta.json").write_text(json.dumps(edit(meta)), encoding="utf-8")

    return damage


def _stories(edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        table = pd.read_parquet(folder / "stories.parquet")
        edit(table).to_parquet(folder / "stories.parquet", index=False)

    return damage


def _signatures(folder: Path) -> None:
    np.save(folder / "signatures.npy", np.load(folder / "signatures.npy")[:, :64])


def _fifo(folder: Path) -> None:
    (folder / "signatures.npy").unlink()
    os.mkfifo(folder / "signatures.npy")


def _vectors_of_another_dimension(folder: Path) -> None:
    import faiss

    vectors = faiss.read_index(str(folder / "sentences.faiss"))
    other = faiss.IndexFlatIP(8)
    other.add(np.eye(8, dtype=np.float32)[np.arange(vectors.ntotal) % 8])
    faiss.write_index(other, str(folder / "sentences.faiss"))


DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "meta a list": (_meta(lambda meta: [meta]), "meta.json is not an object"),
    "meta without model": (_meta(lambda meta: {k: v for k, v in meta.items() if k != "model"}), "no model"),
    "meta dim a string": (_meta(lambda meta: {**meta, "dim": "384"}), "no valid dim"),
    "no end column": (_stories(lambda t: t.drop(columns="end")), "has no column end"),
    "first and end swapped": (_stories(lambda t: t.rename(columns={"first": "end", "end": "first"})), "offsets"),
    "end huge": (_stories(lambda t: t.assign(end=t.end + 10**15)), "offsets"),
    "first negative": (_stories(lambda t: t.assign(first=t["first"] - 5)), "offsets"),
    "offsets as strings": (_stories(lambda t: t.assign(first=t["first"].astype(str))), "column first is"),
    "id missing": (_stories(lambda t: t.assign(id=[None, *t.id[1:]])), "column id has an empty value"),
    "signatures cut": (_signatures, "signatures.npy has shape"),
    "vectors of another dimension": (_vectors_of_another_dimension, "8-dimensional vectors, meta.json says"),
}


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index on disk built with the fake embedder (no model), as the model's backend would record it."""
    embedder = FakeEmbedder()
    embedder.backend = "onnx int8"
    return saved(ArchiveIndex.build(STORIES, embedder), tmp_path_factory.mktemp("fake") / "index")


@pytest.mark.parametrize("damage", list(DAMAGES), ids=str)
def test_a_damaged_index_is_refused_in_one_line_on_load(fake_index: Path, tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "index"
    shutil.copytree(fake_index, folder)
    spoil, message = DAMAGES[damage]
    spoil(folder)
    with pytest.raises(MtqaError, match="the index is damaged") as error:
        ArchiveIndex.load(folder)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_damaged_index_is_one_line_and_exit_2_in_every_command(fake_index: Path, tmp_path: Path) -> None:
    from mtqa.cli.app import app

    fifo, listed = tmp_path / "fifo", tmp_path / "listed"
    for folder in (fifo, listed):
        shutil.copytree(fake_index, folder)
    _fifo(fifo)  # a read that would block forever
    copies = write_archive(tmp_path / "copies", MORE)
    # In another process, so that a read that blocks ends in the timeout, not in a test that never ends.
    result = run_mtqa("find", str(copies / "harvest.txt"), "--index", str(fifo), timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "signatures.npy is not a regular file" in result.stderr
    _meta(lambda meta: [meta])(listed)
    for command in (
        ["find", str(copies / "harvest.txt"), "--index", str(listed)],
        ["index", "add", str(listed), str(copies), "--no-progress"],
        ["audit-batch", str(copies), "--index", str(listed), "-o", str(tmp_path / "out"), "--no-progress"],
    ):
        answer = CliRunner().invoke(app, command)
        assert answer.exit_code == 2, answer.output
        assert answer.stderr.count("\n") == 1 and "meta.json is not an object" in answer.stderr
    assert not (tmp_path / "out").exists()


def test_vectors_of_another_dimension_than_the_model_are_refused(fake_index: Path, tmp_path: Path) -> None:
    folder = tmp_path / "index"
    shutil.copytree(fake_index, folder)
    _vectors_of_another_dimension(folder)
    _meta(lambda meta: {**meta, "dim": 8})(folder)  # edited to agree with each other, not with the model
    index = ArchiveIndex.load(folder)
    embedder = FakeEmbedder()
    embedder.backend = "onnx int8"
    with pytest.raises(MtqaError, match="8-dimensional vectors, fake-bag-of-words makes 256"):
        mtqa.find(STORIES[0].text, index, embedder=embedder)
    with pytest.raises(MtqaError, match="8-dimensional vectors, fake-bag-of-words makes 256"):
        index.add(MORE, embedder)


def test_offsets_that_tile_the_vectors_but_not_the_stories_are_refused_when_read(
    fake_index: Path, tmp_path: Path
) -> None:
    from mtqa.archive.find import find

    folder = tmp_path / "index"
    shutil.copytree(fake_index, folder)

    def shifted(table: pd.DataFrame) -> pd.DataFrame:  # story 0 has no vectors, story 1 has its own and story 0's
        return table.assign(first=[0, 0, *table["first"][2:]], end=[0, *table["end"][1:]])

    _stories(shifted)(folder)
    embedder = FakeEmbedder()
    embedder.backend = "onnx int8"
    with pytest.raises(MtqaError, match=r"the index is damaged \(story 'flood' has 6 sentence vectors for its 3"):
        find(STORIES[1].text, folder, embedder=embedder)


def test_an_empty_folder_made_for_the_index_is_used_and_left_empty_when_the_run_fails(tmp_path: Path) -> None:
    from mtqa.archive.folder import IndexFolder

    embedder = FakeEmbedder()
    embedder.backend = "onnx int8"
    built = ArchiveIndex.build(STORIES, embedder)
    empty = tmp_path / "made-by-hand"
    empty.mkdir()
    with pytest.raises(RuntimeError), IndexFolder(empty):
        raise RuntimeError("the build failed")
    assert empty.is_dir() and not any(empty.iterdir())
    with IndexFolder(empty) as folder:
        folder.publish(built.write_files)
    assert sorted(ArchiveIndex.load(empty).stories.id) == sorted(s.id for s in STORIES)


@pytest.mark.parametrize("named", [".", "sub/.."])
def test_an_index_named_by_a_dot_stages_beside_it_under_its_own_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: str
) -> None:
    from mtqa.archive.folder import STAGING_SUFFIX, IndexFolder

    (tmp_path / "idx" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "idx")
    assert IndexFolder(Path(named)).staging == tmp_path / f".idx{STAGING_SUFFIX}"


def test_a_run_that_loses_the_race_for_a_folder_it_made_leaves_the_winners_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mtqa.archive.folder as folder_module
    from mtqa.outputs import MARKER, marker_kind, write_marker

    path = tmp_path / "idx"

    def taken_by_a_rival(folder: Path, busy: str) -> None:
        write_marker(folder, folder_module.INDEX_KIND)  # the rival found the folder empty, adopted and locked it
        raise MtqaError(busy)

    monkeypatch.setattr(folder_module, "lock_folder", taken_by_a_rival)
    with pytest.raises(MtqaError, match="another mtqa index build or add"), folder_module.IndexFolder(path):
        pass
    assert (path / MARKER).is_file() and marker_kind(path) == folder_module.INDEX_KIND

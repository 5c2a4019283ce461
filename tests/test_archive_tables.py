"""Archive tables (CSV, JSONL, Parquet) are read whole or refused on one line that names the row."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mtqa.archive.stories import Story, read_archive
from mtqa.archive.tables import MAX_LABEL_CHARS
from mtqa.cli.app import app
from mtqa.embed.base import Embedder
from mtqa.errors import MtqaError
from mtqa.inputs import MAX_INPUT_BYTES

runner = CliRunner()
STORY = "The council met on Monday. It voted on the budget. The mayor spoke last."


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(MtqaError) as caught:
        read_archive(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


# ------------------------------------------------------------ ragged and non-story rows


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ("id,text\nx,y,z\n", "line 2 has 3 fields, the header 2"),  # was read as the story {'id': 'x', 'text': 'y'}
        ("id,text\na,One.\nb,Two.,\n", "line 3 has 3 fields"),
        ("id,text,title\na,One.,T\nb,Two.\n", "line 3 has 2 fields, the header 3"),
        ('id,text\na,"One\nstory."\nb\n', "row 3, line 4 has 1 fields"),  # a record spanning lines: both named
        ('id,text\na,"One.\n', "line 2: not well-formed CSV"),
        ("id,text,text\na,One.,Two.\n", "names the column 'text' twice"),
    ],
)
def test_a_ragged_or_broken_csv_is_refused_with_its_line(tmp_path: Path, table: str, where: str) -> None:
    path = tmp_path / "archive.csv"
    path.write_text(table, encoding="utf-8")
    assert where in refused(path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ([1, 2], "line 2: is a list, not an object"),
        ("a story", "line 2: is a string, not an object"),
        (3, "line 2: is a number (3), not an object"),
        (None, "line 2: is null, not an object"),
    ],
)
def test_a_jsonl_line_that_is_not_an_object_is_refused(tmp_path: Path, line: object, message: str) -> None:
    path = write_jsonl(tmp_path / "archive.jsonl", [{"id": "a", "text": STORY}, line])
    assert message in refused(path)


def test_a_jsonl_line_that_is_not_an_object_exits_2_on_one_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "archive.jsonl", [{"id": "a", "text": STORY}, [1, 2]])
    result = runner.invoke(app, ["index", "build", str(path), "--output", str(tmp_path / "index")])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("mtqa: error:") and result.stderr.count("\n") == 1
    assert "line 2" in result.stderr and not (tmp_path / "index").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 2: the text is empty"),
        (" \n\t", "line 2: the text is empty"),
        (5, "line 2: the text is a number (5), not text"),
        (None, "line 2: the text is null, not text"),
        (["x"], "line 2: the text is a list, not text"),
        ({"body": STORY}, "line 2: the text is an object, not text"),
        (True, "line 2: the text is true, not text"),
    ],
)
def test_a_row_whose_story_is_empty_or_not_text_is_refused(tmp_path: Path, text: object, message: str) -> None:
    rows = [{"id": "a", "text": STORY}, {"id": "b", "text": text}, {"id": "c", "text": STORY}]
    assert message in refused(write_jsonl(tmp_path / "archive.jsonl", rows))


def test_five_rows_give_five_stories_or_one_refusal(tmp_path: Path) -> None:
    # the table: "indexed 1 stories" of 5, the other four dropped without a word
    rows = [{"id": str(k), "text": t} for k, t in enumerate([STORY, "", 5, None, ["x"]])]
    assert "line 2: the text is empty" in refused(write_jsonl(tmp_path / "archive.jsonl", rows))
    fine = [{"id": str(k), "text": f"Story {k}. {STORY}"} for k in range(5)]
    assert len(read_archive(write_jsonl(tmp_path / "fine.jsonl", fine))) == 5
    csv_path = tmp_path / "archive.csv"
    csv_path.write_text("id,text\na,One.\nb,\nc,Three.\n", encoding="utf-8")
    assert "line 3: the text is empty" in refused(csv_path)


def test_a_row_without_an_id_or_a_text_key_is_refused(tmp_path: Path) -> None:
    assert "line 2: the text is missing" in refused(
        write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": STORY}, {"id": "b"}])
    )
    assert "line 1: the id is missing" in refused(write_jsonl(tmp_path / "b.jsonl", [{"text": STORY}]))


# ------------------------------------------------------------ a table story gets a text file's checks


def test_a_table_story_over_the_text_limit_is_refused(tmp_path: Path) -> None:
    long = "é" * (MAX_INPUT_BYTES // 2 + 1)  # fewer characters than the limit, more bytes
    rows = [{"id": "a", "text": STORY}, {"id": "big", "text": long}]
    message = refused(write_jsonl(tmp_path / "archive.jsonl", rows))
    assert "line 2: the text is too long" in message and "over the limit of 500,000 bytes" in message
    path = tmp_path / "archive.csv"
    path.write_text(f"id,text\nbig,{'word ' * (MAX_INPUT_BYTES // 5 + 1)}\n", encoding="utf-8")
    assert "line 2: the text is too long" in refused(path)
    under = "word " * (MAX_INPUT_BYTES // 5 - 1)  # a long story within the limit is read (over csv's own 131,072)
    path.write_text(f"id,text\nlong,{under}\n", encoding="utf-8")
    assert [s.id for s in read_archive(path)] == ["long"]


@pytest.mark.parametrize("text", ["A story.\x00 It ends.", "A\x01\x02\x03\x04 story.", "\x1b[2J\x1b[H" + "x" * 100])
def test_a_binary_table_story_is_refused(tmp_path: Path, text: str) -> None:
    rows = [{"id": "a", "text": STORY}, {"id": "b", "text": text}]
    assert "line 2: the text looks binary" in refused(write_jsonl(tmp_path / "archive.jsonl", rows))


def test_a_table_that_is_not_a_regular_file_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "archive.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException | object] = []

    def read() -> None:
        try:
            outcome.append(read_archive(fifo))
        except BaseException as error:  # the outcome is checked below
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(20)
    if reader.is_alive():  # opening the pipe blocked: let it go, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
        pytest.fail("reading a named pipe as an archive table blocked")
    assert isinstance(outcome[0], MtqaError) and "is not a regular file" in str(outcome[0])


# ------------------------------------------------------------ ids


@pytest.mark.parametrize(
    ("story_id", "message"),
    [
        (1.5, "the id is a number (1.5)"),
        (2.0, "the id is a number (2.0)"),
        (None, "the id is null"),
        (True, "the id is true"),
        (["a"], "the id is a list"),
        ("", "the id is empty"),
        ("   ", "the id is empty"),
        ("a\x1b[2Jb", "holds the control character U+001B"),
        ("a\nb", "holds the control character U+000A"),
        ("a\u2028b", "U+2028"),
        ("abc\u202edcba", "U+202E"),  # a right-to-left override shows one id as another
        ("x" * (MAX_LABEL_CHARS + 1), f"over the limit of {MAX_LABEL_CHARS:,}"),
        ("a\ud800", "lone surrogate"),
    ],
)
def test_a_bad_id_is_refused_with_its_line(tmp_path: Path, story_id: object, message: str) -> None:
    rows = [{"id": "first", "text": STORY}, {"id": story_id, "text": STORY}]
    got = refused(write_jsonl(tmp_path / "archive.jsonl", rows))
    assert "line 2: " in got and message in got


def test_ids_are_labels_never_paths_so_path_like_ids_are_kept_as_they_are(tmp_path: Path) -> None:
    ids = ["../..", "/etc/passwd", "2024/05/council-budget", "https://example.org/a?b=1", 7, " padded "]
    rows = [{"id": story_id, "text": f"{k}. {STORY}"} for k, story_id in enumerate(ids)]
    stories = read_archive(write_jsonl(tmp_path / "archive.jsonl", rows))
    assert [s.id for s in stories] == [
        "../..",
        "/etc/passwd",
        "2024/05/council-budget",
        "https://example.org/a?b=1",
        "7",
        "padded",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.jsonl"]  # reading made no file


def test_a_repeated_id_names_both_lines(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": STORY},
        {"id": "b", "text": STORY},
        {"id": 1, "text": STORY},
        {"id": "1", "text": STORY},
    ]
    assert "line 4: the id '1' appears twice (first at line 3)" in refused(write_jsonl(tmp_path / "a.jsonl", rows))


def test_a_parquet_table_is_checked_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "archive.parquet"
    pd.DataFrame({"id": pd.array([1, None, 3], dtype="Int64"), "text": [STORY] * 3}).to_parquet(path, index=False)
    assert "row 2: the id is null" in refused(path)
    pd.DataFrame({"id": [1, 2], "text": [STORY, None]}).to_parquet(path, index=False)
    assert "row 2: the text is null" in refused(path)
    dates = pd.to_datetime(["2024-05-01", None])
    pd.DataFrame({"id": [1, 2], "text": [STORY, STORY], "date": dates}).to_parquet(path, index=False)
    assert [(s.id, s.date) for s in read_archive(path)] == [("1", "2024-05-01T00:00:00"), ("2", None)]


def test_titles_and_dates_may_be_missing_but_not_misleading(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": STORY, "title": "Budget\n  passes", "date": 20240501},
        {"id": "b", "text": STORY, "title": None},
        {"id": "c", "text": STORY, "title": ""},
        {"id": "d", "text": STORY},
    ]
    stories = read_archive(write_jsonl(tmp_path / "archive.jsonl", rows))
    assert [(s.title, s.date) for s in stories] == [
        ("Budget passes", "20240501"),
        (None, None),
        (None, None),
        (None, None),
    ]
    bad = [{"id": "a", "text": STORY, "title": ["x"]}]
    assert "line 1: the title is a list, not text" in refused(write_jsonl(tmp_path / "bad.jsonl", bad))
    swapped = [{"id": "a", "text": "A headline", "title": STORY * 50}]  # columns swapped: the title holds a story
    assert "line 1: the title is" in refused(write_jsonl(tmp_path / "swapped.jsonl", swapped))


def test_odd_but_valid_tables_are_read(tmp_path: Path) -> None:
    path = tmp_path / "archive.csv"
    path.write_bytes(b'\xef\xbb\xbfid , text\r\na,One.\r\n\r\nb,"Two,\r\nlines."\r\n')  # BOM, CRLF, blank line
    assert [(s.id, s.text) for s in read_archive(path)] == [("a", "One."), ("b", "Two,\r\nlines.")]
    jsonl = tmp_path / "archive.jsonl"
    jsonl.write_text('{"id": "a", "text": "One\u2028two."}\n\n{"id": "b", "text": "Three.", "extra": [1]}\n', "utf-8")
    assert [(s.id, s.text) for s in read_archive(jsonl)] == [("a", "One\u2028two."), ("b", "Three.")]


# ------------------------------------------------------------ any table: stories, every one, or one MtqaError

HOSTILE_VALUES = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["", " ", "\x00", "\x1b[2J", "../..", "a\nb", "\u202e", "nan", "null", "1.5", "\ud800"]),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    st.integers(MAX_INPUT_BYTES // 5 - 1, MAX_INPUT_BYTES // 5 + 1).map(lambda n: "word " * n),  # at the limit
    st.integers(MAX_LABEL_CHARS - 1, MAX_LABEL_CHARS + 1).map(lambda n: "x" * n),
)
KEYS = st.sampled_from(["id", "text", "title", "date", "other"])
ROW = st.dictionaries(KEYS, HOSTILE_VALUES, max_size=5)
GOOD_ROW = st.builds(lambda k: {"id": f"s{k}", "text": f"Story {k}. {STORY}"}, st.integers(0, 10**6))
GARBAGE_LINES = st.sampled_from(["[1,2]", "{", '"x"', "3", "null", "[" * 5000, '{"id": 1e999}', "\xff"])


def csv_table(rows: list[dict[str, object]], ragged: list[int], header: list[str]) -> tuple[str, int]:
    """The CSV text, some rows cut short or given extra fields, and how many records are not blank."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    records = 0
    for number, row in enumerate(rows):
        cells = [row.get(column, "") for column in header]
        cut = ragged[number % len(ragged)] if ragged else 0
        cells = cells[: len(cells) + cut] if cut < 0 else cells + ["x"] * cut
        writer.writerow(cells)
        records += bool(cells)
    return out.getvalue(), records


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(
    good=st.lists(GOOD_ROW, max_size=5, unique_by=lambda row: row["id"]),
    hostile=st.lists(st.tuples(st.integers(0, 5), ROW), max_size=2),
    kind=st.sampled_from(["csv", "jsonl"]),
    ragged=st.lists(st.sampled_from([0, 0, 0, 0, -1, 1, -2, 2]), max_size=3),
    header=st.lists(st.sampled_from(["title", "date", "other", "text"]), max_size=3, unique=True),
    garbage=st.lists(GARBAGE_LINES, max_size=1),
)
def test_any_table_gives_every_row_as_a_story_or_one_mtqa_error(
    good: list[dict[str, object]],
    hostile: list[tuple[int, dict[str, object]]],
    kind: str,
    ragged: list[int],
    header: list[str],
    garbage: list[str],
) -> None:
    rows = list(good)
    for place, row in hostile:
        rows.insert(place, row)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"archive.{kind}"
        if kind == "csv":
            text, records = csv_table(rows, ragged, ["id", "text", *header])
        else:
            lines = [json.dumps(row) for row in rows] + garbage
            text, records = "\n".join(lines) + "\n", len(lines)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")  # a lone surrogate: bytes that are not UTF-8
        began = time.monotonic()
        try:
            stories = read_archive(path)
        except MtqaError as error:
            assert "\n" not in str(error)
            event(f"refused: {str(error).split(': ', 2)[-1][:24]}")
            stories = None
        assert time.monotonic() - began < 20  # normally milliseconds
        if stories is not None:
            event("read")
            assert len(stories) == records  # every row a story: nothing dropped without a word
            for story in stories:
                assert isinstance(story, Story) and story.id.strip() and story.id == story.id.strip()
                assert story.text.strip() and len(story.text.encode("utf-8")) <= MAX_INPUT_BYTES
                assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in story.id + (story.title or ""))


# ------------------------------------------------------------ find: a missing title is shown as missing

COUNCIL = (
    "The city council met on Monday evening to vote on the new budget. "
    "Members argued for three hours about the cost of repairing the old bridge. "
    "The mayor said the repairs could not wait another winter. "
    "In the end the budget passed by seven votes to four. "
    "Work on the bridge is to begin in the spring."
)
HARBOUR = (
    "Fishermen in the northern harbour landed a record catch of herring this week. "
    "The cold water brought the shoals closer to the coast than in any year since 1990. "
    "Prices at the morning auction fell by a third. "
    "Buyers from three countries came to the quay. "
    "The harbour master expects the season to last until March."
)


def test_find_shows_a_story_without_a_title_as_untitled_never_nan(tmp_path: Path, onnx_embedder: Embedder) -> None:
    from mtqa.archive.index import ArchiveIndex

    archive = write_jsonl(
        tmp_path / "archive.jsonl",
        [{"id": "council", "text": COUNCIL}, {"id": "harbour", "text": HARBOUR, "title": "Record herring catch"}],
    )
    ArchiveIndex.build(read_archive(archive), onnx_embedder).save(tmp_path / "index")
    copies = []
    for name, text in (("council", COUNCIL), ("harbour", HARBOUR)):
        copies.append(tmp_path / f"{name}-copy.txt")
        copies[-1].write_text(text, encoding="utf-8")
    args = ["find", *map(str, copies), "--index", str(tmp_path / "index")]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "source: council:" in table.stdout and "source: harbour “Record herring catch”:" in table.stdout
    assert "nan" not in table.stdout
    answer = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    titles = {c["id"]: c["title"] for a in answer for c in a["candidates"]}
    assert titles == {"council": None, "harbour": "Record herring catch"}

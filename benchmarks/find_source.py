"""Finding a copy's source in an archive (``mtqa index`` and ``mtqa find``), for BENCHMARKS.md (issue 15).

The archive holds the 244 professional English translations of the WMT21
ja/ru/is-en documents (``../shared/data/wmt21_news_docs.jsonl``), the first
report of each of the 16 invented events in ``fixtures/same_event``, and
``--distractors`` stories made by recombining sentences of the translations:
12 to 30 sentences drawn at random from all documents. A distractor therefore
shares words, names and single sentences with the real stories, but never
renders one in order.

Queries, each answered by ``mtqa.find`` (retrieval, then verification by
alignment), with one random seed:

- **MT copies**: for each translated document, the output of one MT system
  picked at random, with its paragraphs. The right original must come first
  and be verified as the source.
- **Garbled MT copies**: the same outputs through a small content-farm
  generator: one paragraph (or run of sentences) cut, the rest in chunks
  shuffled, and two sentences of another document's MT output added.
- **Unrelated stories**: the 65 original English documents, which the archive
  lacks. They must get no source.
- **Same-event coverage**: a copy of each event's second report (paragraphs
  shuffled, one cut). The archive holds the event's first report, written
  independently, but not the second: the copy must get no source. Then the
  second reports are added (``ArchiveIndex.add``) and the same copies must find
  them.
- **The seed copy**, against the fixtures' originals plus the distractors.

It also times the build (per 10,000 stories), the index's size on disk, and
warm queries (embedding included).

Run: ``PYTHONPATH=. python benchmarks/find_source.py [--distractors 10000]``; with
``--scale 100000`` it only builds an index of that many stories and measures, in a
new process, the memory and query time of using it; with ``--engines 1000`` it only
times an uncached build (``mtqa index build``'s engine) with one and two worker processes.
Sentence vectors are cached in ``benchmarks/.cache/find_source.sqlite``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import pandas as pd

from mtqa.archive.find import SOURCE_RULE, SourceRule, find
from mtqa.archive.index import ArchiveIndex
from mtqa.archive.stories import Story
from mtqa.embed.cache import CachedEmbedder
from mtqa.embed.onnx import OnnxEmbedder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "wmt21_news_docs.jsonl"
SAME_EVENT = ROOT / "fixtures" / "same_event"
CACHE = Path(__file__).resolve().parent / ".cache" / "find_source.sqlite"


def document_text(segments: list[str], paragraphs: list[int]) -> str:
    out, start = [], 0
    for size in paragraphs:
        out.append(" ".join(segments[start : start + size]))
        start += size
    return "\n\n".join(out)


def chunks(text: str, rng: random.Random) -> list[str]:
    """The text's paragraphs, or for a one-paragraph text runs of 2 to 4 sentences."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) > 2:
        return paragraphs
    from mtqa.segment.sentences import segment

    sentences = [s.text for s in segment(text).sentences]
    out, k = [], 0
    while k < len(sentences):
        size = rng.randint(2, 4)
        out.append(" ".join(sentences[k : k + size]))
        k += size
    return out


def garble(text: str, added: str, rng: random.Random) -> str:
    """A content farm's copy: one chunk cut, the chunks after the first shuffled, and foreign sentences added."""
    parts = chunks(text, rng)
    if len(parts) > 3:
        parts.pop(rng.randrange(1, len(parts)))
    rest = parts[1:]
    rng.shuffle(rest)
    parts = [parts[0], *rest]
    parts.insert(rng.randrange(1, len(parts) + 1), added)
    return "\n\n".join(parts)


def distractors(segments: list[str], count: int, rng: random.Random) -> list[Story]:
    return [Story(f"distractor-{k:05d}", "\n\n".join(rng.sample(segments, rng.randint(12, 30)))) for k in range(count)]


def scale(stories: int, seed: int) -> None:
    """Build an index of ``stories`` stories (the translations and distractors), then query it from a new process.

    The new process loads the index, answers 60 MT copies (one random system
    each), and reports its peak memory (the index, the model and spaCy
    included), the query times and how many copies found their original.
    """
    rng = random.Random(seed)
    docs = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    translated = [d for d in docs if d["set"] != "en-ja"]
    archive = [Story(d["doc"], document_text(d["reference"], d["paragraphs"])) for d in translated]
    archive += distractors([s for d in translated for s in d["reference"]], stories - len(archive), rng)
    CACHE.parent.mkdir(exist_ok=True)
    start = time.perf_counter()
    index = ArchiveIndex.build(archive, CachedEmbedder(OnnxEmbedder(), CACHE))
    built = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "index"
        index.save(folder)
        size = sum(f.stat().st_size for f in folder.iterdir())
        sentences = int(index.vectors.ntotal)
        del index
        copies = Path(scratch) / "copies.json"
        picks = rng.sample(translated, 60)
        queries = [
            [d["doc"], document_text(d["systems"][rng.choice(sorted(d["systems"]))], d["paragraphs"])] for d in picks
        ]
        copies.write_text(json.dumps(queries), encoding="utf-8")
        code = (
            "import json, statistics, sys, time\n"
            "from mtqa.archive.find import find\nfrom mtqa.archive.index import ArchiveIndex\n"
            "start = time.perf_counter(); index = ArchiveIndex.load(__import__('pathlib').Path(sys.argv[1]))\n"
            "loaded = time.perf_counter() - start; queries = json.load(open(sys.argv[2]))\n"
            "find('A sentence to warm the model and the LSH tables.', index); times = []; right = 0\n"
            "for want, copy in queries:\n"
            "    start = time.perf_counter(); found = find(copy, index); times.append(time.perf_counter() - start)\n"
            "    right += bool(len(found)) and bool(found.match.iloc[0]) and found.id.iloc[0] == want\n"
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent at fork
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
            "print(json.dumps({'load': loaded, 'median': statistics.median(times), 'max': max(times),\n"
            "    'right': right, 'queries': len(queries), 'peak_GB': int(hwm) * 1024 / 1e9}))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code, str(folder), str(copies)], check=True, capture_output=True, text=True
        )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"{stories} stories, {sentences} sentences: build {built:.0f} s, {size / 1e9:.2f} GB on disk; "
        f"a new process loads it in {measured['load']:.1f} s and answers warm queries in "
        f"{measured['median'] * 1000:.0f} ms (median of {measured['queries']}, max {measured['max'] * 1000:.0f} ms), "
        f"peak memory {measured['peak_GB']:.2f} GB; {measured['right']} of {measured['queries']} MT copies "
        "found their original first, verified"
    )


def answers(evidence: pd.DataFrame, rule: SourceRule) -> pd.Series:
    """Per query, the source ``rule`` names (the best candidate it accepts, as ``find`` ranks them), or None."""
    accepted = evidence[
        [
            rule.accepts(share, run, matched, sentences)
            for share, run, matched, sentences in zip(
                evidence.score, evidence.longest_run, evidence.matched_sentences, evidence.copy_sentences, strict=True
            )
        ]
    ]
    first = accepted.sort_values(["query", "score", "mean_similarity", "id"], ascending=[True, False, False, True])
    named = first.drop_duplicates("query").set_index("query").id
    return named.reindex(sorted(evidence["query"].unique()))


def judged(evidence: pd.DataFrame, rule: SourceRule) -> dict[str, float]:
    """How ``rule`` does on the queries of ``evidence``: sources found, no-source kept, false sources named."""
    wants = evidence.drop_duplicates("query").set_index("query").want
    named = answers(evidence, rule).reindex(wants.index)
    present = wants.notna()
    return {
        "found": float((named[present] == wants[present]).mean()),
        "absent_kept": float(named[~present].isna().mean()),
        # naming a story that is not the copy's source: the costly mistake
        "false_sources": int((named.notna() & (named != wants)).sum()),
        "queries": len(wants),
    }


def calibrate(evidence: pd.DataFrame) -> None:
    """Choose the no-source rule on one half of the queries and measure it on the other, both ways round.

    Queries are split by their original (MT and garbled copies of one document,
    and the two same-event queries of one event, fall in the same half). On the
    fitting half, the rules of a grid that name no false source are kept, and of
    those the ones that find the most sources; ties go to the strictest rule.
    """
    grid = [
        SourceRule(min_share, min_run, share_alone, short, short_share)
        for min_share in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
        for min_run in (2, 3, 4, 5)
        for share_alone in (0.4, 0.5, 0.6, 0.7, 0.8, 1.01)
        for short in (5, 7, 9)
        for short_share in (0.4, 0.5, 0.6)
    ]
    for fit in (0, 1):
        fitting, held_out = evidence[evidence.fold == fit], evidence[evidence.fold != fit]

        def merit(rule: SourceRule, fitting: pd.DataFrame = fitting) -> tuple[float, ...]:
            r = judged(fitting, rule)
            strictness = (rule.min_run, rule.min_share, rule.share_alone, -rule.short, rule.short_share)
            return (-r["false_sources"], r["found"] + r["absent_kept"], *strictness)

        chosen = max(grid, key=merit)
        print(f"rule chosen on half {fit}: {chosen}")
        for name, rule in (("chosen", chosen), ("shipped", SOURCE_RULE)):
            print(f"  {name} on the held-out half: {judged(held_out, rule)}")


def engines(stories: int, seed: int) -> None:
    """Build an index of ``stories`` uncached stories with one process and with two worker processes, and time both.

    The archive is a Parquet table; nothing is cached, so every sentence is embedded.
    """
    from mtqa.batch.indexing import build_index
    from mtqa.batch.jobs import EngineOptions

    rng = random.Random(seed)
    docs = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    translated = [d for d in docs if d["set"] != "en-ja"]
    archive = [Story(d["doc"], document_text(d["reference"], d["paragraphs"])) for d in translated]
    archive += distractors([s for d in translated for s in d["reference"]], stories - len(archive), rng)
    with tempfile.TemporaryDirectory() as scratch:
        table = Path(scratch) / "archive.parquet"
        pd.DataFrame({"id": [s.id for s in archive], "text": [s.text for s in archive]}).to_parquet(table)
        built = {}
        for workers in (1, 2):
            start = time.perf_counter()
            index = build_index(table, EngineOptions(backend="onnx"), workers=workers)
            seconds = time.perf_counter() - start
            built[workers] = index
            sentences = int(index.vectors.ntotal)
            print(
                f"{workers} worker process{'es' if workers > 1 else ''}: {stories} stories ({sentences} sentences) "
                f"in {seconds:.0f} s: {sentences / seconds:.0f} sentences/s, "
                f"{seconds * 10_000 / stories / 60:.1f} min per 10,000 stories"
            )
        assert built[1].stories.equals(built[2].stories)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scale", type=int, help="only build an index of this many stories and measure its memory")
    parser.add_argument("--engines", type=int, help="only time an uncached build of this many stories, 1 and 2 workers")
    args = parser.parse_args()
    if args.engines:
        engines(args.engines, args.seed)
        return
    if args.scale:
        scale(args.scale, args.seed)
        return
    rng = random.Random(args.seed)
    docs = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    translated = [d for d in docs if d["set"] != "en-ja"]
    english = [d for d in docs if d["set"] == "en-ja"]
    events = sorted(p for p in SAME_EVENT.iterdir() if p.is_dir())
    archive = [Story(d["doc"], document_text(d["reference"], d["paragraphs"])) for d in translated]
    archive += [Story(f"{e.name}-a", (e / "report_a.txt").read_text(encoding="utf-8")) for e in events]
    pool = [s for d in translated for s in d["reference"]]
    fillers = distractors(pool, args.distractors, rng)
    CACHE.parent.mkdir(exist_ok=True)
    embedder = CachedEmbedder(OnnxEmbedder(), CACHE)

    start = time.perf_counter()
    index = ArchiveIndex.build(archive + fillers, embedder)
    build_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "index"
        index.save(folder)
        size = sum(f.stat().st_size for f in folder.iterdir())
        index = ArchiveIndex.load(folder)
    stories = len(archive) + len(fillers)
    print(
        f"archive: {stories} stories ({len(fillers)} distractors), {int(index.vectors.ntotal)} sentences; "
        f"build {build_seconds:.1f} s ({build_seconds * 10_000 / stories:.1f} s per 10,000 stories, "
        f"sentence vectors through the embedding cache), {size / 1e6:.1f} MB on disk "
        f"({size / 1e6 * 10_000 / stories:.1f} MB per 10,000)"
    )
    find("A sentence to warm the model and the LSH tables.", index, embedder=embedder)

    rows, times, evidence = [], [], []

    def ask(kind: str, copy: str, want: str | None, origin: str, target: ArchiveIndex = index) -> None:
        """Answer one query; ``origin`` (its document or event) decides its half for ``calibrate``."""
        begin = time.perf_counter()
        found = find(copy, target, embedder=embedder)
        times.append(time.perf_counter() - begin)
        fold = zlib.crc32(origin.encode()) % 2
        evidence.append(found.assign(query=len(rows), kind=kind, want=want, fold=fold))
        matches = found[found.match]
        top = str(found.id.iloc[0]) if len(found) else None
        source = str(matches.id.iloc[0]) if len(matches) else None
        rows.append({"kind": kind, "want": want, "top": top, "source": source, "right": source == want})

    systems = {}
    for d in translated:
        system = rng.choice(sorted(d["systems"]))
        systems[d["doc"]] = system
        copy = document_text(d["systems"][system], d["paragraphs"])
        ask("MT copy", copy, d["doc"], d["doc"])
        other = rng.choice([o for o in translated if o is not d])
        other_system = rng.choice(sorted(other["systems"]))
        at = rng.randrange(max(len(other["systems"][other_system]) - 1, 1))
        added = " ".join(other["systems"][other_system][at : at + 2])
        ask("garbled MT copy", garble(copy, added, rng), d["doc"], d["doc"])
    for d in english:
        ask("unrelated story", document_text(d["source"], d["paragraphs"]), None, d["doc"])
    copies = {e.name: garble((e / "report_b.txt").read_text(encoding="utf-8"), "", rng) for e in events}
    for name, copy in copies.items():
        ask("same event, original absent", copy, None, name)
    seconds = statistics.median(times)
    p95 = sorted(times)[int(0.95 * (len(times) - 1))]
    with_b = index.add(
        [Story(f"{e.name}-b", (e / "report_b.txt").read_text(encoding="utf-8")) for e in events], embedder
    )
    for name, copy in copies.items():
        ask("same event, original present", copy, f"{name}-b", name, with_b)

    frame = pd.DataFrame(rows)
    table = frame.groupby("kind", sort=False).agg(queries=("right", "size"), right=("right", "mean"))
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    print(f"warm query, embedding included: median {seconds * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms")
    wrong = frame[~frame.right]
    if len(wrong):
        print("wrong answers:\n" + wrong.to_string(index=False))
    calibrate(pd.concat(evidence, ignore_index=True))
    counts = pd.Series(systems).value_counts()
    print("MT system of each copy (documents per system): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("per document: " + ", ".join(f"{doc}={system}" for doc, system in sorted(systems.items())))

    fixtures = [
        Story(p.parent.name, p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "fixtures").glob("*/original.txt"))
        if p.parent.name != "seed"
    ]
    seed = ROOT / "fixtures" / "seed"
    seeded = ArchiveIndex.build(
        [*fixtures, Story("seed", (seed / "original.txt").read_text(encoding="utf-8")), *fillers], embedder
    )
    found = find((seed / "copy.txt").read_text(encoding="utf-8"), seeded, embedder=embedder)
    best = found.iloc[0]
    print(
        f"seed copy against {len(fixtures) + 1} fixture originals and {len(fillers)} distractors: first {best.id}, "
        f"match {bool(best.match)}, {best.matched_sentences} of {best.copy_sentences} sentences, run {best.longest_run}"
    )


if __name__ == "__main__":
    main()

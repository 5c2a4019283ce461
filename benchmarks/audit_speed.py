"""What an audit costs beside embedding its sentences, for BENCHMARKS.md (issue 14).

Measured in one run, on this machine, with the ONNX backend (the export already built):

1. **the embedder alone** on the copy sentences of the fixture pairs (the
   packaged model warm, its default threads), in sentences/s;
2. **the warm audit rate**: ``mtqa.audit`` on each fixture pair once, in one
   process, the model and spaCy loaded by a first audit of another text, in
   copy sentences/s, and its ratio to (1), with the time of each stage summed
   over the pairs;
3. **the cold ``mtqa audit``** of the seed pair in a new process (median of 3),
   beside the import of the command line, the spaCy load and the ONNX session
   load, each timed alone in a new process;
4. **long inputs**: an original and a copy of about 50, 200 and 500 kB (the
   input limit), built by running the fixture pairs one after another, each
   audited in a new process after the models are loaded: the audit's seconds,
   seconds per copy sentence, and the process's peak memory;
5. **cold ``audit-batch``** on 1,000 synthetic pairs (``batch_speed.py``'s:
   the fixture copies with paragraphs shuffled, dropped or swapped), with an
   empty cache, in copy sentences/s, and the embedder alone on the same copy
   sentences with the same number of worker processes (one thread each).

Run: ``PYTHONPATH=. python benchmarks/audit_speed.py`` (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from benchmarks.batch_speed import build_manifest, run_measured

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
MTQA = [sys.executable, "-m", "mtqa"]
SIZES_KB = (50, 200, 500)
BATCH_PAIRS = 1000
WORKERS = 2  # audit-batch's default on this machine: one per core


def fixture_pairs() -> list[tuple[str, str]]:
    """Every fixture pair with an original and a copy, in a fixed order."""
    folders = sorted(p.parent for p in FIXTURES.rglob("original.txt") if (p.parent / "copy.txt").is_file())
    return [
        ((f / "original.txt").read_text(encoding="utf-8"), (f / "copy.txt").read_text(encoding="utf-8"))
        for f in folders
    ]


def copy_sentences(copies: list[str]) -> list[str]:
    from mtqa.segment.sentences import segment

    return [s.norm for copy in copies for s in segment(copy).sentences]


def warm_rates() -> dict[str, object]:
    """(1) and (2): the embedder alone, then the audit, on the same copy sentences in one process."""
    import mtqa
    import mtqa.pipeline as pipeline
    from mtqa.embed.onnx import OnnxEmbedder
    from mtqa.nlp.parser import SentenceParses

    pairs = fixture_pairs()
    sentences = copy_sentences([copy for _, copy in pairs])
    embedder = OnnxEmbedder()
    embedder.encode(["A sentence to load the model."])
    start = time.perf_counter()
    embedder.encode(sentences)
    embed_rate = len(sentences) / (time.perf_counter() - start)

    stages: dict[str, float] = {}

    def timed(name: str, function: object) -> object:
        def wrapper(*args: object, **kwargs: object) -> object:
            begin = time.perf_counter()
            try:
                return function(*args, **kwargs)  # type: ignore[operator]
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - begin

        return wrapper

    for name in ("segment", "lexical_similarities", "embed_documents", "align", "score_units", "build_report"):
        setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    parse = SentenceParses.sentence

    def parse_timed(self: SentenceParses, side: str, sentence_id: int) -> object:
        if getattr(self, "_docs", None) is None:
            return timed("parse", parse)(self, side, sentence_id)
        return parse(self, side, sentence_id)  # type: ignore[arg-type]

    SentenceParses.sentence = parse_timed  # type: ignore[assignment,method-assign]
    mtqa.audit("Officials opened the new bridge on Monday.", "The new bridge opened Monday.", embedder=embedder)
    stages.clear()
    start = time.perf_counter()
    for original, copy in pairs:
        mtqa.audit(original, copy, embedder=embedder)
    audit_seconds = time.perf_counter() - start
    SentenceParses.sentence = parse  # type: ignore[method-assign]
    stages["detectors and the rest"] = audit_seconds - sum(stages.values())
    audit_rate = len(sentences) / audit_seconds
    return {
        "pairs": len(pairs),
        "copy_sentences": len(sentences),
        "embedder_per_s": embed_rate,
        "audit_per_s": audit_rate,
        "ratio": audit_rate / embed_rate,
        "audit_seconds": audit_seconds,
        "stages": stages,
    }


def _python(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def cold_start(repeats: int = 3) -> dict[str, float]:
    """(3): a cold ``mtqa audit`` of the seed pair, and its parts each in a new process (medians)."""
    seed = FIXTURES / "seed"
    command = [*MTQA, "audit", str(seed / "original.txt"), str(seed / "copy.txt"), "-f", "json"]

    def wall() -> float:
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - start

    parts = {
        "python": "pass",
        "import the command line": "import mtqa.cli.app",
        "load spaCy": "from mtqa.nlp.parser import english; english()",
        "load the ONNX session": "from mtqa.embed.onnx import OnnxEmbedder; OnnxEmbedder().encode(['x'])",
    }
    result = {"audit": statistics.median(wall() for _ in range(repeats))}
    result.update({name: statistics.median(_python(code) for _ in range(repeats)) for name, code in parts.items()})
    return result


def long_pair(kb: int) -> tuple[str, str]:
    """An original and a copy of at most ``kb`` kB each, built from the fixture pairs one after another."""
    pairs = [p for p in fixture_pairs() if "¿" not in p[0]]
    original = copy = ""
    for k in range(10_000):
        more_original, more_copy = pairs[k % len(pairs)]
        if max(len((original + more_original).encode()), len((copy + more_copy).encode())) + 4 > kb * 1000:
            break
        original, copy = original + more_original + "\n\n", copy + more_copy + "\n\n"
    return original, copy


def one_size(kb: int) -> dict[str, float]:
    """Run in a new process by ``sizes``: load the models, then time one audit of ``long_pair(kb)``."""
    import mtqa
    from mtqa.embed.onnx import OnnxEmbedder
    from mtqa.nlp.parser import english

    original, copy = long_pair(kb)
    embedder = OnnxEmbedder()
    embedder.encode(["A sentence to load the model."])
    english()
    start = time.perf_counter()
    report = mtqa.audit(original, copy, embedder=embedder)
    seconds = time.perf_counter() - start
    sentences = int((report.sentences.side == "copy").sum())
    return {
        "kB": len(copy.encode()) / 1000,
        "original_kB": len(original.encode()) / 1000,
        "copy_sentences": sentences,
        "seconds": seconds,
        "ms_per_sentence": 1000 * seconds / sentences,
        "peak_GB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9,
    }


def sizes() -> list[dict[str, float]]:
    """(4): each size in a new process, so each peak is its own."""
    rows = []
    for kb in SIZES_KB:
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.audit_speed", "--size", str(kb)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        rows.append(json.loads(output.stdout.strip().splitlines()[-1]))
    return rows


def _embed_alone(texts: list[str]) -> float:
    from mtqa.embed.onnx import OnnxEmbedder

    embedder = OnnxEmbedder(threads=1)
    embedder.encode(["A sentence to load the model."])
    start = time.perf_counter()
    embedder.encode(texts)
    return time.perf_counter() - start


def batch_rates(count: int = BATCH_PAIRS) -> dict[str, float]:
    """(5): cold audit-batch, and the embedder alone on the same copy sentences with as many workers."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        manifest = build_manifest(folder, count)
        copies = [(folder / c).read_text(encoding="utf-8") for c in pd.read_csv(manifest)["copy"]]
        sentences = copy_sentences(copies)
        seconds, peak = run_measured(
            [*MTQA, "audit-batch", str(manifest), "-o", str(folder / "out"), "--cache-file", str(folder / "cache.db")]
        )
        shares = [sentences[k::WORKERS] for k in range(WORKERS)]
        with ProcessPoolExecutor(WORKERS) as pool:
            alone = max(pool.map(_embed_alone, shares))
    return {
        "pairs": count,
        "copy_sentences": len(sentences),
        "seconds": seconds,
        "peak_GB": peak,
        "audit_per_s": len(sentences) / seconds,
        "embedder_per_s": len(sentences) / alone,
        "ratio": (len(sentences) / seconds) / (len(sentences) / alone),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)  # one long input, in a new process
    parser.add_argument("--skip-batch", action="store_true", help="leave out (5), the longest part")
    args = parser.parse_args()
    if args.size:
        print(json.dumps(one_size(args.size)))
        return
    warm = warm_rates()
    print(
        f"embedder alone: {warm['embedder_per_s']:.0f} copy sentences/s ({warm['copy_sentences']} sentences, "
        f"{warm['pairs']} fixture pairs)"
    )
    print(f"warm audit: {warm['audit_per_s']:.1f} copy sentences/s, ratio {warm['ratio']:.3f}")
    stages = warm["stages"]
    assert isinstance(stages, dict)
    print("  " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(stages.items(), key=lambda x: -x[1])))
    cold = cold_start()
    print("cold mtqa audit of the seed pair: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in cold.items()))
    rows = sizes()
    for row in rows:
        print(
            f"long input {row['kB']:.0f} kB (original {row['original_kB']:.0f} kB, {row['copy_sentences']} copy "
            f"sentences): {row['seconds']:.1f} s, {row['ms_per_sentence']:.2f} ms per sentence, "
            f"peak {row['peak_GB']:.2f} GB"
        )
    growth = rows[-1]["ms_per_sentence"] / rows[0]["ms_per_sentence"]
    print(f"per sentence, {SIZES_KB[-1]} kB against {SIZES_KB[0]} kB: {growth:.2f}x")
    if not args.skip_batch:
        batch = batch_rates()
        print(
            f"cold audit-batch, {batch['pairs']} pairs ({batch['copy_sentences']} copy sentences): "
            f"{batch['seconds']:.1f} s, {batch['audit_per_s']:.1f} copy sentences/s, peak {batch['peak_GB']:.2f} GB; "
            f"embedder alone with {WORKERS} workers {batch['embedder_per_s']:.0f}/s; ratio {batch['ratio']:.3f}"
        )


if __name__ == "__main__":
    main()

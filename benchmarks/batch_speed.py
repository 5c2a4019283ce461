"""Speed and memory of the embedder backends and of audit-batch, for BENCHMARKS.md.

Measured in one run, on this machine:

1. embedding throughput, torch fp32 against ONNX int8, on the same 2,000
   distinct sentences (TED hypotheses from ``../shared/data``), with the cosine
   between the two backends' vectors of each sentence;
2. the wall time of a cold ``mtqa audit`` of the seed pair for each backend
   (a new process each time; median of 3);
3. ``mtqa audit-batch`` on 200 and 1,000 synthetic pairs built from the
   fixture pairs (each original with many copies: the fixture copy with its
   paragraphs shuffled, one dropped or two swapped, by a seeded generator, and
   a closing line that makes every copy distinct),
   cold (empty cache), with the peak memory of the whole process tree, then
   warm (same cache, new output folder);
4. the baseline: ``mtqa.audit`` called in a loop in one process with the torch
   backend, on the first ``--loop`` pairs of the 1,000 (its rate is per pair,
   so the 1,000-pair time is the rate times 1,000).

Run: ``PYTHONPATH=. python benchmarks/batch_speed.py [--loop 100]`` (about 15 minutes).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

from mtqa.embed.onnx import OnnxEmbedder
from mtqa.embed.torch import SentenceTransformerEmbedder

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
DATA = ROOT.parent / "shared" / "data" / "mqm_ted_zhen.tsv"
MTQA = [sys.executable, "-m", "mtqa"]


def embedding_throughput(count: int = 2000) -> dict[str, float]:
    frame = pd.read_csv(DATA, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    texts = sorted(set(frame.hypothesis))[:count]
    rates, vectors = {}, {}
    for name, embedder in (("torch fp32", SentenceTransformerEmbedder()), ("onnx int8", OnnxEmbedder())):
        embedder.encode(["warm up"])
        start = time.perf_counter()
        vectors[name] = embedder.encode(texts)
        rates[name] = len(texts) / (time.perf_counter() - start)
    cosines = (vectors["torch fp32"] * vectors["onnx int8"]).sum(axis=1)
    return {
        "sentences": len(texts),
        "torch_per_s": rates["torch fp32"],
        "onnx_per_s": rates["onnx int8"],
        "speedup": rates["onnx int8"] / rates["torch fp32"],
        "cosine_mean": float(cosines.mean()),
        "cosine_min": float(cosines.min()),
    }


def cold_audit_seconds(backend: str, repeats: int = 3) -> float:
    seed = FIXTURES / "seed"
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            [*MTQA, "audit", str(seed / "original.txt"), str(seed / "copy.txt"), "--backend", backend, "-f", "json"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fixture_pairs() -> list[Path]:
    return sorted(p for p in [*FIXTURES.glob("*"), *FIXTURES.glob("heldout/*")] if (p / "original.txt").is_file())


def variant(copy: str, rng: random.Random) -> str:
    paragraphs = [p for p in copy.split("\n\n") if p.strip()]
    move = rng.choice(("shuffle", "drop", "swap"))
    if move == "shuffle":
        rng.shuffle(paragraphs)
    elif move == "drop" and len(paragraphs) > 2:
        paragraphs.pop(rng.randrange(1, len(paragraphs)))
    elif len(paragraphs) > 2:
        i = rng.randrange(len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    return "\n\n".join(paragraphs) + "\n"


def build_manifest(folder: Path, count: int) -> Path:
    rng = random.Random(count)
    pairs = fixture_pairs()
    texts = folder / "texts"
    texts.mkdir(parents=True)
    rows = []
    for k in range(count):
        pair = pairs[k % len(pairs)]
        original = texts / f"{pair.name}.original.txt"
        if not original.exists():
            original.write_text((pair / "original.txt").read_text(encoding="utf-8"), encoding="utf-8")
        copy = texts / f"{k:05d}.{pair.name}.copy.txt"
        # The closing line makes every copy distinct, so no audit is a cache hit within the cold run.
        text = variant((pair / "copy.txt").read_text(encoding="utf-8"), rng) + f"\nReposted by reader {k}.\n"
        copy.write_text(text, encoding="utf-8")
        rows.append({"id": f"{k:05d}", "original": original.relative_to(folder), "copy": copy.relative_to(folder)})
    manifest = folder / "manifest.csv"
    pd.DataFrame(rows).to_csv(manifest, index=False)
    return manifest


def run_measured(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (GB) of ``command`` and all its children, sampled every 50 ms."""
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    done.set()
    sampler.join()
    if process.returncode:
        raise RuntimeError(stderr.decode()[-2000:])
    return time.perf_counter() - start, peak / 1e9


def batch(manifest: Path, output: Path, cache: Path) -> tuple[float, float]:
    return run_measured([*MTQA, "audit-batch", str(manifest), "-o", str(output), "--cache-file", str(cache)])


def loop_rate(manifest: Path, count: int) -> float:
    """Pairs per second of mtqa.audit in a loop, torch backend, model loaded once (load time included)."""
    code = (
        "import sys, time, pandas as pd\nfrom pathlib import Path\nimport mtqa\n"
        f"m = Path({str(manifest)!r}); rows = pd.read_csv(m).head({count})\n"
        "start = time.perf_counter()\n"
        "for r in rows.itertuples():\n"
        "    mtqa.audit((m.parent / r.original).read_text(), (m.parent / r.copy).read_text(), backend='torch')\n"
        "print(len(rows) / (time.perf_counter() - start))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", type=int, default=100, help="pairs for the torch loop baseline")
    args = parser.parse_args()
    print(f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB")

    embed = embedding_throughput()
    print(
        f"embedding, {embed['sentences']} sentences: torch fp32 {embed['torch_per_s']:.0f}/s, "
        f"onnx int8 {embed['onnx_per_s']:.0f}/s, speedup {embed['speedup']:.2f}x; "
        f"cosine onnx vs torch mean {embed['cosine_mean']:.4f}, min {embed['cosine_min']:.4f}"
    )
    cold = {backend: cold_audit_seconds(backend) for backend in ("torch", "onnx")}
    print(
        f"cold mtqa audit (seed pair, median of 3): torch {cold['torch']:.2f} s, onnx {cold['onnx']:.2f} s, "
        f"ratio {cold['onnx'] / cold['torch']:.2f}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        results = {}
        for count in (200, 1000):
            folder = Path(scratch) / str(count)
            manifest = build_manifest(folder, count)
            cache = folder / "cache.sqlite"
            cold_s, cold_gb = batch(manifest, folder / "cold", cache)
            warm_s, warm_gb = batch(manifest, folder / "warm", cache)
            results[count] = (cold_s, cold_gb)
            print(
                f"audit-batch {count} pairs: cold {cold_s:.1f} s "
                f"({count / cold_s:.2f} pairs/s, peak {cold_gb:.2f} GB); "
                f"warm cache {warm_s:.1f} s ({count / warm_s:.1f} pairs/s, peak {warm_gb:.2f} GB); "
                f"warm speedup {cold_s / warm_s:.1f}x"
            )
        rate = loop_rate(Path(scratch) / "1000" / "manifest.csv", args.loop)
        batch_rate = 1000 / results[1000][0]
        print(
            f"mtqa.audit loop, torch, first {args.loop} of the 1,000 pairs: {rate:.2f} pairs/s "
            f"(1,000 pairs: {1000 / rate:.0f} s); audit-batch cold is {batch_rate / rate:.1f}x faster"
        )
        print(f"peak memory 1,000 / 200 pairs: {results[1000][1] / results[200][1]:.2f}")


if __name__ == "__main__":
    main()

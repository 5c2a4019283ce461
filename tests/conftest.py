"""Shared fixtures: the real packaged model (loaded once), a fake embedder, fixture texts."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from mtqa.align.words import WordParams
from mtqa.detectors import AuditContext
from mtqa.embed.base import Embedder
from mtqa.embed.onnx import OnnxEmbedder
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.nlp.parser import SentenceParses
from mtqa.pipeline import word_alignment
from mtqa.segment.sentences import segment
from mtqa.types import Alignment, Flag, Unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class FakeEmbedder:
    """A deterministic bag-of-words embedder, for tests of pure logic only.

    Each lowercased word gets a fixed random vector seeded by its hash; a text
    is the normalised sum. Texts sharing words are similar, others are not.
    """

    name = "fake-bag-of-words"
    backend = "fake"
    threads: int | None = None
    DIM = 256

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                seed = int.from_bytes(hashlib.sha1(word.encode()).digest()[:4], "little")
                out[row] += np.random.default_rng(seed).standard_normal(self.DIM).astype(np.float32)
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded offline once per test session."""
    embedder = SentenceTransformerEmbedder()
    embedder.encode(["warm up"])
    return embedder


@pytest.fixture()
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


def read_pair(name: str) -> tuple[str, str]:
    folder = FIXTURES / name
    return (folder / "original.txt").read_text(encoding="utf-8"), (folder / "copy.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_pair() -> tuple[str, str]:
    return read_pair("seed")


def make_context(original: str, copy: str, units: list[Unit] | None = None) -> AuditContext:
    """Both texts segmented; sentence k aligned with sentence k unless ``units`` are given.

    The words of each linked unit are aligned with the packaged model (ONNX, loaded once),
    as in an audit: the name detector judges each name by the copy words that render it.
    """
    reference, copied = segment(original), segment(copy)
    if units is None:
        n = min(len(reference), len(copied))
        units = [Unit((k,), (k,)) for k in range(n)]
        units += [Unit((k,), ()) for k in range(n, len(reference))]
        units += [Unit((), (k,)) for k in range(n, len(copied))]
    alignment = Alignment(tuple(units))
    parses = SentenceParses(reference, copied)
    words = word_alignment(_shared_onnx(), reference, copied, alignment, parses, WordParams())
    return AuditContext(reference, copied, alignment, (), parses, words, _shared_onnx().encode)


@lru_cache(maxsize=1)
def _shared_onnx() -> OnnxEmbedder:
    return OnnxEmbedder()


@pytest.fixture(scope="session")
def onnx_embedder() -> Embedder:
    """The int8 ONNX export of the packaged model (built into the cache on first use), loaded once."""
    embedder = OnnxEmbedder()
    embedder.encode(["warm up"])
    return embedder


def name_flags(original: str, copy: str) -> list[Flag]:
    """The name detector's flags on two texts aligned sentence by sentence (no model)."""
    from mtqa.detectors import NameDetector

    return NameDetector().detect(make_context(original, copy))


def audited_names(original: str, copy: str, embedder: Embedder) -> list[tuple[str, str | None, str]]:
    """The ``name`` flags of a whole audit, as (text, suggestion, severity)."""
    from mtqa import audit

    flags = audit(original, copy, embedder=embedder, detectors=["name"]).flags
    return [(f.text, f.suggestion, f.severity) for f in flags.itertuples()]


def run_mtqa(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "mtqa", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )

"""The ONNX backend: same audit results as torch on every fixture pair, close vectors, and no torch import."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from mtqa import audit
from mtqa.embed.base import Embedder
from mtqa.embed.factory import make_embedder
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.errors import MtqaError
from mtqa.segment.sentences import segment
from tests.conftest import FIXTURES
from tests.test_imports import loaded_after

PAIRS = sorted(p for p in [*FIXTURES.glob("*"), *FIXTURES.glob("heldout/*")] if (p / "original.txt").is_file())


def texts(folder: Path) -> tuple[str, str]:
    return (folder / "original.txt").read_text(encoding="utf-8"), (folder / "copy.txt").read_text(encoding="utf-8")


def test_every_fixture_pair_is_covered() -> None:
    assert len(PAIRS) >= 12 and FIXTURES / "seed" in PAIRS


@pytest.mark.parametrize("folder", PAIRS, ids=lambda p: p.name)
def test_onnx_gives_the_same_units_and_flags_as_torch(
    folder: Path, real_embedder: SentenceTransformerEmbedder, onnx_embedder: Embedder
) -> None:
    original, copy = texts(folder)
    by_torch, by_onnx = audit(original, copy, embedder=real_embedder), audit(original, copy, embedder=onnx_embedder)
    units = ["reference_ids", "copy_ids"]
    assert by_onnx.pairs[units].map(tuple).values.tolist() == by_torch.pairs[units].map(tuple).values.tolist()
    assert by_onnx.flags.equals(by_torch.flags)
    assert np.nanmax(np.abs(by_onnx.pairs.cosine - by_torch.pairs.cosine).to_numpy(float), initial=0) < 0.05


def test_onnx_vectors_agree_with_torch(real_embedder: SentenceTransformerEmbedder, onnx_embedder: Embedder) -> None:
    sentences = [s.norm for folder in PAIRS for s in segment(texts(folder)[1]).sentences]
    cosines = (real_embedder.encode(sentences) * onnx_embedder.encode(sentences)).sum(axis=1)
    assert cosines.mean() >= 0.98
    assert cosines.min() >= 0.9


def test_an_onnx_audit_never_imports_torch() -> None:
    code = (
        "import mtqa\nfrom pathlib import Path\n"
        f"f = Path({str(FIXTURES / 'seed')!r})\n"
        "r = mtqa.audit((f / 'original.txt').read_text(), (f / 'copy.txt').read_text(), backend='onnx')\n"
        "assert len(r.flags) > 0"
    )
    assert loaded_after(code) == ["spacy"]


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(MtqaError, match="unknown backend 'tensorflow'; choose from onnx, torch"):
        make_embedder(None, "tensorflow")


def test_the_cache_falls_back_to_a_temporary_folder_when_home_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtqa.embed.cache import cache_dir

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    monkeypatch.delenv("MTQA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert cache_dir().parent == Path(tempfile.gettempdir())
    monkeypatch.setenv("MTQA_CACHE", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"

"""Which embedder runs: the backend's class for a model, and one instance per process for repeated audits."""

from __future__ import annotations

from functools import lru_cache

from mtqa.embed.base import BACKENDS, DEFAULT_BACKEND, Embedder, resolve_model
from mtqa.errors import MtqaError


def make_embedder(model: str | None = None, backend: str = DEFAULT_BACKEND) -> Embedder:
    """The embedder for ``model`` on ``backend``: ``"onnx"`` (int8, no torch) or ``"torch"`` (fp32).

    Raises:
        MtqaError: For an unknown backend or a model that is not a local folder.
    """
    if backend == "torch":
        from mtqa.embed.torch import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model)
    if backend == "onnx":
        from mtqa.embed.onnx import OnnxEmbedder

        resolve_model(model, backend)  # the onnx backend needs tokenizer.json; refuse now, not at the first batch
        return OnnxEmbedder(model)
    raise MtqaError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")


@lru_cache(maxsize=4)
def default_embedder(model: str | None = None, backend: str = DEFAULT_BACKEND) -> Embedder:
    """One embedder per model and backend for the process, so repeated audits load it once."""
    return make_embedder(model, backend)

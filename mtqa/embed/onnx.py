"""The fast embedder backend: an int8 ONNX export of the model, run by onnxruntime, without torch.

The export is built on first use, once per model and recipe, by
``mtqa.embed.onnx_export`` in a subprocess (the only place torch is imported) and
cached under ``$MTQA_CACHE`` (default ``$XDG_CACHE_HOME/mtqa`` or
``~/.cache/mtqa``). Tokenisation uses the model's own ``tokenizer.json`` through
the ``tokenizers`` library, with the model's maximum sequence length, so the
token ids are the ones sentence-transformers would feed the model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mtqa.embed.base import PACKAGED_MODEL, TokenStates, note_model_load, resolve_model, token_states
from mtqa.embed.cache import cache_dir
from mtqa.embed.onnx_export import RECIPE, token_model_path
from mtqa.errors import MtqaError
from mtqa.offline import OFFLINE_ENVIRONMENT, go_offline
from mtqa.outputs import write_text_atomic

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

# Seconds allowed for a first-use export (about 15 s on 2 cores).
EXPORT_TIMEOUT = 600


def _fingerprint(model_dir: Path) -> str:
    """Identify the model's weights and config, by content, and the export recipe.

    Two models whose files have equal sizes and times still get different
    exports. Hashing 90 MB takes about 0.15 s, so each file's digest is kept
    in the cache keyed by its inode, size, mtime and ctime: any write to the
    file changes its ctime, which no user can set back.
    """
    digest = hashlib.sha256(RECIPE.encode())
    memo_file = cache_dir() / "onnx" / "digests.json"
    try:
        memo = json.loads(memo_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if not isinstance(memo, dict):
        memo = {}
    changed = False
    files = [model_dir / "config.json", *sorted(model_dir.glob("*.safetensors")), *sorted(model_dir.glob("*.bin"))]
    for file in files:
        if not file.is_file():
            continue
        info = file.stat()
        key = f"{file.resolve()}|{info.st_dev}|{info.st_ino}|{info.st_size}|{info.st_mtime_ns}|{info.st_ctime_ns}"
        if not isinstance(memo.get(key), str):
            with file.open("rb") as stream:
                memo[key] = hashlib.file_digest(stream, "sha256").hexdigest()
            changed = True
        digest.update(f"{file.name}|{memo[key]}".encode())
    if changed:
        with contextlib.suppress(OSError):
            write_text_atomic(memo_file, json.dumps(memo, indent=0))
    return digest.hexdigest()[:16]


def onnx_model_path(model_dir: Path) -> Path:
    """The cached int8 export of ``model_dir``, built now if it is missing.

    The export runs in a subprocess whose working folder is the cache, so
    nothing it writes can land in the user's folder.

    Raises:
        MtqaError: If the export fails (its last error line is given).
    """
    target = cache_dir() / "onnx" / f"{model_dir.name}-{_fingerprint(model_dir)}.int8.onnx"
    if target.is_file():
        return target
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        subprocess.run(
            [sys.executable, "-m", "mtqa.embed.onnx_export", str(model_dir), str(target)],
            check=True,
            capture_output=True,
            text=True,
            timeout=EXPORT_TIMEOUT,
            cwd=target.parent,
            env={**os.environ, **OFFLINE_ENVIRONMENT},
        )
    except subprocess.CalledProcessError as error:
        last = (error.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise MtqaError(f"cannot build the ONNX model from {model_dir}: {last[0]}") from error
    except (OSError, subprocess.TimeoutExpired) as error:
        raise MtqaError(f"cannot build the ONNX model from {model_dir}: {error}") from error
    return target


def _max_tokens(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 512))
    return 512


def _session(onnxruntime: Any, path: Path) -> Any:
    """An onnxruntime session on one thread (threads run texts side by side instead), quiet."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxEmbedder:
    """The model as int8 ONNX; an ``Embedder``. Nothing is loaded until the first call.

    Each text is run on its own, never padded into a batch. Dynamic int8
    quantisation scales activations by the whole input tensor, so in a padded
    batch a sentence's vector would depend on its batch-mates (cosine down to
    0.96 between two batchings, measured). One text per run makes every vector
    a function of its text alone, so results do not depend on what else is
    embedded or cached, and ``threads`` runs go in parallel instead
    (onnxruntime releases the GIL): 560 texts/s on 2 cores against 630 for
    padded batches of 32.
    """

    def __init__(self, model: str | None = None, threads: int | None = None) -> None:
        self.path = resolve_model(model)
        self.name = PACKAGED_MODEL if model in (None, PACKAGED_MODEL) else str(self.path)
        self.backend = "onnx int8"
        self.threads: int | None = threads or (os.cpu_count() or 1)
        self._session: onnxruntime.InferenceSession | None = None
        self._token_session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None

    def _load(self) -> tuple[Any, Any]:
        if self._session is None or self._tokenizer is None:
            go_offline()  # before the import: onnxruntime starts its telemetry when imported
            import onnxruntime
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
            tokenizer.no_padding()  # tokenizer.json may pad to a fixed length; each text runs alone
            tokenizer.enable_truncation(_max_tokens(self.path))
            self._session = _session(onnxruntime, onnx_model_path(self.path))
            self._tokenizer = tokenizer
            note_model_load()
        return self._session, self._tokenizer

    def load(self) -> None:
        """Load the model now (the sentence and the token sessions), instead of at the first call."""
        self._load()
        if self._token_session is None:
            import onnxruntime  # imported by _load, after go_offline

            self._token_session = _session(onnxruntime, token_model_path(onnx_model_path(self.path)))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts``; see ``Embedder.encode``."""
        session, tokenizer = self._load()
        dim = int(session.get_outputs()[0].shape[-1])
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)

        def one(ids: list[int]) -> np.ndarray:
            return np.asarray(self._run(session, ids, "sentence_embedding"), dtype=np.float32)

        encodings = [e.ids for e in tokenizer.encode_batch(texts)]
        return np.stack(self._map(one, encodings))

    def encode_tokens(self, texts: list[str]) -> list[TokenStates]:
        """The token states of each of ``texts``; see ``TokenEmbedder``. Each text runs alone, as in ``encode``."""
        self.load()
        session, tokenizer = self._token_session, self._tokenizer
        assert tokenizer is not None  # set by load
        encodings = tokenizer.encode_batch(texts) if texts else []

        def one(encoding: Any) -> TokenStates:
            states = self._run(session, encoding.ids, "token_states")
            offsets = np.array(encoding.offsets, dtype=np.int64).reshape(-1, 2)
            keep = (np.array(encoding.special_tokens_mask) == 0) & (offsets[:, 1] > offsets[:, 0])
            return token_states(offsets, states, keep)

        return self._map(one, encodings)

    @staticmethod
    def _run(session: Any, ids: list[int], output: str) -> np.ndarray:
        row = np.array([ids], dtype=np.int64)
        feeds = {"input_ids": row, "attention_mask": np.ones_like(row), "token_type_ids": np.zeros_like(row)}
        return np.asarray(session.run([output], feeds)[0][0])

    def _map(self, function: Any, items: list[Any]) -> list[Any]:
        """``function`` over ``items`` in order, on ``threads`` threads (onnxruntime releases the GIL)."""
        if (self.threads or 1) <= 1:
            return [function(item) for item in items]
        with ThreadPoolExecutor(self.threads) as pool:
            return list(pool.map(function, items))

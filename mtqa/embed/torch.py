"""The torch backend: the model in fp32 through sentence-transformers, loaded offline on first use."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from mtqa.embed.base import PACKAGED_MODEL, TOKEN_LAYER, TokenStates, note_model_load, resolve_model, token_states
from mtqa.errors import MtqaError
from mtqa.offline import go_offline

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


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
        self.threads: int | None = None
        self._model: SentenceTransformer | None = None

    def _load(self) -> SentenceTransformer:
        if self._model is None:
            go_offline()
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            if self.threads is not None:
                torch.set_num_threads(self.threads)

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
            note_model_load()
        return self._model

    def load(self) -> None:
        """Load the model now, instead of at the first call."""
        self._load()

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

    def encode_tokens(self, texts: list[str]) -> list[TokenStates]:
        """The token states of each of ``texts`` (layer ``TOKEN_LAYER``, fp32); see ``TokenEmbedder``."""
        import torch

        model = self._load()
        transformer: Any = model[0].auto_model
        tokenizer = model.tokenizer
        limit = model.get_max_seq_length() or 512
        states = []
        for start in range(0, len(texts), self.BATCH_SIZE):
            batch = texts[start : start + self.BATCH_SIZE]
            encoded = tokenizer(
                batch,
                padding=True,
                truncation=True,
                max_length=limit,
                return_offsets_mapping=True,
                return_special_tokens_mask=True,
                return_tensors="pt",
            )
            offsets = encoded.pop("offset_mapping").numpy()
            special = encoded.pop("special_tokens_mask").numpy()
            with torch.inference_mode():
                hidden = transformer(**encoded, output_hidden_states=True).hidden_states[TOKEN_LAYER].numpy()
            mask = encoded["attention_mask"].numpy()
            for row in range(len(batch)):
                keep = (mask[row] == 1) & (special[row] == 0) & (offsets[row, :, 1] > offsets[row, :, 0])
                states.append(token_states(offsets[row], hidden[row], keep))
        return states

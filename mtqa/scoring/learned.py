"""The ``learned`` score: a small head trained on human judgements ranks renderings; MQM sets its scale.

Two parts, both shipped in ``mtqa/data/learned.npz`` (numpy arrays and one JSON
string; never a pickle):

- the **head**, a linear layer or a small MLP over ``head_features.head_inputs``
  (chrF, BLEU, the sentence vectors' cosine, length and other text features; a
  head may also read blocks of the vectors themselves).
  It is trained with a pairwise loss on rival translations of the same source
  in the WMT21 DA and TED MQM judgements (``benchmarks/train_learned.py``), so
  its output ``head`` orders renderings of one source;
- a **Poisson calibration** that turns ``head`` into an expected number of
  rater-marked errors with the reference's length as exposure, exactly as
  ``quality`` does with its three features::

      learned_errors = reference_words * exp(intercept + slope * head)     # slope <= 0
      learned        = exp(-learned_errors)      # P(no error), as ``quality``

Within one source, ``learned`` orders renderings as ``head`` does (the exposure
is shared); across sources the length counts, as it does for MQM.

Each standardised input is clipped to the range it took in training, so an
input far outside what the head has seen (a rare feature's extreme value)
moves the score no more than the most extreme training segment did.

A head is only valid for the vectors it was trained on. The file keeps a few
probe sentences and their vectors; ``check_embedder`` refuses an embedder that
does not reproduce them. A damaged or edited file is refused by a SHA-256 over
its arrays, recorded in the file.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mtqa.errors import MtqaError

HEAD_FILE = "learned.npz"
FORMAT = "mtqa-learned-head/1"
ACTIVATIONS = ("relu",)
# The probe vectors must agree this well: the ONNX int8 and torch fp32 runs of one model agree to
# about 0.99 on a sentence; another model's vectors do not come near.
PROBE_MIN_COSINE = 0.95
# A head is a few kilobytes; a file that unpacks to more than this is refused before it is unpacked.
MAX_UNPACKED_BYTES = 64 * 2**20


@dataclass(frozen=True)
class LearnedHead:
    """A trained head and its calibration; see the module docstring.

    Attributes:
        inputs: Names of the head's inputs (``head_features``), in column order.
        mean: Per-column training mean, shape ``(columns,)``.
        scale: Per-column training standard deviation, shape ``(columns,)``.
        low: Per-column lowest standardised value seen in training; inputs are clipped to it.
        high: Per-column highest standardised value seen in training.
        layers: ``(weight, bias)`` per layer, weights of shape ``(in, out)``; ReLU between layers.
        intercept: Log expected errors per reference word at ``head`` 0.
        slope: Change of the log rate per unit of ``head``; negative.
        model: The sentence model whose vectors it was trained on.
        probe_texts: Sentences whose vectors identify that model.
        probe_vectors: Their vectors, shape ``(len(probe_texts), dim)``.
        provenance: Training data, their hashes, the command and the held-out figures.
        origin: The file it was read from, for signatures; not part of its identity.
    """

    inputs: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    low: np.ndarray
    high: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    intercept: float
    slope: float
    model: str
    probe_texts: tuple[str, ...]
    probe_vectors: np.ndarray
    provenance: Mapping[str, Any] = field(default_factory=dict)
    origin: str = field(default=HEAD_FILE, compare=False)

    def __post_init__(self) -> None:
        from mtqa.scoring.head_features import input_width, known_input

        if self.slope >= 0:
            raise ValueError(f"a higher head score must lower the expected errors (slope {self.slope})")
        unknown = [name for name in self.inputs if not known_input(name)]
        if unknown:
            raise ValueError(f"unknown inputs {unknown}")
        width = len(self.mean)
        dim = self.probe_vectors.shape[-1] if self.probe_vectors.ndim == 2 else 0
        if sum(input_width(name, dim) for name in self.inputs) != width:
            raise ValueError(f"the inputs {list(self.inputs)} do not make {width} columns")
        if any(part.shape != (width,) for part in (self.mean, self.scale, self.low, self.high)) or not self.layers:
            raise ValueError("the standardisation and the layers do not match")
        numbers = [
            self.mean,
            self.scale,
            self.low,
            self.high,
            self.probe_vectors,
            *(a for pair in self.layers for a in pair),
        ]
        if not all(np.isfinite(a).all() for a in numbers) or not np.isfinite([self.intercept, self.slope]).all():
            raise ValueError("a parameter is not a finite number")
        if (self.scale <= 0).any() or (self.low > self.high).any():
            raise ValueError("a scale is not positive or a clipping range is empty")
        probes = self.probe_vectors
        if not self.probe_texts or probes.ndim != 2 or len(probes) != len(self.probe_texts):
            raise ValueError(f"{len(self.probe_texts)} probe sentences but probe vectors of shape {probes.shape}")
        if not np.allclose(np.linalg.norm(probes, axis=1), 1.0, atol=1e-3):
            raise ValueError("the probe vectors are not of unit length")
        for weight, bias in self.layers:
            if weight.ndim != 2 or weight.shape[0] != width or bias.shape != (weight.shape[1],):
                raise ValueError(f"a layer of shape {weight.shape} does not follow one of width {width}")
            width = weight.shape[1]
        if width != 1:
            raise ValueError(f"the last layer gives {width} outputs, not 1")

    def head(self, inputs: np.ndarray) -> np.ndarray:
        """The head's score per row of ``inputs`` (shape ``(segments, columns)``); higher is better."""
        hidden = self.standardised(inputs)
        for k, (weight, bias) in enumerate(self.layers):
            hidden = hidden @ weight + bias
            if k < len(self.layers) - 1:
                hidden = np.maximum(hidden, 0.0)
        return np.asarray(hidden[:, 0], dtype=float)

    def standardised(self, inputs: np.ndarray) -> np.ndarray:
        """``inputs`` standardised with the training mean and scale, and clipped to the training range."""
        z = (np.asarray(inputs, dtype=np.float64) - self.mean) / self.scale
        return np.asarray(np.clip(z, self.low, self.high), dtype=np.float64)

    def contributions(self, inputs: np.ndarray, widths: Sequence[int]) -> np.ndarray:
        """Each input's additive share of a linear head's score, from the training means.

        ``head = bias + row sum``, so a positive share means that input raised the
        score above that of an average training segment.

        Args:
            inputs: Shape ``(segments, columns)``.
            widths: The number of columns of each name of ``inputs`` (1 for a
                text feature, the vector size for a vector block).

        Returns:
            Shape ``(segments, len(self.inputs))``.

        Raises:
            MtqaError: For a head with hidden layers, whose score does not split by input.
        """
        if len(self.layers) != 1:
            raise MtqaError("only a linear head's score splits into a share per input")
        weight = self.layers[0][0][:, 0]
        shares = self.standardised(inputs) * weight
        bounds = np.cumsum([0, *widths])
        return np.stack([shares[:, a:b].sum(axis=1) for a, b in itertools.pairwise(bounds)], axis=1)

    def expected_errors(self, head: np.ndarray, reference_words: np.ndarray) -> np.ndarray:
        """Expected rater-marked errors per segment, from ``head`` and the exposure."""
        rate = np.exp(self.intercept + self.slope * np.asarray(head, dtype=float))
        return np.asarray(np.asarray(reference_words, dtype=float) * rate, dtype=float)

    def arrays(self) -> dict[str, np.ndarray]:
        """The numeric parts, as stored in the file."""
        out = {"mean": self.mean, "scale": self.scale, "low": self.low, "high": self.high}
        out["probe_vectors"] = self.probe_vectors
        for k, (weight, bias) in enumerate(self.layers):
            out[f"weight{k}"], out[f"bias{k}"] = weight, bias
        return out

    def meta(self) -> dict[str, Any]:
        """The JSON part of the file, without its checksum."""
        return {
            "format": FORMAT,
            "inputs": list(self.inputs),
            "layers": len(self.layers),
            "activation": "relu",
            "intercept": self.intercept,
            "slope": self.slope,
            "model": self.model,
            "probe_texts": list(self.probe_texts),
            "provenance": dict(self.provenance),
        }

    def digest(self) -> str:
        """SHA-256 over the arrays (name, dtype, shape, bytes) and the meta JSON."""
        digest = hashlib.sha256()
        for name, array in sorted(self.arrays().items()):
            data = np.ascontiguousarray(array)
            digest.update(f"{name}|{data.dtype.str}|{data.shape}|".encode())
            digest.update(data.tobytes())
        digest.update(json.dumps(self.meta(), sort_keys=True).encode())
        return digest.hexdigest()

    def signature(self) -> str:
        """One line for report signatures: the layers, the model, the training sets, the checksum and the file."""
        trained = ",".join(self.provenance.get("trained_on", [])) or "?"
        layers = f"{len(self.layers)}-layer"
        name = Path(self.origin).name
        return f"learned|{layers}|model:{self.model}|trained:{trained}|sha256:{self.digest()[:12]}|{name}"


def head_bytes(head: LearnedHead) -> bytes:
    """The ``.npz`` file of ``head``: its arrays and a ``meta`` JSON string with the checksum.

    Written member by member with a fixed timestamp (``np.savez`` stamps the
    current time), so the same head gives the same bytes.
    """
    meta = {**head.meta(), "sha256": head.digest()}
    members = {"meta": np.array(json.dumps(meta, sort_keys=True)), **head.arrays()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in sorted(members.items()):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def parse_head(data: bytes, origin: str) -> LearnedHead:
    """Read a head from the bytes of its ``.npz``.

    Raises:
        MtqaError: If the file is damaged, edited, of another format, or not a head.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise MtqaError(f"{origin}: not a learned head (it unpacks to {unpacked:,} bytes)")
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            arrays = {name: np.array(stored[name]) for name in stored.files}
        meta = json.loads(str(arrays.pop("meta")))
        if meta.get("format") != FORMAT:
            raise MtqaError(f"{origin}: not an mtqa learned head (format {meta.get('format')!r}, want {FORMAT!r})")
        if meta.get("activation") not in ACTIVATIONS:
            raise MtqaError(f"{origin}: unknown activation {meta.get('activation')!r}")
        head = LearnedHead(
            inputs=tuple(str(name) for name in meta["inputs"]),
            mean=arrays["mean"],
            scale=arrays["scale"],
            low=arrays["low"],
            high=arrays["high"],
            layers=tuple((arrays[f"weight{k}"], arrays[f"bias{k}"]) for k in range(int(meta["layers"]))),
            intercept=float(meta["intercept"]),
            slope=float(meta["slope"]),
            model=str(meta["model"]),
            probe_texts=tuple(str(t) for t in meta["probe_texts"]),
            probe_vectors=arrays["probe_vectors"],
            provenance=dict(meta.get("provenance", {})),
            origin=origin,
        )
    except MtqaError:
        raise
    # Untrusted bytes: zipfile, zlib (zlib.error), numpy's header parser (tokenize.TokenError) and others each
    # fail their own way on a damaged file, and every such failure means the same thing here.
    except Exception as error:
        raise MtqaError(f"{origin}: damaged or not a learned head ({type(error).__name__}: {error})") from error
    if head.digest() != meta.get("sha256"):
        raise MtqaError(f"{origin}: damaged or edited (its checksum does not match its contents)")
    return head


@lru_cache(maxsize=1)
def shipped_head() -> LearnedHead:
    """The head shipped in ``mtqa/data/learned.npz``."""
    data = resources.files("mtqa").joinpath("data", HEAD_FILE).read_bytes()
    return parse_head(data, f"mtqa/data/{HEAD_FILE}")


def read_head(path: Path) -> LearnedHead:
    """A head from a ``.npz`` file, e.g. one trained with a dataset held out.

    Raises:
        MtqaError: If the file cannot be read or is no valid head.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise MtqaError(f"{path}: cannot read ({error.strerror or error})") from error
    return parse_head(data, str(path))


def check_embedder(head: LearnedHead, encode: Callable[[list[str]], np.ndarray], name: str) -> None:
    """Refuse an embedder whose vectors are not those the head was trained on.

    Args:
        head: The head.
        encode: The embedder's ``encode(list[str]) -> np.ndarray``.
        name: The embedder's model name, for the message.

    Raises:
        MtqaError: If the embedder's probe vectors differ from the stored ones.
    """
    vectors = np.asarray(encode(list(head.probe_texts)), dtype=np.float64)
    stored = np.asarray(head.probe_vectors, dtype=np.float64)
    if vectors.shape != stored.shape:
        raise MtqaError(
            f"the learned head was trained on {head.model} vectors of {stored.shape[1]} dimensions; "
            f"{name} gives {vectors.shape[-1]}"
        )
    agreement = float(np.min(np.sum(vectors * stored, axis=1)))
    if agreement < PROBE_MIN_COSINE:
        raise MtqaError(
            f"the learned head was trained on {head.model} vectors; {name} gives other vectors "
            f"(probe cosine {agreement:.3f} < {PROBE_MIN_COSINE})"
        )


def learned_signature(head: LearnedHead | None = None) -> str:
    """The head's signature (default the shipped one)."""
    return (head or shipped_head()).signature()


def learned_scores(
    head: LearnedHead,
    inputs: np.ndarray,
    reference_words: Sequence[int] | np.ndarray,
) -> dict[str, np.ndarray]:
    """``head_score``, ``learned_errors`` and ``learned`` per segment.

    Args:
        head: The head.
        inputs: ``head_inputs(head.inputs, ...)``, shape ``(segments, columns)``.
        reference_words: The exposure per segment.

    Returns:
        The three columns, each of shape ``(segments,)``.
    """
    score = head.head(inputs)
    errors = head.expected_errors(score, np.asarray(reference_words, dtype=float))
    return {"head_score": score, "learned_errors": errors, "learned": np.exp(-errors)}

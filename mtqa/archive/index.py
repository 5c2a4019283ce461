"""An index of an archive's stories: sentence vectors in a faiss index, and MinHash signatures for LSH.

Stored as a folder that mtqa marks as its own (``mtqa.outputs``):
``stories.parquet`` (id, title, date, text, and where each story's sentences
start), ``sentences.faiss`` (every sentence vector, 8-bit scalar-quantised:
100,000 stories of 30 sentences take 1.2 GB; searched exhaustively up to
``FLAT_MAX_SENTENCES``, and through an inverted file beyond), ``signatures.npy`` and
``meta.json`` (the model and backend, written last). A build or an add writes a
new folder beside the index and moves it into place, so a crash leaves the
old index or none, never a half-written one; it holds the folder's lock while
it does (``mtqa.archive.folder``). Loading checks every file before use
(``mtqa.archive.validate``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mtqa.archive import validate
from mtqa.archive.folder import FORMAT_VERSION, INDEX_KIND, IndexFolder
from mtqa.archive.signature import NUM_PERM, SCHEME, SEED, signature
from mtqa.archive.stories import Story
from mtqa.embed.base import PACKAGED_MODEL, Embedder
from mtqa.errors import MtqaError
from mtqa.outputs import marker_kind, write_text_atomic
from mtqa.segment.sentences import segment

# Stories whose signatures share at least this estimated Jaccard come back from LSH.
LSH_THRESHOLD = 0.2
# Up to this many sentences, a query compares each copy sentence with every stored one
# (exact; 160 ms a query at 218,000 sentences). Beyond it, that scan costs about a second
# a query (2.1 million sentences), so the vectors move to an inverted file whose lists
# (about the square root of the sentences) are probed IVF_PROBES at a time.
FLAT_MAX_SENTENCES = 500_000
IVF_PROBES = 24


def story_sentences(text: str) -> list[str]:
    """The comparison texts of a story's sentences, as the audit embeds them."""
    return [s.norm for s in segment(text).sentences]


@dataclass
class ArchiveIndex:
    """A loaded index. ``stories`` has one row per story; its ``first`` column is its first sentence's row."""

    stories: pd.DataFrame
    vectors: Any  # faiss.Index
    signatures: np.ndarray
    meta: dict[str, Any]

    def __post_init__(self) -> None:
        self._lsh: Any = None
        self._owners: np.ndarray | None = None

    # ------------------------------------------------------------ build

    @classmethod
    def build(cls, stories: list[Story], embedder: Embedder) -> ArchiveIndex:
        """Index ``stories`` in this process, embedding their sentences with ``embedder``."""
        return cls.assemble([embed_stories(stories, embedder)])

    @classmethod
    def assemble(cls, parts: Iterable[Embedded], base: ArchiveIndex | None = None) -> ArchiveIndex:
        """An index of the stories of ``parts``, in their order, after those of ``base`` (left as it was).

        The parts are added one at a time, so only the 8-bit index and one
        part's float vectors are held at once, however large the archive.
        Two moments hold two copies of the 8-bit vectors: extending ``base``
        (which is copied, and left as it was), and the move to an inverted
        file past ``FLAT_MAX_SENTENCES`` (the flat index is read into it).

        Raises:
            MtqaError: If no story has a sentence, an id repeats one already
                indexed, or a part was embedded by another model or backend.
        """
        meta = None if base is None else base.meta
        vectors = None if base is None else _clone(base.vectors)
        tables, signatures = ([], []) if base is None else ([base.stories], [base.signatures])
        known = set() if base is None else set(base.stories.id)
        for part in parts:
            if meta is None:
                meta = {"format": FORMAT_VERSION, "model": part.model, "backend": part.backend}
            elif (part.model, part.backend) != (meta["model"], meta["backend"]):
                raise MtqaError(
                    f"the index was built with {meta['model']} ({meta['backend']}), "
                    f"not {part.model} ({part.backend}); use the same model and backend"
                )
            refuse_repeats([s.id for s in part.stories], known)
            known.update(s.id for s in part.stories)
            if vectors is None and len(part.vectors):
                vectors = _quantiser(part.vectors.shape[1])
            elif vectors is not None and len(part.vectors):
                check_width(vectors.d, part.vectors, part.model)
            tables.append(_table(part.stories, part.counts, 0 if vectors is None else int(vectors.ntotal)))
            if vectors is not None and len(part.vectors):
                vectors.add(part.vectors)
            signatures.append(part.signatures)
        if meta is None or vectors is None or not vectors.ntotal:
            raise MtqaError("no story has a sentence to index")
        if vectors.ntotal > FLAT_MAX_SENTENCES and not hasattr(vectors, "nprobe"):
            vectors = _inverted(vectors)
        table = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
        return cls(table, vectors, np.vstack(signatures), {**meta, "dim": int(vectors.d)})

    def add(self, stories: list[Story], embedder: Embedder) -> ArchiveIndex:
        """A new index holding this one's stories and ``stories`` (whose ids must be new)."""
        self.check_embedder(embedder)
        refuse_repeats([s.id for s in stories], set(self.stories.id))  # before embedding anything
        return ArchiveIndex.assemble([embed_stories(stories, embedder)], base=self)

    # ------------------------------------------------------------ store

    def save(self, target: Path) -> None:
        """Write the index to the folder ``target`` (new, or an index to replace), all or nothing.

        Raises:
            MtqaError: If ``target`` is not new nor an mtqa index, or another run is writing it.
        """
        with IndexFolder(target) as folder:
            folder.publish(self.write_files)

    def write_files(self, folder: Path) -> None:
        """Write the index's files into the empty ``folder``, ``meta.json`` last."""
        import faiss

        self.stories.to_parquet(folder / "stories.parquet", index=False)
        faiss.write_index(self.vectors, str(folder / "sentences.faiss"))
        np.save(folder / "signatures.npy", self.signatures, allow_pickle=False)
        write_text_atomic(folder / "meta.json", json.dumps({**self.meta, "stories": len(self.stories)}) + "\n")

    @classmethod
    def load(cls, path: Path) -> ArchiveIndex:
        """Read an index folder, every file checked by type, range and shape before use.

        Raises:
            MtqaError: If ``path`` is not a complete mtqa index, or a file of it
                is damaged, of another format or not a regular file.
        """
        if not path.is_dir() or marker_kind(path) != INDEX_KIND or not (path / "meta.json").exists():
            raise MtqaError(f"{path}: is not an mtqa index (build one with mtqa index build)")
        meta = validate.read_meta(path)
        stories = validate.read_stories(path, meta)
        signatures = validate.read_signatures(path, len(stories))
        vectors = validate.read_vectors(path, meta, int(stories.end.iloc[-1]))
        return cls(stories, vectors, signatures, meta)

    # ------------------------------------------------------------ query

    def built_with(self) -> tuple[str | None, str]:
        """The model (None for the packaged one) and backend (``onnx``, ``torch``) the index was built with."""
        model = str(self.meta["model"])
        return (None if model == PACKAGED_MODEL else model), str(self.meta["backend"]).split()[0]

    def check_embedder(self, embedder: Embedder) -> None:
        """Refuse an embedder other than the one the index was built with: its vectors would not compare."""
        if (embedder.name, embedder.backend) != (self.meta["model"], self.meta["backend"]):
            raise MtqaError(
                f"the index was built with {self.meta['model']} ({self.meta['backend']}), "
                f"not {embedder.name} ({embedder.backend}); use the same model and backend"
            )

    def sentence_vectors(self, row: int) -> np.ndarray:
        """The (8-bit, decoded) sentence vectors of story ``row``."""
        first, end = int(self.stories.first.iloc[row]), int(self.stories.end.iloc[row])
        return np.asarray(self.vectors.reconstruct_batch(np.arange(first, end)), dtype=np.float32)

    def candidates(self, vectors: np.ndarray, text: str, limit: int) -> list[int]:
        """Rows of the stories most likely to be rendered by a copy with these sentence vectors and text.

        The vector search votes, for each story, the best similarity of each
        copy sentence to its sentences; the LSH adds stories that share the
        copy's numbers, names and rare words. The best ``limit`` of each.
        """
        hits = min(32, int(self.vectors.ntotal))
        scores, rows = self.vectors.search(np.ascontiguousarray(vectors, dtype=np.float32), hits)
        owners = self._owner_of()[np.clip(rows, 0, None)]
        votes: dict[int, float] = {}
        for sentence_scores, sentence_owners, sentence_rows in zip(scores, owners, rows, strict=True):
            best: dict[int, float] = {}
            for score, owner, row in zip(sentence_scores, sentence_owners, sentence_rows, strict=True):
                if row >= 0 and score > best.get(int(owner), -1.0):
                    best[int(owner)] = float(score)
            for owner, score in best.items():
                votes[owner] = votes.get(owner, 0.0) + max(score - 0.3, 0.0)
        by_vector = sorted(votes, key=lambda k: (-votes[k], k))[:limit]
        by_words = self._lsh_query(text)[:limit]
        return list(dict.fromkeys([*by_vector, *by_words]))

    def _owner_of(self) -> np.ndarray:
        if self._owners is None:
            sizes = (self.stories.end - self.stories.first).to_numpy()
            self._owners = np.repeat(np.arange(len(self.stories)), sizes)
        return self._owners

    def _lsh_query(self, text: str) -> list[int]:
        from datasketch import MinHash, MinHashLSH

        if self._lsh is None:
            self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
            with self._lsh.insertion_session() as session:
                for row, values in enumerate(self.signatures):
                    session.insert(row, MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME))
        mine = MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=signature(text), scheme=SCHEME)
        found = self._lsh.query(mine)
        estimate = {row: float(np.mean(self.signatures[row] == mine.hashvalues)) for row in found}
        return sorted(estimate, key=lambda k: (-estimate[k], k))


@dataclass(frozen=True)
class Embedded:
    """Stories ready to index: what a worker sends back.

    Attributes:
        stories: The stories, in order.
        counts: Sentences per story, shape (stories,).
        vectors: Their sentences' unit vectors, story after story, shape (sum(counts), dim), float32.
        signatures: Their MinHash values, shape (stories, NUM_PERM), uint64.
        model: The embedder's model name.
        backend: The embedder's backend.
    """

    stories: list[Story]
    counts: np.ndarray
    vectors: np.ndarray
    signatures: np.ndarray
    model: str
    backend: str


def check_width(stored: int, vectors: np.ndarray, model: str) -> None:
    """Refuse ``vectors`` (from ``model``) whose width is not the ``stored`` one: faiss would fail on an assertion."""
    if vectors.shape[1] != stored:
        raise MtqaError(
            f"the index holds {stored}-dimensional vectors, {model} makes {vectors.shape[1]}; "
            "rebuild the index with this model"
        )


def embed_stories(stories: list[Story], embedder: Embedder) -> Embedded:
    """Split, embed and sign ``stories``: all an index needs of them, in one batched call to the embedder."""
    texts = [story_sentences(s.text) for s in stories]
    flat = [t for sentences in texts for t in sentences]
    vectors = np.ascontiguousarray(embedder.encode(flat), dtype=np.float32) if flat else np.zeros((0, 1), np.float32)
    signatures = np.stack([signature(s.text) for s in stories]) if stories else np.zeros((0, NUM_PERM), np.uint64)
    counts = np.array([len(t) for t in texts], dtype=np.int64)
    return Embedded(list(stories), counts, vectors, signatures, embedder.name, embedder.backend)


def refuse_repeats(ids: Iterable[str], known: set[str]) -> None:
    """Raise ``MtqaError`` if any of ``ids`` is already ``known`` to the index."""
    repeated = [i for i in ids if i in known]
    if repeated:
        raise MtqaError(f"the index already holds {len(repeated)} of these ids, e.g. {repeated[0]!r}")


def _quantiser(dim: int) -> Any:
    """An empty 8-bit faiss index for unit vectors of ``dim`` dimensions, searched by inner product."""
    import faiss

    index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    # Unit vectors lie in [-1, 1] on every axis: fixing that range makes the quantiser
    # the same whatever the stories, so that parts can be added one at a time.
    index.train(_unit_range(dim))
    return index


def _inverted(flat: Any) -> Any:
    """The vectors of the 8-bit ``flat`` index in an 8-bit inverted file, searched ``IVF_PROBES`` lists at a time.

    Its lists are k-means cells trained on a fixed sample of the vectors (the
    seed is fixed, so the same archive gives the same index). Stories added
    later go into the same cells.
    """
    import faiss

    total, dim = int(flat.ntotal), int(flat.d)
    lists = 2 ** round(math.log2(math.sqrt(total)))
    sample = np.sort(np.random.default_rng(0).choice(total, min(total, 50 * lists), replace=False))
    inverted = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(dim), dim, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    # The codes are of the vectors themselves, not of their residuals from a cell's centre, over the
    # fixed range [-1, 1] of the flat index: a story added later is coded as precisely as the sample.
    inverted.by_residual = False
    inverted.train(np.vstack([flat.reconstruct_batch(sample).astype(np.float32), _unit_range(dim)]))
    for start in range(0, total, 200_000):
        inverted.add(flat.reconstruct_n(start, min(200_000, total - start)))
    inverted.make_direct_map()  # a story's sentence vectors are read back by their positions
    inverted.nprobe = IVF_PROBES
    return inverted


def _unit_range(dim: int) -> np.ndarray:
    """Two rows, all -1 and all 1: trained on with the vectors, they fix each axis's 8-bit range to [-1, 1]."""
    bounds = np.ones((2, dim), np.float32)
    bounds[0] = -1
    return bounds


def _clone(index: Any) -> Any:
    import faiss

    return faiss.clone_index(index)  # the index cloned stays as it was


def _table(stories: list[Story], counts: np.ndarray, first: int) -> pd.DataFrame:
    ends = first + np.cumsum(counts, dtype=np.int64)
    return pd.DataFrame(
        {
            "id": [s.id for s in stories],
            "title": [s.title for s in stories],
            "date": [s.date for s in stories],
            "text": [s.text for s in stories],
            "first": (ends - counts).astype(np.int64),
            "end": ends.astype(np.int64),
        }
    )

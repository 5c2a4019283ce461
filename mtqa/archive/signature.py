"""What survives a round trip through machine translation, as a MinHash: numbers, names and rare words.

Machine translation rewords a story but keeps most of its numbers, most of its
capitalised names (some mangled) and many of its rarer content words. A
story's set of such words, as a MinHash (datasketch), finds stories that share
them through locality-sensitive hashing, beside the vector search.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from mtqa.nlp.lexicon import zipf
from mtqa.nlp.name_spans import fold

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch's hashing scheme, stated so stored signatures read back the same
# A lowercase word rarer than this (Zipf) is a content word worth keeping ("evacuated" 2.9, "said" 6.3).
RARE_ZIPF = 4.0
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_]+(?:['’-][^\W\d_]+)*")


def story_words(text: str) -> set[str]:
    """The numbers (without separators), capitalised words and rare lowercase words of ``text``, folded."""
    words = set()
    for token in _TOKEN.findall(text):
        if token[0].isdigit():
            words.add("#" + re.sub(r"[,.]", "", token))
        elif (token[0].isupper() and len(token) > 1) or (len(token) >= 4 and zipf(token.lower()) < RARE_ZIPF):
            words.add(fold(token))  # a name, or a rare content word
    words.discard("")
    return words


def minhash(words: set[str]) -> Any:
    """The ``datasketch.MinHash`` of ``words``, with the index's fixed permutations."""
    from datasketch import MinHash

    sketch = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    sketch.update_batch([w.encode("utf-8") for w in sorted(words)])
    return sketch


def signature(text: str) -> np.ndarray:
    """The MinHash values of ``text``'s words, to store in an index."""
    return np.asarray(minhash(story_words(text)).hashvalues, dtype=np.uint64)

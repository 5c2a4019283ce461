"""Known English-language words and names (wordfreq), for near-miss lookups of unknown names."""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein
from wordfreq import get_frequency_dict, zipf_frequency

# Words at least this frequent count as known ("nasrallah" is 2.3, "the" 7.7).
KNOWN_ZIPF = 2.0


@lru_cache(maxsize=1)
def _known_by_initial() -> dict[str, list[str]]:
    buckets: dict[str, list[str]] = defaultdict(list)
    for word, frequency in get_frequency_dict("en").items():
        if len(word) >= 4 and word.isalpha() and math.log10(frequency) + 9 >= KNOWN_ZIPF:
            buckets[word[0]].append(word)
    return dict(buckets)


def nearest_known(word: str, min_jaro_winkler: float, min_similarity: float) -> tuple[str, float] | None:
    """The known word closest to an unknown ``word``, if it is close enough.

    Candidates share the first letter and are within three letters in length.
    Both Jaro-Winkler (which rewards a shared start) and normalised Levenshtein
    similarity must reach their thresholds.

    Args:
        word: A lowercase word.
        min_jaro_winkler: Least Jaro-Winkler similarity.
        min_similarity: Least normalised Levenshtein similarity.

    Returns:
        ``(known word, Jaro-Winkler similarity)``, or None.
    """
    bucket = [w for w in _known_by_initial().get(word[:1], []) if abs(len(w) - len(word)) <= 3 and w != word]
    close = process.extract(
        word, bucket, scorer=JaroWinkler.normalized_similarity, score_cutoff=min_jaro_winkler, limit=20
    )
    passing = [
        (str(known), float(jaro), Levenshtein.normalized_similarity(word, str(known)))
        for known, jaro, _ in close
        if Levenshtein.normalized_similarity(word, str(known)) >= min_similarity
    ]
    if not passing:
        return None
    known, jaro, _ = max(passing, key=lambda c: (c[1] + c[2], c[0]))
    return known, jaro


def is_unknown(word: str, below: float) -> bool:
    """True when ``word`` is rarer than Zipf ``below`` in English."""
    return zipf_frequency(word, "en") < below

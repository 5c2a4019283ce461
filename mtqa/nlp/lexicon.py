"""Known English-language words and names (wordfreq), for near-miss lookups of unknown names."""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein
from wordfreq import get_frequency_dict, zipf_frequency

# Words at least this frequent count as known ("nasrallah" is 2.3, "the" 7.7).
KNOWN_ZIPF = 2.0


@lru_cache(maxsize=1 << 18)
def zipf(word: str) -> float:
    """wordfreq's English Zipf frequency of ``word``, memoised: wordfreq tokenises on every call (about 4 µs)."""
    return float(zipf_frequency(word, "en"))


@lru_cache(maxsize=1)
def _known_by_initial() -> dict[str, list[str]]:
    """Known words of three letters or more (Zipf >= ``KNOWN_ZIPF``), by first letter; built once, in 0.1 s."""
    buckets: dict[str, list[str]] = defaultdict(list)
    least = 10 ** (KNOWN_ZIPF - 9) * 0.99  # a cheap test first; the exact one below decides
    for word, frequency in get_frequency_dict("en").items():
        if frequency >= least and len(word) >= 3 and word.isalpha() and math.log10(frequency) + 9 >= KNOWN_ZIPF:
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
    bucket = [
        w for w in _known_by_initial().get(word[:1], []) if len(w) >= 4 and abs(len(w) - len(word)) <= 3 and w != word
    ]
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


# wordfreq's languages written in Latin letters, the ones whose words a name in English text can carry.
_LATIN_LANGUAGES: tuple[str, ...] = ("ca", "cs", "da", "de", "es", "fi", "fil", "fr", "hu", "id", "is", "it", "lt")
_LATIN_LANGUAGES += ("lv", "ms", "nb", "nl", "pl", "pt", "ro", "sh", "sk", "sl", "sv", "tr", "vi")
# A word this common in another language (wordfreq's small lists hold the words from Zipf 3.0) ...
FOREIGN_ZIPF = 3.0
# ... and this much more common there than in English, where it is rarer than that, is a word of that
# language ("Svobodná", "Centrum"); "era" is common in Italian, but an English word too.
FOREIGN_MARGIN = 1.5


@lru_cache(maxsize=1 << 16)
def foreign_word(word: str) -> str | None:
    """The language (wordfreq's code) in which ``word`` is an ordinary word and English is not, or None.

    "Svobodná" (Czech 4.0, English 0), "Centrum" (Polish 5.4, English 2.3), "Allgemeinen" (German 4.7,
    English 1.5) are; "Bank", "Alexander" and "Hidalgo" (Spanish 4.1, English 2.9) are not. Words of
    one name are foreign when each of them is ("Stará Huť"; Slovak and Czech share words). Only
    wordfreq's small lists are read (about 25 MB for all the languages).
    """
    if " " in word:  # words of one name ("stará huť"): foreign when each is, in the longest one's language
        parts = sorted(word.split(), key=len, reverse=True)
        return foreign_word(parts[0]) if all(map(foreign_word, parts)) else None
    english = zipf(word)
    best = max(
        ((float(zipf_frequency(word, language, wordlist="small")), language) for language in _LATIN_LANGUAGES),
        default=(0.0, ""),
    )
    frequency, language = best
    foreign = frequency >= FOREIGN_ZIPF and frequency - english >= FOREIGN_MARGIN and english < FOREIGN_ZIPF
    return language if foreign else None


def language_name(code: str) -> str:
    """The English name of a language by its ISO 639 code ("cs": "Czech"), from pycountry; the code if unknown."""
    import pycountry

    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return str(found.name) if found is not None else code


def foreign_letters(word: str) -> bool:
    """Whether ``word`` holds letters beyond ASCII ("Zlaté", "Görlitz"); a curly apostrophe is no letter."""
    return any(not ch.isascii() and ch.isalpha() for ch in word)


def lookalikes(word: str) -> str:
    """The letters of another script in a word otherwise written in Latin letters ("Moпday": "п"), or "".

    Content farms swap Latin letters for Cyrillic or Greek ones that look the same, so that a
    copied text escapes a search for its words. A word written wholly in one script is no such
    trick, whatever the script. The scripts come from the Unicode names of the letters.
    """
    if word.isascii():
        return ""
    scripts = {ch: unicodedata.name(ch, "?").split(" ")[0] for ch in word if ch.isalpha()}
    if "LATIN" not in scripts.values():
        return ""
    # the scripts whose letters look Latin; a modifier letter ("Hawaiʻi") or a sign ("µg") is no swap
    return "".join(ch for ch, script in scripts.items() if script in _LOOKALIKE_SCRIPTS)


_LOOKALIKE_SCRIPTS = frozenset({"CYRILLIC", "GREEK"})


def same_but_lookalikes(original: str, copy: str) -> bool:
    """Whether ``copy`` is ``original`` with some letters swapped for look-alikes of another script."""
    foreign = lookalikes(copy)
    return (
        bool(foreign)
        and len(original) == len(copy)
        and all(a == b or (b in foreign and a.isascii() and a.isalpha()) for a, b in zip(original, copy, strict=True))
    )


def is_unknown(word: str, below: float) -> bool:
    """True when ``word`` is rarer than Zipf ``below`` in English."""
    return zipf(word) < below


# A misspelling is rare (below MISSPELT_ZIPF; wordfreq counts common typos such as
# "goverment" at 2.7) and sits within one edit (two for long words) of a word that
# is common (at least CORRECT_ZIPF) and far more frequent (by CORRECTION_GAIN).
MISSPELT_ZIPF = 3.0
CORRECT_ZIPF = 3.5
CORRECTION_GAIN = 2.0
LONG_WORD = 8


def correction(word: str) -> str | None:
    """The common word that a lowercase ``word`` most likely misspells, or None when it is no misspelling.

    Candidates share the first letter (a typo seldom changes it) and lie within
    one edit, counting a swap of neighbours as one (two edits for words of
    ``LONG_WORD`` letters or more); the most frequent wins.
    """
    rarity = zipf(word)
    if rarity >= MISSPELT_ZIPF or _spelling_variant(word) or _inflects_a_known_word(word):
        return None
    limit = 2 if len(word) >= LONG_WORD else 1
    close = process.extract(
        word, _known_by_initial().get(word[:1], []), scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=20
    )
    # A word wordfreq has never seen is no English word: any known word one slip away corrects it.
    wanted = KNOWN_ZIPF if rarity == 0 else max(CORRECT_ZIPF, rarity + CORRECTION_GAIN)
    candidates = [(int(distance), -zipf(str(known)), str(known)) for known, distance, _ in close]
    candidates = [c for c in candidates if c[2] != word and -c[1] >= wanted]
    return min(candidates)[2] if candidates else None  # the fewest edits, then the most frequent


# British and American spellings of one word ("deputised" / "deputized") are variants, not errors.
_VARIANTS = (("is", "iz"), ("our", "or"), ("tre", "ter"), ("ll", "l"), ("ogue", "og"), ("ence", "ense"))


def _spelling_variant(word: str) -> bool:
    """True when swapping a British for an American spelling (or back) gives a known word."""
    for british, american in _VARIANTS:
        for old, new in ((british, american), (american, british)):
            if old in word and zipf(word.replace(old, new)) >= KNOWN_ZIPF:
                return True
    return False


_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly")


def _inflects_a_known_word(word: str) -> bool:
    """True when ``word`` is a known, correctly spelt word plus an ending ("seaports" of "seaport")."""
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        known = word.endswith(suffix) and len(stem) >= 3 and zipf(stem) >= KNOWN_ZIPF
        if known and correction(stem) is None:
            return True
    return False

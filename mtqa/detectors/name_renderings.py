"""Each name of the original judged by the copy words that render it (the word alignment).

For every name of an original sentence in a linked unit, the words the word aligner
links to the name's words are its rendering. The pair is classed:

- **same**, or **an accepted variant**: case, hyphen, diacritics or transliteration only;
  initials or an abbreviation; a shortened form; another name the world uses for the same
  entity (a country's demonym or capital, "Czechia", "Kyiv"/"Kiev"; ``mtqa.nlp.world``).
  No flag, or a minor one for a transliteration that changes letters;
- **mangled** (major): a word of the name translated or swapped for a synonym ("Distant
  Orient" for "Far East"), its parts reordered, re-spelt beyond transliteration, or cut short;
- **replaced** (major): another name in its place;
- **described** (minor): a common-noun description in its place ("a religious group").

A name with no word rendered is left to the ``omission`` detector. The suggestion is always
the original's spelling, and the evidence names the class and the aligned words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import jellyfish
from rapidfuzz.distance import OSA, Levenshtein

from mtqa.align.words import fold_word, sentence_words, unlinked_slot
from mtqa.detectors.base import AuditContext
from mtqa.detectors.spinning import SPUN_RATE, swap_rate
from mtqa.nlp.language import MIN_ENGLISH_SHARE, english_share
from mtqa.nlp.lexicon import foreign_letters, foreign_word, language_name, same_but_lookalikes, zipf
from mtqa.nlp.name_spans import CALENDAR
from mtqa.nlp.world import different_places, is_place_or_country, same_entity
from mtqa.plural import noun, plural
from mtqa.types import SEVERITY_RANK, Flag, Severity, Unit, Word, WordLink

if TYPE_CHECKING:
    from spacy.tokens import Doc

KIND = "name"
# spaCy entity types that are names (numbers, dates and amounts are the number detector's).
NAME_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
# Lowercase words that join the words of one name ("Bank of the North", "Hendrik van der Molen").
CONNECTORS = frozenset({"of", "the", "for", "de", "del", "della", "di", "da", "dos", "das", "du", "van"}) | (
    frozenset({"von", "der", "den", "ter", "al", "el", "bin", "ibn", "la", "le", "las", "los", "des", "y"})
)
# A word at least this common (wordfreq Zipf) is an ordinary English word.
COMMON_ZIPF = 3.0
# A lowercase tail of a hyphenated word this common is an ordinary word ("-backed", "-led"), not the name's
# ("Soo-yeon": "yeon" is 3.0, "soo" 3.8).
TAIL_ZIPF = 4.0
# A word at least this frequent is a word of some kind, in some language that English text quotes.
KNOWN_ZIPF = 1.0
# A sentence's first word this common is capitalised for the sentence, not as a name ("The", "Officials").
OPENER_ZIPF = 3.5
# A copy word this common carries no name: a pronoun or a function word the aligner linked.
FUNCTION_ZIPF = 5.6
# Normalised edit similarity above which a differing word is a respelling of the name, below a new name.
RESPELT_SIMILARITY = 0.5
# The most copy words that may stand in the slot of one word of a name.
MAX_SLOT_WORDS = 2
# A lowercase word this common, glued before a name, is a lost space, not part of the name.
GLUED_WORD_ZIPF = 5.0
# A name written with another language's letters (on either side), and more letters apart than this,
# is a local and an English form, not a respelling ("Novakovič" / "Novaković" stays one).
LOCAL_FORM_DISTANCE = 2
LOCAL_STEM = 4  # letters the two forms share at their start
MIN_FOREIGN = 5  # letters of a word before it counts as a word of another language put into English
# A sentence with at least this share of its words capitalised is written in title case (or capitals).
TITLE_CASE_SHARE = 0.8
# A link made by the token states alone below this score is too weak to call a name replaced.
MIN_REPLACED_SCORE = 0.65
# A link by the token states this strong holds a name's rendering in place as an exact one does.
STRONG_LINK = 0.6
# Word links made by the words' forms (the same word, folded, or the same lemma), not by the token states.
FORM_MATCHES = frozenset({"exact", "folded", "lemma"})
_POSSESSIVE = re.compile(r"['’]s?$")

Verdict = tuple[str, Severity | None, str]  # (class, severity or None for no flag, reason)


@dataclass(frozen=True)
class Name:
    """A name of an original sentence: its words in the document, and whether spaCy called it an entity."""

    sentence_id: int
    words: tuple[Word, ...]
    label: str
    entity: frozenset[int] = frozenset()  # starts of the words inside spaCy's entity (not a title before it)
    person: frozenset[int] = frozenset()  # starts of the words inside a person's entity

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end

    def text(self, document_text: str) -> str:
        return document_text[self.start : self.end]

    @property
    def content(self) -> tuple[Word, ...]:
        """The words that name, without the connecting words."""
        return tuple(w for w in self.words if w.text not in CONNECTORS)


# Parts of speech that name nothing: a pronoun, a determiner, a preposition, a conjunction, an auxiliary.
FUNCTION_POS = frozenset({"PRON", "DET", "ADP", "CCONJ", "SCONJ", "AUX", "PART"})


def function_word(context: AuditContext, word: Word) -> bool:
    """Whether spaCy reads the copy word as a function word (or, failing a token at its start, it is very common)."""
    offset = context.copy.sentences[word.sentence_id].start
    for token in context.parse("copy", word.sentence_id):
        if token.idx + offset == word.start:
            return token.pos_ in FUNCTION_POS
    return zipf(word.text.lower()) >= FUNCTION_ZIPF


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


# Months and weekdays, and their short forms ("Sep", "Sept", "Mon"): capitalised, but no one's name.
_CALENDAR_FORMS = CALENDAR | {w[:3] for w in CALENDAR} | {"sept", "tues", "thur", "thurs"}


def _is_calendar(word: str) -> bool:
    return word.lower().rstrip(".") in _CALENDAR_FORMS


def sentence_names(context: AuditContext, sentence_id: int) -> list[Name]:
    """The names of one original sentence: spaCy's entities of every name type, and runs of capitalised
    words with their connecting words inside, merged where they overlap; sentence openers left out."""
    sentence = context.reference.sentences[sentence_id]
    words = sentence_words(context.reference, sentence_id)
    if not words:
        return []
    labels: dict[int, str] = {}
    parse: Doc = context.parse("reference", sentence_id)
    for entity in parse.ents:
        if entity.label_ in NAME_LABELS:
            start, end = sentence.start + entity.start_char, sentence.start + entity.end_char
            for word in words:
                if start <= word.start and word.end <= end and word.text not in ("the", "The"):
                    labels[word.start] = entity.label_
    # a line in title case or in capitals capitalises its ordinary words: no title inside it can be told
    title_case = sum(_is_capitalised(w.text) for w in words) >= TITLE_CASE_SHARE * len(words)
    runs: list[list[Word]] = []
    current: list[Word] = []
    pending: list[Word] = []  # connecting words waiting for the next capitalised word
    previous_end: int | None = None
    for index, word in enumerate(words):
        adjacent = previous_end is not None and not context.reference.text[previous_end : word.start].strip()
        previous_end = word.end
        headline = sentence.kind == "headline" and zipf(word.text.lower()) >= COMMON_ZIPF
        if _is_calendar(word.text) or any(ch.isdigit() for ch in word.text):
            is_name = False
        elif zipf(word.text.lower().split("'")[0].split("’")[0]) >= FUNCTION_ZIPF and word.start not in labels:
            # "I", "I'll", "We": capitalised, but no name; but a very common word capitalised inside a run
            # of capitalised words is a title's ("Only One Night In Paris", "Under the Sea")
            is_name = sentence.kind != "headline" and _title_word(context, title_case, words, index)
        elif word.start in labels:
            # inside an entity, a lowercase word names nothing unless it joins two that do ("of")
            is_name = not word.text.islower() or word.text in CONNECTORS
        else:  # a headline capitalises its ordinary words; a sentence, its first
            is_name = _is_capitalised(word.text) and not _opener(word, index) and not headline
        if is_name:
            if not (current and adjacent):
                runs.append(current)
                current = []
            current += [*pending, word]
            pending = []
        elif current and adjacent and word.text in CONNECTORS:
            pending.append(word)
        else:
            runs.append(current)
            current, pending = [], []
    runs.append(current)
    names = []
    for run in (r for r in runs if r):
        label = next((labels[w.start] for w in run if w.start in labels), "")
        inside = frozenset(w.start for w in run if w.start in labels)
        person = frozenset(w.start for w in run if labels.get(w.start) == "PERSON")
        names.append(Name(sentence_id, tuple(run), label, inside, person))
    return names


def _title_word(context: AuditContext, title_case: bool, words: list[Word], index: int) -> bool:
    """Whether a very common word, capitalised, stands inside a title: not the sentence's first word, nor
    first after an opening quote, colon or dash, not "I", and between two capitalised words."""
    word = words[index]
    if title_case or index == 0 or not _is_capitalised(word.text) or re.match(r"I\b", word.text):
        return False
    before = context.reference.text[words[index - 1].end : word.start].strip()
    if before[-1:] in ("“", '"', "‘", "'", ":", "—", "–", "(", "-"):
        return False

    def capitalised_neighbour(step: int) -> bool:
        k = index + step
        if 0 < k + step < len(words) and words[k].text in CONNECTORS:
            k += step  # "Under the Sea"
        if not 0 < k < len(words) or not _is_capitalised(words[k].text):
            return False
        left, right = sorted((words[k], word), key=lambda w: w.start)
        return all(part in CONNECTORS for part in context.reference.text[left.end : right.start].split())

    return capitalised_neighbour(-1) and capitalised_neighbour(1)  # inside a run: "Shares of Apple Are up" is none


def _opener(word: Word, index: int) -> bool:
    """A capitalised word that is so only because it opens the sentence (or follows a quote or colon)."""
    return index == 0 and zipf(word.text.lower()) >= OPENER_ZIPF


def _strip(text: str) -> str:
    return _POSSESSIVE.sub("", text)


@lru_cache(maxsize=1 << 16)
def _spelling_key(word: str) -> str:
    """``word`` with the letters British and American spelling differ in made one ("organise" / "organize",
    "defence" / "defense", "colour" / "color", "travelled" / "traveled")."""
    return word.replace("z", "s").replace("ce", "se").replace("our", "or").replace("ll", "l")


@lru_cache(maxsize=1 << 16)
def _metaphone(key: str) -> str:
    return str(jellyfish.metaphone(key)) if key else ""


# Letters that romanisations of one Cyrillic letter write differently: щ (shch, sch), х (kh, h), ц (ts,
# tz, z) before a vowel (a final "ts" is an English plural: "Roberts"), and x for the two letters ks.
_ROMANISATIONS = ((r"shch", "sch"), (r"kh", "h"), (r"t[sz](?=[aeiouy])", "z"), (r"x", "ks"))


def _romanised(key: str) -> str:
    for written, common in _ROMANISATIONS:
        key = re.sub(written, common, key)
    return key


def transliteration_variant(copy_key: str, original_key: str) -> bool:
    """Whether two folded spellings differ only as transliterations of one name do.

    A doubled letter (Hamed/Hammed), or at most two edits each of which changes, adds or
    drops a vowel (Karimova/Kerimova), writes u as w, j for y or dj for d, or adds or drops
    the h of an aspirate (Akter/Akhter); or the same Metaphone key with at most two edits;
    or, once both are written in one romanisation, the same spelling but for at most one vowel
    (Aleksandr/Alexander, Melashchenko/Melaschenko, Vverkh/Vverh; not Kholl/Hall).
    """
    if _variant_spelling(copy_key, original_key):
        return True
    mine, theirs = _romanised(copy_key), _romanised(original_key)
    if (mine, theirs) == (copy_key, original_key):
        return False
    operations = list(Levenshtein.editops(theirs, mine))
    if not operations:
        return True
    if len(operations) > 1 or operations[0].tag == "replace":
        return False
    op = operations[0]
    return (theirs[op.src_pos] if op.tag == "delete" else mine[op.dest_pos]) in _VOWELS


def _variant_spelling(copy_key: str, original_key: str) -> bool:
    if copy_key == original_key:
        return True

    def undoubled(key: str) -> str:
        return re.sub(r"(.)\1+", r"\1", key)

    mine, theirs = undoubled(copy_key), undoubled(original_key)
    if min(len(mine), len(theirs)) < 3:
        return False
    if mine == theirs:
        return True
    edits = jellyfish.damerau_levenshtein_distance(mine, theirs)
    if edits <= 2 and _metaphone(mine) == _metaphone(theirs):
        return True
    operations = Levenshtein.editops(theirs, mine)
    return len(operations) <= 2 and all(
        _variant_edit(op.tag, theirs, mine, op.src_pos, op.dest_pos) for op in operations
    )


_VOWELS = frozenset("aeiouy")
_ASPIRATED = frozenset("kgdtrbp")  # kh, gh, dh, th, rh, bh, ph: an h that marks aspiration
# Letters that transliterations of one name swap.
_SWAPS = [{"u", "w"}, {"j", "y"}, {"i", "y"}, {"i", "j"}, {"k", "c"}, {"c", "s"}, {"z", "s"}, {"z", "j"}]


def _variant_edit(tag: str, theirs: str, mine: str, i: int, j: int) -> bool:
    if tag == "replace":
        pair = {theirs[i], mine[j]}
        return pair <= _VOWELS or pair in _SWAPS
    longer, at = (mine, j) if tag == "insert" else (theirs, i)
    letter, before = longer[at], longer[at - 1] if at else ""
    # an h of an aspirate or of "zh", a j of "dj", a y of "iy"
    # and the c of a German "sch" for "sh"
    after = longer[at + 1] if at + 1 < len(longer) else ""
    return (
        letter in _VOWELS - {"y"}
        or (letter in "hj" and before in _ASPIRATED | {"d", "z"})
        or letter == "y"
        or (letter == "c" and before == "s" and after == "h")
    )


def is_initials(short: str, words: list[str]) -> bool:
    """Whether ``short`` ("NATO", "U.S.", "UN") abbreviates ``words`` by their initials (a prefix of them suffices)."""
    letters = re.sub(r"[^A-Za-z]", "", short)
    if len(letters) < 2 or not letters.isupper():
        return False
    initials = "".join(w[0] for w in words if w and w not in CONNECTORS).upper()
    full = "".join(w[0] for w in words if w).upper()
    return (
        initials.startswith(letters)
        or full.startswith(letters)
        or (letters.startswith(initials) and len(initials) >= 2)
    )


def _name_part(word: str) -> str:
    """The word without a possessive and without a lowercase ordinary tail ("Iran-backed" -> "Iran")."""
    word = _strip(word)
    parts = word.split("-")
    while len(parts) > 1 and parts[-1].islower() and zipf(parts[-1]) >= TAIL_ZIPF:
        parts.pop()
    return "-".join(parts)


def judge_word(original: str, copy: str, score: float, match: str, person: bool = False) -> Verdict:
    """Class one word of a name against the copy word linked to it (``person``: the name is a person's)."""
    if original == copy or match == "exact":
        return "same", None, "the same word"
    if same_but_lookalikes(original, copy):
        return "lookalike", "minor", f"“{copy}” writes “{original}” with look-alike letters of another script"
    if _parts_swapped(copy, original):
        return "mangled", "major", f"“{copy}” has the parts of “{original}” in another order"
    glued = copy.removesuffix(original)
    if glued != copy and glued.isalpha() and glued.islower() and zipf(glued) >= GLUED_WORD_ZIPF:
        # the name run into the word before it ("inHarlow"): a space lost, the name itself intact
        return "variant", None, f"“{copy}” is “{original}” run into the word “{glued}” before it"
    original, copy = _name_part(original), _name_part(copy)
    theirs, mine = fold_word(original), fold_word(copy)
    if theirs == mine:
        if copy.islower() and not original.islower():
            # an ordinary word written in lowercase ("vice president") is style; a rare one is a name lost
            severity: Severity | None = None if zipf(mine) >= COMMON_ZIPF else "minor"
            return "lowercased", severity, f"“{copy}” writes “{original}” in lowercase"
        return "variant", None, "the same name, another case or accent"
    if theirs == mine + "s" or mine == theirs + "s":
        return "variant", None, f"“{copy}” and “{original}” differ by a final s"
    cut = "-" in original and "-" not in copy and fold_word(copy) in [fold_word(p) for p in original.split("-")]
    compound, plain = (copy, original) if "-" in copy else (original, copy)
    head, *rest = compound.split("-")
    modifier = all(p.islower() and zipf(p) >= COMMON_ZIPF for p in rest)
    if rest and modifier and not person and "-" not in plain and fold_word(head) == fold_word(plain):
        # the name, whole, in a compound modifier on one side ("Harlow-based", "Moldova-flagged"); a
        # person's hyphenated given name cut to its first part ("Hye" for "Hye-jin") is no such thing
        return "variant", None, f"“{compound}” holds “{plain}” whole"
    if cut:  # "Anna Berg" for "Anna Berg-Lindqvist"; but "DFB" for "DFB-Pokal" is a name's short form
        if person:
            return "mangled", "major", f"“{copy}” cuts “{original}” short"
        return "another form", "minor", f"“{copy}” is a part of “{original}”"
    if original.isupper() and len(theirs) <= 5:
        if copy.isupper() and len(mine) <= 5:
            return "another form", "minor", f"“{copy}” and “{original}” are two abbreviations"
        if mine.startswith(theirs[:2]):
            return "variant", None, f"“{copy}” spells out “{original}”"
    if "-" in original and "-" in copy and original.count("-") == copy.count("-"):
        # a compound of names ("Iraq-Syria" / "Iraqi-Syrian"): the worst of its parts
        parts = [judge_word(o, c, score, "") for o, c in zip(original.split("-"), copy.split("-"), strict=True)]
        return max(parts, key=lambda v: _RANK.get(v[0], 2))
    world = same_entity(original, copy)
    if world:
        return "variant", None, f"“{copy}” is {world}"
    # a person's name is not translated ("Tom Jäger" for "Tom Hunter" is a mangling)
    source_form = None if person else _source_form(original, copy, theirs, mine)
    if source_form:
        return source_form
    short, long = sorted((theirs, mine), key=len)
    # "Gen" for "General", "St" for "Street" or "Saint": the long form is an ordinary word, the short one
    # a few of its letters, its first (and for a contraction, its last)
    contraction = (
        len(short) <= 3
        and len(long) >= len(short) + 2
        and short[:1] == long[:1]
        and short[-1:] == long[-1:]
        and _in_order(list(short), list(long))
    )
    # "Fb" for "Facebook", "Ms" for "Mrs": two or three of the word's letters, in order, its first first
    letters = len(short) <= 3 and short == mine and _letters_of(short, long)
    # of an ordinary word, not a name's syllable; and no word itself ("Pot" for "Post" is a swap)
    letters = letters and not person and zipf(long) >= TAIL_ZIPF and zipf(short) < TAIL_ZIPF
    if (long.startswith(short) or contraction or letters) and 2 <= len(short) <= 4 and zipf(long) >= COMMON_ZIPF:
        return "variant", None, f"“{copy}” and “{original}” are a word and its abbreviation"
    if not person and min(zipf(mine), zipf(theirs)) >= TAIL_ZIPF and _spelling_key(mine) == _spelling_key(theirs):
        # two spellings of one ordinary English word ("Organisation" / "Organization", "Defence" / "Defense")
        return "variant", None, f"“{copy}” and “{original}” are two spellings of one word"
    if transliteration_variant(mine, theirs):
        return "transliterated", "minor", f"“{copy}” is a transliteration variant of “{original}”"
    common = zipf(mine) >= COMMON_ZIPF
    if " " in copy and any(
        min(len(theirs), len(fold_word(part))) >= 3
        and (fold_word(part).startswith(theirs) or theirs.startswith(fold_word(part)))
        for part in copy.split()
    ):
        return "variant", None, f"“{copy}” is a fuller form of “{original}”"  # "London Metropolitan" / "Met"
    placelike = _is_capitalised(copy) and min(len(mine), len(theirs)) >= 4
    if placelike and zipf(mine) < TAIL_ZIPF and different_places(original, copy):  # not "Liberty", a word too
        return "replaced", "major", f"“{copy}” names another place than “{original}”"
    known_place = (
        placelike and zipf(mine) < COMMON_ZIPF and is_place_or_country(copy) and not is_place_or_country(original)
    )
    if known_place:
        # "Hodonín" for "Hodonínsko", "Česká Lípa" for "Českolipsko": the copy writes the place as
        # the world does, the original in a derived or local form
        return "another form", "minor", f"“{copy}” is a known place; the original writes “{original}”"
    short, long = sorted((mine, theirs), key=len)
    if len(short) >= 4 and long.startswith(short) and short == theirs and is_place_or_country(original):
        return "variant", None, f"“{copy}” is a word derived from the place “{original}”"  # "Bosnian" / "Bosnia"
    written = sorted((copy, original), key=len)
    if len(short) >= 4 and written[1].startswith(written[0]) and written[1][len(written[0]) :][:1].isupper():
        # a name joined of capitalised parts, and its first part ("HarlocorpEnergy" / "Harlocorp"): a short or a
        # fuller form
        return "variant", None, f"“{written[1]}” is “{written[0]}” with a part joined to it"
    if len(short) >= 4 and long.startswith(short):
        # "Halvorse" for "Halvorsen": no word of any kind; "Savanna" for "Savannah": one letter off
        if short == mine and (zipf(mine) < KNOWN_ZIPF or len(long) - len(short) == 1):
            return "mangled", "major", f"“{copy}” cuts “{original}” short"
        return "another form", "minor", f"“{copy}” and “{original}” are forms of one word"
    if common:
        if not _is_capitalised(copy):
            # an ordinary word of a title-cased phrase ("Week") in lowercase words is no name described
            severity = None if zipf(theirs) >= COMMON_ZIPF else "minor"
            return "described", severity, f"the name's “{original}” becomes the common word “{copy}”"
        if zipf(theirs) >= COMMON_ZIPF:
            # an ordinary word of the name swapped for another ("Lieutenant"/"Colonel", "Studies"/"Research"):
            # two translators do that too; a name rebuilt of several such swaps is major (judge_name)
            return "swapped", "minor", f"the name's “{original}” is rendered by another word, “{copy}”"
        # a foreign word of the name put into English ("Pokal" / "Cup"): what one translator does and
        # another does not; a name rebuilt of several such words is major (judge_name)
        return "swapped", "minor", f"the name's “{original}” is translated or swapped for “{copy}”"
    if copy.islower():
        return "described", "minor", f"the name's “{original}” becomes the lowercase word “{copy}”"
    stem = mine[:LOCAL_STEM] == theirs[:LOCAL_STEM]  # "zlat" of "Zlatohorsko" / "Zlaté Hory"
    local = not person and (foreign_letters(original) or foreign_letters(copy)) and stem
    if local and OSA.distance(mine, theirs) > LOCAL_FORM_DISTANCE:
        # one side writes a place or body in its own language, with its letters, and the other in another
        # form of the same stem ("Zlatohorsko" / "Zlaté Hory", "Vysočinský" / "Vysocina"): a translator's choice
        return "another form", "minor", f"“{copy}” and “{original}” may be a local and another form of the name"
    similarity = OSA.normalized_similarity(mine, theirs)
    if similarity >= RESPELT_SIMILARITY or _metaphone(mine)[:3] == _metaphone(theirs)[:3]:
        distance = OSA.distance(mine, theirs)
        return (
            "mangled",
            "major",
            f"“{copy}” re-spells “{original}” ({plural(distance, 'letter')} {noun(distance, 'differs', 'differ')})",
        )
    if match == "embedding" and score < MIN_REPLACED_SCORE:
        return "unsure", None, "a weak link"
    if not person and zipf(theirs) >= TAIL_ZIPF and zipf(mine) < COMMON_ZIPF:
        # an ordinary word of a place's or a body's name in a local or foreign form that is no English
        # word ("Krai" / "Territory", "Verf" / "Wharf"): what a translator does, not another name
        return "another form", "minor", f"“{copy}” may be a local or foreign form of the name's “{original}”"
    return "replaced", "major", f"“{copy}” stands where the original names “{original}”"


def _source_form(original: str, copy: str, theirs: str, mine: str) -> Verdict | None:
    """A word of a place's or a body's name that one side writes in another language (wordfreq's), or None.

    One translator keeps the source language's word and the other puts it into English ("Svobodná" /
    "Free", "Centrum" / "Center"), or both keep it in two of its forms ("Allgemeine" / "Allgemeinen",
    one the other with an ending): a translator's choice, minor. The foreign word has at least
    ``MIN_FOREIGN`` letters (any short word is common in one of the languages), and the English side must
    be a word English knows; a respelling of the foreign word ("Allgemenen") is no translation, nor a slip
    of one letter that makes a foreign word ("Luz" for "Lutz"). ``theirs``, ``mine``: the folded forms
    (the languages are read from the words as written: "Lužické" is Czech, "Luzicke" nothing).
    """
    languages = foreign_word(original.lower()), foreign_word(copy.lower())
    language = languages[0] or languages[1]
    if language is None or is_place_or_country(original) or is_place_or_country(copy):
        return None  # nor is a known place put into another language ("Wien" for "London" is another place)
    short, long = sorted((theirs, mine), key=len)
    if None not in languages:
        if languages[0] == languages[1] and len(short) >= MIN_FOREIGN and long.startswith(short):
            word = f"one {language_name(language)} word"
            return "another form", "minor", f"“{copy}” and “{original}” are two forms of {word}"
        return None  # two foreign words ("Brněnský" / "Bratislavský"): no translation into English
    foreign, other = (original, copy) if languages[0] else (copy, original)
    english = mine if languages[0] else theirs
    if original.isupper() or copy.isupper() or long.startswith(short) or len(fold_word(foreign)) < MIN_FOREIGN:
        return None  # an abbreviation ("UTAK", "Ala" for "Alabama") or a short word ("Bez") is no word put into English
    if zipf(english) < KNOWN_ZIPF or OSA.distance(theirs, mine) < 2:
        return None  # a respelling, not a translation: "Luz" is Spanish, but for "Lutz" a letter dropped
    return "translated", "minor", f"“{other}” translates the {language_name(language)} word “{foreign}”"


_RANK = {"same": 0, "variant": 0, "unsure": 0}
_RANK |= {"lookalike": 1, "lowercased": 1, "transliterated": 1, "described": 1, "another form": 1, "swapped": 1}
_RANK |= {"translated": 1}


def copy_run(context: AuditContext, words: list[Word], own: set[int], claimed: set[int], missing: int) -> list[Word]:
    """``words`` (copy words of one sentence) widened to the run of capitalised words around them.

    A neighbour joins when it is capitalised (or a connecting word between two that are), stands
    next to the run with only spaces between, and renders no other original word (``claimed``
    holds the starts of copy words linked to words outside this name; ``own`` those linked into it).
    In a sentence written in capitals every word is capitalised, so at most ``missing`` words join
    (as many as the name has words left unlinked), nearest first.
    """
    sentence_words_ = sentence_words(context.copy, words[0].sentence_id)
    capitals = context.copy.sentences[words[0].sentence_id].text.isupper()
    starts = [w.start for w in sentence_words_]
    first, last = starts.index(words[0].start), starts.index(words[-1].start)

    def joins(word: Word) -> bool:
        # a sentence's first word is capitalised anyway: it joins only if spaCy reads it as a proper noun
        return word.start in own or (
            _is_capitalised(word.text) and word.start not in claimed and not _copy_opener(context, word)
        )

    def adjacent(left: Word, right: Word) -> bool:
        gap = context.copy.text[left.end : right.start].strip()
        # the dot of a short capitalised abbreviation inside a name ("Harlow Sq. Gardens", "Mt. Pelham")
        abbreviation = gap == "." and _is_capitalised(left.text) and len(left.text) <= 3 and left.text.isalpha()
        return not gap or abbreviation

    def room() -> bool:
        added = sum(1 for w in sentence_words_[first : last + 1] if w.start not in own)
        return not capitals or added < missing

    while first > 0 and room() and adjacent(sentence_words_[first - 1], sentence_words_[first]):
        if joins(sentence_words_[first - 1]):
            first -= 1
        elif (
            first > 1
            and sentence_words_[first - 1].text in CONNECTORS
            and joins(sentence_words_[first - 2])
            and adjacent(sentence_words_[first - 2], sentence_words_[first - 1])
        ):
            first -= 2
        else:
            break
    while last + 1 < len(sentence_words_) and room() and adjacent(sentence_words_[last], sentence_words_[last + 1]):
        if joins(sentence_words_[last + 1]):
            last += 1
        elif (
            last + 2 < len(sentence_words_)
            and sentence_words_[last + 1].text in CONNECTORS
            and joins(sentence_words_[last + 2])
            and adjacent(sentence_words_[last + 1], sentence_words_[last + 2])
        ):
            last += 2
        else:
            break
    return sentence_words_[first : last + 1]


def slot_run(context: AuditContext, words: Sequence[Word]) -> list[Word]:
    """The run of capitalised copy words (connecting words inside kept) in the slot of an original name
    that no word of it links to (``unlinked_slot``): what stands where the name stood. Empty when the
    slot holds no such run, or more than one, or a run much longer than the name."""
    between = unlinked_slot(context.words, context.reference, context.copy, words)
    if not between or len(between) > len(words) + 3:
        return []
    if context.copy.sentences[between[0].sentence_id].text.isupper():
        return []  # in a sentence written in capitals every word looks like a name
    runs: list[list[Word]] = [[]]
    for word in between:
        name_word = _is_capitalised(word.text) and not _copy_opener(context, word)
        if name_word or (word.text in CONNECTORS and runs[-1]):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    runs = [list(itertools.dropwhile(lambda w: w.text in CONNECTORS, r[::-1]))[::-1] for r in runs]
    runs = [r for r in runs if r]
    if len(runs) != 1 or len(runs[0]) > len(words) + 2:
        return []
    return runs[0]


def _copy_opener(context: AuditContext, word: Word) -> bool:
    """A copy word capitalised only because it opens its sentence: common, and no proper noun to spaCy."""
    first = sentence_words(context.copy, word.sentence_id)[0]
    if word.start != first.start or zipf(word.text.lower()) < OPENER_ZIPF:
        return False
    offset = context.copy.sentences[word.sentence_id].start
    return not any(t.idx + offset == word.start and t.pos_ == "PROPN" for t in context.parse("copy", word.sentence_id))


def judge_name(
    name: Name, links: list[WordLink], context: AuditContext, claimed: set[int], story: StoryNames
) -> tuple[Verdict, list[Word], str | None] | None:
    """Class a name by its linked copy words; None when nothing of it is rendered (an omission, if anything).

    Args:
        name: The original's name.
        links: The word links of the name's words.
        context: The audit.
        claimed: Starts of copy words linked to original words outside any name of this sentence's unit.
        story: The story's names and the copy words linked to any original word.

    Returns:
        The verdict, the copy words that render the name (in copy order), and the original's spelling
        of the part they render when that is not the whole name (else None). The class is
        ``deferred`` (no flag) when the copy word that would replace the name is a near miss of
        another name of the story: the aligner linked the wrong name, and ``near_miss_flags`` judges it.
    """
    content = {w.start for w in name.content}
    linked = [
        link
        for link in links
        if link.reference is not None
        and link.copy is not None
        and link.reference.start in content
        and not function_word(context, link.copy)  # a pronoun or "the" renders no name
    ]
    if linked:
        first_sentence = min(link.copy.sentence_id for link in linked if link.copy)
        linked = [link for link in linked if link.copy and link.copy.sentence_id == first_sentence]
        copy_words = _largest_group(
            context,
            sorted({lk.copy for lk in linked if lk.copy is not None}, key=lambda w: w.start),
            story.linked_copy,
        )
        linked = [link for link in linked if link.copy in copy_words]
        own = {w.start for w in copy_words}
        missing = len(name.content) - len({lk.reference.start for lk in linked if lk.reference})
        run = copy_run(context, copy_words, own, claimed - own, missing)
        linked += _paired_by_position(context, name, linked, run, story.linked_copy)
    else:  # no word of the name linked: what stands in its slot renders it, if anything does
        run = copy_words = slot_run(context, name.words)
        if not run:
            return None
        found = _judge_rendering(name, _slot_links(context, name, run), run, run, context, story)
        (cls, severity, reason), words, part = found
        if severity == "major" and not _names_something(context, run):
            # ordinary capitalised words in the slot ("Central" for "Middle", "Crowns" for "CZK"):
            # a translator's choice as often as a replacement
            return (cls, "minor", f"{reason}; the copy's words name nothing known"), words, part
        return found
    return _judge_rendering(name, linked, run, copy_words, context, story)


def _names_something(context: AuditContext, run: list[Word]) -> bool:
    """Whether copy words are a name: inside an entity of a name type in spaCy's parse of the copy, or
    not an ordinary word (a word rarer than ``COMMON_ZIPF``)."""
    rare = any(zipf(fold_word(w.text)) < COMMON_ZIPF for w in run if w.text not in CONNECTORS)
    return rare or _copy_label(context, run) != ""


def _copy_label(context: AuditContext, run: list[Word]) -> str:
    """The name type spaCy gives the copy words (an entity of a name type overlapping them), or ""."""
    sentence = context.copy.sentences[run[0].sentence_id]
    start, end = run[0].start - sentence.start, run[-1].end - sentence.start
    for entity in context.parse("copy", run[0].sentence_id).ents:
        if entity.label_ in NAME_LABELS and entity.start_char < end and start < entity.end_char:
            return str(entity.label_)
    return ""


def _judge_rendering(
    name: Name,
    linked: list[WordLink],
    run: list[Word],
    copy_words: list[Word],
    context: AuditContext,
    story: StoryNames,
) -> tuple[Verdict, list[Word], str | None]:
    """Class a name by the copy words that render it (``run``; ``copy_words`` those linked, ``linked``
    the word links between the two): see ``judge_name``."""
    reference_text = context.reference.text
    original_words = [w.text for w in name.content]
    run_content = [w.text for w in run if w.text not in CONNECTORS]
    copy_text = context.copy.text[run[0].start : run[-1].end]
    whole = name.text(reference_text)
    theirs, mine = (
        fold_word(" ".join(map(_name_part, original_words))),
        fold_word(" ".join(map(_name_part, run_content))),
    )
    same_letters = _same_letters(context, name, run)
    if same_letters is not None:
        original_part, copy_part = same_letters
        part = context.reference.text[original_part[0].start : original_part[-1].end]
        shown = context.copy.text[copy_part[0].start : copy_part[-1].end]
        split: tuple[Verdict, list[Word], str | None] = (
            _split_or_joined(shown, part),
            copy_part,
            part,
        )
        # the words of the split are judged by it; a major fault of the name's other words comes first
        inside = {w.start for w in original_part} | {w.start for w in copy_part}
        rest = [
            judge_word(lk.reference.text, lk.copy.text, lk.score, lk.match, name.label == "PERSON")
            for lk in linked
            if lk.reference and lk.copy and lk.reference.start not in inside and lk.copy.start not in inside
        ]
        major = [v for v in rest if v[1] == "major"]
        return (major[0], run, None) if major else split
    if theirs == mine:
        particles = [w.text for w in name.words if w.text in CONNECTORS and w.text not in ("of", "the", "for")]
        around = context.copy.text[max(run[0].start - 30, 0) : run[-1].end].lower()
        if particles and " ".join(particles).lower() not in around:
            dropped = " ".join(particles)
            # the span: the name's words on either side of its particles, as the copy writes them
            name_content, name_words = list(name.content), list(name.words)
            first = next(k for k, w in enumerate(name_words) if w.text in particles)
            previous = name_words[first - 1] if first else None
            before = name_content.index(previous) if previous in name_content else 0
            after = min(before + 1, len(name_content) - 1)
            rendering = [w for w in run if w.text not in CONNECTORS]
            if len(rendering) == len(name_content):
                span = reference_text[name_content[before].start : name_content[after].end]
                return (
                    ("mangled", "minor", f"the particle “{dropped}” of “{span}” is dropped or changed"),
                    [rendering[before], rendering[after]],
                    span,
                )
            return ("mangled", "minor", f"the particle “{dropped}” of “{whole}” is dropped or changed"), run, None
        if len(run_content) != len(original_words):
            return _split_or_joined(copy_text, whole), run, None
        if all(w.islower() for w in run_content) and not all(w.islower() for w in original_words):
            rare = any(zipf(fold_word(w)) < COMMON_ZIPF for w in run_content)
            return ("lowercased", "minor" if rare else None, f"“{copy_text}” writes “{whole}” in lowercase"), run, None
        return ("same", None, "the same name"), run, None
    # Whole-name variants: initials, the world's other names, a shortened or a fuller form.
    if len(run_content) == 1 and is_initials(run_content[0], original_words):
        return ("variant", None, f"“{copy_text}” abbreviates “{whole}”"), run, None
    if len(original_words) == 1 and len(run_content) > 1 and is_initials(original_words[0], run_content):
        return ("variant", None, f"“{whole}” abbreviates “{copy_text}”"), run, None
    world = same_entity(_strip(whole), _strip(copy_text))
    if world:
        return ("variant", None, f"“{copy_text}” is {world}"), run, None
    folded_original = [fold_word(_name_part(w)) for w in original_words]
    folded_copy = [fold_word(_name_part(w)) for w in run_content]
    if len(run_content) < len(original_words) and _in_order(folded_copy, folded_original):
        return ("variant", None, f"“{copy_text}” is a shortened form of “{whole}”"), run, None
    if len(original_words) < len(run_content) and _in_order(folded_original, folded_copy):
        return ("variant", None, f"“{copy_text}” is a fuller form of “{whole}”"), run, None
    judged = [
        (judge_word(link.reference.text, link.copy.text, link.score, link.match, name.label == "PERSON"), link)
        for link in linked
        if link.reference and link.copy
    ]
    for verdict, link in judged:
        if link.copy is None or len(judged) != 1:
            continue
        if verdict[0] == "unsure" or (verdict[0] == "replaced" and story.near_other(link.copy.text, name)):
            return ("deferred", None, "a weak link, or a near miss of another name of the story"), [link.copy], None
    expansions = ([w.text for w in name.content], run_content)
    judged = [(_abbreviation(verdict, link, expansions), link) for verdict, link in judged]
    kept = {lk.reference.start for _, lk in judged if lk.reference and lk.match in FORM_MATCHES}
    judged = [(_swap_judged(verdict, link, name, story, kept), link) for verdict, link in judged]
    if story.translated:
        # the original is in another language: an ordinary word of a name put into its English form
        # ("Congresso" / "Congress") is a translation, not a transliteration; a person's name is not
        # translated ("Victor" / "Viktor" stays a respelling)
        judged = [((("variant", None, v[2]) if _translated_word(v, lk, name) else v), lk) for v, lk in judged]
    verdicts = [verdict for verdict, _ in judged]
    worst = max(verdicts, key=lambda v: (_RANK.get(v[0], 2), v[1] == "major", v[1] is not None))
    # a word put into English from another language counts as a swap: one is a translator's choice, a name
    # rebuilt of several ("Saint Lorenzo of the Stones") is no name the world uses
    swapped = [v for v in verdicts if v[0] in ("swapped", "translated")]
    # every word swapped for another, none put into English ("Huť" / "Steelworks" translates, it replaces nothing)
    whole_swapped = all(v[0] == "swapped" for v in verdicts) and {
        lk.reference.start for _, lk in judged if lk.reference
    } >= {w.start for w in name.content}
    # a cognate ("Bavarian" / "Bayern", "Centrum" / "Center") is the name translated, not another name
    cognate = mine[:2] == theirs[:2] or OSA.normalized_similarity(mine, theirs) >= RESPELT_SIMILARITY
    capitalised = all(_is_capitalised(w) for w in run_content)
    if whole_swapped and capitalised and not cognate and _copy_label(context, run) == name.label != "":
        # every word of an entity's name gone, and a name of the same type in its place: "Google" for
        # "Microsoft" (a place for a people, "Netherlands" for "Dutchman", is a rendering)
        return ("replaced", "major", f"“{copy_text}” stands where the original names “{whole}”"), run, None
    if len(swapped) >= 2 and _RANK.get(worst[0], 2) <= 1:
        reasons = "; ".join(v[2] for v in swapped)
        return ("mangled", "major", f"words of the name translated or swapped: {reasons}"), run, None
    # a role or place moved around a name whose own words keep their order ("State Police Colonel Martin Hale"
    # for "Colonel Martin Hale of the State Police") is the sentence rebuilt, not the name reordered
    block = name.person or name.entity  # a person's own words first: a role or body around them may move
    own = [lk for lk in linked if lk.reference and lk.reference.start in block] if block else linked
    if _RANK.get(worst[0], 2) == 0 and len(copy_words) > 1 and len(own) > 1 and _reordered(own):
        rendered = context.copy.text[copy_words[0].start : copy_words[-1].end]
        of_inversion = "of" in whole.split() or "of" in rendered.split()
        # "Ministry of Health" / "Health Ministry", "Kim Yeon-soo" / "Yeon-soo Kim": word order is also
        # a convention, so an order change alone is minor
        what = "with “of” added or dropped" if of_inversion else "as they stand"
        # a translation puts a name's words in the order of its own language ("Parque Nacional X" / "X National Park")
        severity: Severity | None = None if story.translated else "minor"
        return ("reordered", severity, f"the parts of “{whole}” stand in another order, {what}"), run, None
    if worst[0] == "lowercased":
        all_lower = all(w.islower() for w in run_content) and name.label in ("PERSON", "GPE", "LOC", "FAC")
        if all_lower and all(zipf(w) >= COMMON_ZIPF for w in run_content):
            return ("mangled", "major", f"the name is lowercased into common words: {worst[2]}"), run, None
    if worst[0] == "described" and worst[1] is None and name.label and 2 * len(judged) >= len(name.content):
        worst = ("described", "minor", worst[2])  # a common noun where the original names an entity
    faulty = [link for verdict, link in judged if verdict[1] is not None]
    if len(faulty) == 1 and faulty[0].copy is not None and len(name.content) > 1:
        return (
            worst,
            [faulty[0].copy],
            _strip(faulty[0].reference.text) if faulty[0].reference else None,
        )  # one word of a longer name, the rest kept: the flag is on that word
    return worst, run, None


def _translated_word(verdict: Verdict, link: WordLink, name: Name) -> bool:
    """Whether a transliteration verdict is a word of the original's language put into an ordinary English
    word ("Congresso" / "Congress"); "Victor" is an English word already, and "Viktor" no ordinary one."""
    if verdict[0] == "translated":
        return True  # judge_word found the original's word in another language, and the copy's in English
    if verdict[0] != "transliterated" or link.copy is None or link.reference is None or name.label == "PERSON":
        return False
    theirs, mine = fold_word(_name_part(link.reference.text)), fold_word(_name_part(link.copy.text))
    return zipf(theirs) < COMMON_ZIPF and zipf(mine) >= TAIL_ZIPF


def _abbreviation(verdict: Verdict, link: WordLink, expansions: tuple[list[str], list[str]]) -> Verdict:
    """A word verdict undone when one side is an abbreviation of words the other side writes out ("UN
    Office" / "United Nations Office", "United Kingdom" / "UK"): the aligner links the short form to
    one of the long form's words. ``expansions``: the name's words in the original, and in the copy."""
    if verdict[1] is None or link.reference is None or link.copy is None:
        return verdict
    original_words, copy_words = expansions
    sides = [
        (link.copy.text, link.reference.text, original_words, copy_words),
        (link.reference.text, link.copy.text, copy_words, original_words),
    ]
    for short, linked, long_side, short_side in sides:
        if _initials_of(_strip(short), _strip(linked), long_side, short_side):
            return "variant", None, f"“{link.copy.text}” and “{link.reference.text}” are an abbreviation and its words"
    return verdict


def _initials_of(short: str, linked: str, words: list[str], other: list[str]) -> bool:
    """Whether ``short`` (in capitals, dots dropped) is the initials of consecutive capitalised ``words``
    that hold ``linked`` (the word the aligner linked it to) and that the short form's side (``other``)
    does not write itself: "US" is not "Under Secretary" when both sides write "Secretary"."""
    letters = short.replace(".", "")
    if not (2 <= len(letters) <= 5 and letters.isalpha() and letters.isupper()):
        return False
    written = {_strip(w).lower() for w in other}
    for k in range(len(words) - len(letters) + 1):
        window = [_strip(w) for w in words[k : k + len(letters)]]
        if (
            "".join(w[:1] for w in window) == letters
            and linked in window
            and not any(w.lower() in written for w in window)
        ):
            return True
    return False


def _swap_judged(verdict: Verdict, link: WordLink, name: Name, story: StoryNames, kept: set[int]) -> Verdict:
    """A word of the name swapped for an ordinary word (``judge_word``'s minor "swapped"), judged by who did it.

    Translators put the ordinary words of a body's name in other words ("Ministry of Finance" /
    "Economics"), so one such swap is minor. But no one translates a person's surname while keeping
    the given name ("Dana Streams" for "Dana Rivers"), and in a spun copy the swap is the spinner's
    ("Harlow Town Corridor" for "Harlow Town Hall"). A cognate or a form of the word ("Technology" / "Technologies"), an
    abbreviation, and a place stay minor. ``kept``: the name's words rendered in their own form.
    """
    if verdict[0] not in ("swapped", "translated") or link.reference is None or link.copy is None:
        return verdict
    if story.translated:
        # the original is in another language: the words of a name are put into English ("Parque
        # Nacional" / "National Park"), as a translator must
        return "variant", None, f"a word of the name translated from the original's language: {verdict[2]}"
    if name.person and link.reference.start < min(name.person) and link.reference.start not in name.entity:
        # a role before a person's name ("Vice President", "Former Prime Minister"), put in other words
        return "variant", None, f"a role word, not the name: {verdict[2]}"
    theirs, mine = fold_word(_name_part(link.reference.text)), fold_word(_name_part(link.copy.text))
    if mine[:2] == theirs[:2] or OSA.normalized_similarity(mine, theirs) >= RESPELT_SIMILARITY:
        return verdict
    short, long = sorted((mine, theirs), key=len)
    if _strip(link.reference.text).isupper() or _letters_of(short, long):
        return verdict  # an abbreviation on either side ("US" / "States", "Fb" / "Facebook") swaps no synonym
    if _strip(link.copy.text).isupper() or len(mine) < 3:
        return verdict
    content = [w.start for w in name.content]
    surname = (
        name.label == "PERSON"
        and not is_place_or_country(_strip(link.reference.text))  # "Britain" read as a person's name
        and link.reference.start in name.entity
        and link.reference.start != min(name.person, default=-1)  # the given name is kept, this is a later word
        and any(start in kept for start in content if start != link.reference.start)
    )
    if surname and zipf(theirs) >= COMMON_ZIPF:
        return "mangled", "major", f"a person's surname is no word to translate: {verdict[2]}"
    if story.spun:
        rate = f"{story.swap_rate:.1f} per 100 words"
        return "mangled", "major", f"{verdict[2]}, in a copy that swaps ordinary words for synonyms throughout ({rate})"
    return verdict


@dataclass(frozen=True)
class StoryNames:
    """What every name of one audit is judged with: the original's name words, and the copy words the
    word aligner linked to any original word."""

    names: tuple[Name, ...]
    keys: dict[str, int]  # folded name word -> the sentence naming it first
    linked_copy: frozenset[int]
    swap_rate: float = 0.0  # the copy's one-for-one swaps of ordinary words per 100 words (``spinning``)
    translated: bool = False  # the original is not English: the copy is a translation of it

    @property
    def spun(self) -> bool:
        """Whether the copy reads as made by a synonym spinner."""
        return self.swap_rate > SPUN_RATE

    def in_sentence(self, sentence_id: int) -> list[Name]:
        """The names of one original sentence."""
        return [n for n in self.names if n.sentence_id == sentence_id]

    @classmethod
    def of(cls, context: AuditContext, names: list[Name]) -> StoryNames:
        keys: dict[str, int] = {}
        for name in names:
            for word in name.content:
                keys.setdefault(fold_word(_name_part(word.text)), name.sentence_id)
        # a link to a particle ("Vanderberg" to "van") renders no name by itself
        linked = frozenset(
            lk.copy.start
            for lk in context.words.links
            if lk.copy is not None and lk.reference is not None and lk.reference.text not in CONNECTORS
        )
        # judged on the ordinary words: an English story full of foreign names is still English
        ordinary = " ".join(re.findall(r"(?<![\w'’-])[a-z]+(?![\w'’-])", context.reference.text))
        translated = english_share(ordinary) < MIN_ENGLISH_SHARE
        return cls(tuple(names), keys, linked, swap_rate(context.words), translated)

    def near_other(self, copy_word: str, name: Name) -> bool:
        """Whether ``copy_word`` is a near miss of a name word of the story that ``name`` does not hold."""
        key = fold_word(_name_part(copy_word))
        own = {fold_word(_name_part(w.text)) for w in name.content}
        return any(
            # another name of the story itself, spelt right, is a real replacement ("Nnaji" for "Obi")
            other not in own and len(other) >= 4 and 0.75 <= OSA.normalized_similarity(key, other) < 1.0
            for other in self.keys
        )


def _paired_by_position(
    context: AuditContext, name: Name, linked: list[WordLink], run: list[Word], linked_copy: frozenset[int]
) -> list[WordLink]:
    """Links between the name's words the aligner left unlinked and the run's words it left unlinked, in order.

    "Prosecutor Adaeze Nnaji" for "Prosecutor Adaeze Obi": "Adaeze" links, and "Nnaji" stands where
    "Obi" stood. With one word left on the name's side, it pairs with all the run's leftover words.
    Otherwise each stretch of unlinked words pairs with what stands in its slot (``_paired_by_slot``).
    """
    done = {lk.reference.start for lk in linked if lk.reference}
    left = [w for w in name.content if w.start not in done]
    kept = {lk.copy.start for lk in linked if lk.copy}
    right = [w for w in run if w.text not in CONNECTORS and w.start not in linked_copy and w.start not in kept]
    anchored = any(lk.match in FORM_MATCHES or lk.score >= STRONG_LINK for lk in linked)
    if not left or not right or not anchored:
        return []  # without one word of the name kept as it is, the sentence may name someone else
    unit = linked[0].unit
    if len(left) == len(right):
        return [WordLink(unit, a, b, 0.0, "position") for a, b in zip(left, right, strict=True)]
    if len(left) == 1:
        key = fold_word(left[0].text)
        nearest = max(right, key=lambda w: OSA.normalized_similarity(fold_word(w.text), key))
        if OSA.normalized_similarity(fold_word(nearest.text), key) >= RESPELT_SIMILARITY:
            return [WordLink(unit, left[0], nearest, 0.0, "position")]
        if len(right) <= 2:  # "East Mountain" for "Dongsan": the name's one word, rendered in two
            return [WordLink(unit, left[0], _joined(context.copy.text, right), 0.0, "position")]
    return _paired_by_slot(context, left, unit)


def _paired_by_slot(context: AuditContext, left: list[Word], unit: int) -> list[WordLink]:
    """Each stretch of the name's unlinked words paired with the copy words that stand in its slot,
    between the copy words of its linked neighbours, when the capitalised run stops short of them
    ("Reserve Financial institution of Harlow" for "Reserve Bank of Harlow": "Bank" / "Financial
    institution"; "Fire Force" for "Fire Rescue Department": "Rescue Department" / "Force")."""
    words = sentence_words(context.reference, left[0].sentence_id)
    position = {w.start: k for k, w in enumerate(words)}
    stretches: list[list[Word]] = []
    for word in left:
        if stretches and position.get(word.start) == position.get(stretches[-1][-1].start, -2) + 1:
            stretches[-1].append(word)
        else:
            stretches.append([word])
    links = []
    for stretch in stretches:
        slot = unlinked_slot(context.words, context.reference, context.copy, stretch)
        if 1 <= len(slot) <= MAX_SLOT_WORDS and slot[0].text[:1].isupper():
            joined = _joined(context.reference.text, stretch)
            links.append(WordLink(unit, joined, _joined(context.copy.text, slot), 0.0, "position"))
    return links


def _joined(text: str, words: list[Word]) -> Word:
    """Consecutive words as one."""
    return Word(words[0].sentence_id, words[0].start, words[-1].end, text[words[0].start : words[-1].end])


def _slot_links(context: AuditContext, name: Name, run: list[Word]) -> list[WordLink]:
    """The name's words paired with the words of its slot's run: one to one when they are as many,
    else the whole name with the whole run."""
    theirs = list(name.content)
    mine = [w for w in run if w.text not in CONNECTORS]
    if len(theirs) == len(mine):
        return [WordLink(-1, a, b, 0.0, "position") for a, b in zip(theirs, mine, strict=True)]
    whole = Word(name.sentence_id, name.start, name.end, name.text(context.reference.text))
    return [WordLink(-1, whole, _joined(context.copy.text, run), 0.0, "position")]


def _same_letters(context: AuditContext, name: Name, run: list[Word]) -> tuple[list[Word], list[Word]] | None:
    """The longest stretches of the name and of the run that hold the same letters split another way
    ("Hod Zic" / "Hodzic", "Vandermolen" / "van der Molen"); None if there are none."""
    mine = [w for w in run if w.text not in ("of", "the", "for")]
    theirs = [w for w in name.words if w.text not in ("of", "the", "for")]

    def letters(words: list[Word]) -> str:
        return fold_word("".join(_name_part(w.text) for w in words))

    while mine and theirs and letters(mine[:1]) == letters(theirs[:1]):
        mine, theirs = mine[1:], theirs[1:]
    while mine and theirs and letters(mine[-1:]) == letters(theirs[-1:]):
        mine, theirs = mine[:-1], theirs[:-1]

    best: tuple[int, list[Word], list[Word]] | None = None
    for i in range(len(mine)):
        for j in range(i, len(mine)):
            key = letters(mine[i : j + 1])
            for k in range(len(theirs)):
                for m in range(k, len(theirs)):
                    size = (j - i) + (m - k)  # the fewest words: "Hod Zic" / "Hodzic", not "Senad Hod Zic"
                    if j - i != m - k and letters(theirs[k : m + 1]) == key and (best is None or size < best[0]):
                        best = (size, theirs[k : m + 1], mine[i : j + 1])
    return (best[1], best[2]) if best is not None else None


def _split_or_joined(copy: str, original: str) -> Verdict:
    """The same letters with spaces or hyphens in other places.

    A name's own variants, no flag: a hyphen for a space, or parts split or joined where each part
    shows where it starts on both sides, by a space, a hyphen or its capital ("StarGate" / "Star
    Gate"). Mangled, minor: a word broken where nothing marks a part ("Solei Mani" for "Soleimani"),
    as machine translation breaks a word it does not know, or parts run together so that one no
    longer shows ("Sayyidal" for "Sayyid al", "Newhaven" for "New Haven").
    """
    pieces, parts = _PART_BREAKS.split(copy.strip()), _PART_BREAKS.split(original.strip())
    breaks = _starts(pieces) | _starts(parts)
    if breaks <= _shown(pieces) & _shown(parts):
        return "variant", None, f"“{copy}” has the letters of “{original}”, joined or hyphenated differently"
    how = "split differently" if len(pieces) > len(parts) else "run together"
    return "mangled", "minor", f"“{copy}” has the letters of “{original}”, {how}"


def _starts(pieces: list[str]) -> set[int]:
    """Where each piece after the first starts, in the letters of all pieces joined."""
    return set(itertools.accumulate(len(p) for p in pieces[:-1]))


def _shown(pieces: list[str]) -> set[int]:
    """The places in the joined letters where a part visibly starts: after a separator, or at a capital."""
    letters = "".join(pieces)
    return _starts(pieces) | {k for k, ch in enumerate(letters) if ch.isupper()}


_PART_BREAKS = re.compile(r"[\s‐–-]+")


def _parts_swapped(mine: str, theirs: str) -> bool:
    """Whether two hyphenated words hold the same parts in another order ("Yeon-soo" / "Soo-yeon")."""
    a, b = mine.lower().split("-"), theirs.lower().split("-")
    return len(a) > 1 and a != b and sorted(a) == sorted(b)


def _largest_group(context: AuditContext, words: list[Word], linked_copy: frozenset[int]) -> list[Word]:
    """The largest run of ``words`` that stand together in their sentence (only capitalised or connecting
    words between them, or one word that renders no original word: "Early Morning time Jogging"): a name's
    words rendered far apart are a sentence rebuilt, not a name."""
    sentence = sentence_words(context.copy, words[0].sentence_id)
    position = {w.start: k for k, w in enumerate(sentence)}
    groups: list[list[Word]] = [[words[0]]]
    for left, right in itertools.pairwise(words):
        between = sentence[position[left.start] + 1 : position[right.start]]
        loose = [w for w in between if not (_is_capitalised(w.text) or w.text in CONNECTORS)]
        if not loose or (len(loose) == 1 and loose[0].start not in linked_copy and len(between) == 1):
            groups[-1].append(right)
        else:
            groups.append([right])
    return max(groups, key=len)


def _letters_of(short: str, long: str) -> bool:
    """Whether ``short`` is some of ``long``'s letters in order, its first first ("fb" of "facebook")."""
    return short[:1] == long[:1] and _in_order(list(short), list(long))


def _in_order(short: list[str], long: list[str]) -> bool:
    """Whether every word of ``short`` stands in ``long``, in the same order."""
    position = 0
    for word in short:
        try:
            position = long.index(word, position) + 1
        except ValueError:
            return False
    return True


def _reordered(links: list[WordLink]) -> bool:
    pairs = sorted((link.reference.start, link.copy.start) for link in links if link.reference and link.copy)
    copy_order = [c for _, c in pairs]
    return copy_order != sorted(copy_order)


def story_names(context: AuditContext) -> list[Name]:
    """Every name of the original, sentence by sentence (debris left out)."""
    return [
        n
        for i, s in enumerate(context.reference.sentences)
        if s.kind != "boilerplate"
        for n in sentence_names(context, i)
    ]


def rendering_flags(context: AuditContext, story: StoryNames) -> tuple[list[Flag], set[int]]:
    """The flags of every original name in a linked unit that the copy renders other than as an accepted form.

    Returns:
        The flags, and the starts of the copy words whose links were deferred to ``near_miss_flags``.
    """
    flags: dict[tuple[int, int], Flag] = {}
    deferred: set[int] = set()
    by_unit: dict[int, list[WordLink]] = {}
    for link in context.words.links:
        by_unit.setdefault(link.unit, []).append(link)
    for k, unit in enumerate(context.alignment.units):
        if not unit.is_linked:
            continue
        names = [n for i in unit.reference_ids for n in story.in_sentence(i)]
        in_names = {w.start for n in names for w in n.content}
        claimed = {
            link.copy.start
            for link in by_unit.get(k, ())
            if link.copy is not None and link.reference is not None and link.reference.start not in in_names
        }
        for name in names:
            links = context.words.rendering(name.start, name.end)
            found = judge_name(name, links, context, claimed, story)
            if found is None:
                continue
            (cls, severity, reason), run, part = found
            if cls == "deferred":
                deferred.update(w.start for w in run)
            if severity is None:
                continue
            start, end = run[0].start, run[-1].end
            whole, text = name.text(context.reference.text), context.copy.text[start:end]
            if part is not None:
                whole = part
            aligned = ", ".join(f"{lk.copy.text}→{lk.reference.text}" for lk in links if lk.copy and lk.reference)
            flag = Flag(
                KIND,
                severity,
                run[0].sentence_id,
                name.sentence_id,
                start,
                end,
                text,
                whole,
                f"{cls}: “{text}” renders “{whole}” (original sentence {name.sentence_id}): {reason}; "
                + (f"aligned words: {aligned}" if aligned else "no word of it is aligned word by word"),
            )
            if (start, end) not in flags or SEVERITY_RANK[severity] > SEVERITY_RANK[flags[start, end].severity]:
                flags[start, end] = flag
    return list(flags.values()), deferred


def near_miss_flags(context: AuditContext, taken: list[Flag], story: StoryNames, deferred: set[int]) -> list[Flag]:
    """Copy name words that render no original word by the alignment but are near misses of a name of the story.

    The aligner leaves a badly mangled word unlinked ("El Harizi" for "el-Haziri": one of the two
    words links), and a content farm repeats a mangled name in sentences of its own, which render
    nothing. Such a word is compared by spelling with the original's names, those of its own unit
    first, and judged as a linked word is (``judge_word``).
    """
    linked = story.linked_copy - deferred
    reference_keys = {
        fold_word(_name_part(w.text))
        for i in range(len(context.reference))
        for w in sentence_words(context.reference, i)
    }
    names = list(story.names)
    candidates = [(name, word, fold_word(_name_part(word.text))) for name in names for word in name.content]
    # a name's particles with the word after them ("van der Berg"), which a copy may join
    for name in names:
        for k, word in enumerate(name.words):
            if word.text in CONNECTORS and (k == 0 or name.words[k - 1].text not in CONNECTORS):
                end = next((w for w in name.words[k:] if w.text not in CONNECTORS), None)
                if end is not None:
                    text = context.reference.text[word.start : end.end]
                    candidates.append((name, Word(name.sentence_id, word.start, end.end, text), fold_word(text)))
    # two words of a name, as one ("Abdel Karim", which a copy may join)
    for name in names:
        for left, right in itertools.pairwise(name.content):
            text = context.reference.text[left.start : right.end]
            if len(text.split()) <= 3:
                candidates.append((name, Word(name.sentence_id, left.start, right.end, text), fold_word(text)))
    whole_words = {key for _, _, key in candidates}
    flags: list[Flag] = []
    for j, sentence in enumerate(context.copy.sentences):
        if sentence.kind == "boilerplate":
            continue
        own = set(context.counterparts(j))
        words = sentence_words(context.copy, j)
        pieces = [
            Word(j, a.start, b.end, context.copy.text[a.start : b.end])
            for a, b in itertools.pairwise(words)
            if _is_capitalised(a.text) and _is_capitalised(b.text) and context.copy.text[a.end : b.start] == " "
        ]
        for word in [*pieces, *words]:  # a name split in two ("Solei Mani") before its words
            key = fold_word(_name_part(word.text))
            if (
                (any(w.start in linked for w in words if word.start <= w.start < word.end) and key not in whole_words)
                or not _is_capitalised(word.text)
                or len(key) < 4
                or (key in reference_keys and " " not in word.text)
                or zipf(key) >= COMMON_ZIPF
                or any(f.start < word.end and word.start < f.end for f in [*taken, *flags])
            ):
                continue
            best: tuple[tuple[bool, float], Name, Word] | None = None
            for name, original, theirs in candidates:
                if len(theirs) < 4 or zipf(theirs) >= COMMON_ZIPF:
                    continue
                similarity = OSA.normalized_similarity(key, theirs)
                near = similarity >= 0.75 or (_metaphone(key) == _metaphone(theirs) and similarity >= 0.6)
                near = near or _parts_swapped(word.text, original.text)
                rank = (name.sentence_id in own, similarity)
                if near and (best is None or rank > best[0]):
                    best = (rank, name, original)
            if best is None:
                continue
            _, name, original = best
            verdict: Verdict = judge_word(original.text, word.text, 1.0, "")
            if key == fold_word(_name_part(original.text)):
                if len(word.text.split()) == len(original.text.split()):
                    continue  # the same name, in another case or with a possessive
                verdict = _split_or_joined(word.text, original.text)
            elif " " in word.text and word.text.split()[0].lower() not in CONNECTORS:
                continue  # two words near one name ("Ms Bulley"): judged word by word
            cls, severity, reason = verdict
            if severity is None or cls not in ("mangled", "transliterated"):
                continue
            spelling = _strip(original.text)
            flags.append(
                Flag(
                    KIND,
                    severity,
                    j,
                    name.sentence_id,
                    word.start,
                    word.end,
                    word.text,
                    spelling,
                    f"{cls}: “{word.text}” renders no word by the alignment but is a near miss of “{spelling}” "
                    f"in “{name.text(context.reference.text)}” (original sentence {name.sentence_id}): {reason}",
                )
            )
    return flags


def rendered_by_words(context: AuditContext, unit: Unit, start: int, end: int) -> bool:
    """Whether the copy renders the original name at ``[start, end)``: a content word of it linked to a
    copy word that is no function word, capitalised words standing in its slot (``slot_run``: rightly
    or not, the name is rendered, and the name detector judges how), or a copy word nearby that the
    world takes for the same entity ("Czech" for "the Czech Republic", "Kiev" for "Kyjev"), in the
    unit or the copy sentences beside it."""
    for link in context.words.rendering(start, end):
        content = link.reference is not None and link.reference.text not in CONNECTORS
        if content and link.copy is not None and not function_word(context, link.copy):
            return True
    words = sentence_words(context.reference, context.reference.sentence_at(start))
    span = [w for w in words if start <= w.start < end]
    if span and slot_run(context, span):
        return True
    name = _strip(context.reference.text[start:end])
    # a copy word written as some other original word renders that word, not this name's entity
    # ("Russian" for "Russian", not for "Saint Petersburg"; "Ghana" for a later "Ghana", not for "Ghanaian")
    elsewhere = {
        lk.copy.start
        for lk in context.words.links
        if lk.copy and lk.reference and lk.match in FORM_MATCHES and not start <= lk.reference.start < end
    }
    nearby = range(max(min(unit.copy_ids) - 1, 0), min(max(unit.copy_ids) + 2, len(context.copy)))
    for j in nearby:
        capitalised = [w for w in sentence_words(context.copy, j) if _is_capitalised(w.text)]
        kept = [w.text for w in capitalised if w.start not in elsewhere]
        phrases = kept + [f"{a} {b}" for a, b in itertools.pairwise(kept)]
        if any(same_entity(name, phrase) or fold_word(phrase) == fold_word(name) for phrase in phrases):
            return True
    return False


def headline_flags(context: AuditContext, story: StoryNames, names: list[Name], taken: list[Flag]) -> list[Flag]:
    """Names of the story that a copy headline renders in part ("RED POLANA" for "Czerwona Polana").

    A headline names what the story names, wherever the story names it, and its own original
    (another headline, or none) may not hold the name: a word of the headline that is a word of a
    name of the story anchors that name, and the name is judged by the headline words around it.
    """
    flags: list[Flag] = []
    for sentence in (s for s in context.copy.sentences if s.kind == "headline"):
        words = sentence_words(context.copy, sentence.id)
        for name in (n for n in names if len(n.content) > 1):
            keys = {fold_word(w.text): w for w in name.content}
            links = [
                WordLink(-1, keys[fold_word(w.text)], w, 1.0, "folded")
                for w in words
                if fold_word(w.text) in keys and len(fold_word(w.text)) >= 4
            ]
            if not links or len(links) == len(name.content):
                continue
            found = judge_name(name, links, context, set(), story)
            if found is None or found[0][1] is None:
                continue
            (cls, severity, reason), run, part = found
            start, end = run[0].start, run[-1].end
            if any(f.start < end and start < f.end for f in [*taken, *flags]) or severity is None:
                continue
            whole = part or name.text(context.reference.text)
            text = context.copy.text[start:end]
            flags.append(
                Flag(
                    KIND,
                    severity,
                    sentence.id,
                    name.sentence_id,
                    start,
                    end,
                    text,
                    whole,
                    f"{cls}: the headline's “{text}” renders “{whole}” "
                    f"(original sentence {name.sentence_id}): {reason}",
                )
            )
    return flags

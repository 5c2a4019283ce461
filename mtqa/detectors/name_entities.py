"""Whole names changed inside a rendered sentence: replaced, translated, cut short or lowercased.

The name detector's span rules compare spellings; these compare the named
entities of an original sentence with those of its rendering (spaCy's parse,
every entity type), so a name swapped for another, or rendered in words of
another language, is caught even where no spelling is close.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from mtqa.detectors.base import AuditContext
from mtqa.nlp.entities import core, filler, is_name, near, renders, same_slot, text_words
from mtqa.nlp.lexicon import zipf
from mtqa.nlp.name_spans import PARTICLES, fold
from mtqa.types import Flag, Severity, Unit

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

KIND = "name"
# A word of a name at least this common is an ordinary English word ("Light", "Mother", "Old").
ORDINARY_ZIPF = 3.0
# A word rarer than this marks a name as a proper name, not a phrase of ordinary words.
RARE_ZIPF = 3.5
# Words that open a name without being part of what is named.
_OPENERS = frozenset({"the", "a", "an"})
# Words that join the parts of a name ("Bank of the North"), in English and as particles.
_LINKS = frozenset({"of", "the", "and", "las", "los", "des", "y"}) | PARTICLES

Pair = tuple[tuple[int, "Span"], tuple[int, "Span"]]  # ((copy sentence, its phrase), (original sentence, its name))


def name_flag(
    severity: Severity,
    where: tuple[int, int, int, str],
    reference_id: int | None,
    suggestion: str | None,
    message: str,
) -> Flag:
    """A ``name`` flag on ``where`` = (copy sentence id, start, end, text)."""
    copy_id, start, end, text = where
    return Flag(KIND, severity, copy_id, reference_id, start, end, text, suggestion, message)


def entity_flags(context: AuditContext) -> list[Flag]:
    """The flags of every linked unit: names replaced, renamed in part, and lowercased."""
    original_words = text_words(context.reference.text)
    flags: list[Flag] = []
    for unit in (u for u in context.alignment.units if u.is_linked):
        replaced = _replacements(context, unit, original_words)
        flags += replaced
        taken = {f.suggestion for f in replaced}
        renamed = _renamed(context, unit, original_words)
        flags += [f for f in renamed if f.suggestion not in taken and free(f.start, f.end, flags)]
        flags += [f for f in _lowercased(context, unit) if free(f.start, f.end, flags)]
    flags += [f for f in _reordered(context) if free(f.start, f.end, flags)]
    flags += [f for f in _renamed_in_headlines(context, original_words) if free(f.start, f.end, flags)]
    return flags


def _renamed_in_headlines(context: AuditContext, original_words: set[str]) -> list[Flag]:
    """``_renamed`` for the copy's headlines, against every name of the original.

    A headline names what the story names, wherever the story names it
    ("GREEN DABROWA" for the village of "Zielona Dąbrowa" of the first
    paragraph), so its names are compared with all of the original's.
    """
    names = [(i, e) for i in range(len(context.reference.sentences)) for e in context.parse("reference", i).ents]
    names = [(i, _with_capitalised_neighbours(e, titles=False)) for i, e in names if is_name(e)]
    flags = []
    for sentence in context.copy.sentences:
        if sentence.kind == "headline":
            flags += _renamed_in(context, sentence.id, names, original_words, text_words(sentence.text))
    return flags


def _reordered(context: AuditContext) -> list[Flag]:
    """A name of the original with its parts in another order, anywhere in the copy ("Seo Jae-min")."""
    names = {
        core(e): i
        for i in range(len(context.reference.sentences))
        for e in context.parse("reference", i).ents
        if is_name(e)
    }
    by_parts: dict[tuple[str, ...], list[str]] = {}  # names with the same parts, in any order
    for name in names:
        by_parts.setdefault(_parts(name), []).append(name)
    flags = []
    for j in range(len(context.copy.sentences)):
        for entity in (e for e in context.parse("copy", j).ents if is_name(e)):
            mine = core(entity)
            theirs = next(
                (n for n in by_parts.get(_parts(mine), ()) if "-" in n + entity.text and parts_swapped(mine, n)), None
            )
            if theirs is not None:
                flags.append(
                    name_flag(
                        "major",
                        _where(context, j, entity),
                        names[theirs],
                        theirs,
                        f"name changed: “{entity.text}” has the parts of “{theirs}” (original sentence "
                        f"{names[theirs]}) in another order",
                    )
                )
    return flags


# ------------------------------------------------------------------ replaced


def _replacements(context: AuditContext, unit: Unit, original_words: set[str]) -> list[Flag]:
    """A name the original sentence has and its rendering drops, with another phrase in its place.

    The other phrase is a name new to the sentence in the same slot
    (``same_slot``), the unit's one new person for its one dropped person, or
    any noun phrase in the slot that is neither a pronoun nor the role the
    original gives (``_other_phrase``).
    """
    copy_words = text_words(" ".join(context.copy.sentences[j].text for j in unit.copy_ids))
    dropped = [
        (i, ent)
        for i in unit.reference_ids
        for ent in context.parse("reference", i).ents
        if is_name(ent) and not renders(core(ent), copy_words)
    ]
    # A name new to the sentence may take a dropped name's slot; only one new to the story
    # replaces a dropped person wherever it stands.
    unit_words = text_words(" ".join(context.reference.sentences[i].text for i in unit.reference_ids))
    new = [
        (j, ent)
        for j in unit.copy_ids
        for ent in context.parse("copy", j).ents
        if is_name(ent) and not renders(core(ent), unit_words)
    ]
    pairs = _pair_by_slot(dropped, new, original_words)
    paired = {id(ref_ent) for _, (_, ref_ent) in pairs}
    pairs += [
        (found, (i, ref_ent))
        for i, ref_ent in dropped
        if id(ref_ent) not in paired and (found := _other_phrase(context, unit, unit_words, i, ref_ent)) is not None
    ]
    flags = []
    for (j, copy_phrase), (i, ref_ent) in pairs:
        what = "names" if copy_phrase.ents else "puts"
        flags.append(
            name_flag(
                "major",
                _where(context, j, copy_phrase),
                i,
                ref_ent.text,
                f"name changed: where the original names “{ref_ent.text}” (original sentence {i}), "
                f"the copy {what} “{copy_phrase.text}”, which the original sentence does not have",
            )
        )
    return flags


def _pair_by_slot(dropped: list[tuple[int, Span]], new: list[tuple[int, Span]], original_words: set[str]) -> list[Pair]:
    """Pairs (new, dropped) of names that the copy put where the original had another.

    One person dropped and one person new to the whole original in a unit
    are a swap wherever they stand; otherwise a new name replaces the one
    dropped name that fills the same slot (``same_slot``), and only when no
    other dropped name does.
    """
    people = (
        [d for d in dropped if d[1].label_ == "PERSON"],
        [
            n
            for n in new
            if n[1].label_ == "PERSON"
            and not renders(core(n[1]), original_words)
            and zipf(core(n[1])) < COMMON_ZIPF  # not "Said" taken for a name
        ],
    )
    if len(people[0]) == 1 and len(people[1]) == 1 and len(dropped) == 1 and len(new) == 1:
        return [(people[1][0], people[0][0])]
    pairs = []
    taken: set[int] = set()
    for candidate in new:
        slots = [k for k, d in enumerate(dropped) if k not in taken and same_slot(d[1], candidate[1])]
        if len(slots) == 1:
            taken.add(slots[0])
            pairs.append((candidate, dropped[slots[0]]))
    return pairs


def _other_phrase(
    context: AuditContext, unit: Unit, unit_words: set[str], reference_id: int, entity: Span
) -> tuple[int, Span] | None:
    """The copy's noun phrase in a dropped name's slot, when it is something else than the name.

    Not a pronoun, and not the role the original gives beside the name
    ("the spokesman" of "Ali Hassan, the spokesman"): those drop the name,
    which the omission detector reports. Nor "the company" just after the
    copy named it: that refers back to the name.
    """
    original = {t.lemma_.lower() for t in context.parse("reference", reference_id) if not t.is_stop}
    for j in unit.copy_ids:
        found = filler(entity, context.parse("copy", j))
        if found is None or found.root.pos_ == "PRON":
            continue
        if found[0].lower_ in ("the", "this", "that") and named_before(context, j, entity):
            continue  # "The company said" just after naming it: the same one, referred back to
        content = [t for t in found if not t.is_stop and not t.is_punct]
        names = [t.text for t in content if t.text[:1].isupper()]
        if any(renders(n, unit_words) for n in names):
            continue  # another name of the same sentence ("Okonjo" of "Kaduna Rovers' Okonjo")
        if content and not any(t.lemma_.lower() in original for t in content):
            return j, found
    return None


# ------------------------------------------------------------------ renamed in part


def _renamed(context: AuditContext, unit: Unit, original_words: set[str]) -> list[Flag]:
    """A name of the copy that keeps part of an original name and changes the rest.

    The copy's name shares a word with a name of the original sentence, the
    original name has a word the rendering lacks (not a particle), and the
    copy's name has a capitalised word the original lacks: the rest was
    translated ("Saint Telmo of the Snows" for "San Telmo de las Nieves",
    "Daniel Old Sankale" for "Daniel Ole Sankale") or swapped. A name cut
    short where its words were joined by a hyphen ("Kinga Zaremba" for
    "Kinga Zaremba-Kowal") counts too; a name only shortened ("Suga" for
    "Yoshihide Suga") does not.
    """
    copy_words = text_words(" ".join(context.copy.sentences[j].text for j in unit.copy_ids))
    names = [
        (i, _with_capitalised_neighbours(e, titles=False))
        for i in unit.reference_ids
        for e in context.parse("reference", i).ents
        if is_name(e)
    ]
    return [f for j in unit.copy_ids for f in _renamed_in(context, j, names, original_words, copy_words)]


def _renamed_in(
    context: AuditContext,
    copy_id: int,
    names: list[tuple[int, Span]],
    original_words: set[str],
    copy_words: set[str],
) -> list[Flag]:
    """The names of copy sentence ``copy_id`` that change one of ``names`` (see ``_renamed``)."""
    doc = context.parse("copy", copy_id)
    phrases = [_with_capitalised_neighbours(e) for e in doc.ents if is_name(e)]
    phrases += [run for run in _capitalised_runs(doc) if not any(_overlap(run, p) for p in phrases)]
    flags = []
    for phrase in phrases:
        for i, entity in names:
            how = _how_renamed(
                phrase.text,
                core(entity),
                original_words,
                copy_words,
                one_name=entity.label_ != "NORP" and all(w[:1].isupper() for w in _words(core(entity))),
            )
            if how is None:
                continue
            if phrase.text.isupper():
                phrase = _narrowed(phrase, core(entity))
            flags.append(
                name_flag(
                    "minor" if how.startswith("words joined") else "major",
                    _where(context, copy_id, phrase),
                    i,
                    _trimmed(core(entity)),
                    f"name changed: “{phrase.text}” renders “{entity.text}” (original sentence {i}), {how}",
                )
            )
            break
    return flags


def _how_renamed(
    mine_text: str, their_text: str, original_words: set[str], copy_words: set[str], one_name: bool = True
) -> str | None:
    """How the copy's name ``mine_text`` changed the original's ``their_text``, or None if it renders another
    name or renders this one faithfully (see ``_renamed``)."""
    mine, theirs = _words(mine_text), _words(their_text)
    if parts_swapped(mine_text, their_text):
        return "its parts are in another order"  # "Jae-min" for "Min-jae"
    shared = [(w, t) for w in mine for t in theirs if _same_word(w, t)]
    if not any(zipf(t) < RARE_ZIPF for _, t in shared) and len(shared) < 2:
        return None  # one ordinary word in common ("Ministry") says nothing
    matched = {t for _, t in shared}
    missing = [t for t in theirs if t not in matched and t.lower() not in PARTICLES and not renders(t, copy_words)]
    if not any(zipf(t) < _FOREIGN_ZIPF for t in missing):
        return None  # only ordinary words changed ("Mike" for "Michael", "Medium-Sized" for "Mid-sized")
    new = [w for w in mine if w[:1].isupper() and not _known(fold(w), original_words)]
    spans = [theirs[a:b] for a in range(len(theirs)) for b in range(a + 2, min(a + 4, len(theirs) + 1))]
    joined = [(w, " ".join(run)) for w in mine for run in spans if fold("".join(run)) == fold(w)]
    if joined:
        return "words joined: " + ", ".join(f"“{w}” for “{run}”" for w, run in joined)
    respelled = [
        (w, t) for t in missing for w in mine if w not in {m for m, _ in shared} and OSA.distance(fold(w), fold(t)) <= 1
    ]
    if respelled:
        return "respelled: " + ", ".join(f"“{w}” for “{t}”" for w, t in respelled)
    if new and all(zipf(w) < ORDINARY_ZIPF for w in new):
        return f"“{'”, “'.join(new)}” replace “{'”, “'.join(missing)}”"
    if new:
        return f"translated word by word: “{'”, “'.join(new)}” for “{'”, “'.join(missing)}”"
    # a double-barrelled name cut short; "Bosnian" for "Bosniak-Croat" (two groups) is no cut
    if one_name and any(f"{w}-{m}".lower() in their_text.lower() for _, w in shared for m in missing):
        return f"cut short: “{'”, “'.join(missing)}” is dropped"
    return None  # only shortened ("Suga" for "Yoshihide Suga")


def _parts(name: str) -> tuple[str, ...]:
    """The parts of a name (words, and the pieces of hyphenated words), folded and sorted."""
    return tuple(sorted(fold(w) for w in _words(name)))


def parts_swapped(mine: str, theirs: str) -> bool:
    """Whether two names have the same parts (words, and the pieces of hyphenated words) in another order."""
    a, b = [fold(w) for w in _words(mine)], [fold(w) for w in _words(theirs)]
    return len(a) == len(b) > 1 and a != b and sorted(a) == sorted(b)


def _narrowed(phrase: Span, name: str) -> Span:
    """The words of a phrase in capitals that render ``name``: as many around its words in common as the name has.

    The parser takes a headline in capitals for one long name ("CUT OFF RED POLANA").
    """
    theirs = _words(name)
    common = [k for k, token in enumerate(phrase) if any(_same_word(token.text, t) for t in theirs)]
    if not common:
        return phrase
    matched = next(i for i, t in enumerate(theirs) if _same_word(phrase[common[0]].text, t))
    start = max(0, common[0] - matched)
    end = min(len(phrase), start + max(len(theirs), common[-1] - start + 1))
    return phrase[start:end]


def _capitalised_runs(doc: Doc) -> list[Span]:
    """Runs of two or more capitalised words (not all in capitals), not opening the sentence alone."""
    runs, start = [], None
    for token in [*doc, None]:
        capitalised = token is not None and token.is_alpha and token.text[:1].isupper() and not token.is_upper
        if capitalised and start is None:
            start = token.i
        elif not capitalised and start is not None:
            end = token.i if token is not None else len(doc)
            if end - start >= 2:
                runs.append(doc[start:end])
            start = None
    return runs


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _with_capitalised_neighbours(entity: Span, titles: bool = True) -> Span:
    """The entity with the capitalised words around it that the parser left out.

    Before it: "Mother" of "Mother Zenaga" (with ``titles`` False, only a
    rare word: no "Prosecutor" opening a sentence). After it: "of the Snows"
    of "Saint Telmo of the Snows", a linking word and capitalised words.
    """
    doc, start, end = entity.doc, entity.start, entity.end
    while (
        start > 0
        and doc[start - 1].text[:1].isupper()
        and not doc[start - 1].is_upper  # a headline in capitals is no name
        and doc[start - 1].lower_ not in _OPENERS
        and (titles or zipf(doc[start - 1].text) < RARE_ZIPF)
    ):
        start -= 1
    while start < end and doc[start].lower_ in _OPENERS:
        start += 1
    step = end
    while step < len(doc) and doc[step].lower_ in _LINKS:
        step += 1
    if step > end and step < len(doc) and doc[step].text[:1].isupper():
        end = step
        while end < len(doc) and doc[end].text[:1].isupper() and doc[end].is_alpha:
            end += 1
    return doc[start:end] if start < end else entity


def _trimmed(name: str) -> str:
    """A name without the particles the parser left hanging at its end ("San Telmo de")."""
    words = name.split()
    while len(words) > 1 and words[-1].lower() in PARTICLES:
        words.pop()
    return " ".join(words)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", text.replace("-", " ")) if w and any(ch.isalpha() for ch in w)]


def _known(key: str, words: set[str]) -> bool:
    return key in words or any(len(key) >= 4 and near(key, w) for w in words)


def _same_word(mine: str, theirs: str) -> bool:
    a, b = fold(mine), fold(theirs)
    return len(a) >= 3 and len(b) >= 3 and near(a, b)


# ------------------------------------------------------------------ lowercased


def _lowercased(context: AuditContext, unit: Unit) -> list[Flag]:
    """A proper name of the original sentence that its rendering writes in lowercase ("havbruk nordvik")."""
    flags = []
    for i in unit.reference_ids:
        for entity in context.parse("reference", i).ents:
            name = core(entity)
            if not is_name(entity) or not any(zipf(w) < RARE_ZIPF for w in _words(name)):
                continue
            pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
            for j in unit.copy_ids:
                sentence = context.copy.sentences[j]
                for match in pattern.finditer(sentence.text):
                    if match.group() == name or not match.group()[:1].islower():
                        continue
                    start = sentence.start + match.start()
                    flags.append(
                        name_flag(
                            "minor",
                            (j, start, start + len(match.group()), match.group()),
                            i,
                            name,
                            f"name lowercased: the original writes “{name}” (original sentence {i})",
                        )
                    )
    return flags


# ------------------------------------------------------------------ helpers


def named_before(context: AuditContext, copy_id: int, entity: Span) -> bool:
    """Whether the copy's last few sentences before ``copy_id`` give the name ``entity``: its rare words, all
    (every word, when none is rare).

    "The company said" then refers back to it; "Ghana" alone does not stand
    for "the Ghana Maritime Authority".
    """
    words = text_words(context.copy_before(copy_id))
    name = core(entity)
    parts = [w for w in _words(name) if w.lower() not in PARTICLES]
    rare = [w for w in parts if zipf(w) < RARE_ZIPF] or parts
    return bool(rare) and all(renders(w, words) for w in rare)


def _where(context: AuditContext, copy_id: int, phrase: Span) -> tuple[int, int, int, str]:
    sentence = context.copy.sentences[copy_id]
    return copy_id, sentence.start + phrase.start_char, sentence.start + phrase.end_char, phrase.text


def free(start: int, end: int, flags: list[Flag]) -> bool:
    """True when the span ``[start, end)`` overlaps none of ``flags``: a span is flagged once."""
    return not any(f.start < end and start < f.end for f in flags)


COMMON_ZIPF = 4.5  # a capitalised word this common is no name on its own ("Said")
# A renamed name lost a word rarer than this: a name's own word ("Hanbit", "Ole"), not an English one ("Mike").
_FOREIGN_ZIPF = 4.0

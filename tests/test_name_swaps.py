"""Words of a name swapped for ordinary words: by whom (a spinner, or a translator), and titles as names.

Every text here is made up. Each rule has a garbled case that must be flagged major and a faithful
case that must stay minor or unflagged.
"""

from __future__ import annotations

import pytest

from mtqa import audit
from mtqa.detectors.name_renderings import judge_word, sentence_names
from mtqa.detectors.spinning import SPUN_RATE, swap_rate
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.types import Word, WordAlignment, WordLink
from tests.conftest import audited_names, make_context

# A story and a copy of it that swaps a word for a synonym every sentence or so, the words around kept.
STORY = (
    "The band played a relatively quiet set at Harlow Town Hall on Friday night. "
    "The venue has a capacity of about 9,000 people and sold out quickly. "
    "Fans said the show was a big success despite the heavy rain. "
    "The singer thanked the crowd and promised to return next year. "
    "Tickets for the next tour will go on sale at the end of the month."
)
SPUN = (
    "The band played a comparatively quiet set at Harlow Town Corridor on Friday night. "
    "The venue has a capability of about 9,000 people and sold out rapidly. "
    "Fans said the show was a large success despite the heavy rainfall. "
    "The singer thanked the viewers and promised to return subsequent year. "
    "Tickets for the next tour will go on sale at the finish of the month."
)


def test_in_a_spun_copy_a_word_of_a_name_swapped_is_major(real_embedder: SentenceTransformerEmbedder) -> None:
    assert audited_names(STORY, SPUN, real_embedder) == [("Corridor", "Hall", "major")]
    # the same swap in a copy that keeps every other word: a translator's choice as often, minor
    faithful = STORY.replace("Town Hall", "Town Corridor")
    assert audited_names(STORY, faithful, real_embedder) == [("Corridor", "Hall", "minor")]


def test_a_surname_swapped_for_an_ordinary_word_is_major(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "The singer Dana Rivers thanked her fans after the show. She will tour in spring."
    copy = "The singer Dana Streams thanked her fans after the show. She will tour in spring."
    assert audited_names(original, copy, real_embedder) == [("Streams", "Rivers", "major")]
    # an ordinary word of a body's name put in other words: what translators do, minor
    original = "The Ministry of Finance published the figures on Monday. The deficit fell."
    copy = "The Ministry of Economy published the figures on Monday. The deficit fell."
    assert audited_names(original, copy, real_embedder) == [("Economy", "Finance", "minor")]


def test_a_word_the_copy_adds_inside_a_title_does_not_hide_the_swap(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    # "time" renders no word: the title's last word is still judged, not called a shortened form
    original = "The band closed the night with its single ‘Early Morning Running’ and left the stage."
    copy = "The band closed the night with its single ‘Early Morning time Jogging’ and left the stage."
    assert audited_names(original, copy, real_embedder) == [("Jogging", "Running", "minor")]
    shortened = "The band closed the night with its single ‘Early Morning’ and left the stage."
    assert audited_names(original, shortened, real_embedder) == []


def _link(unit: int, ref: tuple[int, str], copy: tuple[int, str], match: str) -> WordLink:
    return WordLink(
        unit,
        Word(0, ref[0], ref[0] + len(ref[1]), ref[1]),
        Word(0, copy[0], copy[0] + len(copy[1]), copy[1]),
        1.0,
        match,
    )


def test_swap_rate_counts_one_for_one_swaps_between_kept_words() -> None:
    # "a relatively quiet set" / "a comparatively quiet set": one swap among four words
    links = [
        _link(0, (0, "a"), (0, "a"), "exact"),
        _link(0, (2, "relatively"), (2, "comparatively"), "embedding"),
        _link(0, (13, "quiet"), (16, "quiet"), "exact"),
        _link(0, (19, "set"), (22, "set"), "exact"),
    ]
    assert swap_rate(WordAlignment(tuple(links))) == pytest.approx(25.0)
    # the same words, but the copy moved the swapped word out from between them: no swap
    moved = [*links[:1], _link(0, (2, "relatively"), (30, "comparatively"), "embedding"), *links[2:]]
    assert swap_rate(WordAlignment(tuple(moved))) == 0.0
    # a function word put in other words ("in" / "within") says nothing of a spinner
    function = [*links[:1], _link(0, (2, "in"), (2, "within"), "embedding"), *links[2:]]
    assert swap_rate(WordAlignment(tuple(function))) == 0.0
    assert SPUN_RATE > 0


def test_a_title_of_ordinary_words_is_one_name() -> None:
    original = "Her new film, Only One Night In Paris, opens on Friday. We will see it."
    context = make_context(original, original)
    # "Only" stands at the run's edge, where a capitalised common word may be a sentence's ("Apple Are up")
    assert [n.text(original) for n in sentence_names(context, 0)] == ["One Night In Paris"]
    # a very common word capitalised because it opens the sentence is no name
    assert [n.text(original) for n in sentence_names(context, 1)] == []
    # nor one at the edge of a name ("Are" after "Apple"), nor the words of a title-case headline
    shares = "Shares of Apple Are up again.\n\nPolice Say The Man Was Arrested In Paris\n\nThe man was held."
    context = make_context(shares, shares)
    assert [n.text(shares) for i in range(2) for n in sentence_names(context, i)][:1] == ["Apple"]
    assert not any(" Was " in n.text(shares) for n in sentence_names(context, 1))


@pytest.mark.parametrize(
    ("original", "copy", "expected"),
    [
        # a local form with its own letters against another form: a translator's choice
        ("Vysočinský", "Vysocina", ("another form", "minor")),
        ("Zlatohorsko", "Zlaté", ("another form", "minor")),
        # a respelling of an unaccented name stays a mangling
        ("Vrbensko", "Vrbno", ("mangled", "major")),
        # two names of other stems, one accented: another name, not a local form
        ("Brněnský", "Bratislavský", ("replaced", "major")),
        # an accent says nothing of a word of another stem: it is another name
        ("Wiśniewski", "Kowalczyk", ("replaced", "major")),
    ],
)
def test_a_local_form_written_with_its_own_letters_is_another_form(
    original: str, copy: str, expected: tuple[str, str]
) -> None:
    assert judge_word(original, copy, 0.0, "position")[:2] == expected


def test_a_name_described_in_its_slot_is_a_minor_omission(real_embedder: SentenceTransformerEmbedder) -> None:
    original = (
        "In a radio interview on Monday, regional governor Anna Weller called for calm after the storm. "
        "Crews worked overnight."
    )
    described = original.replace("regional governor Anna Weller", "the acting governor")
    flags = audit(original, described, embedder=real_embedder, detectors=["name", "omission"]).flags
    assert [(f.kind, f.severity, f.text) for f in flags.itertuples()] == [("omission", "minor", "the acting governor")]
    # nothing in the slot at all: the person is dropped, major
    dropped = original.replace("regional governor Anna Weller called for calm", "calm was called for")
    flags = audit(original, dropped, embedder=real_embedder, detectors=["name", "omission"]).flags
    assert [(f.kind, f.severity) for f in flags.itertuples()] == [("omission", "major")]


def test_a_role_or_place_moved_around_a_name_is_no_reordering(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "Colonel Martin Hale of the State Police said the road was closed. Crews worked overnight."
    moved = "State Police Colonel Martin Hale said the road was closed. Crews worked overnight."
    assert audited_names(original, moved, real_embedder) == []
    # the name's own words in another order still are
    original = "The envoy Martin Hale said the road was closed. Crews worked overnight."
    swapped = "The envoy Hale Martin said the road was closed. Crews worked overnight."
    assert audited_names(original, swapped, real_embedder) == [("Hale Martin", "Martin Hale", "minor")]


def test_a_role_word_before_a_person_put_in_other_words_is_no_name_error(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    original = "Ousted Freedonia Prime Minister Karen Holt was arrested on Tuesday. Her party called for protests."
    assert audited_names(original, original.replace("Ousted", "Former"), real_embedder) == []
    assert audited_names(original, original.replace("Holt", "Streams"), real_embedder) == [("Streams", "Holt", "minor")]


@pytest.mark.parametrize(
    ("original", "copy", "person", "expected"),
    [
        # a few of a word's letters, its first first: an abbreviation
        ("Instagram", "Ig", False, ("variant", None)),
        ("Instagram", "Gi", False, ("swapped", "minor")),
        ("Post", "Pot", False, ("swapped", "minor")),  # a word itself: a swap, not an abbreviation
        # two spellings of one English word in a body's name; a person's name respelt is not that
        ("Organization", "Organisation", False, ("variant", None)),
        ("Post", "Past", False, ("transliterated", "minor")),  # one sound key, but two words
        ("Allan", "Alan", True, ("transliterated", "minor")),
        ("Allan", "Alan", False, ("transliterated", "minor")),  # names, rarer than ordinary words
    ],
)
def test_abbreviations_and_spellings_of_one_word(
    original: str, copy: str, person: bool, expected: tuple[str, str | None]
) -> None:
    assert judge_word(original, copy, 0.0, "position", person)[:2] == expected

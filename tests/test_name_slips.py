"""Name renderings that are not errors, or small ones: a space or hyphen more or less, and look-alike
letters of another script.

Every text here is made up. Each rule has a faithful case that used to be flagged (or flagged major)
and a garbled case that must still be flagged.
"""

from __future__ import annotations

from mtqa import audit
from mtqa.embed.torch import SentenceTransformerEmbedder
from mtqa.nlp.lexicon import lookalikes, same_but_lookalikes


def flags_of(
    original: str, copy: str, embedder: SentenceTransformerEmbedder, kinds: tuple[str, ...] = ("name",)
) -> list[tuple[str, str, str, str]]:
    flags = audit(original, copy, embedder=embedder).flags
    return [(f.kind, f.text, f.suggestion, f.severity) for f in flags.itertuples() if f.kind in kinds]


def test_a_name_split_or_joined_differently_is_a_variant(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "The label Star Gate issued a statement on Monday. Star Gate said the tour would go ahead."
    joined = "The label StarGate issued a statement on Monday. StarGate said the tour would go ahead."
    assert flags_of(original, joined, real_embedder) == []
    hyphen = "The singer Mary-Jo Brenner thanked her fans. She will tour in spring."
    assert flags_of(hyphen, hyphen.replace("Mary-Jo", "Mary Jo"), real_embedder) == []
    # one word of the name broken in pieces, as machine translation breaks a word it does not know
    original = "The envoy Dana Kovalenkov arrived in the capital on Monday. Kovalenkov met the minister."
    broken = "The envoy Dana Koval Enkov arrived in the capital on Monday. Koval Enkov met the minister."
    assert {(f[1], f[2], f[3]) for f in flags_of(original, broken, real_embedder)} == {
        ("Koval Enkov", "Kovalenkov", "minor")
    }
    # parts run together so that one no longer shows where it starts: the capital is lost
    original = "The ferry left Port Haven on Monday with 300 passengers. Port Haven officials said the sea was calm."
    assert flags_of(original, original.replace("Port Haven", "PortHaven"), real_embedder) == []
    run_together = original.replace("Port Haven", "Porthaven")
    assert {f[1:] for f in flags_of(original, run_together, real_embedder)} == {("Porthaven", "Port Haven", "minor")}
    original = "The label Star Gate issued a statement on Monday. Star Gate said the tour would go ahead."
    # letters changed as well as the spacing: still a respelling
    garbled = "The label Stargote issued a statement on Monday. Stargote said the tour would go ahead."
    assert [f[1] for f in flags_of(original, garbled, real_embedder)] == ["Stargote", "Stargote"]


def test_lookalike_letters_are_found_by_their_script() -> None:
    assert lookalikes("Moпday") == "п"  # a Cyrillic letter among Latin ones
    assert lookalikes("Москва") == "" and lookalikes("Görlitz") == ""  # one script each
    assert same_but_lookalikes("Monday", "Moпday") and same_but_lookalikes("Sunday’s", "Sυпday’s")
    assert not same_but_lookalikes("Monday", "Moпdax")


def test_lookalike_letters_draw_one_minor_flag(real_embedder: SentenceTransformerEmbedder) -> None:
    original = "Officials said on Monday that Mayor Dana Rivers will open the Harlow Fair in Kansas City."
    copy = "Officials said on Moпday that Mayor Dana Rivers will open the Harlow Fair in Kaпsas City."
    flags = flags_of(original, copy, real_embedder, ("name", "spelling"))
    # the name's flag shows the name; an ordinary word's is a spelling flag; never two on one word
    assert sorted(flags) == [
        ("name", "Kaпsas", "Kansas", "minor"),
        ("spelling", "Moпday", "Monday", "minor"),
    ]
    # the same words in Latin letters: nothing to flag
    assert flags_of(original, original, real_embedder, ("name", "spelling")) == []
